"""What a run returns: the assignment, its verification, metrics, lottery and explanations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from .options import Options
from .problem import Float64Array, Int32Array, Int64Array, Problem

ENGINE_VERSION = "qiao.allocation/1"


@dataclass(frozen=True, slots=True)
class Lottery:
    """The recorded lottery that broke ties in scores.

    ``used`` is false when no opening gave scores (strict orders cannot tie) and nothing was
    drawn. Single tie-breaking: ``student_order`` lists student indices in lottery order (the
    first wins every tie). Multiple tie-breaking: ``entry_numbers[e]`` is the lottery number of
    priority entry ``e`` (lower wins at that opening)."""

    seed: int
    tie_breaking: str
    used: bool
    student_order: Int64Array | None = None
    entry_numbers: Int64Array | None = None


@dataclass(frozen=True, slots=True)
class Violation:
    """A broken rule: ``code`` is ``not_ranked``, ``not_eligible``, ``over_capacity`` or
    ``over_quota``."""

    code: str
    student: str | None
    opening: str
    group: str | None = None


@dataclass(frozen=True, slots=True)
class Verification:
    """Checked on every run. ``stable`` = valid and no blocking pair (see docs/allocation.md for
    the notion under quotas). Lists are capped at ``Options.max_listed``; counts are exact."""

    valid: bool
    violation_count: int
    violations: tuple[Violation, ...]
    blocking_pairs: int
    blocking_pairs_listed: tuple[tuple[str, str], ...]

    @property
    def stable(self) -> bool:
        return self.valid and self.blocking_pairs == 0


@dataclass(frozen=True, slots=True)
class GroupFill:
    """Students carrying a label, and how many of them were placed."""

    students: int
    placed: int


@dataclass(frozen=True, slots=True)
class Metrics:
    """Summary of a run. Shares are of all students; ``mean_rank`` is over placed students;
    ``rank_counts[k]`` students got their choice ``k + 1``."""

    students: int
    placed: int
    unplaced: int
    seats: int
    seats_left: int
    rank_counts: tuple[int, ...]
    first_choice_share: float
    top_three_share: float
    mean_rank: float | None
    total_cost: int
    unmatched_cost: int
    proposals: int | None
    groups: Mapping[str, GroupFill]


@dataclass(frozen=True, slots=True)
class ChoiceExplanation:
    """Why a student did not get an opening she ranked above the one she got.

    ``code``:

    - ``not_eligible``: she is not in the opening's priority (``seats_left`` tells whether it
      still had free seats);
    - ``no_seats``: the opening has no seats at all;
    - ``below_cutoff``: it filled, and the last student it admitted (``cutoff_rank``) ranked
      above her (``your_rank``);
    - ``quota_full``: the quota of ``group`` (``quota`` seats) was full with students ranked
      above her (the group's last one admitted has ``cutoff_rank``);
    - ``free_seat`` / ``above_cutoff``: she should have got it under the stable rule — only in
      allocations that are not stable (welfare objective, or an assessed allocation).

    Ranks are 1-based positions in the opening's tie-broken priority. Where the opening gave
    scores, ``your_score``/``cutoff_score`` are set and ``lottery`` says the scores were equal
    and the lottery decided."""

    opening: str
    choice: int
    code: str
    seats_left: int
    your_rank: int | None = None
    cutoff_rank: int | None = None
    your_score: float | None = None
    cutoff_score: float | None = None
    lottery: bool = False
    group: str | None = None
    quota: int | None = None


@dataclass(frozen=True, slots=True)
class StudentExplanation:
    """A student's outcome (``choice`` is the 1-based position of ``assigned`` in her list) and
    one :class:`ChoiceExplanation` per opening she ranked above it (all of them if unplaced)."""

    student: str
    assigned: str | None
    choice: int | None
    above: tuple[ChoiceExplanation, ...]


@dataclass(frozen=True, slots=True)
class GroupCutoff:
    """A quota at an opening: how full it is and its cutoff (``None`` while it has room)."""

    group: str
    quota: int
    filled: int
    full: bool
    cutoff_rank: int | None
    cutoff_score: float | None


@dataclass(frozen=True, slots=True)
class OpeningExplanation:
    """An opening's fill and cutoff: the rank (and score) of the last student it admitted when
    full, ``None`` while it has free seats."""

    opening: str
    capacity: int
    filled: int
    seats_left: int
    full: bool
    applicants: int
    eligible: int
    cutoff_rank: int | None
    cutoff_score: float | None
    groups: tuple[GroupCutoff, ...]


@dataclass(frozen=True, eq=False, slots=True)
class Detail:
    """Arrays a run keeps for explanations (internal)."""

    pairs: Int64Array  # per preference entry: rank << 32 | opening (negative: not eligible)
    prio_rank: Int32Array  # empty when every opening gave a strict order
    fill: Int32Array
    cut: Int32Array
    quota_fill: Int32Array
    quota_cut: Int32Array


@dataclass(frozen=True, eq=False)
class Result:
    """The outcome of :func:`qiao.allocation.allocate` (or :func:`~qiao.allocation.assess`).

    ``assignment[s]`` is the opening index of student ``s`` or -1; ``choice[s]`` its 1-based
    position in her list (0 when unplaced)."""

    problem: Problem
    options: Options
    assignment: Int32Array
    choice: Int32Array
    lottery: Lottery
    verification: Verification
    metrics: Metrics
    timings: Mapping[str, float]
    detail: Detail = field(repr=False)

    @cached_property
    def ranked_entry(self) -> Int64Array:
        """The priority entry at each rank of each opening (computed on first use)."""
        p = self.problem
        n = p.prio_students.shape[0]
        if self.detail.prio_rank.shape[0] == 0:
            return np.arange(n, dtype=np.int64)
        starts = np.repeat(p.prio_offsets[:-1], np.diff(p.prio_offsets))
        out = np.empty(n, np.int64)
        out[starts + self.detail.prio_rank] = np.arange(n)
        return out

    @cached_property
    def applicants(self) -> Int64Array:
        """How many students ranked each opening (computed on first use)."""
        p = self.problem
        return np.bincount(p.pref_openings, minlength=p.n_openings).astype(np.int64)

    def assignments(self) -> dict[str, str | None]:
        """Student id -> opening id (``None`` = unplaced), in input order."""
        ids = self.problem.opening_ids
        return {
            s: (ids[o] if o >= 0 else None)
            for s, o in zip(self.problem.student_ids, self.assignment.tolist(), strict=True)
        }

    def unassigned(self) -> list[str]:
        """Ids of unplaced students, in input order."""
        return [self.problem.student_ids[s] for s in np.flatnonzero(self.assignment < 0)]

    def ineligible_choices(self) -> dict[str, list[str]]:
        """Student id -> the openings she ranked but is not eligible for (students with none
        are left out). These choices were skipped, never used."""
        p = self.problem
        out: dict[str, list[str]] = {}
        bad = np.flatnonzero(self.detail.pairs < 0)
        students = np.searchsorted(p.pref_offsets, bad, side="right") - 1
        for s, j in zip(students.tolist(), bad.tolist(), strict=True):
            out.setdefault(p.student_ids[s], []).append(p.opening_ids[p.pref_openings[j]])
        return out

    def explain_student(self, student: str | int) -> StudentExplanation:
        """Why this student got what she got (see :class:`ChoiceExplanation`)."""
        from .explain import explain_student

        return explain_student(self, student)

    def explain_opening(self, opening: str | int) -> OpeningExplanation:
        """This opening's fill and cutoffs."""
        from .explain import explain_opening

        return explain_opening(self, opening)

    def to_json(self, *, explanations: bool = True) -> dict[str, Any]:
        """The output interchange format (see docs/allocation.md)."""
        from .jsonio import result_to_json

        return result_to_json(self, explanations=explanations)


def score_at(problem: Problem, ranked_entry: Int64Array, opening: int, rank: int) -> float | None:
    """Score of the student at ``rank`` (0-based) of a scored opening, else ``None``."""
    if not problem.scored[opening] or rank < 0:
        return None
    scores: Float64Array = problem.prio_scores
    return float(scores[ranked_entry[problem.prio_offsets[opening] + rank]])
