from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import TestCase

from qiao.conftest import World
from qiao.placements import services
from qiao.placements.models import AllocationRun, HostScore, Preference
from qiao.placements.tests import factories as f

pytestmark = pytest.mark.django_db

BASE = "/api/v1/placements"


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_lists_scoped(world: World) -> None:
    site = f.site(world)
    o = f.opening(world, site=site)
    r = world.client("coordinator").get(f"{BASE}/openings")
    assert r.status_code == 200 and [i["id"] for i in r.json()["items"]] == [o.pk]
    assert world.client("other_coordinator").get(f"{BASE}/openings").json()["count"] == 0
    assert world.client("outsider").get(f"{BASE}/sites").status_code == 403
    assert world.client("coordinator").get(f"{BASE}/sites").json()["items"][0]["id"] == site.pk
    r = world.client("coordinator").get(f"{BASE}/sites?colour=red")
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"
    assert world.client("outsider").get(f"{BASE}/openings/{o.pk}").status_code == 404


def test_publish_blocked_is_422_with_rules(world: World) -> None:
    o = f.opening(world, publish=False, via_agency=True)
    r = world.client("coordinator").post(f"{BASE}/openings/{o.pk}/publish")
    assert r.status_code == 422
    text = json.dumps(r.json())
    assert "CN2021-NO-AGENCY" in text and "Art. 16 (6)" in text
    o.refresh_from_db()
    assert o.status == "draft"
    assert world.client("enterprise").post(f"{BASE}/openings/{o.pk}/publish").status_code == 403
    v = world.client("coordinator").get(f"{BASE}/compliance").json()
    assert any(x["rule"] == "CN2021-NO-AGENCY" for x in v)
    assert world.client("enterprise").get(f"{BASE}/compliance").status_code == 404


def test_publish_ok(world: World) -> None:
    o = f.opening(world, publish=False, majors=[])
    r = world.client("coordinator").post(f"{BASE}/openings/{o.pk}/publish")
    assert r.status_code == 200
    assert r.json()["opening"]["status"] == "published"
    assert [w["rule"] for w in r.json()["warnings"]] == ["CN2021-MAJORS-LISTED"]


def test_ranking_round_trip_and_bad_input(world: World) -> None:
    a, b = f.opening(world), f.opening(world)
    rnd = f.round_(world, [a, b], max_choices=1)
    c = world.client("student")
    r = _post(c, f"{BASE}/rounds/{rnd.pk}/ranking", {"opening_id": a.pk, "action": "add"})
    assert r.status_code == 200 and r.json()["openings"] == [a.pk]
    r = _post(c, f"{BASE}/rounds/{rnd.pk}/ranking", {"opening_id": a.pk, "action": "add"})
    assert r.status_code == 422 and "already ranked" in json.dumps(r.json())
    r = _post(c, f"{BASE}/rounds/{rnd.pk}/ranking", {"opening_id": b.pk, "action": "add"})
    assert r.status_code == 422 and "at most 1" in json.dumps(r.json())
    r = _post(c, f"{BASE}/rounds/{rnd.pk}/ranking", {"opening_id": b.pk, "action": "jump"})
    assert r.status_code == 422
    assert Preference.objects.count() == 1
    r = _post(
        world.client("teacher"),
        f"{BASE}/rounds/{rnd.pk}/ranking",
        {"opening_id": b.pk, "action": "add"},
    )
    assert r.status_code == 404
    assert world.client("coordinator").get(f"{BASE}/rounds/{rnd.pk}/ranking").status_code == 404


def test_host_api_and_allocation(world: World) -> None:
    a = f.opening(world, seats=1)
    theirs = f.opening(world, host=world.other_enterprise)
    rnd = f.round_(world, [a, theirs])
    cand = f.candidate(rnd, world.people["student"])
    services.preference_add(actor=None, candidate=cand, opening=a)
    services.preference_add(actor=None, candidate=cand, opening=theirs)
    host = world.client("enterprise")
    r = host.get(f"{BASE}/rounds/{rnd.pk}/applicants")
    assert r.status_code == 200
    items = r.json()["items"]
    assert [i["opening_id"] for i in items] == [a.pk]
    assert set(items[0]) == {
        "candidate_id",
        "opening_id",
        "name",
        "student_number",
        "major",
        "cohort_year",
        "choice",
        "score",
        "interview_score",
    }
    r = _post(
        host,
        f"{BASE}/rounds/{rnd.pk}/scores",
        {"candidate_id": cand.pk, "opening_id": a.pk, "score": "88"},
    )
    assert r.status_code == 200 and HostScore.objects.get().score == Decimal(88)
    r = _post(
        host,
        f"{BASE}/rounds/{rnd.pk}/scores",
        {"candidate_id": cand.pk, "opening_id": theirs.pk, "score": "10"},
    )
    assert r.status_code == 403
    r = _post(
        host,
        f"{BASE}/rounds/{rnd.pk}/scores",
        {"candidate_id": cand.pk, "opening_id": a.pk, "score": "188"},
    )
    assert r.status_code == 422 and HostScore.objects.get().score == Decimal(88)
    assert world.client("student").get(f"{BASE}/rounds/{rnd.pk}/applicants").status_code == 404
    coord = world.client("coordinator")
    assert _post(coord, f"{BASE}/rounds/{rnd.pk}/runs", {}).status_code == 422  # still open
    f.close(rnd)
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = _post(coord, f"{BASE}/rounds/{rnd.pk}/runs", {"seed": 9, "objective": "stable"})
    assert r.status_code == 202
    run = AllocationRun.objects.get()
    r = coord.get(f"{BASE}/rounds/{rnd.pk}/runs/{run.pk}")
    assert r.json()["state"] == "done" and r.json()["seed"] == 9
    assert len(r.json()["input_sha256"]) == 64
    assert host.get(f"{BASE}/rounds/{rnd.pk}/runs/{run.pk}").status_code == 404
    assert host.post(f"{BASE}/rounds/{rnd.pk}/runs/{run.pk}/publish").status_code == 404
    r = coord.post(f"{BASE}/rounds/{rnd.pk}/runs/{run.pk}/publish")
    assert r.status_code == 200 and r.json()["offers"] == 1
    me = world.client("student")
    r = me.get(f"{BASE}/rounds/{rnd.pk}/result")
    assert r.json()["opening_id"] == a.pk and r.json()["placement_state"] == "offered"
    assert r.json()["explanation"][0].startswith("You were placed at")
    r = _post(me, f"{BASE}/rounds/{rnd.pk}/result/answer", {"answer": "decline"})
    assert r.status_code == 200 and r.json()["placement_state"] == "declined"
    r = _post(me, f"{BASE}/rounds/{rnd.pk}/result/answer", {"answer": "accept"})
    assert r.status_code == 422
