"""Every read the pages, the API and the exports share, scoped to what the viewer may see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet

from qiao.core import permissions as perms
from qiao.core.models import Organisation, Role
from qiao.placements import explain
from qiao.placements import permissions as pp
from qiao.placements.models import (
    AllocationRun,
    ComplianceRuleSet,
    ComplianceViolation,
    Opening,
    Placement,
    PlacementRound,
    Preference,
    RoundCandidate,
    RunOutcome,
    Site,
)


def _scoped(qs: QuerySet[Any], scope: Q | None) -> QuerySet[Any]:
    return qs if scope is None else qs.filter(scope).distinct()


# --- Sites and openings ------------------------------------------------------------------------


def site_list(*, viewer: Any) -> QuerySet[Site]:
    return _scoped(
        Site.objects.select_related("host", "school", "agreement"), pp.site_scope(viewer)
    )


def site_get(*, viewer: Any, pk: int) -> Site | None:
    return site_list(viewer=viewer).filter(pk=pk).first()


def opening_list(*, viewer: Any) -> QuerySet[Opening]:
    qs = Opening.objects.select_related("host", "school", "site").annotate(
        open_violations=Count(
            "violations", filter=Q(violations__resolved_at__isnull=True), distinct=True
        )
    )
    scope = pp.opening_scope(viewer)
    if scope is None:
        return qs
    return qs.filter(pk__in=Opening.objects.filter(scope).values("pk"))


def opening_get(*, viewer: Any, pk: int) -> Opening | None:
    return (
        opening_list(viewer=viewer)
        .prefetch_related("majors", "mentors", "skill_needs__skill", "languages")
        .filter(pk=pk)
        .first()
    )


def opening_open_violations(*, opening: Opening) -> list[ComplianceViolation]:
    return list(opening.violations.filter(resolved_at=None).order_by("severity", "rule_id"))


def ruleset_choices() -> QuerySet[ComplianceRuleSet]:
    """Every stored rule set version a school may choose, newest version first per code."""
    return ComplianceRuleSet.objects.order_by("code", "-version")


def schools_managed(*, viewer: Any) -> QuerySet[Organisation]:
    qs = Organisation.objects.filter(
        kind__in=["vocational_college", "university", "overseas_institution"]
    )
    if perms.is_platform_admin(viewer):
        return qs
    return qs.filter(pk__in=perms.organisation_ids(viewer, Role.COORDINATOR))


def hosts_for(*, viewer: Any) -> QuerySet[Organisation]:
    """Hosts a viewer may put a site or opening at: any active organisation for a school's
    coordinator (the school keeps its partners' sites), its own for a host."""
    qs = Organisation.objects.filter(is_active=True)
    if perms.is_platform_admin(viewer) or schools_managed(viewer=viewer).exists():
        return qs
    return qs.filter(pk__in=perms.organisation_ids(viewer, Role.COORDINATOR))


# --- Rounds ------------------------------------------------------------------------------------


def round_list(*, viewer: Any) -> QuerySet[PlacementRound]:
    qs = PlacementRound.objects.select_related("school").annotate(
        opening_count=Count("openings", distinct=True)
    )
    scope = pp.round_scope(viewer)
    if scope is None:
        return qs
    return qs.filter(pk__in=PlacementRound.objects.filter(scope).values("pk"))


def round_get(*, viewer: Any, pk: int) -> PlacementRound | None:
    return round_list(viewer=viewer).filter(pk=pk).first()


def round_openings(*, placement_round: PlacementRound) -> list[Opening]:
    return list(
        placement_round.openings.select_related("host", "site")
        .prefetch_related("majors")
        .order_by("title", "pk")
    )


def candidate_of(*, viewer: Any, placement_round: PlacementRound) -> RoundCandidate | None:
    if not getattr(viewer, "is_authenticated", False):
        return None
    return (
        RoundCandidate.objects.filter(round=placement_round, person__user=viewer)
        .select_related("person", "major", "round")
        .first()
    )


def ranking_of(*, candidate: RoundCandidate) -> list[Preference]:
    return list(
        candidate.preferences.select_related("opening__host", "opening__site").order_by("position")
    )


def rankable_openings(
    *, candidate: RoundCandidate, ranked: list[Preference], q: str = ""
) -> QuerySet[Opening]:
    """The round's openings not yet on the list, optionally matching `q` (title, host, site),
    in title order: what the ranking page pages through."""
    qs = candidate.round.openings.exclude(pk__in=[p.opening_id for p in ranked])
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(host__name__icontains=q)
            | Q(host__name_en__icontains=q)
            | Q(site__name__icontains=q)
        )
    return qs.select_related("host", "site").prefetch_related("majors").order_by("title", "pk")


def with_eligibility(*, candidate: RoundCandidate, openings: Iterable[Opening]) -> list[Opening]:
    """Each opening with `ineligible_reasons` (empty when the candidate may be placed there),
    so the page says why before she tries. Only the openings shown are evaluated."""
    from qiao.placements import facts
    from qiao.placements.compliance import eligibility

    ruleset = facts.ruleset_of(facts.ruleset_row_for_school(candidate.round.school_id))
    student = facts.student_facts(
        major_id=candidate.major_id,
        date_of_birth=candidate.date_of_birth,
        cohort_year=candidate.cohort_year,
    )
    out = []
    for o in openings:
        o.ineligible_reasons = eligibility(ruleset, facts.opening_facts(o), student)  # type: ignore[attr-defined]
        out.append(o)
    return out


