"""The lifecycle API: the same permissions as the pages (404 out of scope, 403 not allowed),
structured 422s for bad input, and the whole journey through JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest

from qiao.conftest import World
from qiao.placements.models import PlacementState, Timesheet
from qiao.placements.services.timesheets import week_of
from qiao.placements.tests import factories as f
from qiao.placements.tests.test_permissions import PERSONAS

pytestmark = pytest.mark.django_db

BASE = "/api/v1/placements"


def _post(client: Any, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_scoped_per_persona(world: World) -> None:
    p = f.active(world)
    other = f.accepted(world, student=f.student(world, "Other"), host=world.other_enterprise)
    seen = {}
    for persona in PERSONAS:
        r = world.client(persona).get(f"{BASE}/placements")
        seen[persona] = {i["id"] for i in r.json()["items"]} if r.status_code == 200 else None
    assert seen["coordinator"] == {p.pk, other.pk}
    assert seen["enterprise"] == {p.pk}
    assert seen["mentor"] == {p.pk}
    assert seen["teacher"] == {p.pk}
    assert seen["student"] == {p.pk}
    assert seen["outsider"] == set() and seen["other_coordinator"] == set()
    for persona in ("outsider", "other_coordinator"):
        assert world.client(persona).get(f"{BASE}/placements/{p.pk}").status_code == 404
    assert world.client("enterprise").get(f"{BASE}/placements/{other.pk}").status_code == 404


def test_journey_and_bad_input(world: World) -> None:
    p = f.accepted(world)
    coord, host, student, mentor, teacher = (
        world.client(x) for x in ("coordinator", "enterprise", "student", "mentor", "teacher")
    )
    url = f"{BASE}/placements/{p.pk}"
    r = _post(
        coord,
        f"{url}/assign",
        {
            "supervising_teacher_id": world.people["teacher"].pk,
            "mentor_id": world.people["mentor"].pk,
        },
    )
    assert r.status_code == 200 and r.json()["mentor_id"] == world.people["mentor"].pk
    sha = student.get(f"{url}/agreement").json()["sha256"]
    assert (
        _post(student, f"{url}/agreement/accept", {"party": "student", "sha256": sha}).status_code
        == 200
    )
    again = _post(student, f"{url}/agreement/accept", {"party": "student", "sha256": sha})
    assert again.status_code == 422
    assert (
        _post(student, f"{url}/agreement/accept", {"party": "host", "sha256": sha}).status_code
        == 403
    )
    _post(host, f"{url}/agreement/accept", {"party": "host", "sha256": sha})
    r = _post(coord, f"{url}/agreement/accept", {"party": "school", "sha256": sha})
    assert {a["party"] for a in r.json()["acceptances"]} == {"school", "host", "student"}
    no_insurance = _post(coord, f"{url}/activate")
    assert no_insurance.status_code == 422 and "insurance" in json.dumps(no_insurance.json())
    start, end = p.opening.start, p.opening.end
    short = {"insurer": "PICC", "number": "N1", "starts": str(start), "ends": str(start)}
    assert _post(host, f"{url}/insurance", short).status_code == 200
    blocked = _post(coord, f"{url}/activate")
    assert blocked.status_code == 422 and "whole period" in json.dumps(blocked.json())
    assert _post(student, f"{url}/activate").status_code == 403
    full = {**short, "ends": str(end)}
    _post(host, f"{url}/insurance", full)
    assert _post(coord, f"{url}/activate").json()["state"] == PlacementState.ACTIVE
    week = week_of(start)
    day = str(max(week, start))
    bad = _post(
        student,
        f"{url}/timesheets",
        {"week_start": str(week), "days": [{"day": day, "hours": "25"}]},
    )
    assert bad.status_code == 422 and not Timesheet.objects.exists()
    assert (
        _post(mentor, f"{url}/timesheets", {"week_start": str(week), "days": []}).status_code == 403
    )
    sheet = _post(
        student,
        f"{url}/timesheets",
        {"week_start": str(week), "days": [{"day": day, "hours": "8"}], "submit": True},
    ).json()
    assert sheet["state"] == "submitted"
    assert (
        _post(student, f"{BASE}/timesheets/{sheet['id']}/review", {"decision": "sign"}).status_code
        == 403
    )
    signed = _post(mentor, f"{BASE}/timesheets/{sheet['id']}/review", {"decision": "sign"})
    assert signed.json()["state"] == "signed"
    scores = {"skills": 4, "attitude": 4, "teamwork": 5, "safety": 5}
    assert (
        _post(mentor, f"{url}/evaluations", {"role": "mentor", "scores": scores}).status_code == 200
    )
    assert (
        _post(teacher, f"{url}/evaluations", {"role": "teacher", "scores": scores}).status_code
        == 200
    )
    assert (
        _post(student, f"{url}/evaluations", {"role": "teacher", "scores": scores}).status_code
        == 403
    )
    early = _post(coord, f"{url}/complete")
    assert early.status_code == 422 and "before" in json.dumps(early.json())
    assert _post(coord, f"{url}/terminate", {"reason": ""}).status_code == 422
    assert _post(student, f"{url}/terminate", {"reason": "Bored"}).status_code == 403
    r = _post(host, f"{url}/terminate", {"reason": "The site closed for renovation."})
    assert r.json()["state"] == PlacementState.TERMINATED
