"""What the agreement services share: the audit record for every party, and locking."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils.formats import date_format

from qiao.agreements.models import Agreement
from qiao.core.audit import audit_record
from qiao.core.models import User


def party_organisation_ids(agreement: Agreement) -> list[int]:
    """The party organisations, in party order, read fresh from the database."""
    return list(
        agreement.parties.filter(organisation__isnull=False)
        .order_by("order", "id")
        .values_list("organisation_id", flat=True)
    )


def audit(
    *,
    actor: Any,
    action: str,
    agreement: Agreement,
    instance: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> None:
    """One audit entry per party organisation (see docs/decisions/0007-agreements.md): the
    audit log is scoped by organisation, and an agreement belongs to all its parties, so each
    party's administrators see every change to their shared agreement. Without organisation
    parties (impossible after creation) the entry is unscoped, for platform admins."""
    target = instance if instance is not None else agreement
    org_ids: list[int | None] = list(party_organisation_ids(agreement)) or [None]
    for org_id in org_ids:
        audit_record(
            actor=actor,
            action=action,
            instance=target,
            organisation=org_id,
            changes={"agreement": [None, agreement.pk], **(changes or {})}
            if target is not agreement
            else changes,
        )


def lock(agreement: Agreement) -> Agreement:
    """Re-read the agreement under a row lock (PostgreSQL), so that two lifecycle steps or two
    renewals of one agreement run one after the other. SQLite's IMMEDIATE transactions already
    serialise writers."""
    return Agreement.objects.select_for_update().get(pk=agreement.pk)


def user_or_none(actor: Any) -> User | None:
    """The account to record as author (None for the system: demo loader, nightly commands)."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def add_error(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def fmt_date(day: dt.date) -> str:
    return date_format(day, "DATE_FORMAT")


def errors_or_none(errors: dict[str, list[str]]) -> None:
    from django.core.exceptions import ValidationError

    if errors:
        raise ValidationError(errors)
