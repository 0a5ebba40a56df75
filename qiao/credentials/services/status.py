"""Revocation and suspension. Revocation is final; suspension can be lifted.

Each change updates the credential's status columns (the only ones that may change), re-signs
the affected status list(s) in the same transaction, and is audited. Asking for what is already
so (revoking twice, suspending a suspended credential) is refused with a clear message.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core.types import Actor
from qiao.credentials.models import Credential, CredentialState, StatusPurpose
from qiao.credentials.services._common import audit
from qiao.credentials.services.publishing import status_list_publish

MAX_REASON = 300


def _change(
    *, actor: Actor, credential: Credential, to: str, reason: str, action: str
) -> Credential:
    locked = Credential.objects.select_for_update().select_related("issuer").get(pk=credential.pk)
    before = locked.status
    if before == CredentialState.REVOKED:
        raise ValidationError(_("This credential is revoked; its status cannot change any more."))
    if to == CredentialState.ACTIVE and before != CredentialState.SUSPENDED:
        raise ValidationError(_("Only a suspended credential can be reinstated."))
    if before == to:
        raise ValidationError(
            _("This credential is already %(status)s.")
            % {"status": str(locked.get_status_display()).lower()}
        )
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": [_("At most %(n)d characters.") % {"n": MAX_REASON}]})
    locked.status = to
    locked.status_reason = reason
    locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "status_reason", "status_changed_at"])
    purposes = set()
    if CredentialState.REVOKED in (before, to):
        purposes.add(StatusPurpose.REVOCATION)
    if CredentialState.SUSPENDED in (before, to):
        purposes.add(StatusPurpose.SUSPENSION)
    for purpose in sorted(purposes):
        status_list_publish(issuer=locked.issuer, purpose=purpose, number=locked.status_list)
    audit(
        actor=actor,
        action=action,
        instance=locked,
        organisation=locked.organisation_id,
        changes={"status": [before, to], "reason": ["", reason]},
    )
    credential.status = locked.status
    credential.status_reason = locked.status_reason
    credential.status_changed_at = locked.status_changed_at
    return locked


@transaction.atomic
def credential_revoke(*, actor: Actor, credential: Credential, reason: str = "") -> Credential:
    """Revoke for good (a suspended credential too)."""
    return _change(
        actor=actor,
        credential=credential,
        to=CredentialState.REVOKED,
        reason=reason,
        action="credentials.credential.revoke",
    )


@transaction.atomic
def credential_suspend(*, actor: Actor, credential: Credential, reason: str = "") -> Credential:
    return _change(
        actor=actor,
        credential=credential,
        to=CredentialState.SUSPENDED,
        reason=reason,
        action="credentials.credential.suspend",
    )


@transaction.atomic
def credential_unsuspend(*, actor: Actor, credential: Credential, reason: str = "") -> Credential:
    return _change(
        actor=actor,
        credential=credential,
        to=CredentialState.ACTIVE,
        reason=reason,
        action="credentials.credential.unsuspend",
    )
