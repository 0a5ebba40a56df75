"""Decisions and their action items: creation (owners are committee members, due no earlier
than the meeting), status changes along the allowed transitions, and the owner's in-app
notification when an item is assigned."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiao.agreements.models import (
    ActionItem,
    ActionItemStatus,
    Commitment,
    Decision,
    Meeting,
)
from qiao.agreements.services._common import add_error, errors_or_none, fmt_date
from qiao.agreements.services.committees import committee_audit
from qiao.core.models import Person
from qiao.core.services.notifications import notify
from qiao.core.types import Actor

S = ActionItemStatus
# Where an action item may go from each status. Done and cancelled can be reopened (a done
# item back to "in progress", a cancelled one back to "open"), nothing else.
STATUS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.OPEN: (S.IN_PROGRESS, S.DONE, S.CANCELLED),
    S.IN_PROGRESS: (S.OPEN, S.DONE, S.CANCELLED),
    S.DONE: (S.IN_PROGRESS,),
    S.CANCELLED: (S.OPEN,),
}


def allowed_statuses(item: ActionItem) -> tuple[str, ...]:
    return STATUS_TRANSITIONS.get(item.status, ())


# --- Decisions --------------------------------------------------------------------------------


@transaction.atomic
def decision_create(
    *,
    actor: Actor,
    meeting: Meeting,
    text: str,
    commitments: Iterable[Commitment] = (),
) -> Decision:
    """A decision of the meeting, optionally about commitments of the committee's
    agreements."""
    text = (text or "").strip()
    chosen = list(dict.fromkeys(commitments))
    errors: dict[str, list[str]] = {}
    if not text:
        add_error(errors, "text", _("Write the decision."))
    elif len(text) > 10_000:
        add_error(errors, "text", _("At most %(n)s characters.") % {"n": 10_000})
    if chosen:
        agreement_ids = set(meeting.committee.agreements.values_list("pk", flat=True))
        foreign = [c for c in chosen if c.agreement_id not in agreement_ids]
        if foreign:
            add_error(
                errors,
                "commitments",
                _("Not a commitment of the committee's agreements: %(text)s.")
                % {"text": "; ".join(str(c) for c in foreign)},
            )
    errors_or_none(errors)
    order = (meeting.decisions.aggregate(n=Max("order"))["n"] or 0) + 1
    decision = Decision.objects.create(meeting=meeting, text=text, order=order)
    decision.commitments.set(chosen)
    committee_audit(
        actor=actor,
        action="decision.create",
        committee=meeting.committee,
        instance=decision,
        changes={
            "meeting": [None, meeting.pk],
            "text": [None, text],
            "commitments": [None, sorted(c.pk for c in chosen)],
        },
    )
    return decision


# --- Action items -----------------------------------------------------------------------------


def action_item_url(item: ActionItem) -> str:
    return reverse("agreements:meeting_detail", args=[item.decision.meeting_id]) + (
        f"#action-{item.pk}"
    )


def _notify_owner(item: ActionItem) -> None:
    user = item.owner.user
    if user is None:
        return
    notify(
        recipient=user,
        kind="agreements.action_item_assigned",
        title=format_lazy(gettext_lazy("New action item for you: {text}"), text=item.text),
        body=format_lazy(
            gettext_lazy("Due on {day}. Decided at “{meeting}”."),
            day=item.due_date.isoformat(),
            meeting=item.decision.meeting.title,
        ),
        url=action_item_url(item),
    )


def _check_item(
    *, meeting: Meeting, text: str, owner: Person | None, due_date: dt.date | None
) -> None:
    errors: dict[str, list[str]] = {}
    if not text:
        add_error(errors, "text", _("Say what is to be done."))
    elif len(text) > 500:
        add_error(errors, "text", _("At most %(n)s characters.") % {"n": 500})
    if owner is None:
        add_error(errors, "owner", _("Choose who owns it."))
    elif not meeting.committee.members.filter(person=owner).exists():
        add_error(
            errors,
            "owner",
            _("%(person)s is not a member of the committee.") % {"person": owner},
        )
    if not isinstance(due_date, dt.date):
        add_error(errors, "due_date", _("Enter the due date."))
    elif due_date < meeting.date:
        add_error(
            errors,
            "due_date",
            _("The due date cannot be before the meeting (%(day)s).")
            % {"day": fmt_date(meeting.date)},
        )
    errors_or_none(errors)


@transaction.atomic
def action_item_create(
    *,
    actor: Actor,
    decision: Decision,
    text: str,
    owner: Person | None,
    due_date: dt.date | None,
    notify_owner: bool = True,
) -> ActionItem:
    """An action item of a decision: the owner is a member of the committee, the due date is
    no earlier than the meeting. The owner is notified in the app."""
    meeting = decision.meeting
    text = (text or "").strip()
    _check_item(meeting=meeting, text=text, owner=owner, due_date=due_date)
    assert owner is not None and due_date is not None
    item = ActionItem.objects.create(decision=decision, text=text, owner=owner, due_date=due_date)
    committee_audit(
        actor=actor,
        action="action_item.create",
        committee=meeting.committee,
        instance=item,
        changes={
            "decision": [None, decision.pk],
            "text": [None, text],
            "owner": [None, owner.pk],
            "due_date": [None, due_date.isoformat()],
        },
    )
    if notify_owner:
        _notify_owner(item)
    return item


@transaction.atomic
def action_item_update(
    *,
    actor: Actor,
    item: ActionItem,
    text: str,
    owner: Person | None,
    due_date: dt.date | None,
) -> ActionItem:
    """Change what an action item asks, its owner (a member; notified when it changes) or its
    due date (not before the meeting; a new due date gets new reminders)."""
    meeting = item.decision.meeting
    text = (text or "").strip()
    _check_item(meeting=meeting, text=text, owner=owner, due_date=due_date)
    assert owner is not None and due_date is not None
    before = {"text": item.text, "owner": item.owner_id, "due_date": item.due_date.isoformat()}
    after = {"text": text, "owner": owner.pk, "due_date": due_date.isoformat()}
    changes = {k: [v, after[k]] for k, v in before.items() if after[k] != v}
    if not changes:
        return item
    item.text, item.owner, item.due_date = text, owner, due_date
    item.save(update_fields=["text", "owner", "due_date", "updated_at"])
    committee_audit(
        actor=actor,
        action="action_item.update",
        committee=meeting.committee,
        instance=item,
        changes=changes,
    )
    if "owner" in changes:
        _notify_owner(item)
    return item


@transaction.atomic
def action_item_set_status(
    *,
    actor: Actor,
    item: ActionItem,
    status: str,
    on: dt.date | None = None,
    today: dt.date | None = None,
) -> ActionItem:
    """Move an action item to `status` along STATUS_TRANSITIONS, dated `on` (default today; not
    in the future, not before the meeting). Done records `done_on`; reopening clears it."""
    today = today or timezone.localdate()
    item = (
        ActionItem.objects.select_for_update().select_related("decision__meeting").get(pk=item.pk)
    )
    meeting = item.decision.meeting
    day = on or today
    if status not in S.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status not in allowed_statuses(item):
        raise ValidationError(
            {
                "status": _("An action item that is %(now)s cannot become %(to)s.")
                % {
                    "now": str(S(item.status).label).lower(),
                    "to": str(S(status).label).lower(),
                }
            }
        )
    if day > today:
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if day < meeting.date:
        raise ValidationError(
            {
                "on": _("The date cannot be before the meeting (%(day)s).")
                % {"day": fmt_date(meeting.date)}
            }
        )
    before: dict[str, Any] = {
        "status": item.status,
        "done_on": item.done_on,
        "cancelled_on": item.cancelled_on,
    }
    item.status = status
    item.done_on = day if status == S.DONE else None
    item.cancelled_on = day if status == S.CANCELLED else None
    if status == S.IN_PROGRESS and item.started_on is None:
        item.started_on = day
    if status == S.OPEN:
        item.started_on = None
    item.save(update_fields=["status", "done_on", "cancelled_on", "started_on", "updated_at"])
    after: dict[str, Any] = {
        "status": item.status,
        "done_on": item.done_on,
        "cancelled_on": item.cancelled_on,
    }
    committee_audit(
        actor=actor,
        action="action_item.status",
        committee=meeting.committee,
        instance=item,
        changes={
            k: [
                v.isoformat() if isinstance(v, dt.date) else v,
                after[k].isoformat() if isinstance(after[k], dt.date) else after[k],
            ]
            for k, v in before.items()
            if after[k] != v
        },
    )
    return item
