"""KPI metrics placements registers in the agreements registry (from PlacementsConfig.ready).

"Per agreement" means the placements at sites linked to the agreement (`Site.agreement`).
The key is `placements.placements_completed`, not `placements.completed`: the registry's own
tests register that one as their example of "the way other apps do"."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiao.agreements.metrics import register_metric

if TYPE_CHECKING:
    from qiao.agreements.models import Agreement

PLACED = ("accepted", "agreement_signed", "active", "completed")


def placements_completed(agreement: Agreement, start: dt.date, end: dt.date) -> int:
    """Placements at the agreement's sites completed in the period."""
    from qiao.placements.models import Placement

    return Placement.objects.filter(
        opening__site__agreement=agreement,
        state="completed",
        completed_at__date__range=(start, end),
    ).count()


def students_placed(agreement: Agreement, start: dt.date, end: dt.date) -> int:
    """Students with a placement (accepted or later) at the agreement's sites whose period
    overlaps the period."""
    from qiao.placements.models import Placement

    return (
        Placement.objects.filter(
            opening__site__agreement=agreement,
            state__in=PLACED,
            opening__start__lte=end,
            opening__end__gte=start,
        )
        .values("student_id")
        .distinct()
        .count()
    )


def compliance_violations(agreement: Agreement, start: dt.date, end: dt.date) -> int:
    """Compliance violations found in the period on openings and placements at the
    agreement's sites."""
    from qiao.placements.models import ComplianceViolation

    return ComplianceViolation.objects.filter(
        Q(opening__site__agreement=agreement) | Q(placement__opening__site__agreement=agreement),
        detected_at__date__range=(start, end),
    ).count()


def register() -> None:
    register_metric(
        key="placements.placements_completed",
        label=_("Placements completed"),
        unit=_("students"),
        compute=placements_completed,
        description=_("Placements at the agreement's sites completed in the period."),
        replace=True,
    )
    register_metric(
        key="placements.students_placed",
        label=_("Students placed"),
        unit=_("students"),
        compute=students_placed,
        description=_(
            "Students with an accepted placement at the agreement's sites running in the period."
        ),
        replace=True,
    )
    register_metric(
        key="placements.compliance_violations",
        label=_("Compliance violations"),
        unit=_("violations"),
        compute=compliance_violations,
        description=_(
            "Violations of the internship rules found in the period at the agreement's sites."
        ),
        replace=True,
    )
