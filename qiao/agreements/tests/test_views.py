"""The pages: forms with clear errors that change nothing, lifecycle buttons only when allowed,
list filters and exports, dashboards without inline script, and query counts that do not grow
with the number of rows."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from qiao.agreements import services
from qiao.agreements.models import Agreement, Commitment, Contribution, Document, Event
from qiao.agreements.services import PartySpec
from qiao.agreements.tests import factories as f

pytestmark = pytest.mark.django_db
D = dt.timedelta
LIST = reverse("agreements:agreement_list")
NEW = reverse("agreements:agreement_create")


def url(name: str, *args: int) -> str:
    return reverse(f"agreements:{name}", args=args)


def agreement_form(world, **overrides):
    data = {
        "kind": "framework",
        "title": "深圳测试 × Test Telecom framework",
        "title_en": "Framework agreement",
        "title_zh": "",
        "reference": "",
        "summary": "**Joint lab** and certification.",
        "areas": ["joint-lab", "certification"],
        "valid_from": "2026-01-01",
        "valid_to": "2028-12-31",
        "remind_days_before": "60",
        "currency": "cny",
        "parties-TOTAL_FORMS": "3",
        "parties-INITIAL_FORMS": "0",
        "parties-0-organisation": str(world.school.pk),
        "parties-0-role": "school",
        "parties-1-organisation": str(world.enterprise.pk),
        "parties-1-role": "enterprise",
        "parties-2-organisation": "",
        "parties-2-role": "",
    }
    data.update(overrides)
    return data


def test_create_an_agreement_with_its_parties(world):
    client = world.client("coordinator")
    page = client.get(NEW)
    assert page.status_code == 200
    # the organisation the coordinator acts for is offered as the first party
    assert page.context["formset"].forms[0].initial["organisation"] == world.school
    response = client.post(NEW, agreement_form(world))
    a = Agreement.objects.get()
    assert response.status_code == 302 and response["Location"] == url("agreement_detail", a.pk)
    assert (a.currency, a.title_en, a.status) == ("CNY", "Framework agreement", "draft")
    assert a.parties.count() == 2 and a.areas.count() == 2


@pytest.mark.parametrize(
    ("overrides", "where", "message"),
    [
        ({"parties-1-organisation": "", "parties-1-role": ""}, "party", "at least two parties"),
        ({"parties-1-organisation": "", "parties-1-role": "enterprise"}, "form", "Choose the"),
        ({"valid_to": "2025-01-01"}, "valid_to", "ends before it starts"),
        ({"kind": "specific"}, "parent", "framework agreement"),
        ({"currency": "ZZZ"}, "currency", "ISO 4217"),
        ({"title": ""}, "title", "required"),
        (
            {
                "parties-0-organisation": "",
                "parties-0-role": "",
                "parties-2-organisation": "",
            },
            "party",
            "",
        ),
    ],
)
def test_create_errors_are_shown_and_nothing_is_created(world, overrides, where, message):
    response = world.client("coordinator").post(NEW, agreement_form(world, **overrides))
    assert response.status_code == 200
    assert not Agreement.objects.exists()
    if where == "party":
        assert response.context["party_errors"] or any(
            f.errors for f in response.context["formset"].forms
        )
        assert message in " ".join(response.context["party_errors"])
    elif where == "form":
        assert any(f.errors for f in response.context["formset"].forms)
        assert message in response.content.decode()
    else:
        assert message in " ".join(response.context["form"].errors[where])


def test_a_coordinator_cannot_create_an_agreement_between_other_organisations(world):
    data = agreement_form(
        world,
        **{
            "parties-0-organisation": str(world.other_school.pk),
            "parties-0-role": "partner",
            "parties-1-organisation": str(world.other_enterprise.pk),
        },
    )
    response = world.client("coordinator").post(NEW, data)
    assert response.status_code == 200
    assert "you coordinate" in " ".join(response.context["party_errors"])
    assert not Agreement.objects.exists()


def test_edit_terms_and_parties(world):
    a = f.agreement(world)
    client = world.client("enterprise")
    form = client.get(url("agreement_edit", a.pk)).context["form"]
    assert form.initial["title"] == a.title
    data = agreement_form(
        world,
        title="Renamed",
        **{
            "parties-TOTAL_FORMS": "3",
            "parties-2-organisation": str(world.other_enterprise.pk),
            "parties-2-role": "sponsor",
        },
    )
    response = client.post(url("agreement_edit", a.pk), data)
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.title == "Renamed" and a.parties.count() == 3


def test_lifecycle_buttons_show_what_is_missing_and_only_to_editors(world):
    a = f.agreement(world)
    services.agreement_transition(actor=None, agreement=a, to="negotiating")
    page = world.client("coordinator").get(url("agreement_detail", a.pk))
    actions = {x["to"]: x for x in page.context["actions"]}
    assert set(actions) == {"draft", "signed", "terminated"}
    assert any("Test Telecom" in p for p in actions["signed"]["problems"])
    assert any("signed agreement" in p for p in actions["signed"]["problems"])
    html = page.content.decode()
    assert 'data-confirm="Terminate this agreement? This cannot be undone."' in html
    assert re.search(r'name="reason"[^>]*required', html)
    teacher = world.client("teacher").get(url("agreement_detail", a.pk))
    assert teacher.context["actions"] == []
    assert "agreement_transition" not in teacher.content.decode()
    assert url("agreement_transition", a.pk) not in teacher.content.decode()


def test_transition_errors_come_back_as_messages_and_change_nothing(world):
    a = f.active(world)
    client = world.client("coordinator")
    response = client.post(
        url("agreement_transition", a.pk), {"to": "terminated", "reason": ""}, follow=True
    )
    assert "Say why" in response.content.decode()
    a.refresh_from_db()
    assert a.status == "active"
    response = client.post(url("agreement_transition", a.pk), {"to": "draft"}, follow=True)
    assert "cannot become draft" in response.content.decode()
    response = client.post(
        url("agreement_transition", a.pk),
        {"to": "terminated", "reason": "The lab closed."},
        follow=True,
    )
    a.refresh_from_db()
    assert a.status == "terminated" and "terminated" in response.content.decode()
    assert response.context["can_edit_terms"] is False


def test_sign_through_the_pages(world):
    a = f.agreement(world)
    client = world.client("coordinator")
    client.post(url("agreement_transition", a.pk), {"to": "negotiating"})
    for org in (world.school, world.enterprise):
        person = f.staff(org)
        response = client.post(
            url("signatory_add", a.pk),
            {"party": f.party(a, org).pk, "person": person.pk, "title": "President"},
        )
        assert response.status_code == 302
    response = client.post(
        url("document_create", a.pk),
        {"kind": "signed", "title": "Signed agreement", "file": f.pdf(), "note": ""},
    )
    assert response.status_code == 302
    client.post(url("agreement_transition", a.pk), {"to": "signed", "on": "2026-01-05"})
    a.refresh_from_db()
    assert (a.status, a.signed_on) == ("signed", dt.date(2026, 1, 5))


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("contract.pdf", f.png_bytes()), "its content is a PNG image"),
        (SimpleUploadedFile("contract.pdf", b"MZ\x90\x00" + b"\x00" * 64), "Windows program"),
        (SimpleUploadedFile("setup.exe", b"MZ\x90\x00"), "not accepted"),
    ],
)
def test_bad_document_uploads_are_explained_and_nothing_is_kept(world, upload, message):
    a = f.agreement(world)
    response = world.client("enterprise").post(
        url("document_create", a.pk), {"kind": "signed", "title": "Signed", "file": upload}
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not Document.objects.exists()


def test_oversized_upload_is_refused(world, monkeypatch):
    from qiao.agreements import conf

    monkeypatch.setattr(conf, "AGREEMENT_DOCUMENT_MAX_BYTES", 64)
    a = f.agreement(world)
    response = world.client("enterprise").post(
        url("document_create", a.pk),
        {"kind": "annex", "title": "Annex", "file": f.pdf("annex.pdf", f.PDF * 10)},
    )
    assert "too large" in " ".join(response.context["form"].errors["file"])
    assert not Document.objects.exists()


def test_new_version_keeps_the_old_one(world):
    a = f.signed(world)
    doc = a.documents.get()
    response = world.client("coordinator").post(
        url("document_version_add", a.pk, doc.pk),
        {"file": f.pdf("v2.pdf", f.PDF + b"%v2\n"), "note": "Countersigned"},
    )
    assert response.status_code == 302
    page = world.client("student").get(url("agreement_detail", a.pk)).content.decode()
    for v in doc.versions.all():
        assert v.sha256 in page
        assert url("document_download", a.pk, v.pk) in page


def test_commitment_with_kpi_through_the_form_and_on_the_page(world):
    a = f.active(world, valid_from=f.today() - D(days=10))
    client = world.client("coordinator")
    form = client.get(url("commitment_create", a.pk)).context["form"]
    assert "contributions.hires" in dict(form.fields["kpi_metric"].choices)
    response = client.post(
        url("commitment_create", a.pk),
        {
            "area": f.area("talent-training").pk,
            "text": "Hire graduates of the order class",
            "owner": f.party(a, world.enterprise).pk,
            "recurrence": "yearly",
            "kpi_metric": "contributions.hires",
            "kpi_target": "10",
            "kpi_period": "whole",
        },
    )
    assert response.status_code == 302
    f.contribution(a, world.enterprise, "hires", "4")
    page = client.get(url("agreement_detail", a.pk))
    row = page.context["page"].commitments[0]
    assert row.kpi.actual == Decimal(4) and row.kpi.status == "on_track"
    html = page.content.decode()
    assert "On track" in html and "kpi-w-40" in html and 'style="' not in html
    # half a KPI is refused with the field named
    response = client.post(
        url("commitment_create", a.pk),
        {
            "area": f.area("talent-training").pk,
            "text": "x",
            "owner": f.party(a, world.enterprise).pk,
            "recurrence": "none",
            "kpi_metric": "contributions.hires",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["kpi_target"]
    assert Commitment.objects.count() == 1


def test_contribution_and_event_forms(world):
    a = f.active(world)
    client = world.client("enterprise")
    response = client.post(
        url("contribution_create", a.pk),
        {
            "party": f.party(a, world.enterprise).pk,
            "kind": "equipment",
            "value": "120000",
            "currency": "CNY",
            "unit": "",
            "date": str(f.today()),
            "description": "20 servers",
            "evidence": f.pdf("invoice.pdf"),
        },
    )
    assert response.status_code == 302
    assert Contribution.objects.get().evidence_name == "invoice.pdf"
    response = client.post(
        url("contribution_create", a.pk),
        {
            "party": f.party(a, world.enterprise).pk,
            "kind": "mentor_hours",
            "value": "10",
            "currency": "CNY",
            "date": str(f.today()),
        },
    )
    assert "not money" in " ".join(response.context["form"].errors["currency"])
    mentor = world.people["mentor"]
    response = client.post(
        url("event_create", a.pk),
        {
            "kind": "training",
            "date": str(f.today()),
            "title": "5G teacher training",
            "location": "Shenzhen",
            "participants": [mentor.pk],
        },
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert list(event.participants.all()) == [mentor]
    response = client.post(
        url("photo_add", a.pk, event.pk), {"image": f.png(), "caption": "Group photo"}
    )
    assert response.status_code == 302
    page = client.get(url("agreement_detail", a.pk)).content.decode()
    assert "5G teacher training" in page and "Group photo" in page
    response = client.post(
        url("photo_add", a.pk, event.pk),
        {"image": SimpleUploadedFile("x.jpg", b"not an image"), "caption": ""},
    )
    assert response.status_code == 200 and response.context["form"].errors["image"]


def test_renew_through_the_page(world):
    a = f.active(world, valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2026, 12, 31))
    client = world.client("coordinator")
    form = client.get(url("agreement_renew", a.pk)).context["form"]
    assert form.initial["valid_from"] == dt.date(2027, 1, 1)
    response = client.post(
        url("agreement_renew", a.pk), {"valid_from": "2026-03-01", "valid_to": "2029-02-28"}
    )
    assert "overlap" in " ".join(response.context["form"].errors["valid_from"])
    response = client.post(
        url("agreement_renew", a.pk), {"valid_from": "2027-01-01", "valid_to": "2029-12-31"}
    )
    renewal = Agreement.objects.get(renews=a)
    assert response["Location"] == url("agreement_detail", renewal.pk)
    page = client.get(url("agreement_detail", a.pk))
    assert [x.pk for x in page.context["page"].chain] == [a.pk, renewal.pk]
    assert page.context["can_renew"] is False
    response = client.post(
        url("agreement_renew", a.pk), {"valid_from": "2027-01-01", "valid_to": "2029-12-31"}
    )
    assert "already been renewed" in str(response.context["form"].errors)


# --- List, filters, export --------------------------------------------------------------------


@pytest.fixture
def several(world):
    kenya = PartySpec("partner", world.other_school)
    ending = f.active(world, title="Ending soon", valid_to=f.today() + D(days=20))
    ended = f.active(
        world,
        title="Past its end",
        valid_from=f.today() - D(days=400),
        valid_to=f.today() + D(days=1),
    )
    Agreement.objects.filter(pk=ended.pk).update(valid_to=f.today() - D(days=1))
    draft = f.agreement(world, title="A draft", kind="project", areas=("smart-campus",))
    abroad = f.agreement(
        world,
        title="With Kenya",
        parties=[PartySpec("school", world.school), kenya],
    )
    return {"ending": ending, "ended": ended, "draft": draft, "abroad": abroad}


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({"status": "expired"}, {"Past its end"}),
        ({"status": "active"}, {"Ending soon"}),
        ({"expiring_within": "30"}, {"Ending soon"}),
        ({"kind": "project"}, {"A draft"}),
        ({"area": "smart-campus"}, {"A draft"}),
        ({"country": "KE"}, {"With Kenya"}),
        ({"q": "kenya"}, {"With Kenya"}),
    ],
)
def test_list_filters(world, several, params, titles):
    page = world.client("coordinator").get(LIST, params)
    assert {a.title for a in page.context["object_list"]} == titles


def test_partner_filter_and_sorting(world, several):
    client = world.client("coordinator")
    page = client.get(LIST, {"partner": world.other_school.pk})
    assert [a.title for a in page.context["object_list"]] == ["With Kenya"]
    page = client.get(LIST, {"sort": "-title"})
    titles = [a.title for a in page.context["object_list"]]
    assert titles == sorted(titles, reverse=True)
    page = client.get(LIST, {"sort": "valid_to", "status": "active"})
    assert page.status_code == 200
    assert "ends in 20 days" in page.content.decode()


def test_xlsx_export_follows_the_filters(world, several):
    response = world.client("teacher").get(LIST, {"country": "KE", "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0][:5] == ("id", "reference", "kind", "status", "title")
    assert [r[4] for r in rows[1:]] == ["With Kenya"]
    assert "KE" in rows[1][8]


# --- Dashboards -------------------------------------------------------------------------------


def test_dashboards_draw_charts_from_json_without_inline_script(world, several):
    a = several["ending"]
    services.commitment_create(
        actor=None,
        agreement=a,
        area=f.area(),
        text="Equipment",
        owner=f.party(a, world.enterprise),
        kpi_metric="contributions.equipment",
        kpi_target=Decimal(1000),
        kpi_period="whole",
    )
    f.contribution(a, world.enterprise, "equipment", "300")
    client = world.client("coordinator")
    for page in (client.get(url("agreement_dashboard", a.pk)), client.get(url("overview"))):
        html = page.content.decode()
        assert "agreements/charts.js" in html and "vendor/chart.umd.min.js" in html
        scripts = re.findall(r"<script([^>]*)>", html)
        assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
        assert 'style="' not in html
    data = client.get(url("agreement_dashboard", a.pk)).context["data"]
    assert data["kpi_chart"]["datasets"][0]["data"] == [30.0]  # % of the target
    assert data["contributions_chart"]["labels"] == ["Test Telecom"]
    overview = client.get(url("overview")).context["data"]
    assert overview["total"] == 4
    assert [x.title for x in overview["expiring"]] == ["Ending soon"]


def test_pages_render_in_chinese(world, several):
    client = world.client("coordinator")
    client.cookies["django_language"] = "zh-hans"
    for path in (LIST, url("agreement_detail", several["ending"].pk), url("overview")):
        response = client.get(path)
        assert response.status_code == 200
        assert '<html lang="zh-hans"' in response.content.decode()


# --- Query counts -----------------------------------------------------------------------------


def _fill(world, n: int) -> Agreement:
    """n more agreements, and one agreement with n commitments, contributions, documents and
    events."""
    for _ in range(n):
        f.agreement(world)
    a = f.active(world)
    for i in range(n):
        services.commitment_create(
            actor=None,
            agreement=a,
            area=f.area(),
            text=f"Clause {i}",
            owner=f.party(a, world.enterprise),
            kpi_metric="contributions.funding" if i % 2 else "contributions.mentor_hours",
            kpi_target=Decimal(100),
            kpi_period="year",
        )
        f.contribution(a, world.enterprise, "funding", "10")
        services.document_create(actor=None, agreement=a, kind="annex", title=f"A{i}", file=f.pdf())
        event = services.event_create(
            actor=None,
            agreement=a,
            kind="visit",
            date=f.today(),
            title=f"Visit {i}",
            participants=[world.people["mentor"]],
        )
        services.event_photo_add(actor=None, event=event, image=f.png())
    return a


@pytest.mark.parametrize("n", [2, 12])
def test_list_and_detail_query_counts_do_not_grow_with_rows(
    world, n, django_assert_max_num_queries
):
    a = _fill(world, n)
    client = world.client("coordinator")
    client.get(LIST)  # warm the session and per-process caches
    with django_assert_max_num_queries(11):
        response = client.get(LIST, {"per_page": 50, "sort": "status"})
    assert len(response.context["object_list"]) == n + 1
    with django_assert_max_num_queries(11):
        client.get(LIST, {"export": "xlsx"})
    # 26 for part A, plus the committee section and the committee meetings on the timeline.
    with django_assert_max_num_queries(28):
        response = client.get(url("agreement_detail", a.pk))
    assert len(response.context["page"].commitments) == n
    assert len(response.context["page"].timeline) > n
    with django_assert_max_num_queries(16):
        client.get(url("agreement_dashboard", a.pk))
    with django_assert_max_num_queries(17):
        client.get(url("overview"))
    with django_assert_max_num_queries(11):
        client.get(url("contribution_list"), {"per_page": 100})
