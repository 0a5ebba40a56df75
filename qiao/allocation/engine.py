"""The engine's entry points: :func:`allocate` and :func:`assess`."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.random import PCG64, Generator
from numpy.typing import NDArray

from . import _kernels as k
from .errors import ProblemError
from .options import Options
from .problem import Int32Array, Int64Array, Problem
from .result import (
    Detail,
    GroupFill,
    Lottery,
    Metrics,
    Result,
    Verification,
    Violation,
)
from .welfare import min_rank_cost

ProgressCallback = Callable[[str, int, int], None]
"""``progress(phase, done, total)``: called after each phase (``done`` of ``total`` phases)."""

PHASES = ("lottery", "ranks", "match", "verify", "metrics")

_VIOLATION_CODES = {
    k.V_NOT_RANKED: "not_ranked",
    k.V_NOT_ELIGIBLE: "not_eligible",
    k.V_OVER_CAPACITY: "over_capacity",
    k.V_OVER_QUOTA: "over_quota",
}


@dataclass(frozen=True, eq=False, slots=True)
class _Ranked:
    lottery: Lottery
    prio_rank: Int32Array  # empty when every opening gave a strict order
    pairs: Int64Array  # per preference entry: rank << 32 | opening (negative: not eligible)

    @property
    def pref_rank(self) -> Int32Array:
        return (self.pairs >> 32).astype(np.int32)


class _Clock:
    def __init__(self, progress: ProgressCallback | None) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}
        self.start = time.perf_counter()
        self.done = 0

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.timings[phase] = now - self.start
        self.start = now
        self.done += 1
        if self.progress is not None:
            self.progress(phase, self.done, len(PHASES))


def draw_lottery(problem: Problem, options: Options) -> Lottery:
    """Draw the tie-breaking lottery from ``PCG64(options.seed)``; nothing is drawn when no
    opening gave scores. Single: a permutation of students. Multiple: a permutation of all
    priority entries, so each opening's entries get their own random order."""
    if not problem.scored.any():
        return Lottery(options.seed, options.tie_breaking, used=False)
    rng = Generator(PCG64(options.seed))
    if options.tie_breaking == "single":
        order = rng.permutation(problem.n_students).astype(np.int64)
        return Lottery(options.seed, "single", used=True, student_order=order)
    numbers = rng.permutation(problem.prio_students.shape[0]).astype(np.int64)
    return Lottery(options.seed, "multiple", used=True, entry_numbers=numbers)


def _rank(problem: Problem, options: Options, clock: _Clock) -> _Ranked:
    lottery = draw_lottery(problem, options)
    if lottery.student_order is not None:
        number = np.empty(problem.n_students, np.int64)
        number[lottery.student_order] = np.arange(problem.n_students)
        entry_lottery = number[problem.prio_students]
    elif lottery.entry_numbers is not None:
        entry_lottery = lottery.entry_numbers
    else:
        entry_lottery = np.empty(0, np.int64)
    clock.lap("lottery")
    if problem.scored.any():
        prio_rank = k.tie_break(
            problem.prio_offsets, problem.prio_scores, problem.scored, entry_lottery
        )
    else:
        prio_rank = np.empty(0, np.int32)
    # big buffers from numpy (huge pages), not from inside the kernels: see join_ranks
    n_prio = problem.prio_students.shape[0]
    pairs = np.empty(problem.pref_openings.shape[0], np.int64)
    k.join_ranks(
        problem.n_students, problem.pref_offsets, problem.pref_openings,
        problem.prio_offsets, problem.prio_students, prio_rank,
        np.empty(n_prio, np.int32), np.empty(n_prio, np.int64),
        np.empty(n_prio, np.int32), np.empty(n_prio, np.int64), pairs,
    )  # fmt: skip
    clock.lap("ranks")
    return _Ranked(lottery, prio_rank, pairs)