def rankable(*, candidate: RoundCandidate, ranked: list[Preference]) -> list[Opening]:
    """Every opening not yet on the list, with its eligibility (the API's answer)."""
    return with_eligibility(
        candidate=candidate, openings=rankable_openings(candidate=candidate, ranked=ranked)
    )


def host_applicants(*, viewer: Any, placement_round: PlacementRound) -> QuerySet[Preference]:
    """Applications to the viewer's own openings in the round: only what a host needs."""
    qs = Preference.objects.filter(candidate__round=placement_round).select_related(
        "candidate__person", "candidate__major", "opening"
    )
    if not pp.can_manage_round(viewer, placement_round):
        qs = qs.filter(opening__host_id__in=pp.coordinated_org_ids(viewer))
    return qs


def host_scores(
    *, placement_round: PlacementRound, preferences: list[Preference]
) -> dict[Any, Any]:
    from qiao.placements.models import HostScore

    keys = {(p.opening_id, p.candidate_id) for p in preferences}
    rows = HostScore.objects.filter(
        round=placement_round,
        candidate_id__in={c for _o, c in keys},
        opening_id__in={o for o, _c in keys},
    )
    return {(r.opening_id, r.candidate_id): r for r in rows}


def is_host_in_round(*, viewer: Any, placement_round: PlacementRound) -> bool:
    orgs = pp.coordinated_org_ids(viewer)
    return bool(orgs) and placement_round.openings.filter(host_id__in=orgs).exists()


# --- Runs --------------------------------------------------------------------------------------


# A run's input document (tens of megabytes for 100,000 students) and its ineligibility reasons
# are written once and never shown on a page: reading them would cost seconds per page.
_RUN_HEAVY = ("input_document", "ineligible_reasons")


def run_list(*, placement_round: PlacementRound) -> list[AllocationRun]:
    return list(
        placement_round.runs.select_related("created_by", "job")
        .defer(*_RUN_HEAVY, "opening_explanations", "lottery")
        .order_by("-number")
    )


def run_get(*, placement_round: PlacementRound, pk: int) -> AllocationRun | None:
    return placement_round.runs.select_related("job").defer(*_RUN_HEAVY).filter(pk=pk).first()


def preload_openings(outcomes: list[RunOutcome]) -> dict[int, Opening]:
    """Openings named in explanations of these outcomes, in one query."""
    ids: set[int] = set()
    for o in outcomes:
        ids.update(c["opening"] for c in o.explanation.get("above", []))
        ids.update(i["opening"] for i in o.ineligible)
    return Opening.objects.in_bulk(ids)


def outcome_sentences(
    outcomes: list[RunOutcome], *, language: str | None = None, voice: str = explain.STUDENT
) -> list[list[str]]:
    """The plain sentences of each outcome (in order), naming every opening they mention;
    the outcomes should come with their `opening` selected. One query for the names."""
    names = {pk: str(o) for pk, o in preload_openings(outcomes).items()}
    names.update({o.opening_id: str(o.opening) for o in outcomes if o.opening_id})
    return [
        explain.sentences(o.explanation, o.ineligible, names, language, voice=voice)
        for o in outcomes
    ]


# --- Students' results -------------------------------------------------------------------------


def result_of(*, candidate: RoundCandidate) -> tuple[RunOutcome | None, Placement | None]:
    rnd = candidate.round
    if rnd.published_run_id is None:
        return None, None
    outcome = (
        RunOutcome.objects.filter(run_id=rnd.published_run_id, candidate=candidate)
        .select_related("opening__host", "opening__site")
        .first()
    )
    placement = Placement.objects.filter(candidate=candidate).select_related("opening").first()
    return outcome, placement


def my_rounds(*, viewer: Any) -> QuerySet[PlacementRound]:
    if not getattr(viewer, "is_authenticated", False):
        return PlacementRound.objects.none()
    return PlacementRound.objects.filter(candidates__person__user=viewer).select_related("school")


# --- Compliance --------------------------------------------------------------------------------


def violation_list(*, viewer: Any, school_id: int | None = None) -> QuerySet[ComplianceViolation]:
    qs = ComplianceViolation.objects.filter(resolved_at=None).select_related(
        "opening__host", "school", "ruleset", "placement__student", "placement__opening"
    )
    allowed = pp.compliance_school_ids(viewer)
    if allowed is not None:
        qs = qs.filter(school_id__in=allowed)
    if school_id is not None:
        qs = qs.filter(school_id=school_id)
    return qs


def schools_for_host(*, viewer: Any) -> QuerySet[Organisation]:
    """Schools a host may offer a site or opening to: parties to an agreement with it."""
    from qiao.agreements.models import Party

    hosts = pp.coordinated_org_ids(viewer)
    if not hosts:
        return Organisation.objects.none()
    agreements = Party.objects.filter(organisation_id__in=hosts).values("agreement_id")
    return Organisation.objects.filter(
        kind__in=["vocational_college", "university", "overseas_institution"],
        pk__in=Party.objects.filter(agreement_id__in=agreements).values("organisation_id"),
    )


def openings_blocked_count(*, school_id: int) -> int:
    """The school's openings with an open blocking violation."""
    return (
        ComplianceViolation.objects.filter(
            school_id=school_id, opening__isnull=False, resolved_at=None, severity="blocks"
        )
        .values("opening_id")
        .distinct()
        .count()
    )
