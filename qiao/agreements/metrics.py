"""The KPI metric registry: numbers computed from the platform's own records for an agreement
and a period. Nobody types an actual value in; a commitment's KPI names a metric and a target.

Every app registers the metrics it can compute, in its AppConfig.ready() (the agreements app
cannot import the apps above it, so they come to it):

    from qiao.agreements.metrics import register_metric

    def placements_completed(agreement, start, end):
        return Placement.objects.filter(..., completed_on__range=(start, end)).count()

    register_metric(
        key="placements.completed",
        label=gettext_lazy("Placements completed"),
        unit=gettext_lazy("students"),
        compute=placements_completed,
    )

A metric function takes (agreement, period_start, period_end) — dates, both inclusive — and
returns a number (int, Decimal or float). It must be one or two aggregate queries: the agreement
page computes each (metric, period) once, whatever the number of commitments that use it.
Money metrics use `unit=MONEY` and count in the agreement's currency (`Agreement.currency`).

This module registers what the agreements app itself can compute: agreements in force between
the parties, agreements signed under a framework, contributions by kind, and document versions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from qiao.agreements.models import Agreement

MetricFunction = Callable[["Agreement", dt.date, dt.date], int | float | Decimal]
MONEY = "money"
_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


@dataclass(frozen=True)
class Metric:
    """A registered metric. `label`, `unit` and `description` may be lazy translations."""

    key: str
    label: Any
    unit: Any
    compute: MetricFunction
    description: Any = ""

    def unit_for(self, agreement: Agreement | None) -> str:
        """The unit as the reader sees it: the agreement's currency for money metrics."""
        if self.unit == MONEY:
            return agreement.currency if agreement is not None else str(_("money"))
        return str(self.unit)


@dataclass(frozen=True)
class Period:
    """Dates, both inclusive, and how to name the period ("2026", "Autumn 2026")."""

    start: dt.date
    end: dt.date
    label: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


_registry: dict[str, Metric] = {}


def register_metric(
    *,
    key: str,
    label: Any,
    unit: Any,
    compute: MetricFunction,
    description: Any = "",
    replace: bool = False,
) -> Metric:
    """Add a metric. Keys are dotted and lower case, named after the app ("placements.completed").
    Registering a taken key is an error unless `replace` (for tests)."""
    if not _KEY.match(key):
        raise ValueError(f"Metric key {key!r} must be dotted lower case, like 'app.metric'.")
    if key in _registry and not replace and _registry[key].compute is not compute:
        raise ValueError(f"Metric {key!r} is already registered.")
    metric = Metric(key=key, label=label, unit=unit, compute=compute, description=description)
    _registry[key] = metric
    return metric


def unregister_metric(key: str) -> None:
    """For tests."""
    _registry.pop(key, None)


def get_metric(key: str) -> Metric | None:
    return _registry.get(key)


def all_metrics() -> list[Metric]:
    """Every registered metric, by key."""
    return [_registry[key] for key in sorted(_registry)]


def metric_choices() -> list[tuple[str, str]]:
    return [(m.key, f"{m.label} ({m.key})") for m in all_metrics()]


def compute(agreement: Agreement, key: str, period: Period | tuple[dt.date, dt.date]) -> Decimal:
    """The metric's value for the agreement over the period. Unknown keys raise KeyError."""
    metric = _registry.get(key)
    if metric is None:
        raise KeyError(key)
    start, end = (period.start, period.end) if isinstance(period, Period) else period
    value = metric.compute(agreement, start, end)
    return Decimal(str(value or 0))


# --- What the agreements app computes --------------------------------------------------------


def _agreements_in_force(agreement: Agreement, start: dt.date, end: dt.date) -> int:
    """Agreements (this one included) to which every organisation party of this agreement is
    also a party, and that were in force for at least a day of the period."""
    from django.db.models import Q

    from qiao.agreements.models import Agreement, AgreementStatus, Party

    org_ids = list(
        agreement.parties.filter(organisation__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )
    if not org_ids:
        return 0
    qs = Agreement.objects.filter(
        status__in=[
            AgreementStatus.SIGNED,
            AgreementStatus.ACTIVE,
            AgreementStatus.EXPIRED,
            AgreementStatus.TERMINATED,
        ],
        signed_on__isnull=False,
        signed_on__lte=end,
    ).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=end),
        Q(valid_to__isnull=True) | Q(valid_to__gte=start),
        Q(terminated_on__isnull=True) | Q(terminated_on__gte=start),
    )
    for org_id in org_ids:
        qs = qs.filter(pk__in=Party.objects.filter(organisation_id=org_id).values("agreement_id"))
    return qs.count()


def _signed_under(agreement: Agreement, start: dt.date, end: dt.date) -> int:
    """Specific and project agreements under this framework signed in the period."""
    return agreement.children.filter(signed_on__range=(start, end)).count()


