"""Who may see and do what with credentials. Built on qiao.core.permissions; every view, API
endpoint and selector of this app asks here.

- Coordinators and administrators of an issuing organisation (and platform administrators)
  manage its issuer and keys, achievements, schemes, sessions, results, issuance, revocation.
- A student sees only their own credentials (the wallet), found through the Person linked to
  their account, never by email.
- Enterprises see nothing of students' credentials here (later: through placements and the
  talent pool, with the student's consent).
- Anyone, without an account: the public verification page and the published documents
  (controller documents, status lists, trust list).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from qiao.core import permissions as perms
from qiao.core.models import Organisation, Role


def managed_organisation_ids(viewer: Any) -> list[int]:
    """Organisations whose credentials the viewer manages (coordinator or admin)."""
    return perms.organisation_ids(viewer, Role.COORDINATOR)


def can_manage_credentials(viewer: Any, organisation: Organisation | int | None) -> bool:
    if perms.is_platform_admin(viewer):
        return True
    return organisation is not None and perms.has_role(viewer, organisation, Role.COORDINATOR)


def can_use_management(viewer: Any) -> bool:
    """The management pages: for anyone who manages at least one organisation's credentials."""
    return perms.is_platform_admin(viewer) or bool(managed_organisation_ids(viewer))


def has_wallet(viewer: Any) -> bool:
    """Anyone with an account linked to a Person has a wallet (it may be empty)."""
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return False
    from qiao.core.models import Person

    return Person.objects.filter(user=viewer).exists()


def credential_scope(viewer: Any) -> Q | None:
    """A Q over Credential of what the viewer may see; None means everything."""
    if perms.is_platform_admin(viewer):
        return None
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return Q(pk__in=[])
    q = Q(person__user=viewer)
    managed = managed_organisation_ids(viewer)
    if managed:
        q |= Q(organisation_id__in=managed)
    return q


def organisation_scope(viewer: Any, field: str = "organisation_id") -> Q | None:
    """A Q over an organisation-owned model (achievement, scheme, session) the viewer manages."""
    if perms.is_platform_admin(viewer):
        return None
    return Q(**{f"{field}__in": managed_organisation_ids(viewer)})


def can_manage_credential(viewer: Any, credential: Any) -> bool:
    return can_manage_credentials(viewer, credential.organisation_id)


def is_holder(viewer: Any, credential: Any) -> bool:
    user_id = getattr(viewer, "pk", None)
    return (
        user_id is not None
        and getattr(viewer, "is_active", False)
        and credential.person.user_id == user_id
    )
