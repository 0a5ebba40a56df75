"""The JSON API: the same filters, services and rules as the pages, structured errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from qiao.agreements.models import Agreement, Commitment, Contribution
from qiao.agreements.services import PartySpec
from qiao.agreements.tests import factories as f

pytestmark = pytest.mark.django_db
BASE = "/api/v1/agreements"


def post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(BASE + path, body, content_type="application/json")


def patch(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.patch(BASE + path, body, content_type="application/json")


def new_body(world: Any, **overrides: Any) -> dict[str, Any]:
    body = {
        "kind": "framework",
        "title": "API framework",
        "areas": ["joint-lab", "certification"],
        "valid_from": "2026-01-01",
        "valid_to": "2028-12-31",
        "parties": [
            {"organisation_id": world.school.pk, "role": "school"},
            {"organisation_id": world.enterprise.pk, "role": "enterprise"},
        ],
    }
    body.update(overrides)
    return body


def test_create_read_update_and_move_an_agreement(world):
    client = world.client("enterprise")
    response = post(client, "", new_body(world))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "draft" and data["areas"] == ["joint-lab", "certification"]
    assert [p["role"] for p in data["parties"]] == ["school", "enterprise"]
    assert data["allowed_transitions"] == ["negotiating", "terminated"]
    pk = data["id"]
    response = patch(client, f"/{pk}", {"title_zh": "框架协议", "areas": ["smart-campus"]})
    assert response.status_code == 200
    assert response.json()["areas"] == ["smart-campus"]
    assert response.json()["title_zh"] == "框架协议"
    response = post(client, f"/{pk}/transition", {"to": "negotiating"})
    assert response.status_code == 200 and response.json()["status"] == "negotiating"
    response = post(client, f"/{pk}/transition", {"to": "signed"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert set(error["details"]) == {"signatories", "documents"}
    assert Agreement.objects.get(pk=pk).status == "negotiating"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"parties": [{"organisation_id": 1, "role": "school"}]}, "parties"),
        ({"areas": ["no-such-area"]}, "areas"),
        ({"valid_to": "2020-01-01"}, "valid_to"),
        ({"kind": "specific"}, "parent"),
        ({"currency": "ABC"}, "currency"),
        ({"parent_id": 999999}, "parent_id"),
    ],
)
def test_create_errors_name_the_field(world, overrides, field):
    response = post(world.client("coordinator"), "", new_body(world, **overrides))
    assert response.status_code == 422, response.content
    details = response.json()["error"]["details"]
    assert field in str(details)
    assert not Agreement.objects.exists()


def test_unknown_fields_and_parameters_are_refused(world):
    client = world.client("coordinator")
    assert post(client, "", new_body(world, colour="red")).status_code == 422
    assert client.get(BASE, {"colour": "red"}).status_code == 400
    assert client.get(BASE, {"status": "sleeping"}).status_code == 422
    assert client.get(BASE + "/99999999999999999999").status_code == 422


def test_list_filters_like_the_page(world):
    f.active(world, title="Ending", valid_to=f.today() + dt.timedelta(days=15))
    f.agreement(
        world,
        title="Kenya",
        parties=[PartySpec("school", world.school), PartySpec("partner", world.other_school)],
    )
    client = world.client("teacher")
    titles = lambda **q: {i["title"] for i in client.get(BASE, q).json()["items"]}  # noqa: E731
    assert titles() == {"Ending", "Kenya"}
    assert titles(expiring_within=30) == {"Ending"}
    assert titles(country="ke") == {"Kenya"}
    assert titles(partner=world.other_school.pk) == {"Kenya"}
    assert titles(status="draft") == {"Kenya"}
    assert titles(area="joint-lab") == {"Ending", "Kenya"}
    page = client.get(BASE, {"page_size": 1, "page": 2}).json()
    assert page["count"] == 2 and len(page["items"]) == 1


def test_detail_lists_documents_with_hashes_and_signatories(world):
    a = f.signed(world)
    data = world.client("mentor").get(f"{BASE}/{a.pk}").json()
    version = data["documents"][0]["versions"][0]
    assert len(version["sha256"]) == 64 and version["download_url"].endswith("/download/")
    assert len(data["signatories"]) == 2
    assert data["allowed_transitions"] == []  # a mentor reads, never moves


def test_commitments_with_computed_kpis(world):
    a = f.active(world, valid_from=f.today() - dt.timedelta(days=10))
    client = world.client("coordinator")
    owner = f.party(a, world.enterprise).pk
    response = post(
        client,
        f"/{a.pk}/commitments",
        {
            "area": "training-bases",
            "text": "Mentor hours for interns",
            "owner_party_id": owner,
            "recurrence": "quarterly",
            "kpi_metric": "contributions.mentor_hours",
            "kpi_target": "200",
            "kpi_period": "year",
        },
    )
    assert response.status_code == 201, response.content
    f.contribution(a, world.enterprise, "mentor_hours", "50")
    rows = client.get(f"{BASE}/{a.pk}/commitments").json()
    kpi = rows[0]["kpi"]
    assert kpi["actual"] == 50.0 and kpi["target"] == 200.0 and kpi["unit"] == "hours"
    assert kpi["period_label"] == str(f.today().year)
    assert kpi["status"] in {"on_track", "at_risk", "behind"}
    bad = post(
        client,
        f"/{a.pk}/commitments",
        {
            "area": "curriculum",
            "text": "x",
            "owner_party_id": owner,
            "kpi_metric": "nope.x",
            "kpi_target": "1",
            "kpi_period": "year",
        },
    )
    assert bad.status_code == 422 and "kpi_metric" in bad.json()["error"]["details"]
    other = f.agreement(world)
    stranger = post(
        client,
        f"/{a.pk}/commitments",
        {"area": "curriculum", "text": "x", "owner_party_id": f.party(other, world.school).pk},
    )
    assert stranger.status_code == 422
    assert Commitment.objects.count() == 1


def test_contributions(world):
    a = f.active(world)
    client = world.client("enterprise")
    party = f.party(a, world.enterprise).pk
    response = post(
        client,
        f"/{a.pk}/contributions",
        {
            "party_id": party,
            "kind": "funding",
            "value": "50000.00",
            "currency": "cny",
            "date": str(f.today()),
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["currency"] == "CNY" and response.json()["direction"] == "input"
    bad = post(
        client,
        f"/{a.pk}/contributions",
        {
            "party_id": party,
            "kind": "hires",
            "value": "2",
            "currency": "CNY",
            "date": str(f.today() + dt.timedelta(days=2)),
        },
    )
    assert bad.status_code == 422
    assert set(bad.json()["error"]["details"]) == {"currency", "date"}
    listed = client.get(f"{BASE}/{a.pk}/contributions").json()
    assert [c["value"] for c in listed] == [50000.0]
    assert Contribution.objects.count() == 1


def test_metric_registry(world):
    metrics = world.client("student").get(BASE + "/metrics").json()
    by_key = {m["key"]: m for m in metrics}
    assert by_key["contributions.mentor_hours"]["unit"] == "hours"
    assert by_key["agreements.in_force"]["label"]
    areas = world.client("student").get(BASE + "/areas").json()
    assert len(areas) == 14 and areas[0]["code"] == "talent-training"
