"""The one place where ORM rows become `qiao.allocation` input, and the engine's output becomes
rows again. Nothing else in Qiao builds an engine problem or reads an engine result.

Ids in the engine document: ``c<candidate pk>`` for students, ``o<opening pk>`` for openings.
Students are listed by candidate pk and openings by opening pk, and the document is serialised
canonically (sorted keys, no spaces, UTF-8), so the same round gives the same bytes and the same
SHA-256 — which is what a run records to prove what it allocated.

Priorities: an opening's priority is over the applicants *eligible* there (the opening's own
requirements plus the blocking pair rules of the school's compliance rule set); an ineligible
applicant is left out, which the engine reports back as an ineligible choice, and the reasons
are kept beside it (`ineligible_reasons`). Scores (higher first; ties broken by the recorded
lottery):

- ``hosts`` mode: the host's score of the applicant, 0 when it gave none;
- ``scoring`` mode: weight_grades × grade average + weight_skills × 100 × skills match (share
  of the opening's skills the student has) + weight_interview × interview score.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from qiao.allocation import Options, Problem, Result, read_document
from qiao.placements import facts
from qiao.placements.compliance import eligibility
from qiao.placements.models import (
    HostScore,
    PlacementRound,
    Preference,
    PriorityMode,
    RoundCandidate,
    RunOutcome,
)

INPUT_FORMAT = "qiao-allocation/1"
OPTION_KEYS = ("proposing", "objective", "tie_breaking", "seed")


def student_key(candidate_id: int) -> str:
    return f"c{candidate_id}"


def opening_key(opening_id: int) -> str:
    return f"o{opening_id}"


def parse_key(key: str) -> int:
    return int(key[1:])


@dataclass
class AllocationInput:
    """A round ready for the engine: the canonical document and its hash, the problem and
    options read from it, and why each ineligible choice is ineligible."""

    document: dict[str, Any]
    sha256: str
    problem: Problem
    options: Options
    ineligible_reasons: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)


def canonical_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _score(value: Decimal) -> float:
    # Four decimals are plenty and keep the canonical text free of float noise.
    return round(float(value), 4)


def build_input(placement_round: PlacementRound, *, options: dict[str, Any]) -> AllocationInput:
    """Read the round (a fixed number of queries) and build the engine input."""
    from qiao.placements.services.rounds import seats_left

    rnd = placement_round
    openings = list(rnd.openings.order_by("pk").prefetch_related("majors", "skill_needs__skill"))
    capacity = seats_left([o.pk for o in openings])
    ruleset = facts.ruleset_of(facts.ruleset_row_for_school(rnd.school_id))
    opening_facts = {o.pk: facts.opening_facts(o) for o in openings}
    opening_skills = {o.pk: {n.skill.code for n in o.skill_needs.all()} for o in openings}
    candidates = list(
        RoundCandidate.objects.filter(round=rnd)
        .order_by("pk")
        .values_list(
            "pk", "major_id", "date_of_birth", "cohort_year", "grade_average", "skill_codes"
        )
    )
    prefs: dict[int, list[int]] = defaultdict(list)
    for cid, oid in (
        Preference.objects.filter(candidate__round=rnd)
        .order_by("candidate_id", "position")
        .values_list("candidate_id", "opening_id")
    ):
        prefs[cid].append(oid)
    host_scores: dict[tuple[int, int], tuple[Decimal, Decimal | None]] = {
        (oid, cid): (score, interview)
        for oid, cid, score, interview in HostScore.objects.filter(round=rnd).values_list(
            "opening_id", "candidate_id", "score", "interview_score"
        )
    }
    in_round = {o.pk for o in openings}
    scores: dict[int, dict[str, float]] = {o.pk: {} for o in openings}
    reasons: dict[str, dict[str, list[dict[str, Any]]]] = {}
    students = []
    for cid, major_id, dob, cohort, grade, skills in candidates:
        sfacts = facts.student_facts(major_id=major_id, date_of_birth=dob, cohort_year=cohort)
        mine = [oid for oid in prefs.get(cid, []) if oid in in_round]
        for oid in mine:
            why = eligibility(ruleset, opening_facts[oid], sfacts)
            if why:
                reasons.setdefault(student_key(cid), {})[opening_key(oid)] = [
                    v.as_dict() for v in why
                ]
                continue
            scores[oid][student_key(cid)] = _priority(
                rnd, oid, cid, grade, skills, opening_skills[oid], host_scores
            )
        students.append({"id": student_key(cid), "preferences": [opening_key(o) for o in mine]})
    document = {
        "format": INPUT_FORMAT,
        "students": students,
        "openings": [
            {"id": opening_key(o.pk), "capacity": capacity[o.pk], "scores": scores[o.pk]}
            for o in openings
        ],
        "options": {k: options[k] for k in OPTION_KEYS if k in options},
    }
    raw = canonical_bytes(document)
    doc = read_document(document)
    return AllocationInput(
        document=document,
        sha256=hashlib.sha256(raw).hexdigest(),
        problem=doc.problem,
        options=doc.options,
        ineligible_reasons=reasons,
    )


def _priority(
    rnd: PlacementRound,
    opening_id: int,
    candidate_id: int,
    grade: Decimal | None,
    skills: list[str],
    wanted: set[str],
    host_scores: dict[tuple[int, int], tuple[Decimal, Decimal | None]],
) -> float:
    given = host_scores.get((opening_id, candidate_id))
    if rnd.priority_mode == PriorityMode.HOSTS:
        return _score(given[0]) if given else 0.0
    match = Decimal(len(wanted & set(skills or ())) / len(wanted)) if wanted else Decimal(0)
    interview = given[1] if given and given[1] is not None else Decimal(0)
    total = (
        rnd.weight_grades * (grade or Decimal(0))
        + rnd.weight_skills * Decimal(100) * match
        + rnd.weight_interview * interview
    )
    return _score(total)


# --- Back: engine output → rows ----------------------------------------------------------------


def _choice_back(item: dict[str, Any]) -> dict[str, Any]:
    out = dict(item)
    out["opening"] = parse_key(item["opening"])
    return out


def outcomes(run_id: int, inp: AllocationInput, result: Result) -> list[RunOutcome]:
    """One unsaved RunOutcome per candidate, with opening ids as integers again."""
    doc = result.to_json(explanations=True)
    explanations = doc["explanations"]["students"]
    rows = []
    for sid, assigned in doc["assignments"].items():
        e = explanations[sid]
        why = inp.ineligible_reasons.get(sid, {})
        rows.append(
            RunOutcome(
                run_id=run_id,
                candidate_id=parse_key(sid),
                opening_id=parse_key(assigned) if assigned else None,
                choice=e["choice"],
                explanation={
                    "assigned": parse_key(assigned) if assigned else None,
                    "choice": e["choice"],
                    "above": [_choice_back(c) for c in e["above"]],
                },
                ineligible=[
                    {"opening": parse_key(oid), "reasons": reasons} for oid, reasons in why.items()
                ],
            )
        )
    return rows


def run_summary(result: Result) -> dict[str, Any]:
    """Metrics, verification, per-opening explanations (keyed by opening pk) and the lottery."""
    doc = result.to_json(explanations=False)
    openings = {}
    for o, oid in enumerate(result.problem.opening_ids):
        x = result.explain_opening(o)
        openings[str(parse_key(oid))] = {
            "capacity": x.capacity,
            "filled": x.filled,
            "seats_left": x.seats_left,
            "full": x.full,
            "applicants": x.applicants,
            "eligible": x.eligible,
            "cutoff_rank": x.cutoff_rank,
            "cutoff_score": x.cutoff_score,
        }
    lottery = doc["run"]["lottery"]
    if isinstance(lottery, list):
        lottery = [parse_key(s) for s in lottery]
    elif isinstance(lottery, dict):
        lottery = {str(parse_key(o)): [parse_key(s) for s in ids] for o, ids in lottery.items()}
    return {
        "metrics": doc["metrics"],
        "verification": doc["verification"],
        "openings": openings,
        "lottery": lottery,
    }
