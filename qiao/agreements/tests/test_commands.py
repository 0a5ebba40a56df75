"""The nightly commands: `qiao agreements_expire` and `qiao agreements_remind`."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command

from qiao.agreements import services
from qiao.agreements.models import Agreement, ReminderSent
from qiao.agreements.tests import factories as f
from qiao.core.models import AuditEntry
from qiao.core.services import accounts

pytestmark = pytest.mark.django_db
D = dt.timedelta


def run(name: str, *args: str) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def test_expire_command(world):
    a = f.active(world, valid_to=f.today() + D(days=3))
    later = str(f.today() + D(days=4))
    assert "1 agreement(s) expired" in run("agreements_expire", "--today", later)
    a.refresh_from_db()
    assert a.status == "expired"
    assert AuditEntry.objects.filter(action="agreement.expired", actor=None).count() == 2
    assert "0 agreement(s) expired" in run("agreements_expire", "--today", later)


def test_remind_command_emails_party_coordinators_once(world, django_capture_on_commit_callbacks):
    accounts.user_update(actor=None, user=world.users["enterprise"], language="zh-hans")
    soon = f.active(world, title="Ends soon", valid_to=f.today() + D(days=20))
    f.active(world, title="Ends later", valid_to=f.today() + D(days=300))
    with django_capture_on_commit_callbacks(execute=True):
        out = run("agreements_remind")
    assert "1 reminder(s) sent" in out
    recipients = sorted(m.to[0] for m in mail.outbox)
    # coordinators and admins of both parties; not teachers, mentors or students
    assert recipients == [
        "coordinator@test.example",
        "manager@test.example",
        "orgadmin@test.example",
    ]
    message = mail.outbox[0]
    assert "Ends soon" in message.subject and "20" in message.subject
    assert f"/agreements/{soon.pk}/" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        out = run("agreements_remind")
    assert "0 reminder(s) sent" in out and len(mail.outbox) == 3
    reminder = ReminderSent.objects.get()
    assert reminder.for_date == soon.valid_to and len(reminder.recipients) == 3
    # a new end date is a new reminder
    services.agreement_update(actor=None, agreement=soon, valid_to=f.today() + D(days=25))
    with django_capture_on_commit_callbacks(execute=True):
        run("agreements_remind")
    assert len(mail.outbox) == 6


def test_reminder_window_is_per_agreement(world, django_capture_on_commit_callbacks):
    a = f.active(world, valid_to=f.today() + D(days=100), remind_days_before=120)
    f.active(world, valid_to=f.today() + D(days=100), remind_days_before=30)
    assert [x.pk for x in services.reminders_due()] == [a.pk]
    Agreement.objects.filter(pk=a.pk).update(
        status="terminated", termination_reason="x", terminated_on=f.today()
    )
    assert services.reminders_due() == []


def test_a_failed_send_is_retried_next_time(world, django_capture_on_commit_callbacks, monkeypatch):
    f.active(world, valid_to=f.today() + D(days=10))

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("qiao.agreements.services.reminders.send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        run("agreements_remind")
    assert not ReminderSent.objects.exists()
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        run("agreements_remind")
    assert ReminderSent.objects.count() == 1 and len(mail.outbox) == 3
