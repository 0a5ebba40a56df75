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
  of the opening's skills the student has) + weight_interview × interview score;
- ``host_ranking`` mode: the host's strict order (`HostRanking`). Of an opening's eligible
  applicants, the k the host ranked come first, in its order: the one at place p (1 is first,
  counting only the eligible applicants who still rank the opening) scores k + 1 − p, so k down
  to 1, all different; the applicants it did not rank score 0 and come after them, ordered by
  the recorded lottery. The engine's priority rank of a ranked applicant is therefore her
  place in the host's order, and a score of 0 means "not ranked by the host" — which is how
  the explanations (`qiao.placements.explain`) word it; each outcome's explanation carries
  ``"priority_mode": "host_ranking"`` to say so. The scores are whole numbers computed from
  the stored ranks alone, so the document stays canonical (same ranks → same SHA-256).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

import numpy as np
from django.db.models import FloatField
from django.db.models.functions import Cast

from qiao.allocation import ChoiceExplanation, Options, Problem, Result
from qiao.placements import facts
from qiao.placements.compliance import RuleSet, eligibility
from qiao.placements.models import (
    HostRanking,
    HostScore,
    Opening,
    OpeningSkill,
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
    priority_mode: str = ""


def canonical_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _score(value: Decimal) -> float:
    # Four decimals are plenty and keep the canonical text free of float noise.
    return round(float(value), 4)


def build_input(placement_round: PlacementRound, *, options: dict[str, Any]) -> AllocationInput:
    """Read the round (a fixed number of queries, whatever its size) and build the engine input.

    Rows are read as tuples (``values_list``), never as model instances, and the engine's
    problem is built from arrays (`Problem.from_arrays`, validated in linear time) rather than
    by reading the document back: the same problem `read_document(document)` gives (a test
    checks it array by array), in a fraction of the time for 100,000 students."""
    from qiao.placements.services.rounds import seats_left

    rnd = placement_round
    scoring = rnd.priority_mode == PriorityMode.SCORING
    ranking = rnd.priority_mode == PriorityMode.HOST_RANKING
    openings = list(rnd.openings.order_by("pk"))
    opening_ids = [o.pk for o in openings]
    capacity = seats_left(opening_ids)
    ruleset = facts.ruleset_of(facts.ruleset_row_for_school(rnd.school_id))
    majors: dict[int, list[int]] = defaultdict(list)
    for oid, major_id in Opening.majors.through.objects.filter(opening__rounds=rnd).values_list(
        "opening_id", "major_id"
    ):
        majors[oid].append(major_id)
    opening_facts = {o.pk: facts.opening_facts(o, major_ids=majors.get(o.pk, [])) for o in openings}
    opening_skills: dict[int, set[str]] = {oid: set() for oid in opening_ids}
    if scoring:
        for oid, code in OpeningSkill.objects.filter(opening__rounds=rnd).values_list(
            "opening_id", "skill__code"
        ):
            opening_skills[oid].add(code)
    # The grade average and skills (JSON) only weigh in the scoring rule.
    fields = ["pk", "major_id", "date_of_birth", "cohort_year"]
    candidates_qs = RoundCandidate.objects.filter(round=rnd).order_by("pk")
    candidates: list[tuple[Any, ...]] = (
        [(*row, None, None) for row in candidates_qs.values_list(*fields)]
        if not scoring
        else list(candidates_qs.values_list(*fields, "grade_average", "skill_codes"))
    )
    prefs: dict[int, list[int]] = defaultdict(list)
    for cid, oid in (
        Preference.objects.filter(candidate__round=rnd)
        .order_by("candidate_id", "position")
        .values_list("candidate_id", "opening_id")
    ):
        prefs[cid].append(oid)
    # Host scores (or ranks), per candidate then opening. In hosts mode only the score counts,
    # read as a float: the same double as float() of the two-decimal Decimal, without a Decimal
    # per row. In host_ranking mode the host's rank, turned into a score once all are read.
    given: dict[int, dict[int, Any]] = defaultdict(dict)
    scores_qs = HostScore.objects.filter(round=rnd)
    if ranking:
        for cid, oid, rank in HostRanking.objects.filter(round=rnd).values_list(
            "candidate_id", "opening_id", "rank"
        ):
            given[cid][oid] = rank
    elif not scoring:
        for cid, oid, value in scores_qs.values_list(
            "candidate_id", "opening_id", Cast("score", FloatField())
        ):
            given[cid][oid] = round(value, 4)
    else:
        for cid, oid, score, interview in scores_qs.values_list(
            "candidate_id", "opening_id", "score", "interview_score"
        ):
            given[cid][oid] = (score, interview)

    position = {oid: i for i, oid in enumerate(opening_ids)}
    scores: dict[int, dict[str, float]] = {oid: {} for oid in opening_ids}
    entries: dict[int, list[tuple[int, float]]] = {oid: [] for oid in opening_ids}
    reasons: dict[str, dict[str, list[dict[str, Any]]]] = {}
    why_cache: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    memo = _memo_safe(ruleset)
    students = []
    student_ids = []
    pref_lengths = []
    pref_flat: list[int] = []
    no_prefs: list[int] = []
    no_scores: dict[int, Any] = {}
    for s, (cid, major_id, dob, cohort, grade, skills) in enumerate(candidates):
        sid = student_key(cid)
        mine = [oid for oid in prefs.get(cid, no_prefs) if oid in position]
        mine_given = given.get(cid, no_scores)
        sfacts = None
        for oid in mine:
            ofacts = opening_facts[oid]
            if memo:
                key = (oid, major_id, cohort, _age_on(dob, ofacts.start))
                why_dicts = why_cache.get(key)
                if why_dicts is None:
                    sfacts = sfacts or facts.student_facts(
                        major_id=major_id, date_of_birth=dob, cohort_year=cohort
                    )
                    why_dicts = why_cache[key] = [
                        v.as_dict() for v in eligibility(ruleset, ofacts, sfacts)
                    ]
            else:
                sfacts = sfacts or facts.student_facts(
                    major_id=major_id, date_of_birth=dob, cohort_year=cohort
                )
                why_dicts = [v.as_dict() for v in eligibility(ruleset, ofacts, sfacts)]
            if why_dicts:
                reasons.setdefault(sid, {})[opening_key(oid)] = why_dicts
                continue
            if scoring:
                value = _scoring_priority(
                    rnd, grade, skills, opening_skills[oid], mine_given.get(oid)
                )
            elif ranking:
                value = float(mine_given.get(oid, 0))  # the rank, for now
            else:
                value = mine_given.get(oid, 0.0)
            scores[oid][sid] = value
            entries[oid].append((s, value))
        students.append({"id": sid, "preferences": [opening_key(o) for o in mine]})
        student_ids.append(sid)
        pref_lengths.append(len(mine))
        pref_flat.extend(position[o] for o in mine)
    if ranking:
        for oid in opening_ids:
            entries[oid] = _ranks_to_scores(entries[oid])
            scores[oid] = {student_ids[s]: v for s, v in entries[oid]}
    chosen: dict[str, Any] = {k: options[k] for k in OPTION_KEYS if k in options}
    document = {
        "format": INPUT_FORMAT,
        "students": students,
        "openings": [
            {"id": opening_key(oid), "capacity": capacity[oid], "scores": scores[oid]}
            for oid in opening_ids
        ],
        "options": chosen,
    }
    raw = canonical_bytes(document)
    # The problem read_document(document) would build: students and openings in document order,
    # each opening's scores in the order of its mapping (candidates by pk), every opening scored.
    prio_lengths = [len(entries[oid]) for oid in opening_ids]
    prio_students = [s for oid in opening_ids for s, _v in entries[oid]]
    prio_scores = [v for oid in opening_ids for _s, v in entries[oid]]
    problem = Problem.from_arrays(
        student_ids=student_ids,
        opening_ids=[opening_key(oid) for oid in opening_ids],
        pref_offsets=_offsets(pref_lengths),
        pref_openings=np.asarray(pref_flat, np.int32),
        capacities=np.asarray([capacity[oid] for oid in opening_ids], np.int64),
        prio_offsets=_offsets(prio_lengths),
        prio_students=np.asarray(prio_students, np.int32),
        prio_scores=np.asarray(prio_scores, np.float64),
        scored=np.ones(len(opening_ids), np.bool_),
    )
    return AllocationInput(
        document=document,
        sha256=hashlib.sha256(raw).hexdigest(),
        problem=problem,
        options=Options(**chosen),
        ineligible_reasons=reasons,
        priority_mode=rnd.priority_mode,
    )


def _ranks_to_scores(entries: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """One opening's (student, host rank or 0) entries as (student, score): the k ranked ones
    k down to 1 in the host's order, the others 0 (see the module docstring)."""
    ranks = sorted(v for _s, v in entries if v > 0)
    k = len(ranks)
    place = {r: i for i, r in enumerate(ranks)}
    return [(s, float(k - place[v]) if v > 0 else 0.0) for s, v in entries]


def _offsets(lengths: list[int]) -> Any:
    out = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(np.asarray(lengths, np.int64), out=out[1:])
    return out


# Pair checks whose outcome depends on the student only through her major, her cohort and her
# age at the opening's start (and so may be memoised on those): every pair check there is today.
# A rule set using another pair check is evaluated pair by pair, as before.
_MEMO_PAIR_CHECKS = frozenset({"min_age", "major_relevant", "minor_protection", "not_first_year"})


def _memo_safe(ruleset: RuleSet) -> bool:
    return all(r.check in _MEMO_PAIR_CHECKS for r in ruleset.for_scope("pair"))


def _age_on(dob: Any, day: Any) -> int | None:
    """`StudentFacts.age_on`, without building the facts."""
    if dob is None or day is None:
        return None
    return int(day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day)))


