"""Commitments (the clauses of an agreement) and their KPIs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from qiao.agreements.metrics import get_metric
from qiao.agreements.models import (
    CLOSED,
    Agreement,
    Commitment,
    CooperationArea,
    KpiPeriod,
    Party,
    Recurrence,
)
from qiao.agreements.services._common import audit, errors_or_none, lock
from qiao.core.audit import diff, snapshot
from qiao.core.types import Actor

COMMITMENT_FIELDS = (
    "area",
    "text",
    "owner",
    "due_date",
    "recurrence",
    "kpi_metric",
    "kpi_target",
    "kpi_period",
)


def _validate(commitment: Commitment, agreement: Agreement, *, area_changed: bool) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    commitment.text = (commitment.text or "").strip()
    if not commitment.text:
        add("text", _("Say what is promised."))
    if commitment.area_id is None:
        add("area", _("Choose the area."))
    elif area_changed and not commitment.area.is_active:
        add("area", _("This area is no longer in use."))
    if commitment.owner_id is None:
        add("owner", _("Choose the party that owns this commitment."))
    elif commitment.owner.agreement_id != agreement.pk:
        add("owner", _("That party is not party to this agreement."))
    if commitment.recurrence not in Recurrence.values:
        add("recurrence", _("Unknown recurrence."))
    if commitment.due_date is not None and not isinstance(commitment.due_date, dt.date):
        add("due_date", _("Enter a valid date."))
    metric_key = (commitment.kpi_metric or "").strip()
    commitment.kpi_metric = metric_key
    target = commitment.kpi_target
    if target is not None and not isinstance(target, Decimal):
        try:
            target = Decimal(str(target))
        except (InvalidOperation, ValueError):
            add("kpi_target", _("Enter a number."))
            target = None
        commitment.kpi_target = target
    if metric_key or target is not None or commitment.kpi_period:
        if not metric_key:
            add("kpi_metric", _("Choose the metric that measures this KPI."))
        elif get_metric(metric_key) is None:
            add("kpi_metric", _("No metric is registered as “%(key)s”.") % {"key": metric_key})
        if target is None:
            add("kpi_target", _("Give the KPI a target."))
        elif not target.is_finite() or target <= 0:
            add("kpi_target", _("The target is a number above zero."))
        elif target >= Decimal("1e14"):
            add("kpi_target", _("The target is too large."))
        if commitment.kpi_period not in KpiPeriod.values:
            add("kpi_period", _("Choose the period the target applies to."))
    errors_or_none(errors)


def _check_open(agreement: Agreement) -> None:
    if agreement.effective_status() in CLOSED:
        raise ValidationError(
            _("This agreement is %(status)s: its commitments can no longer change.")
            % {"status": agreement.effective_status_label()}
        )


@transaction.atomic
def commitment_create(
    *,
    actor: Actor,
    agreement: Agreement,
    area: CooperationArea | None,
    text: str,
    owner: Party | None,
    due_date: dt.date | None = None,
    recurrence: str = Recurrence.NONE,
    kpi_metric: str = "",
    kpi_target: Decimal | None = None,
    kpi_period: str = "",
) -> Commitment:
    """Add a clause. A KPI is a registered metric, a target above zero and a period — all three
    or none; its actual value is computed, never entered."""
    agreement = lock(agreement)
    _check_open(agreement)
    order = (agreement.commitments.aggregate(n=Max("order"))["n"] or 0) + 1
    commitment = Commitment(
        agreement=agreement,
        area=area,
        text=text,
        owner=owner,
        due_date=due_date,
        recurrence=recurrence or Recurrence.NONE,
        kpi_metric=kpi_metric or "",
        kpi_target=kpi_target,
        kpi_period=kpi_period or "",
        order=order,
    )
    _validate(commitment, agreement, area_changed=True)
    commitment.full_clean(exclude=["agreement"])
    commitment.save()
    audit(
        actor=actor,
        action="commitment.create",
        agreement=agreement,
        instance=commitment,
        changes={k: [None, v] for k, v in snapshot(commitment).items() if v not in (None, "")},
    )
    return commitment


@transaction.atomic
def commitment_update(*, actor: Actor, commitment: Commitment, **fields: Any) -> Commitment:
    unknown = set(fields) - set(COMMITMENT_FIELDS)
    if unknown:
        raise TypeError(f"commitment_update cannot change {sorted(unknown)}")
    agreement = lock(commitment.agreement)
    _check_open(agreement)
    before = snapshot(commitment)
    for name, value in fields.items():
        setattr(commitment, name, value if value is not None or name != "kpi_metric" else "")
    if commitment.kpi_period is None:
        commitment.kpi_period = ""
    _validate(commitment, agreement, area_changed=commitment.area_id != before["area_id"])
    commitment.full_clean(exclude=["agreement"])
    changes = diff(before, snapshot(commitment))
    if not changes:
        return commitment
    commitment.save()
    audit(
        actor=actor,
        action="commitment.update",
        agreement=agreement,
        instance=commitment,
        changes=changes,
    )
    return commitment


@transaction.atomic
def commitment_delete(*, actor: Actor, commitment: Commitment) -> None:
    agreement = lock(commitment.agreement)
    _check_open(agreement)
    audit(
        actor=actor,
        action="commitment.delete",
        agreement=agreement,
        instance=commitment,
        changes={k: [v, None] for k, v in snapshot(commitment).items()},
    )
    commitment.delete()
