"""What the credential services share: the audit entry, the acting user, dates."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from qiao.core.audit import audit_record
from qiao.core.models import Organisation, User


def user_or_none(actor: Any) -> User | None:
    """The account to record (None for the system: demo loader, benchmark, tasks)."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def audit(
    *,
    actor: Any,
    action: str,
    instance: models.Model | None = None,
    organisation: Organisation | int | None = None,
    changes: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> None:
    """One audit entry, scoped to the issuing organisation."""
    audit_record(
        actor=actor,
        action=action,
        instance=instance,
        organisation=organisation,
        changes=changes,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
    )


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """`moment` plus whole months; the 31st becomes the month's last day when needed."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def raise_errors(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)
