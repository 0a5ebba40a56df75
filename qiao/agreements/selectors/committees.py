"""Reads of committees, meetings, decisions and action items for the pages, the API, exports,
the timeline, metrics and the dashboard; always scoped by `permissions.committee_scope`."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q, QuerySet
from django.utils import timezone

from qiao.agreements import permissions as agreement_perms
from qiao.agreements.models import (
    PENDING,
    ActionItem,
    ActionItemStatus,
    Agreement,
    Committee,
    CommitteeMember,
    Decision,
    Meeting,
    MeetingAttachment,
)

# --- Committees -------------------------------------------------------------------------------


def committee_list(*, viewer: Any) -> QuerySet[Committee]:
    scope = agreement_perms.committee_scope(viewer)
    qs = Committee.objects.all()
    return qs if scope is None else qs.filter(scope)


def members_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "members",
        queryset=CommitteeMember.objects.select_related("person", "organisation").order_by(
            "order", "id"
        ),
    )


def committee_list_rows(*, viewer: Any) -> QuerySet[Committee]:
    return (
        committee_list(viewer=viewer)
        .annotate(meeting_count=Count("meetings", distinct=True))
        .prefetch_related("agreements", members_prefetch())
        .order_by("name", "pk")
    )


def committee_get(*, viewer: Any, pk: int) -> Committee | None:
    return committee_list(viewer=viewer).prefetch_related(members_prefetch()).filter(pk=pk).first()


def committees_for_agreement(*, viewer: Any, agreement: Agreement) -> list[Committee]:
    """The agreement's committees the viewer may see, with members and recent meetings."""
    return list(
        committee_list(viewer=viewer)
        .filter(agreements=agreement)
        .annotate(meeting_count=Count("meetings", distinct=True))
        .prefetch_related(
            members_prefetch(),
            Prefetch("meetings", queryset=Meeting.objects.order_by("-date", "-id")),
        )
        .order_by("name", "pk")
    )


def committee_agreements(*, viewer: Any, committee: Committee) -> list[Agreement]:
    """The agreements a committee steers (its members see their titles through it)."""
    return list(Agreement.objects.filter(committees=committee).order_by("-signed_on", "title"))


@dataclass
class CommitteePage:
    committee: Committee
    agreements: list[Agreement]
    meetings: list[Any]
    decisions: list[Decision]
    counts: Counter[str]


def committee_page(*, committee: Committee, today: dt.date | None = None) -> CommitteePage:
    meetings = list(
        committee.meetings.annotate(
            decision_count=Count("decisions", distinct=True),
            attendee_count=Count("attendees", distinct=True),
        ).order_by("-date", "-id")
    )
    decisions = list(
        Decision.objects.filter(meeting__committee=committee)
        .select_related("meeting")
        .prefetch_related(
            Prefetch("action_items", queryset=ActionItem.objects.select_related("owner"))
        )
        .order_by("-meeting__date", "order", "id")
    )
    items = [i for d in decisions for i in d.action_items.all()]
    counts: Counter[str] = Counter(i.status for i in items)
    counts["overdue"] = sum(1 for i in items if i.is_overdue(today))
    return CommitteePage(
        committee=committee,
        agreements=list(committee.agreements.order_by("-signed_on", "title")),
        meetings=meetings,
        decisions=decisions,
        counts=counts,
    )


# --- Meetings ---------------------------------------------------------------------------------


def meeting_list(*, viewer: Any) -> QuerySet[Meeting]:
    return Meeting.objects.filter(committee__in=committee_list(viewer=viewer).values("pk"))


