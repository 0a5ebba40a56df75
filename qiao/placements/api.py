"""JSON API of placements (/api/v1/placements): the same selectors, services and permissions
as the pages. Out of scope answers 404; visible but not changeable answers 403; bad input is a
422 naming the field (a compliance refusal lists the broken rules with their clauses).

No `from __future__ import annotations` here: django-ninja resolves the annotations at import.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status
from ninja.errors import HttpError

from qiao.core import permissions as perms
from qiao.core.schemas import ErrorOut
from qiao.placements import host_ranking_selectors as hrs
from qiao.placements import permissions as pp
from qiao.placements import selectors, services
from qiao.placements.models import (
    AllocationRun,
    Opening,
    PlacementRound,
    RoundCandidate,
    RoundStatus,
)
from qiao.placements.schemas import (
    AnswerIn,
    ApplicantPage,
    HostRankingIn,
    HostRankingOut,
    OpeningOut,
    OpeningPage,
    PublishOut,
    PublishRunOut,
    RankingIn,
    RankingOut,
    ResultOut,
    RoundOut,
    RunIn,
    RunOut,
    ScoreIn,
    SitePage,
    ViolationOut,
)
from qiao.placements.services.openings import BlockedByCompliance

router = Router(tags=["placements"])

ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)
MAX_PAGE = 1_000_000


def _only_params(request: HttpRequest, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        raise HttpError(400, f"Unknown query parameter: {', '.join(unknown)}.")


def _member(request: HttpRequest) -> None:
    perms.require(pp.can_use_placements(request.user))


def _page(qs: Any, page: int, page_size: int) -> tuple[list[Any], int]:
    paginator = Paginator(qs, page_size)
    if page > max(paginator.num_pages, 1):
        return [], paginator.count
    return list(paginator.page(page).object_list), paginator.count


def _round(request: HttpRequest, pk: int) -> PlacementRound:
    rnd = selectors.round_get(viewer=request.user, pk=pk)
    if rnd is None:
        raise Http404
    return rnd


def _managed(request: HttpRequest, pk: int) -> PlacementRound:
    rnd = _round(request, pk)
    perms.require(pp.can_manage_round(request.user, rnd))
    return rnd


def _candidate(request: HttpRequest, pk: int) -> RoundCandidate:
    rnd = _round(request, pk)
    candidate = selectors.candidate_of(viewer=request.user, placement_round=rnd)
    if candidate is None:
        raise Http404
    return candidate


# --- Sites and openings ------------------------------------------------------------------------


@router.get("/sites", response={200: SitePage, **ERRORS}, summary="Sites")
def site_list(
    request: HttpRequest,
    q: str = Query("", max_length=100),
    kind: str = Query("", max_length=32),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(50, ge=1, le=100),
) -> dict[str, Any]:
    _only_params(request, ("q", "kind", "page", "page_size"))
    _member(request)
    from qiao.placements.filters import SiteFilter

    f = SiteFilter({"q": q, "kind": kind}, queryset=selectors.site_list(viewer=request.user))
    if not f.is_valid():
        raise ValidationError(f.errors.get_json_data())
    items, count = _page(f.qs.order_by("name", "pk"), page, page_size)
    return {"items": items, "count": count, "page": page, "page_size": page_size}


@router.get("/openings", response={200: OpeningPage, **ERRORS}, summary="Openings")
def opening_list(
    request: HttpRequest,
    q: str = Query("", max_length=100),
    kind: str = Query("", max_length=32),
    status: str = Query("", max_length=16),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(50, ge=1, le=100),
) -> dict[str, Any]:
    _only_params(request, ("q", "kind", "status", "page", "page_size"))
    _member(request)
    from qiao.placements.filters import OpeningFilter

    f = OpeningFilter(
        {"q": q, "kind": kind, "status": status},
        queryset=selectors.opening_list(viewer=request.user),
    )
    if not f.is_valid():
        raise ValidationError(f.errors.get_json_data())
    items, count = _page(f.qs.order_by("title", "pk"), page, page_size)
    return {"items": items, "count": count, "page": page, "page_size": page_size}


@router.get("/openings/{int:pk}", response={200: OpeningOut, **ERRORS}, summary="An opening")
def opening_detail(request: HttpRequest, pk: int) -> Opening:
    opening = selectors.opening_get(viewer=request.user, pk=pk)
    if opening is None:
        raise Http404
    return opening


@router.post(
    "/openings/{int:pk}/publish",
    response={200: PublishOut, **ERRORS},
    summary="Check an opening against the rules and publish it",
)
def opening_publish(request: HttpRequest, pk: int) -> Any:
    """422 with the broken rules (id, message in English and Chinese, clause) when a blocking
    rule stops it; the opening then stays a draft."""
    opening = selectors.opening_get(viewer=request.user, pk=pk)
    if opening is None:
        raise Http404
    perms.require(pp.can_publish_opening(request.user, opening))
    try:
        warnings = services.opening_publish(actor=request.user, opening=opening)
    except BlockedByCompliance as exc:
        raise ValidationError(
            {"compliance": [f"{v.rule_id}: {v.message_en} ({v.clause})" for v in exc.violations]}
        ) from None
    opening.refresh_from_db()
    return {
        "opening": opening,
        "warnings": [
            {
                **{
                    k: w.as_dict()[k]
                    for k in ("rule", "severity", "message_en", "message_zh", "clause")
                }
            }
            for w in warnings
        ],
    }


@router.get("/compliance", response={200: list[ViolationOut], **ERRORS}, summary="Open violations")
def compliance(request: HttpRequest, school: int | None = Query(None, ge=1)) -> list[Any]:
    _only_params(request, ("school",))
    allowed = pp.compliance_school_ids(request.user)
    if allowed is not None and not allowed:
        raise Http404
    if school is not None and allowed is not None and school not in allowed:
        raise Http404
    rows = selectors.violation_list(viewer=request.user, school_id=school).order_by("pk")[:1000]
    return [
        {
            "rule": v.rule_id,
            "severity": v.severity,
            "message_en": v.message_en,
            "message_zh": v.message_zh,
            "clause": v.clause,
            "opening_id": v.opening_id,
        }
        for v in rows
    ]


# --- Rounds ------------------------------------------------------------------------------------


@router.get("/rounds", response={200: list[RoundOut], **ERRORS}, summary="Placement rounds")
def round_list(request: HttpRequest) -> list[PlacementRound]:
    _member(request)
    return list(selectors.round_list(viewer=request.user).order_by("-ranking_opens", "pk")[:200])


@router.get("/rounds/{int:pk}", response={200: RoundOut, **ERRORS}, summary="A round")
def round_detail(request: HttpRequest, pk: int) -> PlacementRound:
    return _round(request, pk)


def _ranking(candidate: RoundCandidate) -> dict[str, Any]:
    rnd = candidate.round
    return {
        "round_id": rnd.pk,
        "max_choices": rnd.max_choices,
        "open": rnd.ranking_is_open(),
        "openings": [p.opening_id for p in selectors.ranking_of(candidate=candidate)],
    }


@router.get("/rounds/{int:pk}/ranking", response={200: RankingOut, **ERRORS}, summary="My ranking")
def ranking(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _ranking(_candidate(request, pk))


@router.post(
    "/rounds/{int:pk}/ranking", response={200: RankingOut, **ERRORS}, summary="Change my ranking"
)
def ranking_change(request: HttpRequest, pk: int, payload: RankingIn) -> dict[str, Any]:
    candidate = _candidate(request, pk)
    opening = Opening.objects.filter(pk=payload.opening_id).first()
    if opening is None:
        raise ValidationError({"opening_id": ["This opening is not part of the round."]})
    if payload.action == "add":
        services.preference_add(actor=request.user, candidate=candidate, opening=opening)
    elif payload.action == "remove":
        services.preference_remove(actor=request.user, candidate=candidate, opening=opening)
    else:
        services.preference_move(
            actor=request.user, candidate=candidate, opening=opening, direction=payload.action
        )
    return _ranking(candidate)


def _host_round(request: HttpRequest, pk: int) -> PlacementRound:
    rnd = _round(request, pk)
    if not (
        pp.can_manage_round(request.user, rnd)
        or selectors.is_host_in_round(viewer=request.user, placement_round=rnd)
    ):
        raise Http404
    return rnd


@router.get(
    "/rounds/{int:pk}/applicants",
    response={200: ApplicantPage, **ERRORS},
    summary="Applicants to my openings",
)
def applicants(
    request: HttpRequest,
    pk: int,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(50, ge=1, le=100),
) -> dict[str, Any]:
    _only_params(request, ("page", "page_size"))
    rnd = _host_round(request, pk)
    qs = selectors.host_applicants(viewer=request.user, placement_round=rnd).order_by(
        "opening_id", "position", "pk"
    )
    prefs, count = _page(qs, page, page_size)
    scores = selectors.host_scores(placement_round=rnd, preferences=prefs)
    items = []
    for p in prefs:
        s = scores.get((p.opening_id, p.candidate_id))
        items.append(
            {
                "candidate_id": p.candidate_id,
                "opening_id": p.opening_id,
                "name": str(p.candidate.person),
                "student_number": p.candidate.student_number,
                "major": str(p.candidate.major) if p.candidate.major_id else "",
                "cohort_year": p.candidate.cohort_year,
                "choice": p.position,
                "score": s.score if s else None,
                "interview_score": s.interview_score if s else None,
            }
        )
    return {"items": items, "count": count, "page": page, "page_size": page_size}


@router.post(
    "/rounds/{int:pk}/scores",
    response={200: dict[str, Any], **ERRORS},
    summary="Score an applicant",
)
def score(request: HttpRequest, pk: int, payload: ScoreIn) -> dict[str, Any]:
    rnd = _host_round(request, pk)
    candidate = RoundCandidate.objects.filter(pk=payload.candidate_id, round=rnd).first()
    opening = rnd.openings.filter(pk=payload.opening_id).first()
    if candidate is None or opening is None:
        raise ValidationError({"candidate_id": ["This student did not apply to this opening."]})
    row = services.host_score_set(
        actor=request.user,
        placement_round=rnd,
        opening=opening,
        candidate=candidate,
        score=payload.score,
        interview_score=payload.interview_score,
    )
    return {"score": str(row.score)}


def _host_ranking(rnd: PlacementRound, opening: Opening) -> dict[str, Any]:
    return {
        "round_id": rnd.pk,
        "opening_id": opening.pk,
        "candidate_ids": hrs.host_ranking_order(placement_round=rnd, opening=opening),
    }


@router.get(
    "/rounds/{int:pk}/host-rankings/{int:opening_pk}",
    response={200: HostRankingOut, **ERRORS},
    summary="A host's order of an opening's applicants",
)
def host_ranking(request: HttpRequest, pk: int, opening_pk: int) -> dict[str, Any]:
    """Candidate ids, best first, of the applicants the host ranked (rounds whose priorities
    are `host_ranking`). Only the host's managers and the school's coordinators see it."""
    rnd = _host_round(request, pk)
    opening = next(
        (
            o
            for o in hrs.host_ranking_openings(viewer=request.user, placement_round=rnd)
            if o.pk == opening_pk
        ),
        None,
    )
    if opening is None:
        raise Http404
    return _host_ranking(rnd, opening)


@router.put(
    "/rounds/{int:pk}/host-rankings/{int:opening_pk}",
    response={200: HostRankingOut, **ERRORS},
    summary="Set a host's order of an opening's applicants",
)
def host_ranking_set(
    request: HttpRequest, pk: int, opening_pk: int, payload: HostRankingIn
) -> dict[str, Any]:
    """The whole order at once: each id an eligible applicant to the opening, each once; those
    left out are unranked. 403 for anyone but the host's managers; 422 naming
    `candidate_ids` (nothing changed) for a student who did not apply, is not eligible, or is
    listed twice, or when the round is no longer open or closed."""
    rnd = _host_round(request, pk)
    opening = rnd.openings.filter(pk=opening_pk).first()
    if opening is None:
        raise Http404
    services.host_ranking_set(
        actor=request.user,
        placement_round=rnd,
        opening=opening,
        candidate_ids=payload.candidate_ids,
    )
    return _host_ranking(rnd, opening)


# --- Runs and results --------------------------------------------------------------------------


@router.get("/rounds/{int:pk}/runs", response={200: list[RunOut], **ERRORS}, summary="Runs")
def run_list(request: HttpRequest, pk: int) -> list[AllocationRun]:
    rnd = _round(request, pk)
    if not pp.can_manage_round(request.user, rnd):
        raise Http404
    return selectors.run_list(placement_round=rnd)


@router.post(
    "/rounds/{int:pk}/runs", response={202: RunOut, **ERRORS}, summary="Start an allocation run"
)
def run_start(request: HttpRequest, pk: int, payload: RunIn) -> Status:
    rnd = _managed(request, pk)
    options = payload.model_dump(exclude_none=True)
    run = services.run_start(actor=request.user, placement_round=rnd, options=options)
    return Status(202, run)


@router.get("/rounds/{int:pk}/runs/{int:run_pk}", response={200: RunOut, **ERRORS}, summary="A run")
def run_detail(request: HttpRequest, pk: int, run_pk: int) -> AllocationRun:
    rnd = _round(request, pk)
    if not pp.can_manage_round(request.user, rnd):
        raise Http404
    run = selectors.run_get(placement_round=rnd, pk=run_pk)
    if run is None:
        raise Http404
    return run


@router.post(
    "/rounds/{int:pk}/runs/{int:run_pk}/publish",
    response={200: PublishRunOut, **ERRORS},
    summary="Publish a run",
)
def run_publish(request: HttpRequest, pk: int, run_pk: int) -> dict[str, int]:
    rnd = _round(request, pk)
    if not pp.can_manage_round(request.user, rnd):
        raise Http404
    run = selectors.run_get(placement_round=rnd, pk=run_pk)
    if run is None:
        raise Http404
    return {"offers": services.run_publish(actor=request.user, run=run)}


def _result(request: HttpRequest, candidate: RoundCandidate) -> dict[str, Any]:
    outcome, placement = selectors.result_of(candidate=candidate)
    sentences: list[str] = []
    if outcome is not None:
        sentences = selectors.outcome_sentences(
            [outcome], language=getattr(request, "LANGUAGE_CODE", "")
        )[0]
    return {
        "round_id": candidate.round_id,
        "published": candidate.round.status == RoundStatus.PUBLISHED,
        "opening_id": outcome.opening_id if outcome else None,
        "choice": outcome.choice if outcome else None,
        "explanation": sentences,
        "placement_state": placement.state if placement else None,
        "respond_by": placement.respond_by if placement else None,
    }


@router.get("/rounds/{int:pk}/result", response={200: ResultOut, **ERRORS}, summary="My result")
def result(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _result(request, _candidate(request, pk))


@router.post(
    "/rounds/{int:pk}/result/answer",
    response={200: ResultOut, **ERRORS},
    summary="Accept or decline my offer",
)
def answer(request: HttpRequest, pk: int, payload: AnswerIn) -> dict[str, Any]:
    candidate = _candidate(request, pk)
    _outcome, placement = selectors.result_of(candidate=candidate)
    if placement is None:
        raise Http404
    services.placement_respond(
        actor=request.user, placement=placement, accept=payload.answer == "accept"
    )
    return _result(request, candidate)


# The lifecycle, timesheets and evaluations (their own module, same router).
from qiao.placements.api_lifecycle import router as _lifecycle_router  # noqa: E402

router.add_router("", _lifecycle_router)
