"""The allocation problem: students, openings, priorities, groups and quotas, as arrays."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _kernels as k
from .errors import ProblemError

Int32Array = NDArray[np.int32]
Int64Array = NDArray[np.int64]
Float64Array = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Student:
    """A student as the Python API takes her: ranked opening ids (best first) and group labels."""

    id: str
    preferences: Sequence[str]
    groups: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class Opening:
    """An opening: seats, and its priority over the students who may be placed there.

    Give exactly one of ``priority`` (student ids, best first: a strict order) or ``scores``
    (student id -> number, higher first; equal scores are broken by the lottery). A student in
    neither is not eligible here. ``quotas`` maps a group label to the most students carrying it
    that this opening may take; the quota groups of one opening must be disjoint or nested.
    """

    id: str
    capacity: int
    priority: Sequence[str] | None = None
    scores: Mapping[str, float] | None = None
    quotas: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Problem:
    """An allocation problem in array form (CSR: ``offsets`` of length rows + 1 into a flat array).

    Build one with :meth:`build` (objects), :meth:`from_json` (the interchange format) or
    :meth:`from_arrays` (large instances); all three validate, so an existing ``Problem`` is
    always well formed. Students and openings are referred to by index in the arrays and by id
    at the edges.
    """

    student_ids: tuple[str, ...]
    opening_ids: tuple[str, ...]
    pref_offsets: Int64Array
    """Student ``s`` ranks ``pref_openings[pref_offsets[s]:pref_offsets[s+1]]``, best first."""
    pref_openings: Int32Array
    capacities: Int32Array
    prio_offsets: Int64Array
    """Opening ``o``'s eligible students are ``prio_students[prio_offsets[o]:prio_offsets[o+1]]``
    (best first when the opening gave a strict order)."""
    prio_students: Int32Array
    prio_scores: Float64Array
    """Score of each priority entry (higher first) where ``scored[o]``; unused elsewhere, and
    may be empty when no opening gave scores."""
    scored: BoolArray
    group_labels: tuple[str, ...]
    group_offsets: Int64Array
    """Student ``s`` carries labels ``group_members[group_offsets[s]:group_offsets[s+1]]``."""
    group_members: Int32Array
    quota_offsets: Int64Array
    """Opening ``o`` has quota rows ``quota_offsets[o]:quota_offsets[o+1]``: at most
    ``quota_limits[q]`` students carrying label ``quota_groups[q]``."""
    quota_groups: Int32Array
    quota_limits: Int32Array

    @property
    def n_students(self) -> int:
        return len(self.student_ids)

    @property
    def n_openings(self) -> int:
        return len(self.opening_ids)

    @cached_property
    def student_index(self) -> dict[str, int]:
        """Student id -> index."""
        return {s: i for i, s in enumerate(self.student_ids)}

    @cached_property
    def opening_index(self) -> dict[str, int]:
        """Opening id -> index."""
        return {o: i for i, o in enumerate(self.opening_ids)}

    @property
    def has_quotas(self) -> bool:
        return bool(self.quota_groups.shape[0])

    @property
    def max_list_length(self) -> int:
        if self.n_students == 0:
            return 0
        return int(np.diff(self.pref_offsets).max())

    def preferences_of(self, student: int) -> list[int]:
        a, b = self.pref_offsets[student], self.pref_offsets[student + 1]
        return [int(o) for o in self.pref_openings[a:b]]

    def groups_of(self, student: int) -> list[str]:
        a, b = self.group_offsets[student], self.group_offsets[student + 1]
        return [self.group_labels[g] for g in self.group_members[a:b]]

    # ---------------------------------------------------------------- constructors

    @classmethod
    def from_json(cls, data: str | bytes | Mapping[str, Any]) -> Problem:
        """Read the interchange format (see docs/allocation.md); ``options`` are validated but
        not returned (use :func:`qiao.allocation.read_document` for both)."""
        from .jsonio import read_document

        return read_document(data).problem

    @classmethod
    def build(cls, students: Iterable[Student], openings: Iterable[Opening]) -> Problem:
        """Build from objects, checking ids, duplicates, capacities, scores and quotas."""
        students = list(students)
        openings = list(openings)
        student_index = _index_ids("students", [s.id for s in students], "student")
        opening_index = _index_ids("openings", [o.id for o in openings], "opening")

        labels: dict[str, int] = {}
        pref_lengths = np.zeros(len(students), np.int64)
        pref_flat: list[int] = []
        group_lengths = np.zeros(len(students), np.int64)
        group_flat: list[int] = []
        for i, st in enumerate(students):
            place = f"students[{i}]"
            seen: dict[str, int] = {}
            for pos, oid in enumerate(_sequence(f"{place}.preferences", st.preferences)):
                where = f"{place}.preferences[{pos}]"
                o = opening_index.get(oid) if isinstance(oid, str) else None
                if o is None:
                    _unknown(where, oid, "opening")
                if oid in seen:
                    raise ProblemError(
                        where, f'opening "{oid}" is listed twice (also at [{seen[oid]}])'
                    )
                seen[oid] = pos
                pref_flat.append(o)  # type: ignore[arg-type]
            pref_lengths[i] = len(seen)
            seen_labels: dict[str, int] = {}
            for pos, label in enumerate(_sequence(f"{place}.groups", st.groups)):
                where = f"{place}.groups[{pos}]"
                if not isinstance(label, str) or not label:
                    raise ProblemError(where, f"must be a non-empty string, got {label!r}")
                if label in seen_labels:
                    raise ProblemError(
                        where, f'group "{label}" is listed twice (also at [{seen_labels[label]}])'
                    )
                seen_labels[label] = pos
                group_flat.append(labels.setdefault(label, len(labels)))
            group_lengths[i] = len(seen_labels)

        capacities = np.zeros(len(openings), np.int32)
        prio_lengths = np.zeros(len(openings), np.int64)
        prio_students: list[int] = []
        prio_scores: list[float] = []
        scored = np.zeros(len(openings), np.bool_)
        quota_lengths = np.zeros(len(openings), np.int64)
        quota_groups: list[int] = []
        quota_limits: list[int] = []
        for i, op in enumerate(openings):
            place = f"openings[{i}]"
            capacities[i] = _non_negative_int(f"{place}.capacity", op.capacity)
            if (op.priority is None) == (op.scores is None):
                raise ProblemError(place, 'give exactly one of "priority" or "scores"')
            seen = {}
            if op.priority is not None:
                for pos, sid in enumerate(_sequence(f"{place}.priority", op.priority)):
                    where = f"{place}.priority[{pos}]"
                    s = student_index.get(sid) if isinstance(sid, str) else None
                    if s is None:
                        _unknown(where, sid, "student")
                    if sid in seen:
                        raise ProblemError(
                            where, f'student "{sid}" is listed twice (also at [{seen[sid]}])'
                        )
                    seen[sid] = pos
                    prio_students.append(s)  # type: ignore[arg-type]
                    prio_scores.append(0.0)
            else:
                scored[i] = True
                if not isinstance(op.scores, Mapping):
                    raise ProblemError(
                        f"{place}.scores", "must be a mapping of student id to number"
                    )
                for sid, value in op.scores.items():
                    where = f'{place}.scores["{sid}"]'
                    s = student_index.get(sid) if isinstance(sid, str) else None
                    if s is None:
                        _unknown(where, sid, "student")
                    seen[sid] = 0
                    prio_students.append(s)  # type: ignore[arg-type]
                    prio_scores.append(_finite(where, value))
            prio_lengths[i] = len(seen)
            if not isinstance(op.quotas, Mapping):
                raise ProblemError(f"{place}.quotas", "must be a mapping of group label to integer")
            for label, limit in op.quotas.items():
                where = f'{place}.quotas["{label}"]'
                if not isinstance(label, str) or not label:
                    raise ProblemError(
                        where, f"group label must be a non-empty string, got {label!r}"
                    )
                quota_groups.append(labels.setdefault(label, len(labels)))
                quota_limits.append(_non_negative_int(where, limit))
            quota_lengths[i] = len(op.quotas)

        return cls._make(
            student_ids=tuple(s.id for s in students),
            opening_ids=tuple(o.id for o in openings),
            pref_offsets=_offsets(pref_lengths),
            pref_openings=np.asarray(pref_flat, np.int32),
            capacities=capacities,
            prio_offsets=_offsets(prio_lengths),
            prio_students=np.asarray(prio_students, np.int32),
            prio_scores=np.asarray(prio_scores, np.float64),
            scored=scored,
            group_labels=tuple(labels),
            group_offsets=_offsets(group_lengths),
            group_members=np.asarray(group_flat, np.int32),
            quota_offsets=_offsets(quota_lengths),
            quota_groups=np.asarray(quota_groups, np.int32),
            quota_limits=np.asarray(quota_limits, np.int32),
            checked=True,
        )

    @classmethod
    def from_arrays(
        cls,
        *,
        pref_offsets: ArrayLike,
        pref_openings: ArrayLike,
        capacities: ArrayLike,
        prio_offsets: ArrayLike,
        prio_students: ArrayLike,
        prio_scores: ArrayLike | None = None,
        scored: ArrayLike | None = None,
        student_ids: Sequence[str] | None = None,
        opening_ids: Sequence[str] | None = None,
        group_labels: Sequence[str] = (),
        group_offsets: ArrayLike | None = None,
        group_members: ArrayLike | None = None,
        quota_offsets: ArrayLike | None = None,
        quota_groups: ArrayLike | None = None,
        quota_limits: ArrayLike | None = None,
    ) -> Problem:
        """Build from CSR arrays (for large instances), validated in linear time.

        ``prio_scores``/``scored``: per priority entry scores, used at openings where
        ``scored`` is true (default: every opening gave a strict order, best first). Ids
        default to ``"s0", "s1", …`` and ``"o0", …``; groups and quotas default to none."""
        capacities_a = np.ascontiguousarray(capacities, np.int64)
        n_o = capacities_a.shape[0]
        pref_offsets_a = np.ascontiguousarray(pref_offsets, np.int64)
        n_s = pref_offsets_a.shape[0] - 1
        if n_s < 0:
            raise ProblemError("pref_offsets", "must have one entry more than there are students")
        if student_ids is None:
            student_ids = [f"s{i}" for i in range(n_s)]
        if opening_ids is None:
            opening_ids = [f"o{i}" for i in range(n_o)]
        if prio_scores is None:
            prio_scores_a = np.zeros(0, np.float64)  # no scores: nothing can tie
            scored_a = np.zeros(n_o, np.bool_)
        else:
            prio_scores_a = np.ascontiguousarray(prio_scores, np.float64)
            scored_a = (
                np.ones(n_o, np.bool_) if scored is None else np.ascontiguousarray(scored, np.bool_)
            )
        empty_s = np.zeros(n_s + 1, np.int64)
        empty_o = np.zeros(n_o + 1, np.int64)
        return cls._make(
            student_ids=tuple(student_ids),
            opening_ids=tuple(opening_ids),
            pref_offsets=pref_offsets_a,
            pref_openings=_int_array("pref_openings", pref_openings, np.int32),
            capacities=_int_array("capacities", capacities_a, np.int32),
            prio_offsets=np.ascontiguousarray(prio_offsets, np.int64),
            prio_students=_int_array("prio_students", prio_students, np.int32),
            prio_scores=prio_scores_a,
            scored=scored_a,
            group_labels=tuple(group_labels),
            group_offsets=empty_s
            if group_offsets is None
            else np.ascontiguousarray(group_offsets, np.int64),
            group_members=_int_array("group_members", group_members, np.int32),
            quota_offsets=empty_o
            if quota_offsets is None
            else np.ascontiguousarray(quota_offsets, np.int64),
            quota_groups=_int_array("quota_groups", quota_groups, np.int32),
            quota_limits=_int_array("quota_limits", quota_limits, np.int32),
            checked=False,
        )

    @classmethod
    def _make(cls, *, checked: bool, **arrays: Any) -> Problem:
        problem = cls(**arrays)
        problem._validate(checked)
        return problem

    def _validate(self, checked: bool) -> None:
        """Shape, range and duplicate checks (skipped where :meth:`build` already checked with
        better messages), then the laminar structure of quotas."""
        n_s, n_o, n_g = self.n_students, self.n_openings, len(self.group_labels)
        if not checked:
            if len(set(self.student_ids)) != n_s:
                raise ProblemError("student_ids", "ids must be unique")
            if len(set(self.opening_ids)) != n_o:
                raise ProblemError("opening_ids", "ids must be unique")
            if len(set(self.group_labels)) != n_g:
                raise ProblemError("group_labels", "labels must be unique")
            _check_offsets("pref_offsets", self.pref_offsets, n_s, self.pref_openings)
            _check_offsets("prio_offsets", self.prio_offsets, n_o, self.prio_students)
            _check_offsets("group_offsets", self.group_offsets, n_s, self.group_members)
            _check_offsets("quota_offsets", self.quota_offsets, n_o, self.quota_groups)
            if self.quota_limits.shape != self.quota_groups.shape:
                raise ProblemError("quota_limits", "must have the same length as quota_groups")
            if self.scored.shape != (n_o,):
                raise ProblemError("scored", "must have one entry per opening")
            if self.prio_scores.shape != self.prio_students.shape and (
                self.scored.any() or self.prio_scores.shape[0]
            ):
                raise ProblemError("prio_scores", "must have the same length as prio_students")
            bad = np.flatnonzero(self.capacities < 0)
            if bad.size:
                raise ProblemError(
                    f"openings[{bad[0]}].capacity",
                    f"must be a non-negative integer, got {self.capacities[bad[0]]}",
                )
            bad = np.flatnonzero(self.quota_limits < 0)
            if bad.size:
                o = int(np.searchsorted(self.quota_offsets, bad[0], side="right") - 1)
                raise ProblemError(
                    f"openings[{o}].quotas",
                    f"must be non-negative, got {self.quota_limits[bad[0]]}",
                )
            bad_scores = ~np.isfinite(self.prio_scores)
            if bad_scores.any():
                e = int(np.flatnonzero(bad_scores)[0])
                o = int(np.searchsorted(self.prio_offsets, e, side="right") - 1)
                if self.scored[o]:
                    raise ProblemError(f"openings[{o}].scores", "scores must be finite numbers")
            kind, row, pos, prev = k.validate_arrays(
                n_s, n_o, n_g,
                self.pref_offsets, self.pref_openings, self.prio_offsets, self.prio_students,
                self.group_offsets, self.group_members, self.quota_offsets, self.quota_groups,
            )  # fmt: skip
            if kind != k.ERR_NONE:
                raise _array_error(kind, row, pos, prev)
        sizes, o, q1, q2, s = k.check_laminar(
            self.prio_offsets, self.prio_students, self.group_offsets, self.group_members,
            self.quota_offsets, self.quota_groups,
        )  # fmt: skip
        object.__setattr__(self, "_quota_sizes", sizes)
        if o >= 0:
            g1 = self.group_labels[self.quota_groups[q1]]
            g2 = self.group_labels[self.quota_groups[q2]]
            raise ProblemError(
                f"openings[{o}].quotas",
                f'groups "{g1}" and "{g2}" overlap without one containing the other (student '
                f'"{self.student_ids[s]}" carries both, yet some eligible student carries only '
                "one); the quota groups of one opening must be disjoint or nested, because with "
                "crossing groups a stable allocation may not exist",
            )

    @property
    def quota_sizes(self) -> Int64Array:
        """Eligible students of each quota row's group at its opening."""
        sizes: Int64Array = object.__getattribute__(self, "_quota_sizes")
        return sizes


