"""Pages of the lifecycle per persona: who sees a placement (others 404), who may act (403),
the lists with their filters and exports, and the forms' bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from qiao.conftest import World
from qiao.placements.models import PlacementState, Timesheet
from qiao.placements.services.timesheets import week_of
from qiao.placements.tests import factories as f
from qiao.placements.tests.test_permissions import PERSONAS

pytestmark = pytest.mark.django_db


def _statuses(world: World, url: str, method: str = "get", data: Any = None) -> dict[str, int]:
    out = {}
    for persona in PERSONAS:
        client = world.client(persona)
        response = getattr(client, method)(url, data or {})
        out[persona] = response.status_code
    return out


def test_who_sees_a_placement(world: World) -> None:
    p = f.active(world)
    got = _statuses(world, reverse("placements:placement_detail", args=[p.pk]))
    # The school's coordinator, the host's manager, the student, her mentor and her teacher;
    # the school admin (an admin role of the school) too. Everyone else: 404.
    assert got == {
        "admin": 200,
        "coordinator": 200,
        "org_admin": 200,
        "enterprise": 200,
        "teacher": 200,
        "mentor": 200,
        "student": 200,
        "outsider": 404,
        "other_coordinator": 404,
    }


def test_a_host_sees_only_its_placements_and_a_mentor_only_interns(world: World) -> None:
    mine = f.active(world)
    other = f.accepted(
        world,
        student=f.student(world, "Other"),
        host=world.other_enterprise,
        kind="post_internship",
    )
    manager = world.client("enterprise").get(reverse("placements:placement_list"))
    assert manager.status_code == 200
    ids = {p.pk for p in manager.context["object_list"]}
    assert mine.pk in ids and other.pk not in ids
    assert (
        world.client("enterprise")
        .get(reverse("placements:placement_detail", args=[other.pk]))
        .status_code
        == 404
    )
    assert (
        world.client("mentor")
        .get(reverse("placements:placement_detail", args=[other.pk]))
        .status_code
        == 404
    )
    coordinator = world.client("coordinator").get(reverse("placements:placement_list"))
    assert {mine.pk, other.pk} <= {p.pk for p in coordinator.context["object_list"]}
    # Students, mentors and teachers have their own page, not the list.
    for persona in ("student", "mentor", "teacher", "outsider"):
        assert world.client(persona).get(reverse("placements:placement_list")).status_code in (
            403,
            404,
        )


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def test_list_filters_sorts_and_exports(world: World) -> None:
    p = f.active(world)
    client = world.client("coordinator")
    url = reverse("placements:placement_list")
    response = client.get(url, {"state": "active", "sort": "-start", "round": p.round_id})
    assert [x.pk for x in response.context["object_list"]] == [p.pk]
    assert list(client.get(url, {"state": "completed"}).context["object_list"]) == []
    csv = client.get(url, {"export": "csv"})
    assert csv.status_code == 200 and b"student" in _body(csv)
    xlsx = client.get(url, {"export": "xlsx"})
    assert xlsx.status_code == 200 and _body(xlsx)[:2] == b"PK"


def test_my_pages(world: World) -> None:
    p = f.active(world)
    url = reverse("placements:mine")
    for persona, section in (("student", "own"), ("mentor", "interns"), ("teacher", "supervised")):
        response = world.client(persona).get(url)
        assert response.status_code == 200
        assert [x.pk for x in response.context[section]] == [p.pk], persona
    assert world.client("outsider").get(url).context["own"] == []


def test_actions_are_refused_to_others(world: World) -> None:
    p = f.signed(world)
    for name in ("placement_activate", "placement_complete"):
        got = _statuses(world, reverse(f"placements:{name}", args=[p.pk]), "post")
        assert got["outsider"] == 404 and got["other_coordinator"] == 404
        assert got["student"] == 403 and got["mentor"] == 403 and got["enterprise"] == 403
    got = _statuses(
        world, reverse("placements:placement_terminate", args=[p.pk]), "post", {"reason": ""}
    )
    assert got["student"] == 403 and got["teacher"] == 403 and got["outsider"] == 404
    p.refresh_from_db()
    assert p.state == PlacementState.AGREEMENT_SIGNED


def test_journey_through_the_pages(world: World) -> None:
    p = f.accepted(world)
    coordinator, host, student = (world.client(x) for x in ("coordinator", "enterprise", "student"))
    detail = reverse("placements:placement_detail", args=[p.pk])
    coordinator.post(
        reverse("placements:placement_assign", args=[p.pk]),
        {"supervising_teacher": world.people["teacher"].pk, "mentor": world.people["mentor"].pk},
    )
    page = student.get(detail)
    doc = page.context["document"]
    assert doc is not None and page.context["can_accept_for"] == ["student"]
    pdf = student.get(reverse("placements:agreement_pdf", args=[p.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf["X-Content-SHA256"] == doc.sha256
    accept = reverse("placements:agreement_accept", args=[p.pk])
    student.post(accept, {"party": "student", "sha256": doc.sha256})
    twice = student.post(accept, {"party": "student", "sha256": doc.sha256}, follow=True)
    assert "already accepted" in twice.content.decode()
    assert student.post(accept, {"party": "school", "sha256": doc.sha256}).status_code == 403
    host.post(accept, {"party": "host", "sha256": doc.sha256})
    coordinator.post(accept, {"party": "school", "sha256": doc.sha256})
    p.refresh_from_db()
    assert p.state == PlacementState.AGREEMENT_SIGNED
    blocked = coordinator.post(reverse("placements:placement_activate", args=[p.pk]), follow=True)
    assert "Record the insurance policy first" in blocked.content.decode()
    host.post(
        reverse("placements:placement_insurance", args=[p.pk]),
        {
            "insurer": "PICC",
            "number": "P-9",
            "starts": p.opening.start.isoformat(),
            "ends": p.opening.end.isoformat(),
        },
    )
    coordinator.post(reverse("placements:placement_activate", args=[p.pk]))
    p.refresh_from_db()
    assert p.state == PlacementState.ACTIVE
    # A 25-hour day is refused on the form, nothing saved.
    week = week_of(p.opening.start)
    day = max(week, p.opening.start)
    edit = reverse("placements:timesheet_edit", args=[p.pk]) + f"?week={week.isoformat()}"
    bad = student.post(edit, {"week": week.isoformat(), f"hours_{day.isoformat()}": "25"})
    assert bad.status_code == 200 and "at most 24 hours" in bad.content.decode()
    assert not Timesheet.objects.filter(placement=p).exists()
    # Someone else's timesheet: 403 for the mentor, 404 for an outsider.
    assert world.client("mentor").get(edit).status_code == 403
    assert world.client("outsider").get(edit).status_code == 404
    student.post(
        edit,
        {"week": week.isoformat(), f"hours_{day.isoformat()}": "7.5", "submit": "1"},
    )
    sheet = Timesheet.objects.get(placement=p)
    assert sheet.state == "submitted"
    world.client("mentor").post(
        reverse("placements:timesheet_review", args=[sheet.pk]), {"decision": "sign"}
    )
    sheet.refresh_from_db()
    assert sheet.state == "signed"
    scores = {"skills": "4", "attitude": "5", "teamwork": "4", "safety": "5"}
    evaluate = reverse("placements:evaluate", args=[p.pk])
    world.client("mentor").post(evaluate, {"role": "mentor", **scores})
    world.client("teacher").post(evaluate, {"role": "teacher", **scores})
    assert world.client("student").post(evaluate, {"role": "mentor", **scores}).status_code == 403
    student.post(
        evaluate,
        {"role": "student", "learning": "5", "mentoring": "5", "conditions": "4", "relevance": "4"},
    )
    assert p.evaluations.count() == 3
    early = coordinator.post(reverse("placements:placement_complete", args=[p.pk]), follow=True)
    assert "cannot be completed before" in early.content.decode()
    if p.opening.site_id:
        site = coordinator.get(reverse("placements:site_detail", args=[p.opening.site_id]))
        assert site.context["quality"][1] == 1


def test_chinese_page(world: World) -> None:
    p = f.active(world)
    client = world.client("student")
    client.cookies["django_language"] = "zh-hans"
    response = client.get(
        reverse("placements:placement_detail", args=[p.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode().lower()


def test_who_sees_a_timesheet(world: World) -> None:
    from qiao.placements import services
    from qiao.placements.services.timesheets import DayEntry

    p = f.active(world)
    week = week_of(p.opening.start)
    sheet = services.timesheet_save(
        actor=None,
        placement=p,
        week_start=week,
        days=[DayEntry(day=max(week, p.opening.start), hours=8)],
    )
    got = _statuses(world, reverse("placements:timesheet_detail", args=[sheet.pk]))
    assert got["outsider"] == 404 and got["other_coordinator"] == 404
    assert all(got[x] == 200 for x in ("student", "mentor", "teacher", "enterprise", "coordinator"))
    review = _statuses(
        world, reverse("placements:timesheet_review", args=[sheet.pk]), "post", {"decision": "sign"}
    )
    assert review["student"] == 403 and review["teacher"] == 403 and review["outsider"] == 404
    sheet.refresh_from_db()
    assert sheet.state == "draft"


def test_list_queries_do_not_grow_with_rows(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    f.active(world)
    client = world.client("coordinator")
    url = reverse("placements:placement_list")
    client.get(url)  # warm caches (session, roles)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    f.accepted(world, student=f.student(world, "Second"))
    f.accepted(world, student=f.student(world, "Third"))
    with CaptureQueriesContext(connection) as three:
        response = client.get(url)
    assert len(response.context["object_list"]) == 3
    assert len(three) == len(one)
