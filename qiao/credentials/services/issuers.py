"""Issuers and their keys: create, rotate, unwrap for signing.

A new issuer gets one Ed25519 key at once. Rotation retires the active key (it stays in the
controller document and on the trust list, so what it signed keeps verifying) and makes a new
one the signing key. Private keys exist in clear only in memory, while signing.
"""

from __future__ import annotations

import os

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from qiao.core.models import Organisation
from qiao.core.types import Actor
from qiao.credentials import conf, crypto
from qiao.credentials.models import Issuer, SigningKey
from qiao.credentials.services._common import audit
from qiao.vc import KeyPair, did_web_from_domain

ALLIANCE_SLUG = "alliance"
RESERVED_SLUGS = frozenset({ALLIANCE_SLUG, "well-known"})


def organisation_display(organisation: Organisation) -> str:
    """The issuer name credentials carry: the English name and, if different, the local one."""
    names = [organisation.name_en, organisation.name_local, organisation.name]
    unique = [n for i, n in enumerate(names) if n and n not in names[:i]]
    return " ".join(unique[:2]) or organisation.name


def _free_slug(base: str) -> str:
    base = (slugify(base)[:50] or "issuer").strip("-") or "issuer"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Issuer.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _new_key(issuer: Issuer, key_name: str) -> SigningKey:
    seed = os.urandom(32)
    pair = KeyPair.from_seed(seed, controller=issuer.did, key_id=f"{issuer.did}#{key_name}")
    wrapped, kek = crypto.wrap_secret(seed, key_id=pair.id)
    return SigningKey.objects.create(
        issuer=issuer,
        key_name=key_name,
        method_id=pair.id,
        public_key_multibase=pair.public_key_multibase,
        secret_wrapped=wrapped,
        kek_id=kek,
    )


@transaction.atomic
def issuer_ensure(*, actor: Actor, organisation: Organisation) -> Issuer:
    """The organisation's issuer, created (with its first key) if it has none yet.

    Raises crypto.KeyEncryptionError in production without CREDENTIALS_KEK."""
    existing = Issuer.objects.filter(organisation=organisation).first()
    if existing is not None:
        return existing
    crypto.current_kek()  # refuse before writing anything
    base = organisation.short_name or organisation.name_en or organisation.name
    slug = _free_slug(base if slugify(base) else f"org-{organisation.pk}")
    issuer = Issuer.objects.create(
        organisation=organisation,
        slug=slug,
        did=did_web_from_domain(f"{conf.site_host()}/issuers/{slug}"),
        name=organisation_display(organisation)[:300],
        url=organisation.website,
    )
    key = _new_key(issuer, "key-1")
    audit(
        actor=actor,
        action="credentials.issuer.create",
        instance=issuer,
        organisation=organisation,
        changes={"did": [None, issuer.did], "key": [None, key.method_id]},
    )
    _publish_trust_list()
    return issuer


@transaction.atomic
def alliance_ensure() -> Issuer:
    """The alliance issuer (did:web:<host>), which signs the trust list."""
    existing = Issuer.objects.filter(is_alliance=True).first()
    if existing is not None:
        return existing
    crypto.current_kek()
    try:
        with transaction.atomic():
            issuer = Issuer.objects.create(
                is_alliance=True,
                slug=ALLIANCE_SLUG,
                did=did_web_from_domain(conf.site_host()),
                name=conf.alliance_name()[:300],
                url=conf.site_url(),
            )
    except IntegrityError:  # created meanwhile by another process
        return Issuer.objects.get(is_alliance=True)
    key = _new_key(issuer, "key-1")
    audit(
        actor=None,
        action="credentials.issuer.create",
        instance=issuer,
        changes={"did": [None, issuer.did], "key": [None, key.method_id]},
    )
    return issuer


@transaction.atomic
def key_rotate(*, actor: Actor, issuer: Issuer) -> SigningKey:
    """Retire the active key and make a new one the signing key; publish both."""
    crypto.current_kek()
    issuer = Issuer.objects.select_for_update().get(pk=issuer.pk)
    now = timezone.now()
    old = issuer.keys.filter(is_active=True).first()
    if old is not None:
        old.is_active = False
        old.retired_at = now
        old.save(update_fields=["is_active", "retired_at"])
    number = issuer.keys.count() + 1
    while issuer.keys.filter(key_name=f"key-{number}").exists():
        number += 1
    key = _new_key(issuer, f"key-{number}")
    audit(
        actor=actor,
        action="credentials.key.rotate",
        instance=issuer,
        organisation=issuer.organisation_id,
        changes={"active_key": [old.method_id if old else None, key.method_id]},
    )
    _publish_trust_list()
    return key


def active_key(issuer: Issuer) -> SigningKey:
    key = issuer.keys.filter(is_active=True).first()
    if key is None:
        raise ValidationError(_("The issuer %(issuer)s has no active key.") % {"issuer": issuer})
    return key


def keypair(key: SigningKey) -> KeyPair:
    """The usable key pair (decrypted with the KEK). Raises crypto.KeyEncryptionError."""
    seed = crypto.unwrap_secret(key.secret_wrapped, key_id=key.method_id, wrapped_with=key.kek_id)
    pair = KeyPair.from_seed(seed, controller=key.issuer.did, key_id=key.method_id)
    if pair.public_key_multibase != key.public_key_multibase:
        raise crypto.KeyEncryptionError(f"The stored key {key.method_id} does not match.")
    return pair


def _publish_trust_list() -> None:
    """Re-sign the trust list in the same transaction: what it lists changed."""
    from qiao.credentials.services.publishing import trust_list_publish

    trust_list_publish()