def _offsets(lengths: Int64Array) -> Int64Array:
    out = np.zeros(lengths.shape[0] + 1, np.int64)
    np.cumsum(lengths, out=out[1:])
    return out


def _int_array(name: str, values: ArrayLike | None, dtype: type[np.int32]) -> Int32Array:
    if values is None:
        return np.zeros(0, dtype)
    a = np.asarray(values)
    if a.ndim != 1:
        raise ProblemError(name, "must be one-dimensional")
    if a.size and not np.issubdtype(a.dtype, np.integer):
        raise ProblemError(name, f"must hold integers, got {a.dtype}")
    if a.size and (a.min() < np.iinfo(dtype).min or a.max() > np.iinfo(dtype).max):
        raise ProblemError(name, "values out of range")
    return np.ascontiguousarray(a, dtype)


def _check_offsets(name: str, offsets: Int64Array, rows: int, flat: NDArray[Any]) -> None:
    if offsets.ndim != 1 or offsets.shape[0] != rows + 1:
        raise ProblemError(name, f"must have {rows + 1} entries, got {offsets.shape[0]}")
    if offsets[0] != 0 or offsets[-1] != flat.shape[0] or np.any(np.diff(offsets) < 0):
        raise ProblemError(
            name, f"must rise from 0 to {flat.shape[0]} (the length of the flat array)"
        )


