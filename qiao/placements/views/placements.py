"""Placements after acceptance: the list (coordinators and host managers) and the placement
page with its lifecycle actions (assign, insurance, agreement, activate, terminate, complete).
Every view finds the placement through the scoped selector (404 outside it) and asks the
permission layer for each action (403)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qiao.core import permissions as perms
from qiao.core.importexport.export import Column
from qiao.core.lists import ListPage, SortOption
from qiao.core.views._helpers import or_404
from qiao.placements import lifecycle_selectors as ls
from qiao.placements import permissions as pp
from qiao.placements import services
from qiao.placements.filters import PlacementFilter
from qiao.placements.forms_lifecycle import (
    AcceptForm,
    AssignForm,
    EvaluationForm,
    InsuranceForm,
    TerminateForm,
)
from qiao.placements.models import Party, Placement, PlacementState
from qiao.placements.services.evaluations import roles_of
from qiao.placements.services.lifecycle import completion_problems
from qiao.placements.services.timesheets import week_of
from qiao.placements.views._common import error_messages, form_error_messages

PLACEMENT_EXPORT = [
    Column("id", lambda p: p.pk),
    Column("student", lambda p: str(p.student)),
    Column("opening", lambda p: p.opening.title),
    Column("site", lambda p: str(p.opening.site) if p.opening.site_id else ""),
    Column("host", lambda p: p.host.name),
    Column("school", lambda p: p.school.name),
    Column("round", lambda p: p.round.name),
    Column("state", lambda p: p.state),
    Column("start", lambda p: p.opening.start),
    Column("end", lambda p: p.opening.end),
    Column("mentor", lambda p: str(p.mentor) if p.mentor_id else ""),
    Column(
        "supervising_teacher",
        lambda p: str(p.supervising_teacher) if p.supervising_teacher_id else "",
    ),
    Column("agreement_signed_at", lambda p: p.agreement_signed_at),
    Column("activated_at", lambda p: p.activated_at),
    Column("completed_at", lambda p: p.completed_at),
]
PLACEMENT_SORTS = [
    SortOption("student", gettext_lazy("Student"), ["student__family_name", "student__given_name"]),
    SortOption("start", gettext_lazy("Start"), ["opening__start"]),
    SortOption("state", gettext_lazy("State"), ["state"]),
    SortOption("opening", gettext_lazy("Opening"), ["opening__title"]),
]


CHANGEABLE = (PlacementState.ACCEPTED, PlacementState.AGREEMENT_SIGNED, PlacementState.ACTIVE)


def get_placement(request: HttpRequest, pk: int) -> Placement:
    placement: Placement = or_404(ls.placement_get(viewer=request.user, pk=pk))
    return placement


@login_required
def placement_list(request: HttpRequest) -> HttpResponseBase:
    """Coordinators of schools and managers of hosts: their placements, filtered, sorted,
    paginated, exported."""
    perms.require(pp.can_use_placements(request.user))
    if not (perms.is_platform_admin(request.user) or pp.coordinated_org_ids(request.user)):
        raise Http404
    page = ListPage(
        request=request,
        queryset=ls.placement_list(viewer=request.user),
        filterset_class=PlacementFilter,
        sorts=PLACEMENT_SORTS,
        default_sort="start",
        export_columns=PLACEMENT_EXPORT,
        export_name="placements",
    )
    download = page.export()
    if download is not None:
        return download
    return render(request, "placements/lifecycle/placement_list.html", page.context())


@login_required
def placement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_placement(request, pk)
    user = request.user
    school, host = pp.can_manage_placement(user, p), pp.can_host_placement(user, p)
    doc = ls.current_document(placement=p)
    accepted = {a.party: a for a in doc.acceptances.all()} if doc else {}
    evaluations = ls.evaluations_of(placement=p)
    my_roles = [r for r in roles_of(user, p) if r not in evaluations]
    can_evaluate = p.state in (PlacementState.ACTIVE, PlacementState.COMPLETED)
    site_score = ls.site_quality(site_id=p.opening.site_id) if p.opening.site_id else (None, 0)
    return render(
        request,
        "placements/lifecycle/placement_detail.html",
        {
            "placement": p,
            "opening": p.opening,
            "is_school": school,
            "is_host": host,
            "is_student": pp.is_student_of(user, p),
            "can_change": p.state in CHANGEABLE,
            "assign_form": AssignForm(placement=p, school=school) if school or host else None,
            "insurance": ls.insurance_of(placement=p),
            "insurance_form": InsuranceForm(
                initial={"starts": p.opening.start, "ends": p.opening.end}
            ),
            "terminate_form": TerminateForm(),
            "document": doc,
            "accepted": accepted,
            "parties": [
                {"key": k, "label": Party(k).label, "acceptance": accepted.get(k)}
                for k in Party.values
            ],
            "can_accept_for": [k for k in pp.parties_of(user, p) if k not in accepted],
            "violations": ls.open_violations(placement=p),
            "timesheets": ls.placement_timesheets(placement=p),
            "this_week": week_of(max(min(p.opening.end, _today()), p.opening.start)),
            "evaluations": [
                evaluations[r] for r in ("mentor", "teacher", "student") if r in evaluations
            ],
            "evaluation_forms": [EvaluationForm(role=r) for r in my_roles] if can_evaluate else [],
            "completion_problems": completion_problems(p)
            if p.state == PlacementState.ACTIVE
            else [],
            "site_score": site_score,
            "can_terminate": pp.can_terminate(user, p)
            and p.state
            in (PlacementState.ACCEPTED, PlacementState.AGREEMENT_SIGNED, PlacementState.ACTIVE),
        },
    )


def _today() -> dt.date:
    return timezone.localdate()


def _back(pk: int) -> HttpResponse:
    return redirect("placements:placement_detail", pk)


@login_required
def agreement_pdf(request: HttpRequest, pk: int) -> FileResponse:
    p = get_placement(request, pk)
    doc = or_404(ls.current_document(placement=p))
    response = FileResponse(
        doc.file.open("rb"),
        content_type="application/pdf",
        filename=f"placement-{p.pk}-agreement-v{doc.version}.pdf",
    )
    response["X-Content-SHA256"] = doc.sha256
    return response


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_placement(request, pk)
    school = pp.can_manage_placement(request.user, p)
    perms.require(school or pp.can_host_placement(request.user, p))
    form = AssignForm(request.POST, placement=p, school=school)
    if not form.is_valid():
        messages.error(request, _("Choose people from the lists."))
        return _back(pk)
    try:
        services.placement_assign(
            actor=request.user,
            placement=p,
            supervising_teacher=form.cleaned_data.get("supervising_teacher"),
            mentor=form.cleaned_data.get("mentor"),
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Saved."))
    return _back(pk)


@login_required
@require_POST
def insurance(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_placement(request, pk)
    perms.require(pp.can_terminate(request.user, p))
    form = InsuranceForm(request.POST)
    if not form.is_valid():
        form_error_messages(request, form)
        return _back(pk)
    try:
        services.insurance_set(actor=request.user, placement=p, **form.cleaned_data)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Insurance policy saved."))
    return _back(pk)


@login_required
@require_POST
def agreement_generate(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_placement(request, pk)
    perms.require(
        pp.can_manage_placement(request.user, p) or pp.can_host_placement(request.user, p)
    )
    try:
        services.agreement_generate(actor=request.user, placement=p)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The agreement was generated."))
    return _back(pk)


@login_required
@require_POST
def agreement_accept(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_placement(request, pk)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Accept for one party."))
        return _back(pk)
    perms.require(form.cleaned_data["party"] in pp.parties_of(request.user, p))
    try:
        services.agreement_accept(actor=request.user, placement=p, **form.cleaned_data)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        p.refresh_from_db()
        if p.state == PlacementState.AGREEMENT_SIGNED:
            messages.success(request, _("All three parties accepted: the agreement is signed."))
        else:
            messages.success(request, _("Your acceptance is recorded."))
    return _back(pk)


@login_required
@require_POST
def activate(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_placement(request, pk)
    perms.require(pp.can_manage_placement(request.user, p))
    try:
        warnings = services.placement_activate(actor=request.user, placement=p)
    except ValidationError as exc:
        messages.error(request, _("The placement cannot start yet:"))
        error_messages(request, exc)
    else:
        messages.success(request, _("The placement is active."))
        for w in warnings:
            messages.warning(request, w.message(request.LANGUAGE_CODE))
    return _back(pk)


@login_required
@require_POST
def terminate(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_placement(request, pk)
    perms.require(pp.can_terminate(request.user, p))
    form = TerminateForm(request.POST)
    form.is_valid()
    try:
        services.placement_terminate(
            actor=request.user, placement=p, reason=form.cleaned_data.get("reason", "")
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The placement was terminated."))
    return _back(pk)


@login_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_placement(request, pk)
    perms.require(pp.can_manage_placement(request.user, p))
    try:
        _p, credential, note = services.placement_complete(actor=request.user, placement=p)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The placement is completed."))
        if credential is not None:
            messages.success(request, _("An internship-completion credential was issued."))
        elif note:
            messages.info(request, note)
    return _back(pk)