def _document_versions(agreement: Agreement, start: dt.date, end: dt.date) -> int:
    from qiao.agreements.models import DocumentVersion

    return DocumentVersion.objects.filter(
        document__agreement=agreement, uploaded_at__date__range=(start, end)
    ).count()


def _contributions(kind: str, measure: str) -> MetricFunction:
    def total(agreement: Agreement, start: dt.date, end: dt.date) -> Decimal:
        from django.db.models import Sum

        from qiao.agreements.models import Contribution

        qs = Contribution.objects.filter(agreement=agreement, kind=kind, date__range=(start, end))
        if measure == MONEY:
            qs = qs.filter(currency=agreement.currency)
        value = qs.aggregate(total=Sum("value"))["total"]
        return value or Decimal(0)

    total.__name__ = f"contributions_{kind}"
    return total


def register_builtin_metrics() -> None:
    """The metrics of the agreements app (called from AgreementsConfig.ready)."""
    from qiao.agreements.models.ledger import (
        ANY,
        KIND_MEASURE,
        UNIT_LABELS,
        ContributionKind,
    )

    register_metric(
        key="agreements.in_force",
        label=_("Agreements in force between the parties"),
        unit=_("agreements"),
        compute=_agreements_in_force,
        description=_(
            "Signed agreements to which all of this agreement's organisations are party "
            "(this one included) that were in force during the period."
        ),
        replace=True,
    )
    register_metric(
        key="agreements.signed_under",
        label=_("Agreements signed under this framework"),
        unit=_("agreements"),
        compute=_signed_under,
        description=_("Specific and project agreements under this framework signed in the period."),
        replace=True,
    )
    register_metric(
        key="documents.versions",
        label=_("Document versions uploaded"),
        unit=_("versions"),
        compute=_document_versions,
        description=_("Files uploaded to this agreement's documents in the period."),
        replace=True,
    )
    for kind in ContributionKind:
        measure = KIND_MEASURE[kind]
        if measure == ANY:
            continue  # "other" mixes units and currencies: not a number to aim at
        register_metric(
            key=f"contributions.{kind.value}",
            label=format_lazy(_("Contributions: {kind}"), kind=kind.label),
            unit=MONEY if measure == MONEY else UNIT_LABELS[measure],
            compute=_contributions(kind.value, measure),
            description=_(
                "Sum of the ledger's entries of this kind dated in the period (money in the "
                "agreement's currency)."
            )
            if measure == MONEY
            else _("Sum of the ledger's entries of this kind dated in the period."),
            replace=True,
        )


# --- Committees (part B) ----------------------------------------------------------------------


def _meetings_held(agreement: Agreement, start: dt.date, end: dt.date) -> int:
    """Meetings of the agreement's committees dated in the period."""
    from qiao.agreements.models import Meeting

    return Meeting.objects.filter(committee__agreements=agreement, date__range=(start, end)).count()


def _decisions_taken(agreement: Agreement, start: dt.date, end: dt.date) -> int:
    from qiao.agreements.models import Decision

    return Decision.objects.filter(
        meeting__committee__agreements=agreement, meeting__date__range=(start, end)
    ).count()


def _action_items_on_time(agreement: Agreement, start: dt.date, end: dt.date) -> Decimal:
    """Of the action items due in the period whose outcome is known — done, or still pending
    past their due date — the share (%) done by the due date. Cancelled items do not count;
    items not yet due do not count against it. 0 when there is nothing to count."""
    from django.db.models import Count, F, Q
    from django.utils import timezone

    from qiao.agreements.models import ActionItem

    today = timezone.localdate()
    row = (
        ActionItem.objects.filter(
            decision__meeting__committee__agreements=agreement, due_date__range=(start, end)
        )
        .filter(Q(status="done") | Q(status__in=["open", "in_progress"], due_date__lt=today))
        .aggregate(
            counted=Count("pk", distinct=True),
            on_time=Count("pk", filter=Q(status="done", done_on__lte=F("due_date")), distinct=True),
        )
    )
    if not row["counted"]:
        return Decimal(0)
    return (Decimal(row["on_time"]) * 100 / Decimal(row["counted"])).quantize(Decimal("0.1"))


def register_committee_metrics() -> None:
    register_metric(
        key="committees.meetings_held",
        label=_("Committee meetings held"),
        unit=_("meetings"),
        compute=_meetings_held,
        description=_("Meetings of the agreement's committees dated in the period."),
        replace=True,
    )
    register_metric(
        key="committees.decisions_taken",
        label=_("Committee decisions taken"),
        unit=_("decisions"),
        compute=_decisions_taken,
        description=_("Decisions of the agreement's committees at meetings in the period."),
        replace=True,
    )
    register_metric(
        key="committees.action_items_on_time",
        label=_("Action items done on time"),
        unit="%",
        compute=_action_items_on_time,
        description=_(
            "Share of the action items due in the period (done, or overdue) that were done by "
            "their due date; cancelled items and items not yet due are left out."
        ),
        replace=True,
    )
