"""Committee meetings and their decisions on the agreement's timeline — only for viewers who may
see the committee (a party's teacher reads the agreement, not its committee's minutes)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qiao.agreements.models import Agreement
from qiao.agreements.timeline import KIND_COLOURS, TimelineItem, register_timeline_source


def _meetings(agreement: Agreement, viewer: Any) -> Iterable[TimelineItem]:
    from qiao.agreements.selectors.committees import agreement_meetings

    for meeting in agreement_meetings(viewer=viewer, agreement=agreement):
        url = reverse("agreements:meeting_detail", args=[meeting.pk])
        yield TimelineItem(
            date=meeting.date,
            kind="meeting",
            label=_("Committee meeting"),
            title=meeting.title,
            description=meeting.committee.name,
            url=url,
            location=meeting.place,
            people=[str(p) for p in meeting.attendees.all()],
        )
        for decision in meeting.decisions.all():
            n = getattr(decision, "item_count", 0)
            yield TimelineItem(
                date=meeting.date,
                kind="decision",
                label=_("Decision"),
                title=str(decision),
                description=ngettext("%(n)s action item", "%(n)s action items", n) % {"n": n}
                if n
                else "",
                url=f"{url}#decision-{decision.pk}",
            )


def register() -> None:
    KIND_COLOURS.setdefault("meeting", "primary")
    KIND_COLOURS.setdefault("decision", "secondary")
    register_timeline_source("committee_meetings", _meetings, order=50)
