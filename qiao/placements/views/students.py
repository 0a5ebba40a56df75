"""The student's pages (ranking, result, answer) and the host's (applicants, scores)."""

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
from qiao.placements import permissions as pp
from qiao.placements import selectors, services
from qiao.placements.filters import ApplicantFilter
from qiao.placements.forms import PreferenceForm, RespondForm, ScoreForm
from qiao.placements.models import Opening, PriorityMode, RoundCandidate, RoundStatus
from qiao.placements.views import hosts
from qiao.placements.views._common import error_messages, form_error_messages, get_round


def _candidate(request: HttpRequest, pk: int) -> RoundCandidate:
    rnd = get_round(request, pk)
    candidate = selectors.candidate_of(viewer=request.user, placement_round=rnd)
    if candidate is None:
        raise Http404
    return candidate


OPENINGS_PER_PAGE = 50


@login_required
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    return _ranking_page(request, _candidate(request, pk))


def _ranking_page(
    request: HttpRequest, candidate: RoundCandidate, errors: list[str] | None = None
) -> HttpResponse:
    rnd = candidate.round
    ranked = selectors.ranking_of(candidate=candidate)
    q = request.GET.get("q", "")[:100]
    paginator = Paginator(
        selectors.rankable_openings(candidate=candidate, ranked=ranked, q=q), OPENINGS_PER_PAGE
    )
    page_obj = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "placements/ranking.html",
        {
            "round": rnd,
            "candidate": candidate,
            "ranked": ranked,
            "available": [
                {
                    "opening": o,
                    "reasons": [
                        r.message(request.LANGUAGE_CODE)
                        for r in o.ineligible_reasons  # type: ignore[attr-defined]
                    ],
                }
                for o in selectors.with_eligibility(candidate=candidate, openings=page_obj)
            ],
            "q": q,
            "paginator": paginator,
            "page_obj": page_obj,
            "query_without_page": query.urlencode(),
            "is_open": rnd.ranking_is_open(),
            "full": len(ranked) >= rnd.max_choices,
            "errors": errors or [],
        },
    )


@login_required
@require_POST
def ranking_change(request: HttpRequest, pk: int) -> HttpResponse:
    """One change of the list (add, up, down, remove): a plain form post, so the page works
    without JavaScript; with htmx the list is swapped in place."""
    candidate = _candidate(request, pk)
    form = PreferenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an opening and an action."))
        return redirect("placements:ranking", pk)
    opening = Opening.objects.filter(pk=form.cleaned_data["opening"]).first()
    action = form.cleaned_data["action"]
    htmx = bool(request.headers.get("HX-Request"))
    errors: list[str] = []
    try:
        if opening is None:
            raise ValidationError(_("This opening is not part of the round."))
        if action == "add":
            services.preference_add(actor=request.user, candidate=candidate, opening=opening)
        elif action == "remove":
            services.preference_remove(actor=request.user, candidate=candidate, opening=opening)
        else:
            services.preference_move(
                actor=request.user, candidate=candidate, opening=opening, direction=action
            )
    except ValidationError as exc:
        if htmx:
            errors = list(exc.messages)
        else:
            error_messages(request, exc)
    if htmx:  # the list is swapped in place; errors are shown inside it
        return _ranking_page(request, candidate, errors)
    return redirect("placements:ranking", pk)


