"""Placement rounds for the coordinator: list, create, open, close, allocate, a later round
(reviewing and publishing a run are in views/runs.py, the compliance page in
views/compliance.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qiao.core import permissions as perms
from qiao.core.importexport.export import EXPORT_FORMATS, export_response
from qiao.core.lists import ListPage, SortOption
from qiao.placements import permissions as pp
from qiao.placements import selectors, services
from qiao.placements.forms import LaterRoundForm, RoundForm, RunOptionsForm
from qiao.placements.imports import KEY as CANDIDATE_IMPORT
from qiao.placements.imports import candidate_export_columns, candidate_export_rows
from qiao.placements.models import PlacementRound, RoundStatus
from qiao.placements.views._common import (
    apply_validation_error,
    error_messages,
    form_error_messages,
    get_round,
)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Where each persona starts: rounds they take part in, and the lists they may use."""
    perms.require(pp.can_use_placements(request.user))
    return render(
        request,
        "placements/index.html",
        {
            "my_rounds": selectors.my_rounds(viewer=request.user).order_by("-ranking_opens")[:20],
            "rounds": selectors.round_list(viewer=request.user).order_by("-ranking_opens")[:20],
            "schools": selectors.schools_managed(viewer=request.user),
            "staff": bool(pp.member_org_ids(request.user)) or perms.is_platform_admin(request.user),
            "manages": bool(pp.coordinated_org_ids(request.user))
            or perms.is_platform_admin(request.user),
        },
    )


ROUND_SORTS = [
    SortOption("opens", gettext_lazy("Ranking opens"), ["ranking_opens"]),
    SortOption("name", gettext_lazy("Name"), ["name"]),
]


@login_required
def round_list(request: HttpRequest) -> HttpResponseBase:
    perms.require(pp.can_use_placements(request.user))
    page = ListPage(
        request=request,
        queryset=selectors.round_list(viewer=request.user),
        sorts=ROUND_SORTS,
        default_sort="-opens",
    )
    context = page.context()
    context["can_create"] = selectors.schools_managed(viewer=request.user).exists()
    return render(request, "placements/round_list.html", context)


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    schools = selectors.schools_managed(viewer=request.user)
    perms.require(schools.exists())
    form = RoundForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rnd = services.round_create(actor=request.user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Round created. Open it when the openings are ready."))
            return redirect("placements:round_detail", rnd.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("New placement round"),
            "cancel_url": reverse("placements:round_list"),
        },
    )


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    rnd = get_round(request, pk)
    if not pp.can_manage_round(request.user, rnd):
        # Students go to their ranking or result; hosts to their applicants.
        if selectors.candidate_of(viewer=request.user, placement_round=rnd) is not None:
            target = "result" if rnd.status == RoundStatus.PUBLISHED else "ranking"
            return redirect(f"placements:{target}", rnd.pk)
        return redirect("placements:applicants", rnd.pk)
    fmt = request.GET.get("export", "")
    if fmt in EXPORT_FORMATS:
        # The candidates with their grade average and skills, in the columns of the
        # "round_candidates" import: download, fill in, import back.
        return export_response(
            columns=candidate_export_columns(),
            rows=candidate_export_rows(placement_round=rnd).iterator(chunk_size=2000),
            fmt=fmt,
            filename=f"round-{rnd.pk}-candidates",
        )
    candidate_import = rnd.status in (RoundStatus.OPEN, RoundStatus.CLOSED)
    return render(
        request,
        "placements/round_detail.html",
        {
            "round": rnd,
            "openings": selectors.round_openings(placement_round=rnd),
            "runs": selectors.run_list(placement_round=rnd),
            "candidates": rnd.candidates.count(),
            "ranked": rnd.candidates.filter(preferences__isnull=False).distinct().count(),
            "options_form": RunOptionsForm(),
            "later_form": LaterRoundForm(),
            "candidate_import_url": (
                f"{reverse('core:import_start', args=[CANDIDATE_IMPORT])}?round={rnd.pk}"
                if candidate_import
                else ""
            ),
            "candidate_export_url": f"{reverse('placements:round_detail', args=[rnd.pk])}"
            "?export=xlsx",
        },
    )


def _managed(request: HttpRequest, pk: int) -> PlacementRound:
    rnd = get_round(request, pk)
    perms.require(pp.can_manage_round(request.user, rnd))
    return rnd


@login_required
@require_POST
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _managed(request, pk)
    try:
        services.round_open(actor=request.user, placement_round=rnd)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The round is open for ranking."))
    return redirect("placements:round_detail", rnd.pk)


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _managed(request, pk)
    try:
        services.round_close_ranking(actor=request.user, placement_round=rnd)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Ranking is closed. You can allocate now."))
    return redirect("placements:round_detail", rnd.pk)


@login_required
@require_POST
def run_start(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _managed(request, pk)
    form = RunOptionsForm(request.POST)
    if not form.is_valid():
        form_error_messages(request, form)
        return redirect("placements:round_detail", rnd.pk)
    options = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    try:
        run = services.run_start(actor=request.user, placement_round=rnd, options=options)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("placements:round_detail", rnd.pk)
    return redirect("placements:run_detail", rnd.pk, run.pk)


@login_required
@require_POST
def round_later(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _managed(request, pk)
    form = LaterRoundForm(request.POST)
    if not form.is_valid():
        form_error_messages(request, form)
        return redirect("placements:round_detail", rnd.pk)
    try:
        later = services.round_followup_create(
            actor=request.user, previous=rnd, **form.cleaned_data
        )
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("placements:round_detail", rnd.pk)
    messages.success(request, _("Later round created over the seats left."))
    return redirect("placements:round_detail", later.pk)
