"""Who sees an intern's person page because of a placement: the host's coordinators once she
has accepted, her mentor and her supervising teacher; never another host, and never the
school's record of her (student number, major)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qiao.conftest import World
from qiao.core import selectors as core_selectors
from qiao.placements import services
from qiao.placements.models import PlacementState
from qiao.placements.tests import factories as f

pytestmark = pytest.mark.django_db


def _person_page(world: World, persona: str) -> int:
    url = reverse("core:person_detail", args=[world.people["student"].pk])
    return world.client(persona).get(url).status_code


def test_host_sees_the_intern_only_after_she_accepts(world: World) -> None:
    p = f.accepted(world)
    assert _person_page(world, "enterprise") == 200
    type(p).objects.filter(pk=p.pk).update(state=PlacementState.OFFERED)
    assert _person_page(world, "enterprise") == 404
    type(p).objects.filter(pk=p.pk).update(state=PlacementState.DECLINED)
    assert _person_page(world, "enterprise") == 404


def test_mentor_sees_her_intern_once_assigned(world: World) -> None:
    p = f.accepted(world)
    assert _person_page(world, "mentor") == 404
    services.placement_assign(
        actor=None,
        placement=p,
        supervising_teacher=world.people["teacher"],
        mentor=world.people["mentor"],
    )
    assert _person_page(world, "mentor") == 200
    assert _person_page(world, "teacher") == 200


def test_others_still_see_nothing(world: World) -> None:
    f.accepted(world)
    for persona in ("outsider", "other_coordinator"):
        assert _person_page(world, persona) == 404, persona


def test_host_does_not_see_the_schools_record(world: World) -> None:
    f.accepted(world)
    student = world.people["student"]
    manager = world.users["enterprise"]
    assert core_selectors.person_list(viewer=manager).filter(pk=student.pk).exists()
    assert not core_selectors.affiliations_visible(viewer=manager, person=student).exists()
    page = world.client("enterprise").get(reverse("core:person_detail", args=[student.pk]))
    number = student.affiliations.get().student_number
    assert number and number.encode() not in page.content


def test_the_person_page_lists_the_placements_the_viewer_may_see(world: World) -> None:
    p = f.accepted(world)
    url = reverse("core:person_detail", args=[world.people["student"].pk])
    link = reverse("placements:placement_detail", args=[p.pk])
    for persona in ("enterprise", "coordinator", "student"):
        page = world.client(persona).get(url).content.decode()
        assert link in page and str(p.opening) in page, persona
    # A teacher not assigned to the placement sees the person (a colleague's view of
    # nothing) at most, never the placement.
    response = world.client("teacher").get(url)
    assert link.encode() not in response.content


def test_the_person_page_has_no_placements_section_without_placements(world: World) -> None:
    url = reverse("core:person_detail", args=[world.people["student"].pk])
    page = world.client("coordinator").get(url).content.decode()
    assert "Placements</h2>" not in page
