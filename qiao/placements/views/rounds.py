"""Placement rounds for the coordinator: list, create, open, close, allocate, review, publish,
a later round; and the compliance page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qiao.core import permissions as perms
from qiao.core.importexport.export import Column
from qiao.core.lists import ListPage, SortOption
from qiao.core.views._helpers import or_404
from qiao.placements import explain, selectors, services
from qiao.placements import permissions as pp
from qiao.placements.filters import ViolationFilter
from qiao.placements.forms import LaterRoundForm, RoundForm, RunOptionsForm
from qiao.placements.models import AllocationRun, PlacementRound, RoundStatus, RunState
from qiao.placements.views._common import apply_validation_error, error_messages, get_round

OUTCOMES_PER_PAGE = 50


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
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = get_round(request, pk)
    if not pp.can_manage_round(request.user, rnd):
        # Students go to their ranking or result; hosts to their applicants.
        if selectors.candidate_of(viewer=request.user, placement_round=rnd) is not None:
            target = "result" if rnd.status == RoundStatus.PUBLISHED else "ranking"
            return redirect(f"placements:{target}", rnd.pk)
        return redirect("placements:applicants", rnd.pk)
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
        for field, errors in form.errors.items():
            for e in errors:
                messages.error(
                    request, f"{form.fields[field].label if field in form.fields else ''}: {e}"
                )
        return redirect("placements:round_detail", rnd.pk)
    options = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    try:
        run = services.run_start(actor=request.user, placement_round=rnd, options=options)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("placements:round_detail", rnd.pk)
    return redirect("placements:run_detail", rnd.pk, run.pk)


def _get_run(request: HttpRequest, rnd: PlacementRound, run_pk: int) -> AllocationRun:
    """Runs exist only for those who manage the round: 404 for everyone else."""
    if not pp.can_manage_round(request.user, rnd):
        raise Http404
    run: AllocationRun = or_404(selectors.run_get(placement_round=rnd, pk=run_pk))
    return run


@login_required
def run_detail(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    rnd = get_round(request, pk)
    run = _get_run(request, rnd, run_pk)
    context: dict[str, object] = {"round": rnd, "run": run}
    if run.state == RunState.DONE:
        review = selectors.run_review(run=run)
        paginator = Paginator(
            selectors.run_outcomes(run=run).order_by("candidate_id"), OUTCOMES_PER_PAGE
        )
        page = paginator.get_page(request.GET.get("page"))
        outcomes = list(page.object_list)
        names = {pk: str(o) for pk, o in selectors.preload_openings(outcomes).items()}
        names.update({o.opening_id: str(o.opening) for o in outcomes if o.opening_id})
        rows = [
            {"outcome": o, "sentences": explain.sentences(o.explanation, o.ineligible, names)}
            for o in outcomes
        ]
        context.update(
            review=review,
            page_obj=page,
            paginator=paginator,
            rows=rows,
            query_without_page="",
            can_publish=rnd.status == RoundStatus.CLOSED and review["verification"].get("valid"),
        )
    return render(request, "placements/run_detail.html", context)


@login_required
@require_POST
def run_publish(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    rnd = get_round(request, pk)
    run = _get_run(request, rnd, run_pk)
    try:
        offers = services.run_publish(actor=request.user, run=run)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("placements:run_detail", rnd.pk, run.pk)
    messages.success(request, _("Published: %(n)d students have an offer.") % {"n": offers})
    return redirect("placements:round_detail", rnd.pk)


@login_required
@require_POST
def round_later(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _managed(request, pk)
    form = LaterRoundForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for e in errors:
                messages.error(request, f"{form.fields[field].label}: {e}")
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


# --- Compliance ------------------------------------------------------------------------------

VIOLATION_EXPORT = [
    Column("opening_id", lambda v: v.opening_id),
    Column("opening", lambda v: v.opening.title if v.opening_id else ""),
    Column("host", lambda v: v.opening.host.name if v.opening_id else ""),
    Column("placement_id", lambda v: v.placement_id),
    Column("timesheet_id", lambda v: v.timesheet_id),
    Column("rule", lambda v: v.rule_id),
    Column("severity", lambda v: v.severity),
    Column("message_en", lambda v: v.message_en),
    Column("message_zh", lambda v: v.message_zh),
    Column("clause", lambda v: v.clause),
    Column("ruleset", lambda v: f"{v.ruleset.code} v{v.ruleset.version}"),
    Column("detected_at", lambda v: v.detected_at),
]
VIOLATION_SORTS = [
    SortOption("detected", gettext_lazy("Detected"), ["detected_at"]),
    SortOption("rule", gettext_lazy("Rule"), ["rule_id"]),
    SortOption("severity", gettext_lazy("Severity"), ["severity", "rule_id"]),
]


@login_required
def compliance(request: HttpRequest) -> HttpResponseBase:
    """Open violations of one school (the first the viewer coordinates, or ?school=)."""
    schools = list(selectors.schools_managed(viewer=request.user))
    if not schools:
        raise Http404
    try:
        chosen = int(request.GET.get("school", schools[0].pk))
    except ValueError:
        raise Http404 from None
    school = next((s for s in schools if s.pk == chosen), None)
    if school is None or not pp.can_view_compliance(request.user, school.pk):
        raise Http404
    from qiao.placements import facts

    page = ListPage(
        request=request,
        queryset=selectors.violation_list(viewer=request.user, school_id=school.pk),
        filterset_class=ViolationFilter,
        sorts=VIOLATION_SORTS,
        default_sort="-detected",
        export_columns=VIOLATION_EXPORT,
        export_name="compliance",
    )
    download = page.export()
    if download is not None:
        return download
    context = page.context()
    context.update(
        school=school,
        schools=schools,
        ruleset=facts.ruleset_row_for_school(school.pk),
        rulesets=list(selectors.ruleset_choices()),
        can_choose_ruleset=pp.can_manage_school(request.user, school.pk),
    )
    return render(request, "placements/compliance.html", context)


@login_required
@require_POST
def compliance_ruleset(request: HttpRequest) -> HttpResponseBase:
    """Choose the rule set a school's openings and placements are checked against."""
    school = or_404(
        selectors.schools_managed(viewer=request.user)
        .filter(pk=_int(request.POST.get("school")))
        .first()
    )
    perms.require(pp.can_manage_school(request.user, school.pk))
    ruleset = selectors.ruleset_choices().filter(pk=_int(request.POST.get("ruleset"))).first()
    target = f"{reverse('placements:compliance')}?school={school.pk}"
    if ruleset is None:
        messages.error(request, _("Choose one of the stored rule sets."))
        return redirect(target)
    services.school_ruleset_set(actor=request.user, school=school, ruleset=ruleset)
    messages.success(
        request,
        _("%(school)s now checks its openings and placements against “%(ruleset)s”.")
        % {"school": school, "ruleset": ruleset},
    )
    return redirect(target)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0
