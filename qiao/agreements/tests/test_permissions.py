"""Who may reach what, persona by persona: the parties see their agreements (members read,
coordinators and admins edit), platform admins see everything, and nobody else sees anything
of them — not in lists, counts, exports, the API, dashboards or file downloads.

Out-of-scope agreements answer 404 (existence does not leak); visible agreements the viewer
may not change answer 403.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from qiao.agreements import services
from qiao.agreements.models import Agreement, Contribution, EventPhoto
from qiao.agreements.services import PartySpec
from qiao.agreements.tests import factories as f
from qiao.conftest import World

pytestmark = pytest.mark.django_db

PERSONAS = (
    "admin",
    "coordinator",
    "org_admin",
    "enterprise",
    "teacher",
    "mentor",
    "student",
    "outsider",
    "other_coordinator",
    "anonymous",
)
READERS = ("admin", "coordinator", "org_admin", "enterprise", "teacher", "mentor", "student")
EDITORS = ("admin", "coordinator", "org_admin", "enterprise")
LOGIN = "login"


@dataclass
class Shared:
    """An agreement between world.school and world.enterprise with one of everything, and one
    between the other school and the other enterprise."""

    agreement: Agreement
    theirs: Agreement
    version_pk: int
    photo_pk: int
    contribution_pk: int
    event_pk: int
    document_pk: int
    commitment_pk: int


@pytest.fixture
def shared(world: World) -> Shared:
    a = f.active(world, title="Shared cooperation", reference="SHARED-1")
    commitment = services.commitment_create(
        actor=None,
        agreement=a,
        area=f.area(),
        text="Equip the lab",
        owner=f.party(a, world.enterprise),
        kpi_metric="contributions.equipment",
        kpi_target=Decimal(1000),
        kpi_period="whole",
    )
    contribution = f.contribution(
        a, world.enterprise, "equipment", "800", evidence=f.pdf("invoice.pdf")
    )
    event = services.event_create(
        actor=None, agreement=a, kind="visit", date=f.today(), title="Lab visit"
    )
    photo = services.event_photo_add(actor=None, event=event, image=f.png())
    theirs = f.active(
        world,
        title="Their cooperation",
        parties=[
            PartySpec("school", world.other_school),
            PartySpec("enterprise", world.other_enterprise),
        ],
    )
    f.contribution(theirs, world.other_enterprise, "funding", "777777")
    document = a.documents.get()
    return Shared(
        agreement=a,
        theirs=theirs,
        version_pk=document.versions.get().pk,
        photo_pk=photo.pk,
        contribution_pk=contribution.pk,
        event_pk=event.pk,
        document_pk=document.pk,
        commitment_pk=commitment.pk,
    )


def expect(default: int | str, **exceptions: int | str) -> dict[str, int | str]:
    table: dict[str, int | str] = dict.fromkeys(PERSONAS, default)
    table["anonymous"] = LOGIN
    table.update(exceptions)
    return table


def party_only(ok: int, readers: int = 403) -> dict[str, int | str]:
    """Editors get `ok`, other readers `readers`, everyone else 404."""
    table = expect(404)
    for p in READERS:
        table[p] = readers
    for p in EDITORS:
        table[p] = ok
    return table


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Callable[[Shared], str]
    statuses: dict[str, int | str]
    data: Callable[[Shared], dict[str, Any]] | None = None

    def __str__(self) -> str:
        return self.name


def u(name: str, *args: Callable[[Shared], int]) -> Callable[[Shared], str]:
    return lambda s: reverse(f"agreements:{name}", args=[a(s) for a in args])


def pk(s: Shared) -> int:
    return s.agreement.pk


PAGE_CASES = [
    Case("list", "get", u("agreement_list"), expect(200, outsider=403)),
    Case("overview", "get", u("overview"), expect(200, outsider=403)),
    Case("ledger", "get", u("contribution_list"), expect(200, outsider=403)),
    Case(
        "create",
        "get",
        u("agreement_create"),
        expect(
            403, admin=200, coordinator=200, org_admin=200, enterprise=200, other_coordinator=200
        ),
    ),
    Case("detail", "get", u("agreement_detail", pk), party_only(200, 200)),
    Case("dashboard", "get", u("agreement_dashboard", pk), party_only(200, 200)),
    Case("edit", "get", u("agreement_edit", pk), party_only(200)),
    Case("renew", "get", u("agreement_renew", pk), party_only(200)),
    Case("commitment new", "get", u("commitment_create", pk), party_only(200)),
    Case(
        "commitment edit",
        "get",
        u("commitment_edit", pk, lambda s: s.commitment_pk),
        party_only(200),
    ),
    Case("signatory new", "get", u("signatory_add", pk), party_only(200)),
    Case("document new", "get", u("document_create", pk), party_only(200)),
    Case(
        "version new",
        "get",
        u("document_version_add", pk, lambda s: s.document_pk),
        party_only(200),
    ),
    Case("contribution new", "get", u("contribution_create", pk), party_only(200)),
    Case("event new", "get", u("event_create", pk), party_only(200)),
    Case("event edit", "get", u("event_edit", pk, lambda s: s.event_pk), party_only(200)),
    Case("photo new", "get", u("photo_add", pk, lambda s: s.event_pk), party_only(200)),
    Case(
        "terminate",
        "post",
        u("agreement_transition", pk),
        party_only(302),
        lambda s: {"to": "terminated", "reason": "Testing permissions"},
    ),
    Case(
        "delete contribution",
        "post",
        u("contribution_delete", pk, lambda s: s.contribution_pk),
        party_only(302),
    ),
    Case(
        "document download",
        "get",
        u("document_download", pk, lambda s: s.version_pk),
        party_only(200, 200),
    ),
    Case("photo", "get", u("photo", pk, lambda s: s.photo_pk), party_only(200, 200)),
    Case(
        "evidence",
        "get",
        u("evidence_download", pk, lambda s: s.contribution_pk),
        party_only(200, 200),
    ),
]


def _outcome(response: Any) -> int | str:
    if response.status_code == 302 and reverse("core:login") in response.get("Location", ""):
        return LOGIN
    return int(response.status_code)


def _run(world: World, shared: Shared, case: Case, *, json: bool = False) -> None:
    """Each persona in turn, each request rolled back so that what one persona changes (a
    termination, a deletion) does not change what the next one finds."""
    wrong = {}
    for persona in PERSONAS:
        client = world.client(persona)
        kwargs: dict[str, Any] = {}
        if case.data:
            kwargs = {"data": case.data(shared)}
            if json:
                kwargs["content_type"] = "application/json"
        with transaction.atomic():
            response = getattr(client, case.method)(case.url(shared), **kwargs)
            if getattr(response, "streaming", False):
                # Read the file out (the client's wrapper then closes it); calling close()
                # here would fire request_finished and close the database connection.
                b"".join(response.streaming_content)
            transaction.set_rollback(True)
        got = _outcome(response)
        if got != case.statuses[persona]:
            wrong[persona] = f"expected {case.statuses[persona]}, got {got}"
        if json and response.status_code >= 400:
            assert set(response.json()["error"]) == {"code", "message", "details"}
    assert not wrong, f"{case.name}: {wrong}"


@pytest.mark.parametrize("case", PAGE_CASES, ids=str)
def test_pages(world, shared, case):
    _run(world, shared, case)


def api(path: str = "") -> str:
    return "/api/v1/agreements" + path


def api_expect(default: int, **exceptions: int) -> dict[str, int | str]:
    table: dict[str, int | str] = dict.fromkeys(PERSONAS, default)
    table["anonymous"] = 401
    table.update(exceptions)
    return table


def api_party(ok: int, readers: int = 403) -> dict[str, int | str]:
    table = api_expect(404)
    for p in READERS:
        table[p] = readers
    for p in EDITORS:
        table[p] = ok
    return table


API_CASES = [
    Case("list", "get", lambda s: api(), api_expect(200, outsider=403)),
    Case("metrics", "get", lambda s: api("/metrics"), api_expect(200, outsider=403)),
    Case("areas", "get", lambda s: api("/areas"), api_expect(200, outsider=403)),
    Case("detail", "get", lambda s: api(f"/{s.agreement.pk}"), api_party(200, 200)),
    Case(
        "commitments",
        "get",
        lambda s: api(f"/{s.agreement.pk}/commitments"),
        api_party(200, 200),
    ),
    Case(
        "contributions",
        "get",
        lambda s: api(f"/{s.agreement.pk}/contributions"),
        api_party(200, 200),
    ),
    Case(
        "update",
        "patch",
        lambda s: api(f"/{s.agreement.pk}"),
        api_party(200),
        lambda s: {"summary": "Changed through the API"},
    ),
    Case(
        "transition",
        "post",
        lambda s: api(f"/{s.agreement.pk}/transition"),
        api_party(200),
        lambda s: {"to": "terminated", "reason": "API permission test"},
    ),
    Case(
        "commitment create",
        "post",
        lambda s: api(f"/{s.agreement.pk}/commitments"),
        api_party(201),
        lambda s: {
            "area": "curriculum",
            "text": "Two courses",
            "owner_party_id": s.agreement.parties.first().pk,  # type: ignore[union-attr]
        },
    ),
    Case(
        "contribution create",
        "post",
        lambda s: api(f"/{s.agreement.pk}/contributions"),
        api_party(201),
        lambda s: {
            "party_id": s.agreement.parties.first().pk,  # type: ignore[union-attr]
            "kind": "mentor_hours",
            "value": "12",
            "date": "2026-01-05",
        },
    ),
]


@pytest.mark.parametrize("case", API_CASES, ids=str)
def test_api(world, shared, case):
    _run(world, shared, case, json=True)


def test_api_create_needs_an_own_organisation_among_the_parties(world):
    body: dict[str, Any] = {
        "kind": "framework",
        "title": "Between strangers",
        "parties": [
            {"organisation_id": world.other_school.pk, "role": "school"},
            {"organisation_id": world.other_enterprise.pk, "role": "enterprise"},
        ],
    }
    for persona, status in [("coordinator", 403), ("teacher", 403), ("admin", 201)]:
        response = world.client(persona).post(api(), body, content_type="application/json")
        assert response.status_code == status, persona
    body["parties"][0] = {"organisation_id": world.school.pk, "role": "school"}
    assert (
        world.client("coordinator").post(api(), body, content_type="application/json").status_code
        == 201
    )


# --- Nothing leaks ----------------------------------------------------------------------------


def _csv(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("persona", "titles"),
    [
        ("teacher", {"Shared cooperation"}),
        ("mentor", {"Shared cooperation"}),
        ("other_coordinator", {"Their cooperation"}),
        ("admin", {"Shared cooperation", "Their cooperation"}),
    ],
)
def test_lists_exports_and_api_show_only_the_viewers_agreements(world, shared, persona, titles):
    client = world.client(persona)
    page = client.get(reverse("agreements:agreement_list"))
    assert {a.title for a in page.context["object_list"]} == titles
    assert page.context["paginator"].count == len(titles)
    rows = _csv(client.get(reverse("agreements:agreement_list"), {"export": "csv"}))
    assert {r[4] for r in rows[1:]} == titles
    data = client.get(api()).json()
    assert {i["title"] for i in data["items"]} == titles and data["count"] == len(titles)
    # the partner filter offers only organisations of visible agreements
    partners = set(page.context["filter"].form.fields["partner"].queryset)
    if persona == "teacher":
        assert partners == {world.school, world.enterprise}


def test_dashboards_and_ledger_count_only_visible_agreements(world, shared):
    other = world.client("other_coordinator")
    overview = other.get(reverse("agreements:overview")).context["data"]
    assert overview["total"] == 1
    ledger = other.get(reverse("agreements:contribution_list"))
    assert [c.agreement_id for c in ledger.context["object_list"]] == [shared.theirs.pk]
    assert "777777" in ledger.content.decode().replace(",", "")
    rows = _csv(other.get(reverse("agreements:contribution_list"), {"export": "csv"}))
    assert len(rows) == 2 and rows[1][1] == str(shared.theirs.pk)
    teacher = world.client("teacher").get(reverse("agreements:overview"))
    assert teacher.context["data"]["total"] == 1
    assert "777777" not in teacher.content.decode().replace(",", "")
    assert Contribution.objects.count() == 2


def test_files_are_served_with_safe_headers_and_only_through_the_views(world, shared):
    client = world.client("mentor")
    response = client.get(
        reverse("agreements:document_download", args=[shared.agreement.pk, shared.version_pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == f.PDF
    photo = EventPhoto.objects.get()
    inline = client.get(reverse("agreements:photo", args=[shared.agreement.pk, photo.pk]))
    assert inline["Content-Type"] == "image/png"
    assert "attachment" not in inline.get("Content-Disposition", "")
    # a file of one agreement is not reachable through another agreement's address
    wrong = client.get(reverse("agreements:photo", args=[shared.theirs.pk, photo.pk]))
    assert wrong.status_code == 404
    # stored names are random: the media path does not reveal or guess anything
    assert "invoice" not in Contribution.objects.get(pk=shared.contribution_pk).evidence.name