def meeting_get(*, viewer: Any, pk: int) -> Meeting | None:
    return (
        meeting_list(viewer=viewer)
        .select_related("committee")
        .prefetch_related(
            "attendees",
            Prefetch("attachments", queryset=MeetingAttachment.objects.order_by("id")),
            Prefetch(
                "decisions",
                queryset=Decision.objects.prefetch_related(
                    "commitments",
                    Prefetch(
                        "action_items",
                        queryset=ActionItem.objects.select_related("owner").order_by(
                            "due_date", "id"
                        ),
                    ),
                ).order_by("order", "id"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def attachment_get(*, viewer: Any, meeting_pk: int, pk: int) -> MeetingAttachment | None:
    meetings = meeting_list(viewer=viewer).filter(pk=meeting_pk).values("pk")
    return MeetingAttachment.objects.filter(pk=pk, meeting__in=meetings).first()


def decision_get(*, viewer: Any, pk: int) -> Decision | None:
    return (
        Decision.objects.filter(meeting__in=meeting_list(viewer=viewer).values("pk"))
        .select_related("meeting__committee")
        .filter(pk=pk)
        .first()
    )


# --- Action items -----------------------------------------------------------------------------


def action_item_list(*, viewer: Any) -> QuerySet[ActionItem]:
    """Action items of the committees the viewer may see."""
    return ActionItem.objects.filter(
        decision__meeting__committee__in=committee_list(viewer=viewer).values("pk")
    ).select_related("owner", "decision__meeting__committee")


def action_item_get(*, viewer: Any, pk: int) -> ActionItem | None:
    return action_item_list(viewer=viewer).filter(pk=pk).first()


def my_action_items(*, viewer: Any, today: dt.date | None = None) -> QuerySet[ActionItem]:
    """The viewer's own action items (as the owner), with `late` annotated for filtering
    and sorting: pending and past due."""
    today = today or timezone.localdate()
    if not getattr(viewer, "is_authenticated", False):
        return ActionItem.objects.none()
    return (
        action_item_list(viewer=viewer)
        .filter(owner__user=viewer)
        .annotate(
            late=ExpressionWrapper(
                Q(status__in=PENDING, due_date__lt=today), output_field=BooleanField()
            )
        )
    )


# --- Timeline ---------------------------------------------------------------------------------


def agreement_meetings(*, viewer: Any, agreement: Agreement) -> list[Meeting]:
    """Meetings of the agreement's committees the viewer may see (for its timeline)."""
    return list(
        meeting_list(viewer=viewer)
        .filter(committee__agreements=agreement)
        .select_related("committee")
        .prefetch_related(
            "attendees",
            Prefetch(
                "decisions",
                queryset=Decision.objects.annotate(item_count=Count("action_items")).order_by(
                    "order", "id"
                ),
            ),
        )
        .order_by("-date", "-id")
    )


# --- Dashboard: action items by status over time ----------------------------------------------

STATUS_SERIES = ("open", "in_progress", "overdue", "done", "cancelled")
SERIES_COLOURS = {
    "open": "#0b5394",
    "in_progress": "#0dcaf0",
    "overdue": "#dc3545",
    "done": "#198754",
    "cancelled": "#adb5bd",
}


def _month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    ends = []
    year, month = first.year, first.month
    while True:
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        end = min(nxt - dt.timedelta(days=1), last)
        ends.append(end)
        if end >= last:
            return ends
        year, month = nxt.year, nxt.month


def status_on(item: ActionItem, day: dt.date) -> str | None:
    """An action item's status as it stood at the end of `day` (None before its meeting)."""
    if item.decision.meeting.date > day:
        return None
    if item.cancelled_on is not None and item.cancelled_on <= day:
        return "cancelled"
    if item.done_on is not None and item.done_on <= day:
        return "done"
    if item.due_date < day:
        return "overdue"
    if item.started_on is not None and item.started_on <= day:
        return "in_progress"
    return "open"


def action_items_chart(
    *, agreement: Agreement, labels: dict[str, str], today: dt.date | None = None, months: int = 12
) -> dict[str, Any]:
    """Action items of the agreement's committees by status at the end of each month (the
    last twelve), from the dates each item was decided, started, done or cancelled. One query."""
    today = today or timezone.localdate()
    items = list(
        ActionItem.objects.filter(decision__meeting__committee__agreements=agreement)
        .select_related("decision__meeting")
        .distinct()
    )
    if not items:
        return {"type": "bar", "labels": [], "datasets": [], "stacked": True, "rows": []}
    start_month = dt.date(today.year, today.month, 1)
    for _i in range(months - 1):
        start_month = (start_month - dt.timedelta(days=1)).replace(day=1)
    first = max(start_month, min(i.decision.meeting.date for i in items).replace(day=1))
    ends = _month_ends(first, today)
    table: list[dict[str, int]] = []
    for end in ends:
        counts = Counter(s for s in (status_on(i, end) for i in items) if s is not None)
        table.append({s: counts.get(s, 0) for s in STATUS_SERIES})
    month_labels = [e.strftime("%Y-%m") for e in ends]
    return {
        "type": "bar",
        "labels": month_labels,
        "datasets": [
            {
                "label": labels[s],
                "data": [row[s] for row in table],
                "stack": "items",
                "colours": SERIES_COLOURS[s],
            }
            for s in STATUS_SERIES
        ],
        "stacked": True,
        "y_title": labels["items"],
        "rows": list(zip(month_labels, table, strict=True)),
    }


def status_label(status: str) -> str:
    return str(ActionItemStatus(status).label)
