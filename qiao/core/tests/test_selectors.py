"""Selectors: the reads every page, export and endpoint share, scoped to the viewer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from qiao.conftest import World
from qiao.core import permissions as perms
from qiao.core import selectors
from qiao.core.services import people
from qiao.core.tests import factories

pytestmark = pytest.mark.django_db


def names(qs: Any) -> set[str]:
    return {p.given_name for p in qs}


def test_anonymous_sees_nothing(world: World) -> None:
    anonymous = AnonymousUser()
    assert not selectors.organisation_list(viewer=anonymous).exists()
    assert not selectors.person_list(viewer=anonymous).exists()
    assert not selectors.audit_list(viewer=anonymous).exists()
    assert not selectors.job_list(viewer=anonymous).exists()
    assert selectors.organisation_get(viewer=anonymous, pk=world.school.pk) is None
    assert selectors.person_get(viewer=None, pk=world.people["student"].pk) is None


def test_person_list_has_no_duplicates_for_people_with_several_affiliations(world: World) -> None:
    teacher = world.people["teacher"]
    factories.affiliation(teacher, world.school, "staff", title="Dean")
    factories.affiliation(teacher, world.school, "teacher", title="Lecturer, second post")
    visible = list(selectors.person_list(viewer=world.users["coordinator"]))
    assert len(visible) == len(set(visible)) == 2
    assert selectors.person_list(viewer=world.users["coordinator"]).count() == 2


def test_a_higher_app_can_widen_who_sees_whom(world: World) -> None:
    """The hook placements will use: an enterprise sees the students placed with it."""
    student = world.people["student"]

    def interns(user: Any) -> Q:
        if perms.has_role(user, world.enterprise, "coordinator"):
            return Q(pk=student.pk)
        return Q(pk__in=[])

    perms.register_person_scope(interns)
    try:
        perms.register_person_scope(interns)  # registering twice is harmless
        assert perms._person_scopes.count(interns) == 1
        manager = world.users["enterprise"]
        assert names(selectors.person_list(viewer=manager)) == {"Mentor", "Hua"}
        assert names(selectors.person_list(viewer=world.users["mentor"])) == {"Mentor"}
        # The student is visible, the school's record of them (number, major) is not.
        assert not selectors.affiliations_visible(viewer=manager, person=student).exists()
    finally:
        perms._person_scopes.remove(interns)


def test_people_counts_count_current_affiliations_for_coordinators_only(world: World) -> None:
    former = factories.student(world.school)
    people.affiliation_end(
        actor=None, affiliation=former.affiliations.get(), on=dt.date(2020, 7, 1)
    )
    counts = selectors.organisation_people_counts(
        viewer=world.users["coordinator"], organisation=world.school
    )
    assert counts == {"student": 1, "teacher": 1}
    for persona in ("teacher", "student", "enterprise", "other_coordinator"):
        assert (
            selectors.organisation_people_counts(
                viewer=world.users[persona], organisation=world.school
            )
            == {}
        )


def test_home_summary_counts_what_the_viewer_may_see(world: World) -> None:
    summary = selectors.home_summary(viewer=world.users["coordinator"])
    assert summary["organisations"] == 4
    assert summary["schools"] == 2
    assert summary["countries"] == 3
    assert summary["people"] == 2
    assert selectors.home_summary(viewer=world.users["outsider"])["organisations"] == 0


def test_audit_list_is_scoped_to_the_organisations_one_administers(world: World) -> None:
    org_admin = world.users["org_admin"]
    entries = selectors.audit_list(viewer=org_admin)
    assert entries.exists()
    assert set(entries.values_list("organisation_id", flat=True)) == {world.school.pk}
    assert not selectors.audit_list(viewer=world.users["coordinator"]).exists()
    everything = selectors.audit_list(viewer=world.users["admin"])
    assert everything.filter(organisation_id=world.other_school.pk).exists()


def test_permission_helpers(world: World) -> None:
    coordinator = world.users["coordinator"]
    assert perms.role_in(coordinator, world.school) == "coordinator"
    assert perms.role_in(coordinator, world.school.pk) == "coordinator"
    assert perms.role_in(coordinator, world.enterprise) is None
    assert perms.has_role(coordinator, world.school, "member")
    assert not perms.has_role(coordinator, world.school, "admin")
    assert perms.organisation_ids(coordinator, "coordinator") == [world.school.pk]
    assert perms.organisation_ids(AnonymousUser()) == []
    assert perms.can_manage_departments(coordinator, world.school)
    assert not perms.can_manage_organisation(coordinator, world.school)
    assert perms.can_view_audit(world.users["org_admin"], world.school)
    assert not perms.can_view_audit(coordinator, world.school)
    assert not perms.can_view_audit(coordinator, None)
    with pytest.raises(perms.PermissionDenied):
        perms.require_person(world.users["enterprise"], world.people["student"])
    perms.require_person(coordinator, world.people["student"])
