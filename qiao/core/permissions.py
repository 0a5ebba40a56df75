"""Who may see and do what: the one place that decides.

Every view and API endpoint calls one of these before it reads or writes; selectors use the
`*_scope` functions to filter querysets so lists, counts, exports and autocomplete never leak.

Higher apps widen what a viewer may see of people (a host sees its interns; an enterprise sees
talent-pool profiles) by registering a scope with `register_person_scope`, so core never imports
them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from qiao.core.models import Membership, Organisation, Person, Role, User
from qiao.core.models.accounts import ROLE_RANK

PersonScope = Callable[[User], Q]
_person_scopes: list[PersonScope] = []


def register_person_scope(scope: PersonScope) -> None:
    """Let a higher app add people a viewer may see (returns a Q over Person)."""
    if scope not in _person_scopes:
        _person_scopes.append(scope)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _user(viewer: Any) -> User | None:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    if not getattr(viewer, "is_active", False):
        return None
    return viewer


def is_platform_admin(viewer: Any) -> bool:
    user = _user(viewer)
    return bool(user and user.is_superuser)


def role_in(viewer: Any, organisation: Organisation | int | None) -> str | None:
    """The viewer's role in `organisation`, or None."""
    user = _user(viewer)
    if user is None or organisation is None:
        return None
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    cache: dict[int, str] | None = getattr(user, "_qiao_roles", None)
    if cache is None:
        cache = dict(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
        user._qiao_roles = cache  # type: ignore[attr-defined]
    return cache.get(org_id)


def has_role(viewer: Any, organisation: Organisation | int | None, at_least: str) -> bool:
    role = role_in(viewer, organisation)
    return role is not None and ROLE_RANK[Role(role)] >= ROLE_RANK[Role(at_least)]


def organisation_ids(viewer: Any, at_least: str = Role.VIEWER) -> list[int]:
    """Organisations where the viewer holds at least the given role."""
    user = _user(viewer)
    if user is None:
        return []
    role_in(user, 0)  # fill the cache
    cache: dict[int, str] = user._qiao_roles  # type: ignore[attr-defined]
    floor = ROLE_RANK[Role(at_least)]
    return [org for org, role in cache.items() if ROLE_RANK[Role(role)] >= floor]


def forget_roles(viewer: Any) -> None:
    """Drop the per-request role cache (after a membership changes)."""
    if viewer is not None and hasattr(viewer, "_qiao_roles"):
        del viewer._qiao_roles


# --- Organisations ----------------------------------------------------------------------------


def can_view_directory(viewer: Any) -> bool:
    """The alliance directory (organisations, departments, skills) is for members only."""
    return is_platform_admin(viewer) or bool(organisation_ids(viewer))


def can_create_organisation(viewer: Any) -> bool:
    return is_platform_admin(viewer)


def can_manage_organisation(viewer: Any, organisation: Organisation) -> bool:
    return is_platform_admin(viewer) or has_role(viewer, organisation, Role.ADMIN)


def can_manage_departments(viewer: Any, organisation: Organisation) -> bool:
    return is_platform_admin(viewer) or has_role(viewer, organisation, Role.COORDINATOR)


def can_manage_members(viewer: Any, organisation: Organisation) -> bool:
    return is_platform_admin(viewer) or has_role(viewer, organisation, Role.ADMIN)


# --- People -----------------------------------------------------------------------------------


def person_scope(viewer: Any) -> Q | None:
    """A Q over Person of everyone the viewer may see; None means everyone.

    Coordinators and admins see everyone affiliated with their organisations. Members and
    viewers see their colleagues (teachers, staff, mentors) but not students. Everyone sees
    themselves. Higher apps add more through `register_person_scope`.
    """
    user = _user(viewer)
    if user is None:
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    managed = organisation_ids(user, Role.COORDINATOR)
    member_of = organisation_ids(user, Role.VIEWER)
    q = Q(user=user)
    if managed:
        q |= Q(affiliations__organisation_id__in=managed)
    if member_of:
        q |= Q(affiliations__organisation_id__in=member_of) & ~Q(affiliations__kind="student")
    for scope in _person_scopes:
        q |= scope(user)
    return q


def affiliation_scope(viewer: Any) -> Q | None:
    """A Q over Affiliation: which affiliations of a person the viewer may see; None means all.

    A student affiliation (student number, major, cohort) is the school's record of that
    student: only the school's coordinators and the student see it, even when the person is
    visible for another reason (a colleague who also studies elsewhere). Professional
    affiliations (teacher, staff, mentor) show to anyone who may see the person.
    """
    user = _user(viewer)
    if user is None:
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    q = ~Q(kind="student") | Q(person__user=user)
    managed = organisation_ids(user, Role.COORDINATOR)
    if managed:
        q |= Q(organisation_id__in=managed)
    return q


def can_view_person(viewer: Any, person: Person) -> bool:
    scope = person_scope(viewer)
    if scope is None:
        return True
    return Person.objects.filter(scope, pk=person.pk).exists()


def can_manage_people(viewer: Any, organisation: Organisation) -> bool:
    """Create, edit and import people affiliated with `organisation`."""
    return is_platform_admin(viewer) or has_role(viewer, organisation, Role.COORDINATOR)


def can_edit_person(viewer: Any, person: Person) -> bool:
    if is_platform_admin(viewer):
        return True
    org_ids = set(person.affiliations.values_list("organisation_id", flat=True))
    return any(has_role(viewer, org, Role.COORDINATOR) for org in org_ids)


def can_delete_person(viewer: Any, person: Person) -> bool:
    """Deleting a person removes every affiliation, so it takes a coordinator of each of the
    person's organisations: one school must not erase another's records of a shared person."""
    if is_platform_admin(viewer):
        return True
    org_ids = set(person.affiliations.values_list("organisation_id", flat=True))
    return bool(org_ids) and all(has_role(viewer, org, Role.COORDINATOR) for org in org_ids)


# --- Skills, audit, operations ------------------------------------------------------------------


def can_manage_skills(viewer: Any) -> bool:
    return is_platform_admin(viewer)


def can_view_audit(viewer: Any, organisation: Organisation | None) -> bool:
    if is_platform_admin(viewer):
        return True
    return organisation is not None and has_role(viewer, organisation, Role.ADMIN)


def audit_scope(viewer: Any) -> Q | None:
    """None means everything (platform admins)."""
    if is_platform_admin(viewer):
        return None
    return Q(organisation_id__in=organisation_ids(viewer, Role.ADMIN))


def can_view_health(viewer: Any) -> bool:
    return is_platform_admin(viewer)


def require_person(viewer: Any, person: Person) -> None:
    """404-style denial is chosen by the view; this only answers yes or no."""
    if not can_view_person(viewer, person):
        raise PermissionDenied
