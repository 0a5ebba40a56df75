"""A commitment's KPI: which period its target applies to now, the actual value from the
metric registry, and whether it is on track, at risk or behind.

Periods: "whole agreement" is the validity period; "per year" is the calendar year containing
today (cut to the validity period); "per semester" follows the Chinese academic calendar —
spring semester 1 March to 31 August, autumn semester 1 September to the end of February — also
cut to the validity period. Before the validity starts, the first period is shown; after it
ends, the last.

Status: the target is pro-rated by the elapsed share of the period (half-way through a year,
half the yearly target is expected). At or above that: on track; at or above
KPI_AT_RISK_SHARE of it: at risk; below: behind. A period not yet begun is "not started".
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiao.agreements import conf
from qiao.agreements.metrics import Metric, Period, compute, get_metric
from qiao.agreements.models import Agreement, Commitment, KpiPeriod

ON_TRACK = "on_track"
AT_RISK = "at_risk"
BEHIND = "behind"
NOT_STARTED = "not_started"
NO_PERIOD = "no_period"
UNKNOWN_METRIC = "unknown_metric"

STATUS_LABELS = {
    ON_TRACK: gettext_lazy("On track"),
    AT_RISK: gettext_lazy("At risk"),
    BEHIND: gettext_lazy("Behind"),
    NOT_STARTED: gettext_lazy("Not started"),
    NO_PERIOD: gettext_lazy("No validity period yet"),
    UNKNOWN_METRIC: gettext_lazy("Metric not available"),
}
# Bootstrap colour of each status (text labels always go with the colour).
STATUS_COLOURS = {
    ON_TRACK: "success",
    AT_RISK: "warning",
    BEHIND: "danger",
    NOT_STARTED: "secondary",
    NO_PERIOD: "secondary",
    UNKNOWN_METRIC: "secondary",
}


def _clamp(day: dt.date, start: dt.date, end: dt.date) -> dt.date:
    return max(start, min(day, end))


def _validity(agreement: Agreement, today: dt.date) -> tuple[dt.date, dt.date] | None:
    start = agreement.valid_from or agreement.signed_on
    if start is None:
        return None
    end = agreement.valid_to or max(today, start)
    return start, max(start, end)


def _semester(day: dt.date) -> tuple[dt.date, dt.date, str]:
    if 3 <= day.month <= 8:
        return (
            dt.date(day.year, 3, 1),
            dt.date(day.year, 8, 31),
            _("Spring %(year)s") % {"year": day.year},
        )
    year = day.year if day.month >= 9 else day.year - 1
    feb_end = calendar.monthrange(year + 1, 2)[1]
    return (
        dt.date(year, 9, 1),
        dt.date(year + 1, 2, feb_end),
        _("Autumn %(year)s") % {"year": year},
    )


def kpi_period(agreement: Agreement, period: str, today: dt.date | None = None) -> Period | None:
    """The period a KPI of this kind is measured over today; None without a validity period."""
    today = today or timezone.localdate()
    validity = _validity(agreement, today)
    if validity is None:
        return None
    start, end = validity
    if period == KpiPeriod.WHOLE:
        return Period(start, end, _("%(start)s to %(end)s") % {"start": start, "end": end})
    anchor = _clamp(today, start, end)
    if period == KpiPeriod.YEAR:
        p_start, p_end, label = dt.date(anchor.year, 1, 1), dt.date(anchor.year, 12, 31), ""
        label = str(anchor.year)
    else:
        p_start, p_end, label = _semester(anchor)
    return Period(max(start, p_start), min(end, p_end), label)


def kpi_status(
    *, actual: Decimal, target: Decimal, period: Period, today: dt.date
) -> tuple[str, Decimal]:
    """(status, value expected by today) for an actual value against a target."""
    if today < period.start:
        return NOT_STARTED, Decimal(0)
    elapsed = (min(today, period.end) - period.start).days + 1
    share = Decimal(elapsed) / Decimal(period.days)
    expected = (target * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if actual >= expected:
        return ON_TRACK, expected
    if actual >= expected * Decimal(str(conf.KPI_AT_RISK_SHARE)):
        return AT_RISK, expected
    return BEHIND, expected


@dataclass
class KpiResult:
    """A commitment's KPI as the pages, the API and the charts show it."""

    metric_key: str
    metric: Metric | None
    target: Decimal
    period_kind: str
    period: Period | None
    actual: Decimal | None
    expected: Decimal | None
    status: str
    unit: str

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self.status]

    @property
    def percent(self) -> int:
        """Actual as a share of the target, 0–100 (for a progress bar)."""
        if not self.actual or not self.target:
            return 0
        return int(min(Decimal(100), self.actual * 100 / self.target))

    @property
    def bar_step(self) -> int:
        """`percent` rounded to a multiple of 5, for the CSS width classes (no inline style)."""
        return int(5 * round(self.percent / 5))

    @property
    def label(self) -> str:
        return str(self.metric.label) if self.metric else self.metric_key

    def as_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric_key,
            "label": self.label,
            "unit": self.unit,
            "target": float(self.target),
            "actual": float(self.actual) if self.actual is not None else None,
            "expected": float(self.expected) if self.expected is not None else None,
            "period": self.period_kind,
            "period_start": self.period.start.isoformat() if self.period else None,
            "period_end": self.period.end.isoformat() if self.period else None,
            "period_label": self.period.label if self.period else "",
            "status": self.status,
            "status_label": self.status_label,
        }


class KpiCache:
    """Memoises metric values for one page or API call: each (agreement, metric, period) is
    computed once, so the number of queries does not grow with the number of commitments."""

    def __init__(self) -> None:
        self._values: dict[tuple[int, str, dt.date, dt.date], Decimal] = {}

    def value(self, agreement: Agreement, key: str, period: Period) -> Decimal:
        cache_key = (agreement.pk, key, period.start, period.end)
        if cache_key not in self._values:
            self._values[cache_key] = compute(agreement, key, period)
        return self._values[cache_key]


def evaluate(
    commitment: Commitment,
    *,
    agreement: Agreement | None = None,
    today: dt.date | None = None,
    cache: KpiCache | None = None,
) -> KpiResult | None:
    """The KPI of a commitment, or None when it has none."""
    if not commitment.kpi_metric or commitment.kpi_target is None:
        return None
    agreement = agreement or commitment.agreement
    today = today or timezone.localdate()
    cache = cache or KpiCache()
    metric = get_metric(commitment.kpi_metric)
    unit = metric.unit_for(agreement) if metric else ""
    period = kpi_period(agreement, commitment.kpi_period, today)
    result = KpiResult(
        metric_key=commitment.kpi_metric,
        metric=metric,
        target=commitment.kpi_target,
        period_kind=commitment.kpi_period,
        period=period,
        actual=None,
        expected=None,
        status=UNKNOWN_METRIC,
        unit=unit,
    )
    if metric is None:
        return result
    if period is None:
        result.status = NO_PERIOD
        return result
    result.actual = cache.value(agreement, metric.key, period)
    result.status, result.expected = kpi_status(
        actual=result.actual, target=commitment.kpi_target, period=period, today=today
    )
    return result
