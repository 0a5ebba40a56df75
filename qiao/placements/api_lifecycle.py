"""JSON API of the placement lifecycle, timesheets and evaluations (mounted on the placements
router): the same selectors, services and permissions as the pages. Out of scope answers 404;
visible but not allowed answers 403; bad input is a 422 naming the field; an activation that
the rules block lists them with their clauses.

No `from __future__ import annotations` here: django-ninja resolves the annotations at import.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router

from qiao.core import permissions as perms
from qiao.core.models import Person
from qiao.placements import lifecycle_selectors as ls
from qiao.placements import permissions as pp
from qiao.placements import services
from qiao.placements.api import ERRORS, MAX_PAGE, _only_params, _page
from qiao.placements.models import Placement, PlacementState, Timesheet
from qiao.placements.schemas_lifecycle import (
    AcceptIn,
    AgreementOut,
    AssignIn,
    CompleteOut,
    EvaluationIn,
    EvaluationOut,
    InsuranceIn,
    PlacementOut,
    PlacementPage,
    ReviewIn,
    TerminateIn,
    TimesheetIn,
    TimesheetOut,
)
from qiao.placements.services.timesheets import DayEntry

router = Router(tags=["placements"])


def _placement(request: HttpRequest, pk: int) -> Placement:
    p = ls.placement_get(viewer=request.user, pk=pk)
    if p is None:
        raise Http404
    return p


def _fresh(p: Placement) -> Placement:
    return Placement.objects.select_related("student", "opening").get(pk=p.pk)


@router.get("/placements", response={200: PlacementPage, **ERRORS}, summary="Placements")
def placement_list(
    request: HttpRequest,
    state: str = Query("", max_length=20),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(50, ge=1, le=100),
) -> dict[str, Any]:
    """Placements the viewer sees: her school's or host's, her own, her interns, her students."""
    _only_params(request, ("state", "page", "page_size"))
    perms.require(getattr(request.user, "is_authenticated", False))
    qs = ls.placement_list(viewer=request.user)
    if state:
        if state not in PlacementState.values:
            raise ValidationError({"state": ["Unknown state."]})
        qs = qs.filter(state=state)
    items, count = _page(qs.order_by("opening__start", "pk"), page, page_size)
    return {"items": items, "count": count, "page": page, "page_size": page_size}


@router.get("/placements/{int:pk}", response={200: PlacementOut, **ERRORS}, summary="A placement")
def placement_detail(request: HttpRequest, pk: int) -> Placement:
    return _placement(request, pk)


@router.post(
    "/placements/{int:pk}/assign",
    response={200: PlacementOut, **ERRORS},
    summary="Assign the supervising teacher and the mentor",
)
def assign(request: HttpRequest, pk: int, payload: AssignIn) -> Placement:
    p = _placement(request, pk)
    perms.require(pp.can_terminate(request.user, p))

    def person(pid: int | None, field: str) -> Person | None:
        if pid is None:
            return None
        found = Person.objects.filter(pk=pid).first()
        if found is None:
            raise ValidationError({field: ["Unknown person."]})
        return found

    services.placement_assign(
        actor=request.user,
        placement=p,
        supervising_teacher=person(payload.supervising_teacher_id, "supervising_teacher_id"),
        mentor=person(payload.mentor_id, "mentor_id"),
    )
    return _fresh(p)


@router.post(
    "/placements/{int:pk}/insurance",
    response={200: PlacementOut, **ERRORS},
    summary="Record the insurance policy",
)
def insurance(request: HttpRequest, pk: int, payload: InsuranceIn) -> Placement:
    p = _placement(request, pk)
    perms.require(pp.can_terminate(request.user, p))
    services.insurance_set(actor=request.user, placement=p, **payload.model_dump())
    return _fresh(p)


def _agreement(p: Placement) -> dict[str, Any]:
    doc = ls.current_document(placement=p)
    if doc is None:
        raise Http404
    return {
        "version": doc.version,
        "sha256": doc.sha256,
        "acceptances": list(doc.acceptances.all()),
    }


@router.get(
    "/placements/{int:pk}/agreement",
    response={200: AgreementOut, **ERRORS},
    summary="The three-party agreement and its acceptances",
)
def agreement(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _agreement(_placement(request, pk))


@router.post(
    "/placements/{int:pk}/agreement/accept",
    response={200: AgreementOut, **ERRORS},
    summary="Accept the agreement for a party",
)
def agreement_accept(request: HttpRequest, pk: int, payload: AcceptIn) -> dict[str, Any]:
    p = _placement(request, pk)
    perms.require(payload.party in pp.parties_of(request.user, p))
    services.agreement_accept(
        actor=request.user, placement=p, party=payload.party, sha256=payload.sha256
    )
    return _agreement(p)


@router.post(
    "/placements/{int:pk}/activate",
    response={200: PlacementOut, **ERRORS},
    summary="Activate (the school's compliance rules are checked)",
)
def activate(request: HttpRequest, pk: int) -> Placement:
    p = _placement(request, pk)
    perms.require(pp.can_manage_placement(request.user, p))
    services.placement_activate(actor=request.user, placement=p)
    return _fresh(p)


@router.post(
    "/placements/{int:pk}/terminate",
    response={200: PlacementOut, **ERRORS},
    summary="Terminate with a reason",
)
def terminate(request: HttpRequest, pk: int, payload: TerminateIn) -> Placement:
    p = _placement(request, pk)
    perms.require(pp.can_terminate(request.user, p))
    services.placement_terminate(actor=request.user, placement=p, reason=payload.reason)
    return _fresh(p)


@router.post(
    "/placements/{int:pk}/complete",
    response={200: CompleteOut, **ERRORS},
    summary="Complete (issues the internship credential when the school can)",
)
def complete(request: HttpRequest, pk: int) -> dict[str, Any]:
    p = _placement(request, pk)
    perms.require(pp.can_manage_placement(request.user, p))
    done, credential, note = services.placement_complete(actor=request.user, placement=p)
    return {
        "placement": _fresh(done),
        "credential_id": str(credential.pk) if credential else None,
        "note": note,
    }


# --- Timesheets -------------------------------------------------------------------------------


@router.get(
    "/placements/{int:pk}/timesheets",
    response={200: list[TimesheetOut], **ERRORS},
    summary="Timesheets of a placement",
)
def timesheets(request: HttpRequest, pk: int) -> list[Timesheet]:
    return ls.placement_timesheets(placement=_placement(request, pk))


@router.post(
    "/placements/{int:pk}/timesheets",
    response={200: TimesheetOut, **ERRORS},
    summary="Record a week (and submit it)",
)
def timesheet_save(request: HttpRequest, pk: int, payload: TimesheetIn) -> Timesheet:
    p = _placement(request, pk)
    perms.require(pp.is_student_of(request.user, p))
    sheet = services.timesheet_save(
        actor=request.user,
        placement=p,
        week_start=payload.week_start,
        days=[DayEntry(**d.model_dump()) for d in payload.days],
    )
    if payload.submit:
        services.timesheet_submit(actor=request.user, timesheet=sheet)
    return Timesheet.objects.prefetch_related("days").get(pk=sheet.pk)


def _sheet(request: HttpRequest, pk: int) -> Timesheet:
    sheet = ls.timesheet_get(viewer=request.user, pk=pk)
    if sheet is None:
        raise Http404
    return sheet


@router.post(
    "/timesheets/{int:pk}/submit", response={200: TimesheetOut, **ERRORS}, summary="Submit"
)
def timesheet_submit(request: HttpRequest, pk: int) -> Timesheet:
    sheet = _sheet(request, pk)
    perms.require(pp.is_student_of(request.user, sheet.placement))
    services.timesheet_submit(actor=request.user, timesheet=sheet)
    return Timesheet.objects.prefetch_related("days").get(pk=sheet.pk)


@router.post(
    "/timesheets/{int:pk}/review",
    response={200: TimesheetOut, **ERRORS},
    summary="Sign off or return a week",
)
def timesheet_review(request: HttpRequest, pk: int, payload: ReviewIn) -> Timesheet:
    sheet = _sheet(request, pk)
    perms.require(pp.can_sign_off(request.user, sheet.placement))
    services.timesheet_review(
        actor=request.user,
        timesheet=sheet,
        approve=payload.decision == "sign",
        comment=payload.comment,
    )
    return Timesheet.objects.prefetch_related("days").get(pk=sheet.pk)


# --- Evaluations ------------------------------------------------------------------------------


@router.get(
    "/placements/{int:pk}/evaluations",
    response={200: list[EvaluationOut], **ERRORS},
    summary="Evaluations of a placement",
)
def evaluations(request: HttpRequest, pk: int) -> list[Any]:
    return list(ls.evaluations_of(placement=_placement(request, pk)).values())


@router.post(
    "/placements/{int:pk}/evaluations",
    response={200: EvaluationOut, **ERRORS},
    summary="Submit an evaluation",
)
def evaluation_submit(request: HttpRequest, pk: int, payload: EvaluationIn) -> Any:
    p = _placement(request, pk)
    return services.evaluation_submit(
        actor=request.user,
        placement=p,
        role=payload.role,
        scores=dict(payload.scores),
        comments=payload.comments,
    )