def allocate(
    problem: Problem,
    options: Options | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> Result:
    """Allocate students to openings.

    ``objective="stable"``: deferred acceptance, student- or opening-proposing, with quota-aware
    rejection; the result is stable in the sense of docs/allocation.md (checked on every run).
    ``objective="welfare"``: the allocation of least total rank cost by min-cost flow; its
    blocking pairs are counted in ``result.verification``. Same problem and options, same
    result."""
    options = options or Options()
    clock = _Clock(progress)
    ranked = _rank(problem, options, clock)
    p = problem
    proposals: int | None = None
    if options.objective == "welfare":
        assignment = min_rank_cost(p, ranked.pref_rank, _unmatched_cost(p, options))
    else:
        if options.proposing == "students":
            holds = np.empty(p.n_students, np.int64)
            proposals = k.da_students(
                p.pref_offsets, ranked.pairs, p.capacities, p.group_offsets, p.group_members,
                p.quota_offsets, p.quota_groups, p.quota_limits,
                np.empty((p.n_students, 2), np.int64), np.empty(p.n_students, np.int32), holds,
            )  # fmt: skip
        else:
            cand_offsets, cand_student, cand_entry = k.candidates(
                p.pref_offsets, p.pref_openings, ranked.pref_rank, p.n_openings
            )
            holds, proposals = k.da_openings(
                p.pref_openings, p.capacities, cand_offsets, cand_student, cand_entry,
                p.n_students, p.group_offsets, p.group_members, p.quota_offsets,
                p.quota_groups, p.quota_limits,
            )  # fmt: skip
        assignment = np.full(p.n_students, -1, np.int32)
        placed = holds >= 0
        assignment[placed] = p.pref_openings[holds[placed]]
    clock.lap("match")
    return _finish(p, options, ranked, assignment, proposals, clock)


def assess(
    problem: Problem,
    assignment: Mapping[str, str | None] | Sequence[int] | NDArray[np.integer],
    options: Options | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> Result:
    """Verify, measure and explain a given allocation (say, one edited by hand) against the
    same priorities and lottery that :func:`allocate` would use with these options.

    ``assignment``: student id -> opening id or ``None`` (students left out are unplaced), or
    an opening index per student (-1 = unplaced)."""
    options = options or Options()
    clock = _Clock(progress)
    ranked = _rank(problem, options, clock)
    if isinstance(assignment, Mapping):
        arr = np.full(problem.n_students, -1, np.int32)
        for sid, oid in assignment.items():
            s = problem.student_index.get(sid)
            if s is None:
                raise ProblemError(f'assignment["{sid}"]', f'unknown student "{sid}"')
            if oid is not None:
                o = problem.opening_index.get(oid)
                if o is None:
                    raise ProblemError(f'assignment["{sid}"]', f'unknown opening "{oid}"')
                arr[s] = o
    else:
        arr = np.asarray(assignment, np.int64).astype(np.int32)
        if arr.shape != (problem.n_students,):
            raise ProblemError("assignment", "must have one entry per student")
        if arr.size and (arr.min() < -1 or arr.max() >= problem.n_openings):
            raise ProblemError("assignment", "opening index out of range")
    clock.lap("match")
    return _finish(problem, options, ranked, arr, None, clock)


def _unmatched_cost(problem: Problem, options: Options) -> int:
    if options.unmatched_cost is not None:
        return options.unmatched_cost
    return problem.max_list_length + 1


def _finish(
    p: Problem,
    options: Options,
    ranked: _Ranked,
    assignment: Int32Array,
    proposals: int | None,
    clock: _Clock,
) -> Result:
    choice, fill, cut, qfill, qcut, n_viol, viol, n_pairs, pairs = k.verify(
        assignment, p.pref_offsets, ranked.pairs, p.capacities,
        p.group_offsets, p.group_members, p.quota_offsets, p.quota_groups, p.quota_limits,
        options.max_listed,
    )  # fmt: skip
    violations = tuple(
        Violation(
            code=_VIOLATION_CODES[int(code)],
            student=p.student_ids[s] if s >= 0 else None,
            opening=p.opening_ids[o],
            group=p.group_labels[p.quota_groups[q]] if q >= 0 else None,
        )
        for code, s, o, q in viol[: min(n_viol, options.max_listed)].tolist()
    )
    verification = Verification(
        valid=n_viol == 0,
        violation_count=int(n_viol),
        violations=violations,
        blocking_pairs=int(n_pairs),
        blocking_pairs_listed=tuple(
            (p.student_ids[s], p.opening_ids[o])
            for s, o in pairs[: min(n_pairs, options.max_listed)].tolist()
        ),
    )
    clock.lap("verify")
    metrics = _metrics(p, options, assignment, choice, fill, proposals)
    detail = Detail(ranked.pairs, ranked.prio_rank, fill, cut, qfill, qcut)
    clock.lap("metrics")
    return Result(
        problem=p,
        options=options,
        assignment=assignment,
        choice=choice,
        lottery=ranked.lottery,
        verification=verification,
        metrics=metrics,
        timings=dict(clock.timings),
        detail=detail,
    )


def _metrics(
    p: Problem,
    options: Options,
    assignment: Int32Array,
    choice: Int32Array,
    fill: Int32Array,
    proposals: int | None,
) -> Metrics:
    n = p.n_students
    placed_mask = assignment >= 0
    placed = int(placed_mask.sum())
    ranks = choice[choice > 0]
    counts = np.bincount(ranks, minlength=p.max_list_length + 1)[1:]
    while counts.shape[0] and counts[-1] == 0:
        counts = counts[:-1]
    unmatched_cost = _unmatched_cost(p, options)
    n_groups = len(p.group_labels)
    carrying = np.bincount(p.group_members, minlength=n_groups)
    member_placed = np.repeat(placed_mask, np.diff(p.group_offsets))
    carrying_placed = np.bincount(p.group_members[member_placed], minlength=n_groups)
    return Metrics(
        students=n,
        placed=placed,
        unplaced=n - placed,
        seats=int(p.capacities.sum(dtype=np.int64)),
        seats_left=int(np.maximum(p.capacities - fill, 0).sum(dtype=np.int64)),
        rank_counts=tuple(int(c) for c in counts),
        first_choice_share=float(counts[0] / n) if n and counts.shape[0] else 0.0,
        top_three_share=float(counts[:3].sum() / n) if n else 0.0,
        mean_rank=float(ranks.mean()) if ranks.shape[0] else None,
        total_cost=int(ranks.sum(dtype=np.int64)) + (n - placed) * unmatched_cost,
        unmatched_cost=unmatched_cost,
        proposals=proposals,
        groups={
            label: GroupFill(int(carrying[g]), int(carrying_placed[g]))
            for g, label in enumerate(p.group_labels)
        },
    )
