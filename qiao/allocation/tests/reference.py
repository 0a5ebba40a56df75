"""A slow, obviously-correct reference written from the definitions, and random instances.

Used to check the engine: tie-breaking, validity, blocking pairs (by the definition, not the
cutoff trick), brute-force enumeration of all stable matchings, and welfare optimum.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from numpy.typing import NDArray

from qiao.allocation import Lottery, Opening, Problem, Student

Matching = tuple[int | None, ...]  # opening index per student


@dataclass
class Reference:
    """The problem in plain Python, with each opening's tie-broken strict priority."""

    prefs: list[list[int]]
    labels: list[set[str]]
    capacity: list[int]
    quotas: list[dict[str, int]]
    rank: list[dict[int, int]]  # opening -> {student: rank (0 best)}

    @classmethod
    def of(cls, problem: Problem, lottery: Lottery) -> Reference:
        p = problem
        rank: list[dict[int, int]] = []
        number = {}
        if lottery.student_order is not None:
            number = {int(s): i for i, s in enumerate(lottery.student_order)}
        for o in range(p.n_openings):
            a, b = int(p.prio_offsets[o]), int(p.prio_offsets[o + 1])
            entries = list(range(a, b))
            if p.scored[o]:

                def key(e: int) -> tuple[float, int]:
                    if lottery.entry_numbers is not None:
                        tie = int(lottery.entry_numbers[e])
                    else:
                        tie = number[int(p.prio_students[e])]
                    return (-float(p.prio_scores[e]), tie)

                entries.sort(key=key)
            rank.append({int(p.prio_students[e]): r for r, e in enumerate(entries)})
        quotas = []
        for o in range(p.n_openings):
            qa, qb = int(p.quota_offsets[o]), int(p.quota_offsets[o + 1])
            quotas.append(
                {p.group_labels[p.quota_groups[q]]: int(p.quota_limits[q]) for q in range(qa, qb)}
            )
        return cls(
            prefs=[p.preferences_of(s) for s in range(p.n_students)],
            labels=[set(p.groups_of(s)) for s in range(p.n_students)],
            capacity=[int(c) for c in p.capacities],
            quotas=quotas,
            rank=rank,
        )

    @property
    def n(self) -> int:
        return len(self.prefs)

    def feasible(self, o: int, group: Sequence[int]) -> bool:
        if len(group) > self.capacity[o]:
            return False
        return all(
            sum(1 for s in group if label in self.labels[s]) <= limit
            for label, limit in self.quotas[o].items()
        )

    def held(self, m: Matching) -> list[list[int]]:
        out: list[list[int]] = [[] for _ in self.capacity]
        for s, o in enumerate(m):
            if o is not None:
                out[o].append(s)
        return out

    def valid(self, m: Matching) -> bool:
        for s, o in enumerate(m):
            if o is not None and (o not in self.prefs[s] or s not in self.rank[o]):
                return False
        return all(self.feasible(o, h) for o, h in enumerate(self.held(m)))

    def blocking_pairs(self, m: Matching) -> list[tuple[int, int]]:
        """Pairs (s, o): s eligible at o, prefers o to her assignment, and o could admit her —
        into a free seat, or in place of a student of lower priority — keeping every quota."""
        held = self.held(m)
        out = []
        for s, mine in enumerate(m):
            better = self.prefs[s] if mine is None else self.prefs[s][: self.prefs[s].index(mine)]
            for o in better:
                rank = self.rank[o]
                if s not in rank:
                    continue
                h = held[o]
                if self.feasible(o, [*h, s]) or any(
                    rank[t] > rank[s] and self.feasible(o, [x for x in h if x != t] + [s])
                    for t in h
                ):
                    out.append((s, o))
        return out

    def matchings(self) -> Iterator[Matching]:
        """Every valid matching (brute force: only for tiny instances)."""
        options = [[None, *[o for o in self.prefs[s] if s in self.rank[o]]] for s in range(self.n)]
        for m in itertools.product(*options):
            if self.valid(m):
                yield m

    def stable_matchings(self) -> list[Matching]:
        return [m for m in self.matchings() if not self.blocking_pairs(m)]

    def position(self, s: int, o: int | None) -> int:
        """How s ranks o: 0 = first choice; unplaced (or unranked) = len(list)."""
        if o is None or o not in self.prefs[s]:
            return len(self.prefs[s])
        return self.prefs[s].index(o)

    def choose(self, o: int, group: Iterable[int]) -> set[int]:
        """The opening's choice from a set: greedy in priority order (capacity and quotas)."""
        chosen: list[int] = []
        for s in sorted(group, key=lambda x: self.rank[o][x]):
            if self.feasible(o, [*chosen, s]):
                chosen.append(s)
        return set(chosen)

    def cost(self, m: Matching, unmatched: int) -> int:
        return sum(unmatched if o is None else self.prefs[s].index(o) + 1 for s, o in enumerate(m))


def as_matching(assignment: Sequence[int] | NDArray[np.integer]) -> Matching:
    return tuple(None if o < 0 else int(o) for o in assignment)


@dataclass
class Instance:
    """Specs of a random instance (kept so that tests can change a report and rebuild)."""

    students: list[Student]
    openings: list[Opening]

    def problem(self) -> Problem:
        return Problem.build(self.students, self.openings)

    def with_preferences(self, s: int, preferences: Sequence[str]) -> Instance:
        students = list(self.students)
        old = students[s]
        students[s] = Student(old.id, list(preferences), old.groups)
        return Instance(students, self.openings)


@st.composite
def instances(
    draw: st.DrawFn,
    max_students: int = 5,
    max_openings: int = 3,
    quotas: bool = True,
    scores: bool = True,
    min_students: int = 1,
) -> Instance:
    """Small random instances with eligibility gaps, ties (scores) and laminar quotas.

    Labels: "A" and "B" exclusive, "A1" only with "A" (nested), "X" crossing everything but
    never given a quota — so every opening's quota groups are laminar."""
    n = draw(st.integers(min_students, max_students))
    m = draw(st.integers(1, max_openings))
    sids = [f"s{i}" for i in range(n)]
    oids = [f"o{j}" for j in range(m)]
    students = []
    for sid in sids:
        order = draw(st.permutations(oids))
        length = draw(st.integers(0, m))
        labels = []
        major = draw(st.sampled_from([None, "A", "B"]))
        if major:
            labels.append(major)
            if major == "A" and draw(st.booleans()):
                labels.append("A1")
        if draw(st.booleans()):
            labels.append("X")
        students.append(Student(sid, list(order[:length]), labels))
    openings = []
    for oid in oids:
        eligible = [s for s in sids if draw(st.integers(0, 4)) > 0]
        capacity = draw(st.integers(0, 3))
        quota = {}
        if quotas:
            for label in ("A", "B", "A1"):
                if draw(st.integers(0, 2)) == 0:
                    quota[label] = draw(st.integers(0, 2))
        if scores and draw(st.booleans()):
            values = {s: float(draw(st.integers(0, 2))) for s in eligible}
            openings.append(Opening(oid, capacity, scores=values, quotas=quota))
        else:
            order = draw(st.permutations(eligible))
            openings.append(Opening(oid, capacity, priority=list(order), quotas=quota))
    return Instance(students, openings)
