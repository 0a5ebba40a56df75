"""Who may see and do what in placements. Built on qiao.core.permissions; every view, API
endpoint and selector of this app asks here.

- A school's coordinators (and admins) keep its sites, openings, rounds and runs, and see its
  compliance page. Members of the school (teachers) read its sites and openings.
- A host's coordinators (enterprise managers) read and edit the openings and sites it hosts,
  and see the applicants to its own openings in a round — name, student number, major, cohort
  and the choice the opening was — nothing else of them. Its members (mentors) read its
  openings and sites.
- A student sees the openings of the rounds she takes part in, her own ranking and her result.
- Platform administrators see everything. Nobody else sees anything: out of scope answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from qiao.core import permissions as perms
from qiao.core.models import Role


def _active(viewer: Any) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and getattr(viewer, "is_active", False))


def coordinated_org_ids(viewer: Any) -> list[int]:
    return perms.organisation_ids(viewer, Role.COORDINATOR)


def member_org_ids(viewer: Any) -> list[int]:
    """Organisations where the viewer is at least a member (not a mere viewer such as a
    student)."""
    return perms.organisation_ids(viewer, Role.MEMBER)


def site_scope(viewer: Any) -> Q | None:
    if perms.is_platform_admin(viewer):
        return None
    if not _active(viewer):
        return Q(pk__in=[])
    orgs = member_org_ids(viewer)
    return Q(school_id__in=orgs) | Q(host_id__in=orgs)


def opening_scope(viewer: Any) -> Q | None:
    """Staff of the school or host; students of a round the opening is in (published only)."""
    if perms.is_platform_admin(viewer):
        return None
    if not _active(viewer):
        return Q(pk__in=[])
    orgs = member_org_ids(viewer)
    q = Q(school_id__in=orgs) | Q(host_id__in=orgs)
    from qiao.placements.models import RoundCandidate

    rounds = RoundCandidate.objects.filter(person__user=viewer).values("round_id")
    return q | (Q(status="published") & Q(rounds__in=rounds))


def can_use_placements(viewer: Any) -> bool:
    return perms.is_platform_admin(viewer) or bool(perms.organisation_ids(viewer))


def can_manage_school(viewer: Any, school_id: int | None) -> bool:
    """Keep a school's sites, openings, rounds, runs; see its compliance page."""
    return perms.is_platform_admin(viewer) or (
        school_id is not None and perms.has_role(viewer, school_id, Role.COORDINATOR)
    )


def can_manage_host(viewer: Any, host_id: int | None) -> bool:
    return perms.is_platform_admin(viewer) or (
        host_id is not None and perms.has_role(viewer, host_id, Role.COORDINATOR)
    )


def can_create_sites_or_openings(viewer: Any) -> bool:
    return perms.is_platform_admin(viewer) or bool(coordinated_org_ids(viewer))


def can_edit_site(viewer: Any, site: Any) -> bool:
    return can_manage_school(viewer, site.school_id) or can_manage_host(viewer, site.host_id)


def can_edit_opening(viewer: Any, opening: Any) -> bool:
    return can_manage_school(viewer, opening.school_id) or can_manage_host(viewer, opening.host_id)


def can_publish_opening(viewer: Any, opening: Any) -> bool:
    """Publishing offers the opening to the school's students: the school decides."""
    return can_manage_school(viewer, opening.school_id)


def round_scope(viewer: Any) -> Q | None:
    """Coordinators of the school; hosts with an opening in the round; candidates."""
    if perms.is_platform_admin(viewer):
        return None
    if not _active(viewer):
        return Q(pk__in=[])
    from qiao.placements.models import RoundCandidate

    q = Q(school_id__in=coordinated_org_ids(viewer))
    q |= Q(pk__in=RoundCandidate.objects.filter(person__user=viewer).values("round_id"))
    hosts = coordinated_org_ids(viewer)
    if hosts:
        from qiao.placements.models import PlacementRound

        q |= Q(
            pk__in=PlacementRound.openings.through.objects.filter(
                opening__host_id__in=hosts
            ).values("placementround_id")
        )
    return q


def can_manage_round(viewer: Any, placement_round: Any) -> bool:
    return can_manage_school(viewer, placement_round.school_id)


