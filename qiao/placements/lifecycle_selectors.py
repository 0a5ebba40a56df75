"""Reads of placements after acceptance (lists, detail, timesheets, evaluations, site quality),
shared by the pages, the API and the exports; always scoped to what the viewer may see."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Avg, QuerySet

from qiao.placements import permissions as pp
from qiao.placements.models import (
    AgreementDocument,
    Evaluation,
    EvaluationRole,
    InsurancePolicy,
    Placement,
    PlacementState,
    Timesheet,
    TimesheetState,
)

AFTER_OFFER = (
    PlacementState.ACCEPTED,
    PlacementState.AGREEMENT_SIGNED,
    PlacementState.ACTIVE,
    PlacementState.COMPLETED,
    PlacementState.TERMINATED,
)


def placement_list(*, viewer: Any) -> QuerySet[Placement]:
    qs = Placement.objects.select_related(
        "student", "opening__site", "host", "school", "round", "mentor", "supervising_teacher"
    )
    scope = pp.placement_scope(viewer)
    if scope is None:
        return qs
    return qs.filter(pk__in=Placement.objects.filter(scope).values("pk"))


def placement_get(*, viewer: Any, pk: int) -> Placement | None:
    return placement_list(viewer=viewer).filter(pk=pk).first()


def my_placements(*, viewer: Any) -> QuerySet[Placement]:
    """The viewer's own placements as a student (accepted onwards)."""
    if not getattr(viewer, "is_authenticated", False):
        return Placement.objects.none()
    return placement_list(viewer=viewer).filter(student__user=viewer, state__in=AFTER_OFFER)


def my_interns(*, viewer: Any) -> QuerySet[Placement]:
    if not getattr(viewer, "is_authenticated", False):
        return Placement.objects.none()
    return placement_list(viewer=viewer).filter(mentor__user=viewer)


def my_supervised(*, viewer: Any) -> QuerySet[Placement]:
    if not getattr(viewer, "is_authenticated", False):
        return Placement.objects.none()
    return placement_list(viewer=viewer).filter(supervising_teacher__user=viewer)


def timesheets_to_sign(*, viewer: Any) -> QuerySet[Timesheet]:
    """Submitted weeks of the viewer's interns."""
    if not getattr(viewer, "is_authenticated", False):
        return Timesheet.objects.none()
    return (
        Timesheet.objects.filter(placement__mentor__user=viewer, state=TimesheetState.SUBMITTED)
        .select_related("placement__student")
        .order_by("week_start", "pk")
    )


def timesheet_get(*, viewer: Any, pk: int) -> Timesheet | None:
    """A timesheet, visible to whoever sees its placement."""
    sheet = (
        Timesheet.objects.filter(pk=pk)
        .select_related("placement__student", "placement__mentor", "placement__opening")
        .prefetch_related("days", "violations")
        .first()
    )
    if sheet is None or placement_get(viewer=viewer, pk=sheet.placement_id) is None:
        return None
    return sheet


def placement_timesheets(*, placement: Placement) -> list[Timesheet]:
    return list(placement.timesheets.prefetch_related("days").order_by("-week_start"))


def current_document(*, placement: Placement) -> AgreementDocument | None:
    return (
        AgreementDocument.objects.filter(placement=placement)
        .prefetch_related("acceptances__accepted_by")
        .order_by("-version")
        .first()
    )


def insurance_of(*, placement: Placement) -> InsurancePolicy | None:
    return InsurancePolicy.objects.filter(placement=placement).first()


def evaluations_of(*, placement: Placement) -> dict[str, Evaluation]:
    return {e.role: e for e in Evaluation.objects.filter(placement=placement)}


def site_quality(*, site_id: int) -> tuple[Decimal | None, int]:
    """The site's quality score (mean of its students' evaluations of it) and how many."""
    row = Evaluation.objects.filter(
        role=EvaluationRole.STUDENT, placement__opening__site_id=site_id
    ).aggregate(mean=Avg("mean"))
    count = Evaluation.objects.filter(
        role=EvaluationRole.STUDENT, placement__opening__site_id=site_id
    ).count()
    mean = row["mean"]
    return (Decimal(mean).quantize(Decimal("0.01")) if mean is not None else None), count


def open_violations(*, placement: Placement) -> list[Any]:
    return list(
        placement.violations.filter(resolved_at=None)
        .select_related("timesheet")
        .order_by("severity", "rule_id")
    )


def person_panel(viewer: Any, person: Any) -> dict[str, Any] | None:
    """The placements of `person` the viewer may see, for her person page (None: none)."""
    placements = list(
        placement_list(viewer=viewer).filter(student=person).order_by("-opening__start", "-pk")[:20]
    )
    return {"placements": placements} if placements else None