def _array_error(kind: int, row: int, pos: int, prev: int) -> ProblemError:
    if kind == k.ERR_PREF_RANGE:
        return ProblemError(f"students[{row}].preferences[{pos}]", "unknown opening index")
    if kind == k.ERR_PREF_DUP:
        return ProblemError(
            f"students[{row}].preferences[{pos}]", f"opening listed twice (also at [{prev}])"
        )
    if kind == k.ERR_PRIO_RANGE:
        return ProblemError(f"openings[{row}].priority[{pos}]", "unknown student index")
    if kind == k.ERR_PRIO_DUP:
        return ProblemError(
            f"openings[{row}].priority[{pos}]", f"student listed twice (also at [{prev}])"
        )
    if kind == k.ERR_GROUP_RANGE:
        return ProblemError(f"students[{row}].groups[{pos}]", "unknown group index")
    if kind == k.ERR_GROUP_DUP:
        return ProblemError(f"students[{row}].groups[{pos}]", f"listed twice (also at [{prev}])")
    if kind == k.ERR_QUOTA_RANGE:
        return ProblemError(f"openings[{row}].quotas[{pos}]", "unknown group index")
    return ProblemError(f"openings[{row}].quotas[{pos}]", f"group listed twice (also at [{prev}])")


def _index_ids(place: str, ids: list[Any], what: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, x in enumerate(ids):
        if not isinstance(x, str) or not x:
            raise ProblemError(f"{place}[{i}].id", f"must be a non-empty string, got {x!r}")
        if x in index:
            raise ProblemError(
                f"{place}[{i}].id", f'duplicate {what} id "{x}" (also {place}[{index[x]}])'
            )
        index[x] = i
    return index


def _sequence(place: str, value: Any) -> Sequence[Any]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise ProblemError(place, f"must be a list, got {type(value).__name__}")
    return value


def _unknown(place: str, value: Any, what: str) -> None:
    if not isinstance(value, str):
        raise ProblemError(place, f"must be a {what} id (a string), got {value!r}")
    raise ProblemError(place, f'unknown {what} "{value}"')


def _non_negative_int(place: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ProblemError(place, f"must be a non-negative integer, got {value!r}")
    if value > 2**31 - 1:
        raise ProblemError(place, f"must be at most {2**31 - 1}, got {value}")
    return int(value)


def _finite(place: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ProblemError(place, f"must be a number, got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise ProblemError(place, f"must be a finite number, got {value!r}")
    return x