def can_view_compliance(viewer: Any, school_id: int) -> bool:
    return can_manage_school(viewer, school_id)


def compliance_school_ids(viewer: Any) -> list[int] | None:
    """Schools whose compliance page the viewer may see; None means all."""
    if perms.is_platform_admin(viewer):
        return None
    from qiao.core.models import Organisation
    from qiao.core.models.organisations import SCHOOL_KINDS

    return list(
        Organisation.objects.filter(
            pk__in=coordinated_org_ids(viewer), kind__in=SCHOOL_KINDS
        ).values_list("pk", flat=True)
    )


def can_view_any_round(viewer: Any) -> bool:
    return perms.is_platform_admin(viewer) or bool(perms.organisation_ids(viewer))


# --- Placements after acceptance ---------------------------------------------------------------
#
# A placement is seen by the coordinators of its school, the coordinators (managers) of its
# host, its student, its mentor and its supervising teacher. Nobody else: 404.


def placement_scope(viewer: Any) -> Q | None:
    if perms.is_platform_admin(viewer):
        return None
    if not _active(viewer):
        return Q(pk__in=[])
    orgs = coordinated_org_ids(viewer)
    return (
        Q(school_id__in=orgs)
        | Q(host_id__in=orgs)
        | Q(student__user=viewer)
        | Q(mentor__user=viewer)
        | Q(supervising_teacher__user=viewer)
    )


def _is(person: Any, viewer: Any) -> bool:
    return person is not None and person.user_id is not None and person.user_id == viewer.pk


def is_student_of(viewer: Any, placement: Any) -> bool:
    return _is(placement.student, viewer)


def is_mentor_of(viewer: Any, placement: Any) -> bool:
    return _is(placement.mentor, viewer)


def is_teacher_of(viewer: Any, placement: Any) -> bool:
    return _is(placement.supervising_teacher, viewer)


def can_manage_placement(viewer: Any, placement: Any) -> bool:
    """Coordinators of the school: assign, insurance, activate, complete, terminate."""
    return can_manage_school(viewer, placement.school_id)


def can_host_placement(viewer: Any, placement: Any) -> bool:
    """Managers of the host: assign the mentor, insurance, accept for the host, terminate."""
    return can_manage_host(viewer, placement.host_id)


def can_terminate(viewer: Any, placement: Any) -> bool:
    return can_manage_placement(viewer, placement) or can_host_placement(viewer, placement)


def parties_of(viewer: Any, placement: Any) -> list[str]:
    """The parties of the three-party agreement the viewer may accept for."""
    out = []
    if can_manage_school(viewer, placement.school_id):
        out.append("school")
    if can_manage_host(viewer, placement.host_id):
        out.append("host")
    if is_student_of(viewer, placement):
        out.append("student")
    return out


def can_sign_off(viewer: Any, placement: Any) -> bool:
    """The mentor signs off timesheets (a host manager may stand in)."""
    return is_mentor_of(viewer, placement) or can_manage_host(viewer, placement.host_id)


def can_read_rulesets(viewer: Any) -> bool:
    """Whoever sees a compliance page (a school's coordinators, platform admins) reads the
    stored rule sets."""
    allowed = compliance_school_ids(viewer)
    return allowed is None or bool(allowed)


def can_create_rulesets(viewer: Any) -> bool:
    """Only platform admins store new versions of a rule set."""
    return perms.is_platform_admin(viewer)


# States in which a host works with the student: from her acceptance on (an offer not yet
# answered, declined or expired shows the host nothing).
_HOST_SEES_STATES = ("accepted", "agreement_signed", "active", "completed", "terminated")


def intern_person_scope(user: Any) -> Q:
    """People a host's staff may see because of placements (registered with core's person
    scope): the host's coordinators see the students who accepted a placement with it; a
    mentor or supervising teacher sees the students assigned to her. The school's record of
    the student (number, major, cohort) stays hidden: that is the affiliation scope's rule."""
    q = Q(placements__mentor__user=user) | Q(placements__supervising_teacher__user=user)
    hosts = coordinated_org_ids(user)
    if hosts:
        q |= Q(placements__host_id__in=hosts, placements__state__in=_HOST_SEES_STATES)
    return q
