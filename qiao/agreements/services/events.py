"""Cooperation events: visits, signing ceremonies, exchanges, trainings, competitions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qiao.agreements.models import Agreement, Event, EventKind
from qiao.agreements.services._common import audit, errors_or_none, user_or_none
from qiao.agreements.services.signatories import signatory_candidates
from qiao.core.audit import diff, snapshot
from qiao.core.models import Person
from qiao.core.types import Actor

EVENT_FIELDS = ("kind", "date", "title", "description", "location")


def _check(event: Event, participants: list[Person] | None) -> None:
    errors: dict[str, list[str]] = {}
    event.title = (event.title or "").strip()
    if not event.title:
        errors["title"] = [_("Give the event a title.")]
    if event.kind not in EventKind.values:
        errors["kind"] = [_("Choose the kind of event.")]
    if not isinstance(event.date, dt.date):
        errors["date"] = [_("Enter the date.")]
    try:
        event.clean_fields(exclude=["agreement", "created_by", "kind", "date", "title"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if participants:
        allowed = set(
            signatory_candidates(event.agreement)
            .filter(pk__in=[p.pk for p in participants])
            .values_list("pk", flat=True)
        )
        strangers = [p for p in participants if p.pk not in allowed]
        if strangers:
            errors["participants"] = [
                _("Not with a party to this agreement: %(names)s.")
                % {"names": ", ".join(str(p) for p in strangers)}
            ]
    errors_or_none(errors)


@transaction.atomic
def event_create(
    *,
    actor: Actor,
    agreement: Agreement,
    kind: str,
    date: dt.date | None,
    title: str,
    description: str = "",
    location: str = "",
    participants: Iterable[Person] = (),
) -> Event:
    """Record an event of the cooperation. Participants are people working for a party."""
    people = list(participants)
    event = Event(
        agreement=agreement,
        kind=kind,
        date=date,  # type: ignore[misc]
        title=title,
        description=(description or "").strip(),
        location=(location or "").strip(),
        created_by=user_or_none(actor),
    )
    _check(event, people)
    event.save()
    event.participants.set(people)
    audit(
        actor=actor,
        action="event.create",
        agreement=agreement,
        instance=event,
        changes={
            **{k: [None, v] for k, v in snapshot(event).items() if v not in (None, "")},
            "participants": [None, sorted(p.pk for p in people)],
        },
    )
    return event


@transaction.atomic
def event_update(
    *,
    actor: Actor,
    event: Event,
    participants: Iterable[Person] | None = None,
    **fields: Any,
) -> Event:
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"event_update cannot change {sorted(unknown)}")
    before = snapshot(event)
    before_people = sorted(event.participants.values_list("pk", flat=True))
    for name, value in fields.items():
        setattr(event, name, value)
    people = list(participants) if participants is not None else None
    _check(event, people)
    changes = diff(before, snapshot(event))
    if changes:
        event.save()
    if people is not None:
        after_people = sorted(p.pk for p in people)
        if after_people != before_people:
            event.participants.set(people)
            changes["participants"] = [before_people, after_people]
    if changes:
        audit(
            actor=actor,
            action="event.update",
            agreement=event.agreement,
            instance=event,
            changes=changes,
        )
    return event
