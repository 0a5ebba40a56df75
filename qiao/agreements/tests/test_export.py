"""Export everything about one agreement as a workbook: each part on its sheet, the KPI actual
computed from the records, only what the viewer may see, nothing for those who may not."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qiao.agreements import services
from qiao.agreements.tests import factories as f
from qiao.conftest import World

pytestmark = pytest.mark.django_db


def sheets(response: Any) -> dict[str, list[dict[str, Any]]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    out = {}
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        header = [str(h) for h in rows[0]]
        out[ws.title] = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    return out


@pytest.fixture
def recorded(world: World) -> Any:
    a = f.active(world, title='=HYPERLINK("http://evil.example")')
    services.commitment_create(
        actor=None,
        agreement=a,
        area=f.area("joint-lab"),
        text="Fund the laboratory.",
        owner=f.party(a, world.enterprise),
        kpi_metric="contributions.funding",
        kpi_target=Decimal(5000),
        kpi_period="whole",
    )
    f.contribution(a, world.enterprise, value="1200")
    f.contribution(a, world.enterprise, value="800")
    c = f.committee(world, a)
    m = f.meeting(c, title="Kick-off")
    f.action_item(m, c.members.get(role="chair").person, text="Write the lab plan")
    return a


def test_the_coordinator_exports_every_part(world: World, recorded: Any) -> None:
    book = sheets(
        world.client("coordinator").get(reverse("agreements:agreement_export", args=[recorded.pk]))
    )
    assert list(book) == [
        "agreement",
        "parties",
        "commitments",
        "documents",
        "contributions",
        "meetings",
        "decisions",
        "action_items",
        "timeline",
    ]
    facts = {r["field"]: r["value"] for r in book["agreement"]}
    assert facts["status"] == "active"
    assert facts["title"].startswith("'=")  # a formula never runs in the spreadsheet
    [commitment] = book["commitments"]
    assert commitment["kpi_metric"] == "contributions.funding"
    assert commitment["target"] == 5000
    assert commitment["actual"] == 2000  # computed from the ledger, never typed in
    assert [r["value"] for r in book["contributions"]] == [1200, 800]
    assert {r["role"] for r in book["parties"]} == {"school", "enterprise"}
    assert len(book["documents"]) == 1  # the signed copy, with its hash
    assert len(book["documents"][0]["sha256"]) == 64
    assert [r["meeting"] for r in book["meetings"]] == ["Kick-off"]
    assert [r["action_item"] for r in book["action_items"]] == ["Write the lab plan"]
    assert any(r["kind"] == "signing" for r in book["timeline"])


@pytest.mark.parametrize("persona", ["student", "mentor"])
def test_a_reader_off_the_committee_gets_no_committee_work(
    world: World, recorded: Any, persona: str
) -> None:
    book = sheets(
        world.client(persona).get(reverse("agreements:agreement_export", args=[recorded.pk]))
    )
    assert book["commitments"]  # the agreement itself, as the agreement page shows it
    assert book["meetings"] == []
    assert book["decisions"] == []
    assert book["action_items"] == []


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator", "anonymous"])
def test_nobody_else_gets_anything(world: World, recorded: Any, persona: str) -> None:
    response = world.client(persona).get(reverse("agreements:agreement_export", args=[recorded.pk]))
    assert response.status_code in (302, 404)
    assert b"Kick-off" not in response.content
