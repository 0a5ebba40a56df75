"""Committees, meetings, decisions and action items: the rules the services enforce, the audit,
reminders, metrics, the timeline — and bad input, each a clear error that changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from qiao.agreements import metrics, services
from qiao.agreements.markdown import render_markdown
from qiao.agreements.models import (
    ActionItem,
    ActionItemReminder,
    Committee,
    CommitteeMember,
    Decision,
    Meeting,
    MeetingAttachment,
)
from qiao.agreements.tests import factories as f
from qiao.agreements.timeline import timeline_for
from qiao.conftest import World
from qiao.core.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db


def test_committee_with_members_and_audit_for_each_party(world: World):
    c = f.committee(world)
    assert [m.role for m in c.members.order_by("order")] == ["chair", "vice_chair", "secretary"]
    orgs = set(
        AuditEntry.objects.filter(action="committee.member_add").values_list(
            "organisation_id", flat=True
        )
    )
    assert orgs == {world.school.pk, world.enterprise.pk}


def test_a_committee_may_steer_several_agreements(world: World):
    a, b = f.active(world), f.active(world)
    c = services.committee_create(actor=None, name="Shared", agreements=[a, b])
    assert set(c.agreements.all()) == {a, b}


def test_member_must_work_for_a_party(world: World):
    c = f.committee(world)
    outsider = f.staff(world.other_enterprise)
    with pytest.raises(ValidationError) as error:
        services.member_add(
            actor=None,
            committee=c,
            person=outsider,
            organisation=world.other_enterprise,
            role="member",
        )
    assert "organisation" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.member_add(
            actor=None, committee=c, person=outsider, organisation=world.school, role="member"
        )
    assert "does not work for" in error.value.message_dict["person"][0]
    with pytest.raises(ValidationError) as error:
        services.member_add(
            actor=None,
            committee=c,
            person=world.people["student"],
            organisation=world.school,
            role="member",
        )
    assert "person" in error.value.message_dict
    assert c.members.count() == 3


def test_only_one_chair(world: World):
    c = f.committee(world)
    with pytest.raises(ValidationError, match="already has a chair"):
        services.member_add(
            actor=None,
            committee=c,
            person=world.people["mentor"],
            organisation=world.enterprise,
            role="chair",
        )
    assert c.members.count() == 3


def test_attendee_who_is_not_a_member_is_refused(world: World):
    c = f.committee(world)
    with pytest.raises(ValidationError) as error:
        f.meeting(c, attendees=[world.people["teacher"], world.people["mentor"]])
    assert "Mentor" in error.value.message_dict["attendees"][0]
    assert not Meeting.objects.exists()


def test_script_in_minutes_and_charter_is_sanitised(world: World):
    evil = (
        "# Minutes\n\n<script>alert(1)</script>\n\n"
        "[x](javascript:alert(2)) <img src=x onerror=alert(3)>"
    )
    c = f.committee(world, charter=evil)
    m = f.meeting(c, minutes=evil)
    for text in (c.charter, m.minutes):
        html = render_markdown(text)
        assert "<script" not in html and "alert(1)" not in html
        assert "javascript:" not in html and "onerror" not in html
        assert "<h2>Minutes</h2>" in html


def test_action_item_owner_must_be_a_member(world: World):
    m = f.meeting(f.committee(world))
    with pytest.raises(ValidationError) as error:
        f.action_item(m, world.people["mentor"])
    assert "not a member" in error.value.message_dict["owner"][0]
    assert not ActionItem.objects.exists()


def test_action_item_cannot_be_due_before_its_meeting(world: World):
    c = f.committee(world)
    m = f.meeting(c)
    with pytest.raises(ValidationError) as error:
        f.action_item(m, world.people["teacher"], due_in=-1)
    assert "before the meeting" in error.value.message_dict["due_date"][0]
    assert not ActionItem.objects.exists()


def test_moving_a_meeting_after_its_action_items_is_refused(world: World):
    m = f.meeting(f.committee(world), days_ago=30)
    f.action_item(m, world.people["teacher"], due_in=5)
    with pytest.raises(ValidationError):
        services.meeting_update(actor=None, meeting=m, date=m.date + dt.timedelta(days=10))
    m.refresh_from_db()
    assert m.date == f.today() - dt.timedelta(days=30)


def test_status_transitions(world: World):
    m = f.meeting(f.committee(world), days_ago=30)
    item = f.action_item(m, world.people["teacher"], due_in=20)
    item = services.action_item_set_status(actor=None, item=item, status="in_progress")
    assert item.started_on == f.today()
    done_on = m.date + dt.timedelta(days=15)
    item = services.action_item_set_status(actor=None, item=item, status="done", on=done_on)
    assert item.done_on == done_on and item.on_time is True
    with pytest.raises(ValidationError, match="cannot become cancelled"):
        services.action_item_set_status(actor=None, item=item, status="cancelled")
    item.refresh_from_db()
    assert item.status == "done" and item.done_on == done_on
    item = services.action_item_set_status(actor=None, item=item, status="in_progress")
    assert item.done_on is None
    assert AuditEntry.objects.filter(action="action_item.status").count() == 3 * 2


@pytest.mark.parametrize(
    ("start", "to"), [("open", "open"), ("cancelled", "done"), ("done", "cancelled")]
)
def test_invalid_transitions_change_nothing(world: World, start: str, to: str):
    m = f.meeting(f.committee(world), days_ago=30)
    item = f.action_item(m, world.people["teacher"])
    if start != "open":
        item = services.action_item_set_status(actor=None, item=item, status=start)
    with pytest.raises(ValidationError):
        services.action_item_set_status(actor=None, item=item, status=to)
    item.refresh_from_db()
    assert item.status == start


def test_status_dates_cannot_be_in_the_future_or_before_the_meeting(world: World):
    m = f.meeting(f.committee(world), days_ago=30)
    item = f.action_item(m, world.people["teacher"])
    for day in (f.today() + dt.timedelta(days=1), m.date - dt.timedelta(days=1)):
        with pytest.raises(ValidationError):
            services.action_item_set_status(actor=None, item=item, status="done", on=day)
    item.refresh_from_db()
    assert item.status == "open" and item.done_on is None


def test_overdue_is_computed(world: World):
    m = f.meeting(f.committee(world), days_ago=30)
    item = f.action_item(m, world.people["teacher"], due_in=10)
    assert item.is_overdue()
    services.action_item_set_status(actor=None, item=item, status="done")
    item.refresh_from_db()
    assert not item.is_overdue() and item.on_time is False


def test_decision_commitments_must_belong_to_the_committee(world: World):
    c = f.committee(world)
    m = f.meeting(c)
    other = f.active(world)
    foreign = services.commitment_create(
        actor=None,
        agreement=other,
        area=f.area(),
        text="Elsewhere",
        owner=f.party(other, world.school),
    )
    with pytest.raises(ValidationError) as error:
        services.decision_create(actor=None, meeting=m, text="Decide", commitments=[foreign])
    assert "commitments" in error.value.message_dict
    assert not Decision.objects.exists()


def test_attachment_is_checked_and_kept_with_its_hash(world: World, settings):
    m = f.meeting(f.committee(world))
    a = services.meeting_attachment_add(actor=None, meeting=m, file=f.pdf("minutes.pdf"))
    assert len(a.sha256) == 64 and a.content_type == "application/pdf"
    assert Path(settings.MEDIA_ROOT, a.file.name).exists()


def test_lying_or_oversized_attachment_is_refused_and_nothing_kept(world: World, settings):
    m = f.meeting(f.committee(world))
    lying = SimpleUploadedFile("minutes.pdf", f.png_bytes())
    with pytest.raises(ValidationError) as error:
        services.meeting_attachment_add(actor=None, meeting=m, file=lying)
    assert "PNG" in error.value.message_dict["file"][0]
    from qiao.agreements import conf

    old = conf.AGREEMENT_DOCUMENT_MAX_BYTES
    conf.AGREEMENT_DOCUMENT_MAX_BYTES = 10
    try:
        with pytest.raises(ValidationError, match="too large"):
            services.meeting_attachment_add(actor=None, meeting=m, file=f.pdf())
    finally:
        conf.AGREEMENT_DOCUMENT_MAX_BYTES = old
    assert not MeetingAttachment.objects.exists()
    kept = Path(settings.MEDIA_ROOT, "agreements", "committees")
    assert not kept.exists() or not any(p.is_file() for p in kept.rglob("*"))


def test_member_with_open_items_cannot_be_removed(world: World):
    c = f.committee(world)
    f.action_item(f.meeting(c), world.people["teacher"])
    member = c.members.get(person=world.people["teacher"])
    with pytest.raises(ValidationError, match="open action item"):
        services.member_remove(actor=None, member=member)
    assert CommitteeMember.objects.filter(pk=member.pk).exists()


def test_owner_is_notified_when_an_item_is_assigned(world: World):
    f.action_item(f.meeting(f.committee(world)), world.people["teacher"])
    n = Notification.objects.get(recipient=world.users["teacher"])
    assert n.kind == "agreements.action_item_assigned" and "Write the report" in n.title
    world.users["teacher"].refresh_from_db()
    assert world.users["teacher"].unread_notifications == 1


def test_action_item_update_checks_and_notifies_the_new_owner(world: World):
    c = f.committee(world)
    m = f.meeting(c, days_ago=10)
    item = f.action_item(m, world.people["teacher"])
    chair = c.members.get(role="chair").person
    with pytest.raises(ValidationError) as error:
        services.action_item_update(
            actor=None, item=item, text="x", owner=world.people["mentor"], due_date=m.date
        )
    assert "owner" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.action_item_update(
            actor=None,
            item=item,
            text="x",
            owner=chair,
            due_date=m.date - dt.timedelta(days=1),
        )
    assert "due_date" in error.value.message_dict
    item.refresh_from_db()
    assert item.text == "Write the report" and item.owner == world.people["teacher"]
    services.action_item_update(
        actor=None, item=item, text="Write it", owner=world.people["teacher"], due_date=m.date
    )
    item.refresh_from_db()
    assert item.text == "Write it" and item.due_date == m.date
    entry = AuditEntry.objects.filter(action="action_item.update").first()
    assert entry is not None and set(entry.changes) >= {"text", "due_date"}


# --- Reminders --------------------------------------------------------------------------------


def _remind(today: dt.date) -> str:
    out = io.StringIO()
    call_command("agreements_remind", "--today", today.isoformat(), stdout=out)
    return out.getvalue()


def test_due_soon_and_overdue_reminders_each_once(world: World, django_capture_on_commit_callbacks):
    m = f.meeting(f.committee(world), days_ago=2)
    item = f.action_item(m, world.people["teacher"], due_in=7)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        out = _remind(f.today())
    assert "1 action-item reminder(s) sent" in out
    with django_capture_on_commit_callbacks(execute=True):
        out = _remind(f.today())
    assert "0 action-item reminder(s) sent" in out
    late = item.due_date + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        _remind(late)
        _remind(late + dt.timedelta(days=1))
    kinds = list(ActionItemReminder.objects.order_by("kind").values_list("kind", flat=True))
    assert kinds == ["due_soon", "overdue"]
    titles = list(Notification.objects.order_by("pk").values_list("title", flat=True))
    assert len(titles) == 2 and titles[1].startswith("Overdue action item")
    assert [msg.to for msg in mail.outbox] == [["teacher@test.example"]] * 2


def test_done_items_get_no_reminder(world: World):
    m = f.meeting(f.committee(world), days_ago=20)
    item = f.action_item(m, world.people["teacher"], due_in=5)
    services.action_item_set_status(actor=None, item=item, status="done")
    assert services.action_reminders_due() == []


def test_reminder_is_written_in_the_owners_language(world: World):
    user = world.users["teacher"]
    user.language = "zh-hans"
    user.save()
    m = f.meeting(f.committee(world), days_ago=20)
    f.action_item(m, world.people["teacher"], due_in=5)
    services.action_reminders_send(email=False)
    n = Notification.objects.filter(kind="agreements.action_item_overdue").get()
    assert n.title  # rendered under the owner's language (same text until translated)


def test_expiry_reminder_also_in_the_app(world: World, django_capture_on_commit_callbacks):
    f.active(world, valid_to=f.today() + dt.timedelta(days=10), title="Ending soon")
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send()
    recipients = set(
        Notification.objects.filter(kind="agreements.expiry").values_list(
            "recipient__email", flat=True
        )
    )
    assert recipients == {
        "coordinator@test.example",
        "orgadmin@test.example",
        "manager@test.example",
    }


# --- Metrics and timeline ---------------------------------------------------------------------


def test_committee_metrics(world: World):
    c = f.committee(world)
    a = c.agreements.get()
    m1 = f.meeting(c, days_ago=60)
    f.meeting(c, days_ago=30)
    on_time = f.action_item(m1, world.people["teacher"], due_in=20)
    services.action_item_set_status(
        actor=None, item=on_time, status="done", on=m1.date + dt.timedelta(days=10)
    )
    late = f.action_item(m1, world.people["teacher"], due_in=5)
    services.action_item_set_status(actor=None, item=late, status="done")
    f.action_item(m1, world.people["teacher"], due_in=10)  # overdue
    f.action_item(m1, world.people["teacher"], due_in=200)  # not yet due: not counted
    period = (f.today() - dt.timedelta(days=365), f.today() + dt.timedelta(days=365))
    assert metrics.compute(a, "committees.meetings_held", period) == 2
    assert metrics.compute(a, "committees.decisions_taken", period) == 4
    assert metrics.compute(a, "committees.action_items_on_time", period) == Decimal("33.3")
    other = f.active(world)
    assert metrics.compute(other, "committees.action_items_on_time", period) == 0


def test_timeline_shows_meetings_to_those_who_see_the_committee(world: World):
    c = f.committee(world)
    m = f.meeting(c, title="Spring meeting")
    services.decision_create(actor=None, meeting=m, text="Open a studio.")
    a = c.agreements.get()
    titles = [i.title for i in timeline_for(a, world.users["coordinator"])]
    assert "Spring meeting" in titles and "Open a studio." in titles
    assert "Spring meeting" in [i.title for i in timeline_for(a, world.users["teacher"])]
    assert "Spring meeting" not in [i.title for i in timeline_for(a, world.users["mentor"])]


def test_committee_deleted_with_nothing_left_behind(world: World):
    c = f.committee(world)
    f.action_item(f.meeting(c), world.people["teacher"])
    Committee.objects.filter(pk=c.pk).delete()
    assert not ActionItem.objects.exists()
