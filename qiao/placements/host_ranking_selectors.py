"""Reads for hosts' strict rankings (rounds whose priorities are `host_ranking`): the host's
order of one opening's applicants, the openings a viewer ranks for, the page's board, and
eligibility of applicants. Shared by the pages, the API and the services."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from qiao.placements import permissions as pp
from qiao.placements.models import (
    HostRanking,
    Opening,
    PlacementRound,
    Preference,
    RoundCandidate,
)


def applicant_eligibility(
    *, opening: Opening, candidates: Iterable[RoundCandidate]
) -> dict[int, list[Any]]:
    """Why each candidate may not be placed at the opening (candidate pk → reasons; an empty
    list: eligible). The rule set and the opening's facts are read once."""
    from qiao.placements import facts
    from qiao.placements.compliance import eligibility

    ruleset = facts.ruleset_of(facts.ruleset_row_for_school(opening.school_id))
    ofacts = facts.opening_facts(opening)
    return {
        c.pk: eligibility(
            ruleset,
            ofacts,
            facts.student_facts(
                major_id=c.major_id, date_of_birth=c.date_of_birth, cohort_year=c.cohort_year
            ),
        )
        for c in candidates
    }


def host_ranking_order(*, placement_round: PlacementRound, opening: Opening) -> list[int]:
    """Candidate pks in the host's order for the opening (best first), leaving out anyone who
    no longer applies to it."""
    return list(
        HostRanking.objects.filter(
            round=placement_round, opening=opening, candidate__preferences__opening=opening
        )
        .order_by("rank")
        .values_list("candidate_id", flat=True)
    )


def host_ranking_openings(*, viewer: Any, placement_round: PlacementRound) -> list[Opening]:
    """The round's openings whose applicants the viewer sees (its own as a host, all of them
    for the school's coordinators), each with `applicant_count`, in title order."""
    qs = placement_round.openings.select_related("host")
    if not pp.can_manage_round(viewer, placement_round):
        qs = qs.filter(host_id__in=pp.coordinated_org_ids(viewer))
    counts = Counter(
        Preference.objects.filter(
            candidate__round=placement_round, opening__in=qs.values("pk")
        ).values_list("opening_id", flat=True)
    )
    out = list(qs.order_by("title", "pk"))
    for o in out:
        o.applicant_count = counts.get(o.pk, 0)  # type: ignore[attr-defined]
    return out


def host_ranking_board(*, placement_round: PlacementRound, opening: Opening) -> dict[str, Any]:
    """One opening's applicants as the host ranks them: `ranked` in the host's order, then the
    eligible applicants it has not ranked (`unranked`, by name), then the ineligible ones with
    the reasons (`ineligible`). Each row has the preference (`pref`: candidate, choice
    number); ranked rows their `rank`, ineligible rows their `reasons`."""
    prefs = list(
        Preference.objects.filter(candidate__round=placement_round, opening=opening)
        .select_related("candidate__person", "candidate__major")
        .order_by("candidate__person__family_name", "candidate__person__given_name", "pk")
    )
    by_candidate = {p.candidate_id: p for p in prefs}
    order = host_ranking_order(placement_round=placement_round, opening=opening)
    ranked_ids = set(order)
    why = applicant_eligibility(
        opening=opening, candidates=[p.candidate for p in prefs if p.candidate_id not in ranked_ids]
    )
    return {
        "ranked": [
            {"pref": by_candidate[cid], "rank": i + 1}
            for i, cid in enumerate(order)
            if cid in by_candidate
        ],
        "unranked": [
            {"pref": p}
            for p in prefs
            if p.candidate_id not in ranked_ids and not why.get(p.candidate_id)
        ],
        "ineligible": [
            {"pref": p, "reasons": why[p.candidate_id]}
            for p in prefs
            if p.candidate_id not in ranked_ids and why.get(p.candidate_id)
        ],
    }
