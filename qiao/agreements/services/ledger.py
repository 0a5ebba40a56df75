"""The contribution ledger: what each party put in and what came out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.agreements.currencies import is_currency
from qiao.agreements.models import (
    KIND_MEASURE,
    Agreement,
    Contribution,
    ContributionKind,
    Party,
)
from qiao.agreements.models.ledger import ANY, MONEY, UNIT_LABELS, direction_of
from qiao.agreements.services._common import audit, errors_or_none, user_or_none
from qiao.agreements.services.files import removing_files_on_error
from qiao.agreements.uploads import CheckedFile, check_upload
from qiao.core.audit import snapshot
from qiao.core.types import Actor

MAX_VALUE = Decimal("1e13")


def _measure(kind: str, currency: str, unit: str, errors: dict[str, list[str]]) -> tuple[str, str]:
    """(currency, unit) for the kind: money kinds need a currency, counted kinds have their
    fixed unit, "other" kinds take one or the other."""
    measure = KIND_MEASURE.get(kind)
    currency = (currency or "").strip().upper()
    unit = (unit or "").strip()
    if measure == MONEY or (measure == ANY and currency):
        if not currency:
            errors.setdefault("currency", []).append(_("Give the currency (e.g. CNY, USD)."))
        elif not is_currency(currency):
            errors.setdefault("currency", []).append(
                _("“%(code)s” is not an ISO 4217 currency code.") % {"code": currency}
            )
        return currency, ""
    if measure == ANY:
        if not unit:
            errors.setdefault("unit", []).append(_("Give a currency or a unit."))
        elif len(unit) > 32:
            errors.setdefault("unit", []).append(_("At most 32 characters."))
        return "", unit
    assert measure is not None
    if currency:
        errors.setdefault("currency", []).append(
            _("%(kind)s are counted in %(unit)s, not money.")
            % {"kind": ContributionKind(kind).label, "unit": UNIT_LABELS[measure]}
        )
    return "", measure


@transaction.atomic
def contribution_create(
    *,
    actor: Actor,
    agreement: Agreement,
    party: Party | None,
    kind: str,
    value: Any,
    date: dt.date | None,
    currency: str = "",
    unit: str = "",
    description: str = "",
    evidence: Any = None,
    today: dt.date | None = None,
) -> Contribution:
    """Record a contribution. Its direction (input or output) follows from the kind; its value
    is in a currency (money kinds) or the kind's unit (mentor hours, hires, courses, patents);
    the date is when it was made (not in the future). The evidence file, if any, is checked
    like agreement documents."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if party is None or party.agreement_id != agreement.pk:
        errors["party"] = [_("Choose a party to this agreement.")]
    if kind not in ContributionKind.values:
        errors["kind"] = [_("Choose the kind of contribution.")]
    try:
        amount = Decimal(str(value))
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["value"] = [_("Enter a number.")]
        amount = Decimal(0)
    else:
        if amount < 0:
            errors["value"] = [_("The value cannot be negative.")]
        elif amount >= MAX_VALUE:
            errors["value"] = [_("The value is too large.")]
        elif amount != amount.quantize(Decimal("0.01")):
            errors["value"] = [_("At most two decimal places.")]
    if not isinstance(date, dt.date):
        errors["date"] = [_("Enter the date.")]
    elif date > today:
        errors["date"] = [_("Record a contribution once it is made: the date is in the future.")]
    if kind in ContributionKind.values:
        currency, unit = _measure(kind, currency, unit, errors)
    checked: CheckedFile | None = None
    if evidence:
        try:
            checked = check_upload(evidence, field="evidence")
        except ValidationError as error:
            errors.update(error.message_dict)
    errors_or_none(errors)
    assert isinstance(date, dt.date)
    contribution = Contribution(
        agreement=agreement,
        party=party,
        direction=direction_of(kind),
        kind=kind,
        value=amount,
        currency=currency,
        unit=unit,
        date=date,
        description=(description or "").strip(),
        recorded_by=user_or_none(actor),
    )
    stored: list[str] = []
    with removing_files_on_error(stored):
        if evidence and checked is not None:
            evidence.seek(0)
            contribution.evidence.save(checked.name, evidence, save=False)
            stored.append(contribution.evidence.name)
            contribution.evidence_name = checked.name
            contribution.evidence_content_type = checked.content_type
            contribution.evidence_size = checked.size
            contribution.evidence_sha256 = checked.sha256
        contribution.full_clean(exclude=["agreement", "party", "evidence"])
        contribution.save()
    audit(
        actor=actor,
        action="contribution.create",
        agreement=agreement,
        instance=contribution,
        changes={k: [None, v] for k, v in snapshot(contribution).items() if v not in (None, "")},
    )
    return contribution


@transaction.atomic
def contribution_delete(*, actor: Actor, contribution: Contribution) -> None:
    """Remove a line recorded by mistake (audited; its evidence file stays on disk)."""
    audit(
        actor=actor,
        action="contribution.delete",
        agreement=contribution.agreement,
        instance=contribution,
        changes={k: [v, None] for k, v in snapshot(contribution).items()},
    )
    contribution.delete()
