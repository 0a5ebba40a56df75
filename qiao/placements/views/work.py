"""The day-to-day pages: "My placements" (the student's placement, the mentor's interns and
timesheets to sign, the supervising teacher's students), a week's timesheet (record, submit,
sign off or return) and evaluations."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qiao.core import permissions as perms
from qiao.core.views._helpers import apply_validation_error, or_404
from qiao.placements import facts, services
from qiao.placements import lifecycle_selectors as ls
from qiao.placements import permissions as pp
from qiao.placements.forms_lifecycle import EvaluationForm, ReviewForm, TimesheetForm
from qiao.placements.models import Timesheet, TimesheetState
from qiao.placements.services.evaluations import roles_of
from qiao.placements.views._common import error_messages
from qiao.placements.views.placements import get_placement


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """Whatever the viewer does in placements: her own, her interns, her students."""
    return render(
        request,
        "placements/lifecycle/mine.html",
        {
            "own": list(ls.my_placements(viewer=request.user).order_by("-opening__start")),
            "interns": list(ls.my_interns(viewer=request.user).order_by("opening__start", "pk")),
            "to_sign": list(ls.timesheets_to_sign(viewer=request.user)),
            "supervised": list(
                ls.my_supervised(viewer=request.user).order_by("opening__start", "pk")
            ),
        },
    )


def _week(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        raise Http404 from None


def _initial(sheet: Timesheet | None) -> dict[str, object]:
    if sheet is None:
        return {}
    data: dict[str, object] = {}
    for d in sheet.days.all():
        key = d.day.isoformat()
        data[f"hours_{key}"] = f"{d.hours.normalize():f}"
        data[f"activities_{key}"] = d.activities
        data[f"night_{key}"] = d.night
        data[f"holiday_{key}"] = d.holiday  # the tick, on a day the calendar does not know
    return data


@login_required
def timesheet_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The student records a week (?week=YYYY-MM-DD, a Monday); saving can also submit."""
    p = get_placement(request, pk)
    perms.require(pp.is_student_of(request.user, p) or perms.is_platform_admin(request.user))
    week = _week(request.GET.get("week") or request.POST.get("week"))
    sheet = p.timesheets.filter(week_start=week).prefetch_related("days").first()
    if sheet is not None and sheet.state not in (TimesheetState.DRAFT, TimesheetState.RETURNED):
        return redirect("placements:timesheet_detail", sheet.pk)
    form = TimesheetForm(
        request.POST or None,
        week_start=week,
        holidays=facts.week_holidays(p.opening, week),
        initial=_initial(sheet),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.timesheet_save(
                actor=request.user, placement=p, week_start=week, days=form.entries()
            )
            if request.POST.get("submit"):
                services.timesheet_submit(actor=request.user, timesheet=saved)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if request.POST.get("submit"):
                messages.success(request, _("Timesheet submitted to your mentor."))
            else:
                messages.success(request, _("Timesheet saved as a draft."))
            return redirect("placements:timesheet_detail", saved.pk)
    return render(
        request,
        "placements/lifecycle/timesheet_edit.html",
        {"placement": p, "week": week, "form": form, "sheet": sheet},
    )


def _sheet(request: HttpRequest, pk: int) -> Timesheet:
    sheet: Timesheet = or_404(ls.timesheet_get(viewer=request.user, pk=pk))
    return sheet


@login_required
def timesheet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    p = sheet.placement
    names = facts.week_holidays(p.opening, sheet.week_start)
    return render(
        request,
        "placements/lifecycle/timesheet_detail.html",
        {
            "sheet": sheet,
            "placement": p,
            # Each day with the name of the calendar's public holiday on it ("" if none).
            "days": [(d, names.get(d.day, "")) for d in sheet.days.all()],
            "violations": [v for v in sheet.violations.all() if v.resolved_at is None],
            "is_student": pp.is_student_of(request.user, p),
            "can_review": pp.can_sign_off(request.user, p)
            and sheet.state == TimesheetState.SUBMITTED,
            "review_form": ReviewForm(),
        },
    )


@login_required
@require_POST
def timesheet_submit(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    perms.require(pp.is_student_of(request.user, sheet.placement))
    try:
        services.timesheet_submit(actor=request.user, timesheet=sheet)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Timesheet submitted to your mentor."))
    return redirect("placements:timesheet_detail", sheet.pk)


@login_required
@require_POST
def timesheet_review(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    perms.require(pp.can_sign_off(request.user, sheet.placement))
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Sign off or return the timesheet."))
        return redirect("placements:timesheet_detail", sheet.pk)
    approve = form.cleaned_data["decision"] == "sign"
    try:
        services.timesheet_review(
            actor=request.user,
            timesheet=sheet,
            approve=approve,
            comment=form.cleaned_data.get("comment", ""),
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request, _("Timesheet signed off.") if approve else _("Timesheet returned.")
        )
    return redirect("placements:timesheet_detail", sheet.pk)


@login_required
@require_POST
def evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_placement(request, pk)
    role = request.POST.get("role", "")
    perms.require(role in roles_of(request.user, p))
    form = EvaluationForm(request.POST, role=role)
    if not form.is_valid():
        messages.error(request, _("Score every criterion from 1 to 5."))
        return redirect("placements:placement_detail", pk)
    try:
        services.evaluation_submit(
            actor=request.user,
            placement=p,
            role=role,
            scores=form.scores(),
            comments=form.cleaned_data.get("comments", ""),
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Evaluation submitted."))
    return redirect("placements:placement_detail", pk)
