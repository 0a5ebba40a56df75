"""Share links: a holder shows one credential to someone without an account."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core.types import Actor
from qiao.credentials.models import Credential, ShareLink
from qiao.credentials.services._common import audit, user_or_none

MAX_ACTIVE_LINKS = 20


@transaction.atomic
def share_link_create(*, actor: Actor, credential: Credential, label: str = "") -> ShareLink:
    """A new link with a random 256-bit token (unguessable: a wrong token is a 404)."""
    label = (label or "").strip()
    if len(label) > 100:
        raise ValidationError({"label": [_("At most 100 characters.")]})
    if credential.shares.filter(revoked_at__isnull=True).count() >= MAX_ACTIVE_LINKS:
        raise ValidationError(
            _("At most %(n)d active links per credential: revoke one first.")
            % {"n": MAX_ACTIVE_LINKS}
        )
    link = ShareLink.objects.create(
        credential=credential,
        token=secrets.token_urlsafe(32),
        label=label,
        created_by=user_or_none(actor),
    )
    audit(
        actor=actor,
        action="credentials.share.create",
        instance=link,
        organisation=credential.organisation_id,
        changes={"credential": [None, str(credential.pk)]},
    )
    return link


@transaction.atomic
def share_link_revoke(*, actor: Actor, link: ShareLink) -> ShareLink:
    locked = ShareLink.objects.select_for_update().get(pk=link.pk)
    if locked.revoked_at is not None:
        raise ValidationError(_("This link was already revoked."))
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit(
        actor=actor,
        action="credentials.share.revoke",
        instance=locked,
        organisation=locked.credential.organisation_id,
        changes={"revoked_at": [None, locked.revoked_at]},
    )
    return locked
