"""The documents an offline verifier needs, at stable URLs:

- each issuer's controller document (did:web), listing every key it ever signed with;
- the alliance's trust list (/credentials/trust-list.json), signed with eddsa-jcs-2022 by the
  alliance key, naming every issuer of the instance with all their keys;
- each issuer's Bitstring Status Lists (/credentials/status/<slug>/<purpose>/<n>.json), signed
  by the issuer, re-signed when an entry changes.

Signed documents are stored as published and served from the database without re-signing.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from qiao.credentials import conf
from qiao.credentials.models import (
    Credential,
    CredentialState,
    Issuer,
    PublishedDocument,
    SigningKey,
    StatusList,
    StatusPurpose,
)
from qiao.vc import (
    EDDSA_JCS_2022,
    MIN_ENTRIES,
    TrustedIssuer,
    VerificationMethod,
    build_status_list_credential,
    build_trust_list,
    controller_document,
    decode_public_key_multibase,
    sign,
)
from qiao.vc import StatusList as Bitstring

TRUST_LIST_KEY = "trust-list"


# --- Addresses ----------------------------------------------------------------------------------


def absolute(path: str) -> str:
    return conf.site_url() + path


def trust_list_url() -> str:
    return absolute(reverse("credentials:trust_list"))


def status_list_url(*, slug: str, purpose: str, number: int) -> str:
    return absolute(
        reverse(
            "credentials:status_list",
            kwargs={"slug": slug, "purpose": purpose, "number": number},
        )
    )


def status_list_prefix() -> str:
    """Every status list URL of this instance starts with this."""
    return absolute(reverse("credentials:trust_list").rsplit("/", 1)[0] + "/status/")


def verify_url(credential_id: Any) -> str:
    return absolute(reverse("credentials_public:credential", args=[credential_id]))


def share_url(token: str) -> str:
    return absolute(reverse("credentials_public:share", args=[token]))


def entry_of(index: int) -> tuple[int, int]:
    """(list number from 1, position in the list) of an issuer-wide status entry."""
    return index // MIN_ENTRIES + 1, index % MIN_ENTRIES


# --- Controller documents -----------------------------------------------------------------------


def verification_method(key: SigningKey, did: str) -> VerificationMethod:
    return VerificationMethod(
        id=key.method_id,
        controller=did,
        public_key=decode_public_key_multibase(key.public_key_multibase),
    )


def issuer_controller_document(issuer: Issuer) -> dict[str, Any]:
    """The did:web document: every key of the issuer, active and retired, may assert."""
    keys = list(issuer.keys.order_by("created_at", "id"))
    return controller_document(issuer.did, [verification_method(k, issuer.did) for k in keys])


# --- Trust list ---------------------------------------------------------------------------------


def trust_list_publish() -> PublishedDocument:
    """Re-sign the trust list: every organisation issuer with every key it has had."""
    from qiao.credentials.services.issuers import active_key, alliance_ensure, keypair

    with transaction.atomic():
        alliance = alliance_ensure()
        issuers = Issuer.objects.filter(is_alliance=False).prefetch_related("keys")
        entries = [
            TrustedIssuer(
                id=issuer.did,
                name=issuer.name,
                url=issuer.url or None,
                methods=tuple(
                    verification_method(k, issuer.did)
                    for k in sorted(issuer.keys.all(), key=lambda k: (k.created_at, k.pk))
                ),
            )
            for issuer in issuers.order_by("slug")
        ]
        now = timezone.now().replace(microsecond=0)
        until = now + dt.timedelta(days=conf.TRUST_LIST_VALID_DAYS)
        document = build_trust_list(
            id=trust_list_url(),
            name=alliance.name,
            issuer=alliance.did,
            issuer_name=alliance.name,
            issuer_methods=[verification_method(k, alliance.did) for k in alliance.keys.all()],
            issuers=entries,
            valid_from=now,
            valid_until=until,
        )
        signed = sign(document, keypair(active_key(alliance)), cryptosuite=EDDSA_JCS_2022)
        published, _created = PublishedDocument.objects.update_or_create(
            key=TRUST_LIST_KEY,
            defaults={
                "content": json.dumps(signed, ensure_ascii=False, indent=2),
                "valid_until": until,
            },
        )
    return published


def trust_list_current() -> str:
    """The published trust list; re-signed first if missing or older than the refresh period,
    so that it never reaches verifiers close to its validUntil."""
    published = PublishedDocument.objects.filter(key=TRUST_LIST_KEY).first()
    fresh_until = timezone.now() + dt.timedelta(
        days=conf.TRUST_LIST_VALID_DAYS - conf.TRUST_LIST_REFRESH_DAYS
    )
    if published is None or published.valid_until is None or published.valid_until < fresh_until:
        published = trust_list_publish()
    return published.content


def alliance_anchors() -> list[str]:
    """The alliance's public keys: what a verifier pins the trust list to."""
    alliance = Issuer.objects.filter(is_alliance=True).first()
    if alliance is None:
        return []
    keys = alliance.keys.order_by("created_at", "id")
    return list(keys.values_list("public_key_multibase", flat=True))


# --- Status lists -------------------------------------------------------------------------------


def status_list_publish(*, issuer: Issuer, purpose: str, number: int) -> StatusList:
    """Rebuild list `number` of `purpose` from the credentials' statuses and sign it with the
    issuer's active key. Set bits: revoked credentials (revocation list), suspended ones
    (suspension list)."""
    from qiao.credentials.services.issuers import active_key, keypair

    state = (
        CredentialState.REVOKED
        if purpose == StatusPurpose.REVOCATION
        else CredentialState.SUSPENDED
    )
    bits_set = Credential.objects.filter(
        issuer=issuer, status_list=number, status=state
    ).values_list("status_index", flat=True)
    bits = Bitstring(MIN_ENTRIES)
    for index in bits_set:
        bits.set(index)
    url = status_list_url(slug=issuer.slug, purpose=purpose, number=number)
    document = build_status_list_credential(
        id=url,
        issuer=issuer.did,
        status_list=bits,
        status_purpose=purpose,
        valid_from=timezone.now().replace(microsecond=0),
    )
    signed = sign(document, keypair(active_key(issuer)))
    record, _created = StatusList.objects.update_or_create(
        issuer=issuer,
        purpose=purpose,
        number=number,
        defaults={"document": json.dumps(signed, ensure_ascii=False)},
    )
    return record


def status_lists_ensure(*, issuer: Issuer, numbers: set[int]) -> None:
    """Publish empty lists for list numbers first used (both purposes)."""
    existing = set(
        StatusList.objects.filter(issuer=issuer, number__in=numbers).values_list(
            "purpose", "number"
        )
    )
    for number in sorted(numbers):
        for purpose in StatusPurpose.values:
            if (purpose, number) not in existing:
                status_list_publish(issuer=issuer, purpose=purpose, number=number)


def status_list_for_url(url: str) -> dict[str, Any] | None:
    """Our own published status list at `url` (read from the database, never over HTTP)."""
    prefix = status_list_prefix()
    if not isinstance(url, str) or not url.startswith(prefix) or not url.endswith(".json"):
        return None
    parts = url[len(prefix) : -len(".json")].split("/")
    if len(parts) != 3 or not parts[2].isdigit() or len(parts[2]) > 9:
        return None
    slug, purpose, number = parts[0], parts[1], int(parts[2])
    record = StatusList.objects.filter(issuer__slug=slug, purpose=purpose, number=number).first()
    if record is None:
        return None
    data: dict[str, Any] = json.loads(record.document)
    return data
