"""Action-item reminders (`qiao agreements_remind`, daily): the owner of a pending action item
is notified — in the app and by email, in their language — once when it falls due within
ACTION_ITEM_REMIND_DAYS_BEFORE days, and once when it is overdue.

Each reminder is recorded (item, kind, due date) under a unique constraint before the
notification is made, in the same transaction, so a second run (or two at once) never sends it
again; a new due date gets new reminders."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from qiao.agreements import conf
from qiao.agreements.models import (
    PENDING,
    ActionItem,
    ActionItemReminder,
    ActionReminderKind,
)
from qiao.agreements.services.action_items import action_item_url
from qiao.core.services.notifications import notify


def _pending(kind: str) -> object:
    reminded = ActionItemReminder.objects.filter(
        action_item=OuterRef("pk"), kind=kind, for_date=OuterRef("due_date")
    )
    return (
        ActionItem.objects.filter(status__in=PENDING, owner__user__isnull=False)
        .exclude(Exists(reminded))
        .select_related("owner__user", "decision__meeting__committee")
        .order_by("due_date", "pk")
    )


def action_reminders_due(*, today: dt.date | None = None) -> list[tuple[ActionItem, str]]:
    """(item, kind) for every reminder due today and not yet sent."""
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=conf.ACTION_ITEM_REMIND_DAYS_BEFORE)
    due_soon = _pending(ActionReminderKind.DUE_SOON).filter(  # type: ignore[attr-defined]
        due_date__gte=today, due_date__lte=soon
    )
    overdue = _pending(ActionReminderKind.OVERDUE).filter(due_date__lt=today)  # type: ignore[attr-defined]
    return [(i, ActionReminderKind.DUE_SOON.value) for i in due_soon] + [
        (i, ActionReminderKind.OVERDUE.value) for i in overdue
    ]


def _message(item: ActionItem, kind: str, today: dt.date) -> tuple[object, object]:
    committee = item.decision.meeting.committee.name
    if kind == ActionReminderKind.OVERDUE:
        title = format_lazy(_("Overdue action item: {text}"), text=item.text)
        body = format_lazy(
            _("It was due on {day} ({committee}). Mark it done, or tell the committee."),
            day=item.due_date.isoformat(),
            committee=committee,
        )
    else:
        title = format_lazy(
            _("Action item due on {day}: {text}"), day=item.due_date.isoformat(), text=item.text
        )
        body = format_lazy(
            _("{days} day(s) left ({committee})."),
            days=(item.due_date - today).days,
            committee=committee,
        )
    return title, body


def action_reminders_send(
    *, today: dt.date | None = None, email: bool = True
) -> list[ActionItemReminder]:
    """Send the action-item reminders that are due; returns those recorded in this run."""
    today = today or timezone.localdate()
    sent: list[ActionItemReminder] = []
    for item, kind in action_reminders_due(today=today):
        user = item.owner.user
        assert user is not None
        try:
            with transaction.atomic():
                reminder = ActionItemReminder.objects.create(
                    action_item=item, kind=kind, for_date=item.due_date
                )
                title, body = _message(item, kind, today)
                notify(
                    recipient=user,
                    kind=f"agreements.action_item_{kind}",
                    title=title,
                    body=body,
                    url=action_item_url(item),
                    email=email,
                )
        except IntegrityError:
            continue  # another run recorded it first
        sent.append(reminder)
    return sent
