"""The coordinator's review of one allocation run, in tabs: summary, openings, sites, students.

Each tab is paged and searchable, so no page grows with the round (a round of 100,000 students
over 10,000 openings reviews as fast as a small one), and each list downloads whole as CSV or
XLSX; "Download the run" gives every tab in one workbook.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qiao.core.importexport.export import (
    EXPORT_FORMATS,
    Column,
    Sheet,
    export_response,
    workbook_response,
)
from qiao.core.lists import ListPage, SortOption, page_context
from qiao.core.views._helpers import or_404
from qiao.placements import explain, selectors, services
from qiao.placements import permissions as pp
from qiao.placements import run_selectors as rs
from qiao.placements.filters import RunOutcomeFilter
from qiao.placements.forms_runs import RunOpeningsFilterForm, RunSitesFilterForm
from qiao.placements.models import AllocationRun, PlacementRound, RoundStatus, RunState
from qiao.placements.views._common import error_messages, get_round

OPENING_COLUMNS = [
    Column("opening_id", lambda r: r.opening_id),
    Column("opening", lambda r: r.title),
    Column("host", lambda r: r.host),
    Column("site", lambda r: r.site),
    Column("seats", lambda r: r.capacity),
    Column("filled", lambda r: r.filled),
    Column("applicants", lambda r: r.applicants),
    Column("eligible", lambda r: r.eligible),
    Column("cutoff_rank", lambda r: r.cutoff_rank),
    Column("cutoff_score", lambda r: r.cutoff_score),
]
SITE_COLUMNS = [
    Column("site_or_host", lambda r: r.name),
    Column("openings", lambda r: r.openings),
    Column("seats", lambda r: r.capacity),
    Column("filled", lambda r: r.filled),
    Column("filled_percent", lambda r: r.percent),
]
STUDENT_COLUMNS = [
    Column("student", lambda o: str(o.candidate.person)),
    Column("student_number", lambda o: o.candidate.student_number),
    Column("major", lambda o: str(o.candidate.major or "")),
    Column("placed_at", lambda o: str(o.opening) if o.opening_id else ""),
    Column("choice", lambda o: o.choice),
]
# The openings and sites tabs sort rows in Python (run_selectors.sort_rows): no order_by.
OPENING_SORTS = [
    SortOption("title", gettext_lazy("Opening"), ()),
    SortOption("filled", gettext_lazy("Filled"), ()),
    SortOption("fill", gettext_lazy("Filled (%)"), ()),
    SortOption("applicants", gettext_lazy("Applicants"), ()),
    SortOption("eligible", gettext_lazy("Eligible"), ()),
    SortOption("cutoff", gettext_lazy("Cutoff"), ()),
]
SITE_SORTS = [
    SortOption("name", gettext_lazy("Site or host"), ()),
    SortOption("openings", gettext_lazy("Openings"), ()),
    SortOption("capacity", gettext_lazy("Seats"), ()),
    SortOption("filled", gettext_lazy("Filled"), ()),
    SortOption("fill", gettext_lazy("Filled (%)"), ()),
]
STUDENT_SORTS = [
    SortOption("student", gettext_lazy("Student"), ["candidate_id"]),
    SortOption("choice", gettext_lazy("Result"), ["choice"]),
]


def _get_run(request: HttpRequest, pk: int, run_pk: int) -> tuple[PlacementRound, AllocationRun]:
    """Runs exist only for those who manage the round: 404 for everyone else."""
    rnd = get_round(request, pk)
    if not pp.can_manage_round(request.user, rnd):
        raise Http404
    run: AllocationRun = or_404(selectors.run_get(placement_round=rnd, pk=run_pk))
    return rnd, run


def _done(request: HttpRequest, pk: int, run_pk: int) -> tuple[PlacementRound, AllocationRun]:
    """The tabs other than the summary exist once the run is done."""
    rnd, run = _get_run(request, pk, run_pk)
    if run.state != RunState.DONE:
        raise Http404
    return rnd, run


def _base(rnd: PlacementRound, run: AllocationRun, tab: str) -> dict[str, Any]:
    return {"round": rnd, "run": run, "tab": tab}


def _rows_page(
    request: HttpRequest, rows: list[Any], sorts: list[SortOption], form: Any
) -> tuple[list[Any], dict[str, Any]]:
    """Rows sorted as the request asks, and the page context of the shared list templates."""
    keys = tuple(option.key for option in sorts)
    rows, sort = rs.sort_rows(rows, request.GET.get("sort", keys[0]), keys)
    context = page_context(request, rows, sort=sort, sorts=sorts, exportable=True)
    return rows, {"filter": SimpleNamespace(form=form), **context}


@login_required
@require_POST
def run_publish(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    rnd, run = _get_run(request, pk, run_pk)
    try:
        offers = services.run_publish(actor=request.user, run=run)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("placements:run_detail", rnd.pk, run.pk)
    messages.success(request, _("Published: %(n)d students have an offer.") % {"n": offers})
    return redirect("placements:round_detail", rnd.pk)


@login_required
def run_detail(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    """The summary tab; while the run is waiting or running, its progress."""
    rnd, run = _get_run(request, pk, run_pk)
    context = _base(rnd, run, "summary")
    if run.state == RunState.DONE:
        summary = rs.run_summary(run=run)
        context.update(
            review=summary,
            can_publish=rnd.status == RoundStatus.CLOSED and summary["verification"].get("valid"),
        )
    return render(request, "placements/run_detail.html", context)


@login_required
def run_openings(request: HttpRequest, pk: int, run_pk: int) -> HttpResponseBase:
    rnd, run = _done(request, pk, run_pk)
    form = RunOpeningsFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    search, fill = data.get("q", ""), data.get("fill", "")
    rows = rs.filter_by_fill(rs.opening_rows(run=run, search=search), fill)
    rows, ctx = _rows_page(request, rows, OPENING_SORTS, form)
    fmt = request.GET.get("export", "")
    if fmt in EXPORT_FORMATS:
        return export_response(
            columns=OPENING_COLUMNS, rows=rows, fmt=fmt, filename=f"run-{run.number}-openings"
        )
    return render(request, "placements/run_openings.html", {**_base(rnd, run, "openings"), **ctx})


@login_required
def run_sites(request: HttpRequest, pk: int, run_pk: int) -> HttpResponseBase:
    rnd, run = _done(request, pk, run_pk)
    form = RunSitesFilterForm(request.GET or None)
    search = form.cleaned_data.get("q", "") if form.is_valid() else ""
    rows, ctx = _rows_page(request, rs.site_rows(run=run, search=search), SITE_SORTS, form)
    fmt = request.GET.get("export", "")
    if fmt in EXPORT_FORMATS:
        return export_response(
            columns=SITE_COLUMNS, rows=rows, fmt=fmt, filename=f"run-{run.number}-sites"
        )
    return render(request, "placements/run_sites.html", {**_base(rnd, run, "sites"), **ctx})


@login_required
def run_students(request: HttpRequest, pk: int, run_pk: int) -> HttpResponseBase:
    rnd, run = _done(request, pk, run_pk)
    page = ListPage(
        request=request,
        queryset=rs.run_outcomes(run=run),
        filterset_class=RunOutcomeFilter,
        sorts=STUDENT_SORTS,
        default_sort="student",
        export_columns=STUDENT_COLUMNS,
        export_name=f"run-{run.number}-students",
    )
    download = page.export()
    if download is not None:
        return download
    ctx = page.context()
    outcomes = list(ctx["object_list"])
    sentences = selectors.outcome_sentences(outcomes, voice=explain.STAFF)
    ctx["rows"] = [{"outcome": o, "sentences": s} for o, s in zip(outcomes, sentences, strict=True)]
    return render(request, "placements/run_students.html", {**_base(rnd, run, "students"), **ctx})


@login_required
def run_download(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    """The whole run in one workbook: the openings, the sites and the students."""
    rnd, run = _done(request, pk, run_pk)
    openings = rs.opening_rows(run=run)
    return workbook_response(
        sheets=[
            Sheet(_("Openings"), OPENING_COLUMNS, openings),
            Sheet(_("Sites"), SITE_COLUMNS, rs.sites_of(openings)),
            Sheet(
                _("Students"),
                STUDENT_COLUMNS,
                rs.run_outcomes(run=run).order_by("candidate_id").iterator(chunk_size=2000),
            ),
        ],
        filename=f"{rnd.name}-run-{run.number}",
    )
