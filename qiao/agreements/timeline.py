"""The cooperation timeline of an agreement: events, signings, start and end of validity,
termination and renewals, in date order — and whatever other modules add.

Sources are registered, so committee meetings and decisions join the same timeline without
this module knowing about them:

    register_timeline_source("meetings", meetings_source, order=50)

A source is `fn(agreement, viewer) -> iterable of TimelineItem`; it should make a fixed number
of queries (prefetch what it shows), as the agreement page calls every source once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.agreements.models import Agreement, AgreementStatus, EventPhoto, Signatory


@dataclass
class TimelineItem:
    """One dated entry. `kind` picks the badge colour; `photos` are EventPhoto rows."""

    date: dt.date
    kind: str
    label: str
    title: str
    description: str = ""
    url: str = ""
    people: list[str] = field(default_factory=list)
    photos: list[Any] = field(default_factory=list)
    location: str = ""
    edit_url: str = ""
    future: bool = False


TimelineSource = Callable[[Agreement, Any], Iterable[TimelineItem]]
_sources: list[tuple[int, str, TimelineSource]] = []

KIND_COLOURS = {
    "event": "primary",
    "signing": "success",
    "validity": "info",
    "termination": "danger",
    "renewal": "warning",
}


def register_timeline_source(key: str, source: TimelineSource, order: int = 100) -> None:
    if all(existing != key for _o, existing, _s in _sources):
        _sources.append((order, key, source))
        _sources.sort(key=lambda item: item[0])


def timeline_for(agreement: Agreement, viewer: Any) -> list[TimelineItem]:
    """Every source's items, newest first (same-day items keep the sources' order)."""
    today = timezone.localdate()
    items: list[TimelineItem] = []
    for _order, _key, source in _sources:
        items.extend(source(agreement, viewer))
    for item in items:
        item.future = item.date > today
    return sorted(items, key=lambda i: i.date, reverse=True)


# --- The agreements app's own sources ---------------------------------------------------------


def _events(agreement: Agreement, viewer: Any) -> Iterable[TimelineItem]:
    events = agreement.events.prefetch_related(
        "participants",
        Prefetch("photos", queryset=EventPhoto.objects.order_by("id")),
    ).order_by("-date", "-id")
    for event in events:
        yield TimelineItem(
            date=event.date,
            kind="event",
            label=str(event.get_kind_display()),
            title=event.title,
            description=event.description,
            location=event.location,
            people=[str(p) for p in event.participants.all()],
            photos=list(event.photos.all()),
            edit_url=reverse("agreements:event_edit", args=[agreement.pk, event.pk]),
        )


def _milestones(agreement: Agreement, viewer: Any) -> Iterable[TimelineItem]:
    if agreement.signed_on:
        signatories = Signatory.objects.filter(agreement=agreement).select_related(
            "person", "party__organisation", "party__person"
        )
        yield TimelineItem(
            date=agreement.signed_on,
            kind="signing",
            label=_("Signed"),
            title=_("Agreement signed"),
            people=[
                f"{s.person}{' — ' + s.title if s.title else ''} ({s.party.member})"
                for s in signatories
            ],
        )
    if agreement.valid_from and agreement.status != AgreementStatus.DRAFT:
        yield TimelineItem(
            date=agreement.valid_from,
            kind="validity",
            label=_("Validity"),
            title=_("In force from this day"),
        )
    if agreement.valid_to and agreement.status not in (
        AgreementStatus.DRAFT,
        AgreementStatus.TERMINATED,
    ):
        yield TimelineItem(
            date=agreement.valid_to,
            kind="validity",
            label=_("Validity"),
            title=_("Validity ends"),
        )
    if agreement.status == AgreementStatus.TERMINATED and agreement.terminated_on:
        yield TimelineItem(
            date=agreement.terminated_on,
            kind="termination",
            label=_("Terminated"),
            title=_("Agreement terminated"),
            description=agreement.termination_reason,
        )
    for renewal in Agreement.objects.filter(renews=agreement).exclude(
        status=AgreementStatus.TERMINATED
    ):
        yield TimelineItem(
            date=renewal.valid_from or renewal.created_at.date(),
            kind="renewal",
            label=_("Renewal"),
            title=_("Renewed by “%(title)s”") % {"title": renewal},
            url=reverse("agreements:agreement_detail", args=[renewal.pk]),
        )


register_timeline_source("events", _events, order=10)
register_timeline_source("milestones", _milestones, order=20)
