"""Each persona tries the pages it must and must not reach."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from qiao.conftest import World, make_user
from qiao.core.services import accounts
from qiao.placements import services
from qiao.placements.models import Opening, PlacementRound, Site
from qiao.placements.tests import factories as f

pytestmark = pytest.mark.django_db

PERSONAS = [
    "admin",
    "coordinator",
    "org_admin",
    "enterprise",
    "teacher",
    "mentor",
    "student",
    "outsider",
    "other_coordinator",
]


@dataclass
class Setup:
    site: Site
    opening: Opening
    draft: Opening
    other_host_opening: Opening
    open_round: PlacementRound
    published: PlacementRound


@pytest.fixture
def setup(world: World) -> Setup:
    site = f.site(world)
    opening = f.opening(world, site=site, seats=1)
    draft = f.opening(world, publish=False, night_work=True)
    theirs = f.opening(world, host=world.other_enterprise)
    rnd = f.round_(world, [opening, theirs])
    me = f.candidate(rnd, world.people["student"])
    services.preference_add(actor=None, candidate=me, opening=opening)
    services.preference_add(actor=None, candidate=me, opening=theirs)
    pub_opening = f.opening(world, seats=1)
    published = f.round_(world, [pub_opening])
    services.preference_add(
        actor=None, candidate=f.candidate(published, world.people["student"]), opening=pub_opening
    )
    f.close(published)
    run = f.run(published, seed=1)
    services.run_publish(actor=None, run=run)
    published.refresh_from_db()
    return Setup(site, opening, draft, theirs, rnd, published)


def _status(world: World, persona: str, url: str, method: str = "get") -> int:
    client = world.client(persona)
    response = getattr(client, method)(url)
    return int(response.status_code)


def _matrix(world: World, url: str, expected: dict[str, int], method: str = "get") -> None:
    got = {p: _status(world, p, url, method) for p in PERSONAS}
    want = {p: expected.get(p, 404) for p in PERSONAS}
    assert got == want, url


def test_anonymous_goes_to_login(world: World, setup: Setup) -> None:
    for url in (
        reverse("placements:index"),
        reverse("placements:ranking", args=[setup.open_round.pk]),
        reverse("placements:opening_detail", args=[setup.opening.pk]),
    ):
        assert world.client("anonymous").get(url).status_code == 302


def test_list_pages(world: World, setup: Setup) -> None:
    everyone = dict.fromkeys(PERSONAS, 200) | {"outsider": 403}
    for name in ("index", "site_list", "opening_list", "round_list"):
        _matrix(world, reverse(f"placements:{name}"), everyone)


def test_lists_are_scoped(world: World, setup: Setup) -> None:
    title = setup.opening.title
    for persona, sees in (
        ("coordinator", True),
        ("enterprise", True),
        ("mentor", True),
        ("teacher", True),
        ("other_coordinator", False),
    ):
        page = world.client(persona).get(reverse("placements:opening_list")).content.decode()
        assert (title in page) == sees, persona
    # The student sees published openings of her rounds, never a draft.
    page = world.client("student").get(reverse("placements:opening_list")).content.decode()
    assert title in page and setup.draft.title not in page
    csv = world.client("other_coordinator").get(reverse("placements:site_list") + "?export=csv")
    assert setup.site.name not in b"".join(csv.streaming_content).decode()  # type: ignore[attr-defined]


def test_site_pages(world: World, setup: Setup) -> None:
    staff = {"admin": 200, "coordinator": 200, "org_admin": 200, "enterprise": 200}
    _matrix(
        world,
        reverse("placements:site_detail", args=[setup.site.pk]),
        staff | {"teacher": 200, "mentor": 200},
    )
    _matrix(
        world,
        reverse("placements:site_edit", args=[setup.site.pk]),
        staff | {"teacher": 403, "mentor": 403},
    )


def test_opening_pages(world: World, setup: Setup) -> None:
    staff = {"admin": 200, "coordinator": 200, "org_admin": 200, "enterprise": 200}
    _matrix(
        world,
        reverse("placements:opening_detail", args=[setup.opening.pk]),
        staff | {"teacher": 200, "mentor": 200, "student": 200},
    )
    _matrix(
        world,
        reverse("placements:opening_detail", args=[setup.draft.pk]),
        staff | {"teacher": 200, "mentor": 200},
    )
    _matrix(
        world,
        reverse("placements:opening_edit", args=[setup.draft.pk]),
        staff | {"teacher": 403, "mentor": 403},
    )


def test_publish_only_by_the_school(world: World, setup: Setup) -> None:
    url = reverse("placements:opening_publish", args=[setup.draft.pk])
    for persona, code in (
        ("enterprise", 403),
        ("mentor", 403),
        ("teacher", 403),
        ("student", 404),
        ("outsider", 404),
        ("other_coordinator", 404),
    ):
        assert _status(world, persona, url, "post") == code, persona
    # The coordinator may try; the rules block it (night work) and nothing changes.
    assert _status(world, "coordinator", url, "post") == 302
    setup.draft.refresh_from_db()
    assert setup.draft.status == "draft"


def test_round_pages(world: World, setup: Setup) -> None:
    rnd = setup.open_round
    managers = {"admin": 200, "coordinator": 200, "org_admin": 200}
    _matrix(
        world,
        reverse("placements:round_detail", args=[rnd.pk]),
        managers | {"enterprise": 302, "student": 302},
    )
    _matrix(
        world,
        reverse("placements:applicants", args=[rnd.pk]),
        managers | {"enterprise": 200},
    )
    _matrix(world, reverse("placements:ranking", args=[rnd.pk]), {"student": 200})
    pub = setup.published
    _matrix(world, reverse("placements:result", args=[pub.pk]), {"student": 200})
    run = pub.published_run
    assert run is not None
    for tab in ("run_detail", "run_openings", "run_sites", "run_students", "run_download"):
        _matrix(world, reverse(f"placements:{tab}", args=[pub.pk, run.pk]), managers)
    for name in ("round_open", "round_close", "run_start"):
        url = reverse(f"placements:{name}", args=[rnd.pk])
        assert _status(world, "enterprise", url, "post") == 403
        assert _status(world, "student", url, "post") == 403
        assert _status(world, "teacher", url, "post") == 404
        assert _status(world, "outsider", url, "post") == 404


def test_compliance_page(world: World, setup: Setup) -> None:
    url = reverse("placements:compliance")
    _matrix(
        world,
        url,
        {"admin": 200, "coordinator": 200, "org_admin": 200, "other_coordinator": 200},
    )
    page = world.client("other_coordinator").get(url).content.decode()
    assert "CN2021-NO-NIGHT" not in page
    # Asking for another school's page: 404.
    r = world.client("other_coordinator").get(url + f"?school={world.school.pk}")
    assert r.status_code == 404


def test_host_sees_only_applicants_to_its_own_openings(world: World, setup: Setup) -> None:
    rnd = setup.open_round
    url = reverse("placements:applicants", args=[rnd.pk])
    page = world.client("enterprise").get(url).content.decode()
    assert setup.opening.title in page and setup.other_host_opening.title not in page
    other = make_user("manager@other.example")
    accounts.membership_set(
        actor=None, user=other, organisation=world.other_enterprise, role="coordinator"
    )
    from django.test import Client

    client = Client()
    client.force_login(other)
    page = client.get(url).content.decode()
    assert setup.other_host_opening.title in page and setup.opening.title not in page
    # Nor can it score the other host's applicant.
    cand = f.candidate(rnd, world.people["student"])
    r = client.post(
        reverse("placements:score", args=[rnd.pk]),
        {"candidate": cand.pk, "opening": setup.opening.pk, "score": "10"},
    )
    assert r.status_code == 403
    # Only the fields a host needs: no date of birth, email or the student's other choices.
    body = b"".join(
        world.client("enterprise").get(url + "?export=csv").streaming_content  # type: ignore[attr-defined]
    ).decode()
    header = body.splitlines()[0]
    assert "email" not in header and "birth" not in header and "grade" not in header


def test_students_see_only_their_own(world: World, setup: Setup) -> None:
    s2 = f.student(world, "Second")
    user = make_user("second@test.example")
    accounts.membership_set(actor=None, user=user, organisation=world.school, role="viewer")
    s2.user = user
    s2.save()
    # s2 joined after the round opened: not a candidate, so neither page exists for her.
    from django.test import Client

    client = Client()
    client.force_login(user)
    assert client.get(reverse("placements:ranking", args=[setup.open_round.pk])).status_code == 404
    assert client.get(reverse("placements:result", args=[setup.published.pk])).status_code == 404
    assert (
        client.post(
            reverse("placements:respond", args=[setup.published.pk]), {"answer": "decline"}
        ).status_code
        == 404
    )
