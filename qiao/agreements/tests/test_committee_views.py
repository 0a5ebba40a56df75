"""Committee pages and API, persona by persona: committee members see their committee; the
coordinators (and administrators) of the parties see and manage it; nobody else sees anything
of it (404, not 403). Also "My action items" with its filters, export and quick status change,
the committee section of the agreement page and the dashboard chart."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from qiao.agreements import services
from qiao.agreements.models import ActionItem, Committee, Meeting
from qiao.agreements.tests import factories as f
from qiao.conftest import World
from qiao.core.tests.factories import body

pytestmark = pytest.mark.django_db

MANAGERS = ("admin", "coordinator", "org_admin", "enterprise")
MEMBERS = ("teacher",)  # on the committee, no coordinator role
NOBODY = ("mentor", "student", "outsider", "other_coordinator")


@dataclass
class Setup:
    committee: Committee
    meeting: Meeting
    item: ActionItem
    attachment_pk: int
    agreement_pk: int


@pytest.fixture
def setup(world: World) -> Setup:
    c = f.committee(world)
    m = f.meeting(c, days_ago=20, title="Quarterly meeting", minutes="**Agreed** on the plan.")
    item = f.action_item(m, world.people["teacher"], due_in=30, text="Draft the plan")
    att = services.meeting_attachment_add(actor=None, meeting=m, file=f.pdf("slides.pdf"))
    return Setup(c, m, item, att.pk, c.agreements.get().pk)


def url(name: str, *args: Any) -> str:
    return reverse(f"agreements:{name}", args=args)


def read_urls(s: Setup) -> list[str]:
    return [
        url("committee_detail", s.committee.pk),
        url("meeting_detail", s.meeting.pk),
        url("attachment_download", s.meeting.pk, s.attachment_pk),
    ]


def manage_urls(s: Setup) -> list[str]:
    return [
        url("committee_edit", s.committee.pk),
        url("member_add", s.committee.pk),
        url("meeting_create", s.committee.pk),
        url("meeting_edit", s.meeting.pk),
        url("attachment_add", s.meeting.pk),
        url("decision_create", s.meeting.pk),
        url("action_item_create", s.item.decision_id),
        url("action_item_edit", s.item.pk),
    ]


@pytest.mark.parametrize("persona", MANAGERS)
def test_managers_see_and_manage(world: World, setup: Setup, persona: str):
    client = world.client(persona)
    for u in read_urls(setup) + manage_urls(setup):
        assert client.get(u).status_code == 200, u
    assert setup.committee.name in client.get(url("committee_list")).content.decode()


@pytest.mark.parametrize("persona", MEMBERS)
def test_members_see_but_do_not_manage(world: World, setup: Setup, persona: str):
    client = world.client(persona)
    for u in read_urls(setup):
        assert client.get(u).status_code == 200, u
    for u in manage_urls(setup):
        assert client.get(u).status_code == 403, u


@pytest.mark.parametrize("persona", NOBODY)
def test_nobody_else_sees_anything(world: World, setup: Setup, persona: str):
    client = world.client(persona)
    for u in read_urls(setup) + manage_urls(setup):
        assert client.get(u).status_code == 404, u
    assert setup.committee.name not in client.get(url("committee_list")).content.decode()
    post = client.post(url("action_item_status", setup.item.pk), {"status": "done"})
    assert post.status_code == 404
    api = client.get(f"/api/v1/agreements/committees/{setup.committee.pk}")
    assert api.status_code in (403, 404)
    setup.item.refresh_from_db()
    assert setup.item.status == "open"


def test_anonymous_is_sent_to_log_in(world: World, setup: Setup):
    client = world.client("anonymous")
    for u in read_urls(setup):
        assert client.get(u).status_code == 302


def test_agreement_page_shows_the_committee_to_those_who_see_it(world: World, setup: Setup):
    detail = url("agreement_detail", setup.agreement_pk)
    page = world.client("coordinator").get(detail).content.decode()
    assert setup.committee.name in page and "Quarterly meeting" in page
    mentor = world.client("mentor").get(detail)
    assert mentor.status_code == 200  # a party member reads the agreement…
    assert setup.committee.name not in mentor.content.decode()  # …not its committee


def test_meeting_page_renders_sanitised_minutes(world: World, setup: Setup):
    services.meeting_update(
        actor=None, meeting=setup.meeting, minutes="<script>alert(1)</script>**bold**"
    )
    page = world.client("teacher").get(url("meeting_detail", setup.meeting.pk)).content.decode()
    assert "<strong>bold</strong>" in page and "alert(1)" not in page


def test_coordinator_records_a_meeting_decision_and_item(world: World, setup: Setup):
    client = world.client("coordinator")
    teacher = world.people["teacher"]
    response = client.post(
        url("meeting_create", setup.committee.pk),
        {
            "title": "Extra meeting",
            "date": f.today().isoformat(),
            "place": "Room 1",
            "minutes": "Short.",
            "attendees": [teacher.pk],
        },
    )
    meeting = Meeting.objects.get(title="Extra meeting")
    assert response.status_code == 302 and list(meeting.attendees.all()) == [teacher]
    client.post(url("decision_create", meeting.pk), {"text": "Buy servers."})
    decision = meeting.decisions.get()
    response = client.post(
        url("action_item_create", decision.pk),
        {"text": "Get quotes", "owner": teacher.pk, "due_date": f.today().isoformat()},
    )
    assert response.status_code == 302
    assert decision.action_items.get().owner == teacher


def test_form_errors_for_bad_input(world: World, setup: Setup):
    client = world.client("coordinator")
    decision = setup.item.decision
    before = ActionItem.objects.count()
    early = setup.meeting.date.toordinal() - 1
    import datetime as dt

    response = client.post(
        url("action_item_create", decision.pk),
        {
            "text": "Too early",
            "owner": world.people["teacher"].pk,
            "due_date": dt.date.fromordinal(early).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "before the meeting" in response.content.decode()
    lying = io.BytesIO(f.png_bytes())
    lying.name = "minutes.pdf"
    response = client.post(url("attachment_add", setup.meeting.pk), {"file": lying})
    assert response.status_code == 200 and "PNG" in response.content.decode()
    assert ActionItem.objects.count() == before
    assert setup.meeting.attachments.count() == 1


def test_owner_changes_status_from_my_action_items(world: World, setup: Setup):
    client = world.client("teacher")
    page = client.get(url("my_action_items"))
    assert page.status_code == 200 and "Draft the plan" in page.content.decode()
    response = client.post(
        url("action_item_status", setup.item.pk),
        {"status": "done", "next": url("my_action_items")},
    )
    assert response.status_code == 302 and response["Location"] == url("my_action_items")
    setup.item.refresh_from_db()
    assert setup.item.status == "done" and setup.item.done_on == f.today()
    response = client.post(url("action_item_status", setup.item.pk), {"status": "cancelled"})
    setup.item.refresh_from_db()
    assert setup.item.status == "done"  # refused: done → cancelled


def test_other_members_may_not_change_someone_elses_item(world: World, setup: Setup):
    chair = setup.committee.members.get(role="chair").person
    item = f.action_item(setup.meeting, chair)
    response = world.client("teacher").post(url("action_item_status", item.pk), {"status": "done"})
    assert response.status_code == 403


def test_my_action_items_filters_sorts_and_exports(world: World, setup: Setup):
    m = f.meeting(setup.committee, days_ago=40)
    late = f.action_item(m, world.people["teacher"], due_in=5, text="Late one")
    client = world.client("teacher")
    rows = client.get(url("my_action_items"), {"overdue": "yes"}).context["object_list"]
    assert [r.pk for r in rows] == [late.pk]
    rows = client.get(url("my_action_items"), {"status": "open", "sort": "-due_date"}).context[
        "object_list"
    ]
    assert [r.pk for r in rows] == [setup.item.pk, late.pk]
    data = body(client.get(url("my_action_items"), {"export": "csv"})).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(data)))
    assert {r["action"] for r in table} == {"Draft the plan", "Late one"}
    assert {r["overdue"] for r in table} == {"yes", "no"}
    xlsx = client.get(url("my_action_items"), {"export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    # Someone with no items sees an empty list, not someone else's.
    assert (
        list(world.client("coordinator").get(url("my_action_items")).context["object_list"]) == []
    )


def test_dashboard_charts_action_items_by_status(world: World, setup: Setup):
    response = world.client("coordinator").get(url("agreement_dashboard", setup.agreement_pk))
    chart = response.context["data"]["action_chart"]
    assert chart["labels"] and {d["label"] for d in chart["datasets"]} >= {"Open", "Done"}
    assert sum(sum(d["data"]) for d in chart["datasets"]) >= 1
    mentor = world.client("mentor").get(url("agreement_dashboard", setup.agreement_pk))
    assert "action_chart" not in mentor.context["data"]


def test_committee_page_query_count_does_not_grow(
    world: World, setup: Setup, django_assert_max_num_queries
):
    client = world.client("coordinator")
    client.get(url("committee_detail", setup.committee.pk))
    for _i in range(5):
        m = f.meeting(setup.committee)
        f.action_item(m, world.people["teacher"])
    with django_assert_max_num_queries(16):
        client.get(url("committee_detail", setup.committee.pk))
    with django_assert_max_num_queries(12):
        client.get(url("my_action_items"), {"per_page": 100})
    with django_assert_max_num_queries(32):
        client.get(url("agreement_detail", setup.agreement_pk))


# --- API --------------------------------------------------------------------------------------


def _json(response: Any) -> Any:
    return json.loads(response.content)


def test_api_committees_meetings_decisions_items(world: World, setup: Setup):
    client = world.client("coordinator")
    listed = _json(client.get(f"/api/v1/agreements/{setup.agreement_pk}/committees"))
    assert [c["id"] for c in listed] == [setup.committee.pk]
    teacher = world.people["teacher"]
    created = client.post(
        f"/api/v1/agreements/committees/{setup.committee.pk}/meetings",
        {"title": "API meeting", "date": f.today().isoformat(), "attendee_ids": [teacher.pk]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    meeting_id = _json(created)["id"]
    decision = client.post(
        f"/api/v1/agreements/meetings/{meeting_id}/decisions",
        {"text": "Decided by API"},
        content_type="application/json",
    )
    assert decision.status_code == 201
    item = client.post(
        f"/api/v1/agreements/decisions/{_json(decision)['id']}/action-items",
        {"text": "API item", "owner_id": teacher.pk, "due_date": f.today().isoformat()},
        content_type="application/json",
    )
    assert item.status_code == 201 and _json(item)["status"] == "open"
    detail = _json(client.get(f"/api/v1/agreements/meetings/{meeting_id}"))
    assert detail["decisions"][0]["action_items"][0]["text"] == "API item"


def test_api_bad_input_is_a_422(world: World, setup: Setup):
    client = world.client("coordinator")
    response = client.post(
        f"/api/v1/agreements/committees/{setup.committee.pk}/meetings",
        {"title": "X", "date": f.today().isoformat(), "attendee_ids": [world.people["mentor"].pk]},
        content_type="application/json",
    )
    assert response.status_code == 422 and "attendees" in _json(response)["error"]["details"]
    response = client.post(
        f"/api/v1/agreements/action-items/{setup.item.pk}/status",
        {"status": "open"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not Meeting.objects.filter(title="X").exists()


def test_api_my_items_and_status_by_the_owner(world: World, setup: Setup):
    client = world.client("teacher")
    mine = _json(client.get("/api/v1/agreements/action-items/mine"))
    assert [i["id"] for i in mine["items"]] == [setup.item.pk]
    response = client.post(
        f"/api/v1/agreements/action-items/{setup.item.pk}/status",
        {"status": "in_progress"},
        content_type="application/json",
    )
    assert response.status_code == 200 and _json(response)["status"] == "in_progress"
    forbidden = client.post(
        f"/api/v1/agreements/committees/{setup.committee.pk}/meetings",
        {"title": "Nope", "date": f.today().isoformat()},
        content_type="application/json",
    )
    assert forbidden.status_code == 403


@pytest.mark.parametrize("persona", NOBODY)
def test_api_hides_committees_from_outsiders(world: World, setup: Setup, persona: str):
    client = world.client(persona)
    assert client.get(f"/api/v1/agreements/committees/{setup.committee.pk}").status_code == 404
    assert client.get(f"/api/v1/agreements/meetings/{setup.meeting.pk}").status_code == 404
    assert _json(client.get("/api/v1/agreements/action-items/mine"))["items"] == []
