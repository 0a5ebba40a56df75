"""Who may see and change agreements. Built on qiao.core.permissions; every view, API endpoint
and selector of this app asks here.

- The parties see their agreements: any member of a party organisation reads everything of it
  (commitments, KPIs, documents, contributions, the timeline); a person who is a party (the
  student of a three-party internship agreement) reads their own.
- Coordinators and administrators of a party organisation edit it: terms, parties before
  signature, signatories, commitments, documents, contributions, events and lifecycle steps.
- Platform administrators may do everything.
- Nobody else sees anything of an agreement: not in lists, counts, exports, the API, dashboard
  aggregates or file downloads. Out-of-scope agreements answer 404, so existence does not leak.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from qiao.core import permissions as perms
from qiao.core.models import Role


def agreement_scope(viewer: Any) -> Q | None:
    """A Q over Agreement of what the viewer may see; None means everything."""
    from qiao.agreements.models import Party

    if perms.is_platform_admin(viewer):
        return None
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return Q(pk__in=[])
    orgs = perms.organisation_ids(viewer)
    parties = Q(person__user=viewer)
    if orgs:
        parties |= Q(organisation_id__in=orgs)
    return Q(pk__in=Party.objects.filter(parties).values("agreement_id"))


def _party_org_ids(agreement: Any) -> set[int]:
    """Organisation ids of the parties, cached on the instance (prefetched parties are used)."""
    cached = getattr(agreement, "_party_org_ids", None)
    if cached is None:
        cached = {p.organisation_id for p in agreement.parties.all() if p.organisation_id}
        agreement._party_org_ids = cached
    return cached


def _party_person_user_ids(agreement: Any) -> set[int]:
    return {
        p.person.user_id
        for p in agreement.parties.all()
        if p.person_id is not None and p.person.user_id is not None
    }


def can_use_agreements(viewer: Any) -> bool:
    """The agreements pages are for members of any organisation (and platform admins)."""
    return perms.is_platform_admin(viewer) or bool(perms.organisation_ids(viewer))


def can_view_agreement(viewer: Any, agreement: Any) -> bool:
    if perms.is_platform_admin(viewer):
        return True
    if any(perms.role_in(viewer, org) for org in _party_org_ids(agreement)):
        return True
    user_id = getattr(viewer, "pk", None)
    return user_id is not None and user_id in _party_person_user_ids(agreement)


def can_edit_agreement(viewer: Any, agreement: Any) -> bool:
    """Coordinators and administrators of a party organisation, and platform admins."""
    if perms.is_platform_admin(viewer):
        return True
    return any(perms.has_role(viewer, org, Role.COORDINATOR) for org in _party_org_ids(agreement))


def can_create_agreement(viewer: Any) -> bool:
    """Anyone who coordinates an organisation (which must then be one of the parties)."""
    return perms.is_platform_admin(viewer) or bool(perms.organisation_ids(viewer, Role.COORDINATOR))


def can_create_agreement_between(viewer: Any, organisation_ids: Iterable[int]) -> bool:
    """A coordinator may only make agreements their own organisation is party to: no one
    records a cooperation between two strangers."""
    if perms.is_platform_admin(viewer):
        return True
    mine = set(perms.organisation_ids(viewer, Role.COORDINATOR))
    return bool(mine & set(organisation_ids))


def can_transition(viewer: Any, agreement: Any) -> bool:
    return can_edit_agreement(viewer, agreement)


def can_manage_areas(viewer: Any) -> bool:
    """The taxonomy of cooperation areas is the platform's, kept by platform admins."""
    return perms.is_platform_admin(viewer)


# --- Committees (part B) ----------------------------------------------------------------------
#
# A committee is narrower than its agreements: its members see it, the coordinators (and
# administrators) of the party organisations of its agreements see and manage it, platform
# admins see everything. A party's other members (teachers, mentors, students) do not see it
# unless they sit on it. Out of scope answers 404.


def committee_scope(viewer: Any) -> Q | None:
    """A Q over Committee of what the viewer may see; None means everything."""
    from qiao.agreements.models import Committee, CommitteeMember, Party

    if perms.is_platform_admin(viewer):
        return None
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return Q(pk__in=[])
    q = Q(pk__in=CommitteeMember.objects.filter(person__user=viewer).values("committee_id"))
    managed = perms.organisation_ids(viewer, Role.COORDINATOR)
    if managed:
        agreements = Party.objects.filter(organisation_id__in=managed).values("agreement_id")
        q |= Q(
            pk__in=Committee.agreements.through.objects.filter(agreement_id__in=agreements).values(
                "committee_id"
            )
        )
    return q


def _committee_org_ids(committee: Any) -> set[int]:
    cached = getattr(committee, "_party_org_ids", None)
    if cached is None:
        from qiao.agreements.models import Party

        cached = set(
            Party.objects.filter(
                agreement__committees=committee, organisation__isnull=False
            ).values_list("organisation_id", flat=True)
        )
        committee._party_org_ids = cached
    return cached


def can_manage_committee(viewer: Any, committee: Any) -> bool:
    """Coordinators and administrators of a party organisation of one of the committee's
    agreements, and platform admins: members, meetings, minutes, decisions, action items."""
    if perms.is_platform_admin(viewer):
        return True
    return any(
        perms.has_role(viewer, org, Role.COORDINATOR) for org in _committee_org_ids(committee)
    )


def can_create_committee(viewer: Any, agreements: Iterable[Any]) -> bool:
    """Setting up a committee takes the right to edit every agreement it will steer."""
    chosen = list(agreements)
    return bool(chosen) and all(can_edit_agreement(viewer, a) for a in chosen)


def can_update_action_item(viewer: Any, item: Any, committee: Any) -> bool:
    """Its owner moves an action item along (in progress, done); so do the managers."""
    user_id = getattr(viewer, "pk", None)
    if user_id is not None and item.owner.user_id == user_id:
        return True
    return can_manage_committee(viewer, committee)