def _scoring_priority(
    rnd: PlacementRound,
    grade: Decimal | None,
    skills: list[str] | None,
    wanted: set[str],
    given: tuple[Decimal, Decimal | None] | None,
) -> float:
    """The scoring rule (Decimal arithmetic, so the floats are the same on every database)."""
    match = Decimal(len(wanted & set(skills or ())) / len(wanted)) if wanted else Decimal(0)
    interview = given[1] if given and given[1] is not None else Decimal(0)
    total = (
        rnd.weight_grades * (grade or Decimal(0))
        + rnd.weight_skills * Decimal(100) * match
        + rnd.weight_interview * interview
    )
    return _score(total)


# --- Back: engine output → rows ----------------------------------------------------------------


_CHOICE_FIELDS = tuple(f.name for f in fields(ChoiceExplanation))


def _choice_back(c: ChoiceExplanation) -> dict[str, Any]:
    """A choice as the result document has it (fields in order, None and False left out),
    with the opening id as an integer again; without `dataclasses.asdict`, which deep-copies
    every value (seconds for 100,000 explanations)."""
    out: dict[str, Any] = {}
    for name in _CHOICE_FIELDS:
        value = getattr(c, name)
        if value is not None and value is not False:
            out[name] = value
    out["opening"] = parse_key(c.opening)
    return out


def outcomes(run_id: int, inp: AllocationInput, result: Result) -> list[RunOutcome]:
    """One unsaved RunOutcome per candidate, with opening ids as integers again."""
    problem = result.problem
    opening_pks = [parse_key(o) for o in problem.opening_ids]
    rows = []
    ranking = inp.priority_mode == PriorityMode.HOST_RANKING
    reasons_of = inp.ineligible_reasons
    none: dict[str, list[dict[str, Any]]] = {}
    for s, (sid, o) in enumerate(zip(problem.student_ids, result.assignment.tolist(), strict=True)):
        e = result.explain_student(s)
        assigned = opening_pks[o] if o >= 0 else None
        why = reasons_of.get(sid, none)
        explanation: dict[str, Any] = {
            "assigned": assigned,
            "choice": e.choice,
            "above": [_choice_back(c) for c in e.above],
        }
        if ranking:
            explanation["priority_mode"] = PriorityMode.HOST_RANKING.value
        rows.append(
            RunOutcome(
                run_id=run_id,
                candidate_id=parse_key(sid),
                opening_id=assigned,
                choice=e.choice,
                explanation=explanation,
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