@login_required
def result(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    rnd = candidate.round
    outcome, placement = selectors.result_of(candidate=candidate)
    sentences: list[str] = []
    if outcome is not None:
        sentences = selectors.outcome_sentences([outcome], language=request.LANGUAGE_CODE)[0]
    return render(
        request,
        "placements/result.html",
        {
            "round": rnd,
            "outcome": outcome,
            "placement": placement,
            "sentences": sentences,
            "published": rnd.status == RoundStatus.PUBLISHED,
            "respond_form": RespondForm(),
        },
    )


@login_required
@require_POST
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    _outcome, placement = selectors.result_of(candidate=candidate)
    if placement is None:
        raise Http404
    form = RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Accept or decline."))
        return redirect("placements:result", pk)
    accept = form.cleaned_data["answer"] == "accept"
    try:
        services.placement_respond(actor=request.user, placement=placement, accept=accept)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Offer accepted.") if accept else _("Offer declined."))
    return redirect("placements:result", pk)


# --- Hosts -------------------------------------------------------------------------------------

APPLICANT_EXPORT = [
    Column("opening_id", lambda p: p.opening_id),
    Column("opening", lambda p: p.opening.title),
    Column("candidate_id", lambda p: p.candidate_id),
    Column("name", lambda p: str(p.candidate.person)),
    Column("student_number", lambda p: p.candidate.student_number),
    Column("major", lambda p: str(p.candidate.major) if p.candidate.major_id else ""),
    Column("cohort_year", lambda p: p.candidate.cohort_year),
    Column("choice", lambda p: p.position),
]
APPLICANT_SORTS = [
    SortOption("opening", gettext_lazy("Opening"), ["opening__title", "position"]),
    SortOption("choice", gettext_lazy("Choice"), ["position", "opening__title"]),
    SortOption("name", gettext_lazy("Name"), ["candidate__person__family_name"]),
]


@login_required
def applicants(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A host's applicants in a round: only applications to its own openings, and only the
    fields it needs to score them (or, when hosts rank strictly, to rank them: see
    `hosts.ranking_board`)."""
    rnd = get_round(request, pk)
    if not (
        pp.can_manage_round(request.user, rnd)
        or selectors.is_host_in_round(viewer=request.user, placement_round=rnd)
    ):
        raise Http404
    page = ListPage(
        request=request,
        queryset=selectors.host_applicants(viewer=request.user, placement_round=rnd),
        filterset_class=ApplicantFilter,
        sorts=APPLICANT_SORTS,
        default_sort="opening",
        export_columns=APPLICANT_EXPORT,
        export_name="applicants",
    )
    download = page.export()
    if download is not None:
        return download
    if rnd.priority_mode == PriorityMode.HOST_RANKING:
        return hosts.ranking_board(request, rnd)
    context = page.context()
    prefs = list(context["object_list"])
    scores = selectors.host_scores(placement_round=rnd, preferences=prefs)
    context["rows"] = [
        {"pref": p, "score": scores.get((p.opening_id, p.candidate_id))} for p in prefs
    ]
    context["round"] = rnd
    context["can_score"] = rnd.status in (RoundStatus.OPEN, RoundStatus.CLOSED) and (
        perms.is_platform_admin(request.user)
        or selectors.is_host_in_round(viewer=request.user, placement_round=rnd)
    )
    return render(request, "placements/applicants.html", context)


@login_required
@require_POST
def score(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = get_round(request, pk)
    if not (
        perms.is_platform_admin(request.user)
        or selectors.is_host_in_round(viewer=request.user, placement_round=rnd)
    ):
        raise Http404
    form = ScoreForm(request.POST)
    back = request.POST.get("next", "")
    target = reverse("placements:applicants", args=[rnd.pk])
    if back.startswith("?") and "//" not in back:
        target += back
    if not form.is_valid():
        form_error_messages(request, form)
        return redirect(target)
    candidate = RoundCandidate.objects.filter(pk=form.cleaned_data["candidate"], round=rnd).first()
    opening = rnd.openings.filter(pk=form.cleaned_data["opening"]).first()
    try:
        if candidate is None or opening is None:
            raise ValidationError(_("This student did not apply to this opening."))
        perms.require(
            perms.is_platform_admin(request.user)
            or pp.can_manage_host(request.user, opening.host_id)
        )
        services.host_score_set(
            actor=request.user,
            placement_round=rnd,
            opening=opening,
            candidate=candidate,
            score=form.cleaned_data["score"],
            interview_score=form.cleaned_data.get("interview_score"),
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Score saved."))
    return redirect(target)
