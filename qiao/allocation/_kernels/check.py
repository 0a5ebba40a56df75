"""Verification of a matching (validity, blocking pairs) and quota chains for explanations."""

from __future__ import annotations

import numpy as np
from numba import njit

from ._common import _quota_row
from .constants import NOT_FULL, V_NOT_ELIGIBLE, V_NOT_RANKED, V_OVER_CAPACITY, V_OVER_QUOTA


@njit(cache=True)
def verify(
    assignment: np.ndarray,
    pref_offsets: np.ndarray,
    pairs: np.ndarray,
    capacities: np.ndarray,
    group_offsets: np.ndarray,
    group_members: np.ndarray,
    quota_offsets: np.ndarray,
    quota_groups: np.ndarray,
    quota_limits: np.ndarray,
    max_listed: int,
) -> tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
    int, np.ndarray, int, np.ndarray,
]:  # fmt: skip
    """Validity and stability of an assignment (opening per student, -1 = none), in time linear
    in the total length of the preference lists.

    Cutoff trick: the cutoff of a full constraint (an opening's capacity, or a group's quota
    there) is the worst rank it admitted; a constraint with room has cutoff NOT_FULL. Student s
    blocks with an opening o she ranks above her assignment iff she is eligible there and her
    rank beats the smallest cutoff among the constraints at o that contain her: that constraint
    is the smallest full one (laminar quotas), so a student of worse rank inside it can make way.

    Returns (choice per student (1-based, 0 none), fill per opening, capacity cutoff per
    opening, fill per quota row, cutoff per quota row, number of violations, listed violations
    (code, student, opening, quota row), number of blocking pairs, listed pairs (student, opening
    ))."""
    n_students = pref_offsets.shape[0] - 1
    n_openings = capacities.shape[0]
    n_quota = quota_groups.shape[0]
    choice = np.zeros(n_students, np.int32)
    entry = np.full(n_students, -1, np.int64)
    fill = np.zeros(n_openings, np.int32)
    cut = np.full(n_openings, -1, np.int32)
    qfill = np.zeros(n_quota, np.int32)
    qcut = np.full(n_quota, -1, np.int32)
    violations = np.full((max_listed, 4), -1, np.int64)
    n_violations = 0
    for s in range(n_students):
        o = assignment[s]
        if o < 0:
            continue
        j = -1
        for k in range(pref_offsets[s], pref_offsets[s + 1]):
            if pairs[k] & 0xFFFFFFFF == o:
                j = k
                break
        code = 0
        if j < 0:
            code = V_NOT_RANKED
        elif pairs[j] < 0:
            code = V_NOT_ELIGIBLE
        if code:
            if n_violations < max_listed:
                violations[n_violations, 0] = code
                violations[n_violations, 1] = s
                violations[n_violations, 2] = o
            n_violations += 1
            continue
        entry[s] = j
        choice[s] = j - pref_offsets[s] + 1
        r = pairs[j] >> 32
        fill[o] += 1
        cut[o] = max(cut[o], r)
        for li in range(group_offsets[s], group_offsets[s + 1]):
            q = _quota_row(o, group_members[li], quota_offsets, quota_groups)
            if q >= 0:
                qfill[q] += 1
                qcut[q] = max(qcut[q], r)
    for o in range(n_openings):
        if fill[o] > capacities[o]:
            if n_violations < max_listed:
                violations[n_violations, 0] = V_OVER_CAPACITY
                violations[n_violations, 2] = o
            n_violations += 1
        if fill[o] < capacities[o]:
            cut[o] = NOT_FULL
        for q in range(quota_offsets[o], quota_offsets[o + 1]):
            if qfill[q] > quota_limits[q]:
                if n_violations < max_listed:
                    violations[n_violations, 0] = V_OVER_QUOTA
                    violations[n_violations, 2] = o
                    violations[n_violations, 3] = q
                n_violations += 1
            if qfill[q] < quota_limits[q]:
                qcut[q] = NOT_FULL
    listed = np.full((max_listed, 2), -1, np.int64)
    n_pairs = 0
    for s in range(n_students):
        stop = entry[s] if entry[s] >= 0 else pref_offsets[s + 1]
        for j in range(pref_offsets[s], stop):
            pair = pairs[j]
            if pair < 0:
                continue
            r = pair >> 32
            o = pair & 0xFFFFFFFF
            threshold = cut[o]
            for li in range(group_offsets[s], group_offsets[s + 1]):
                q = _quota_row(o, group_members[li], quota_offsets, quota_groups)
                if q >= 0 and qcut[q] < threshold:
                    threshold = qcut[q]
            if r < threshold:
                if n_pairs < max_listed:
                    listed[n_pairs, 0] = s
                    listed[n_pairs, 1] = o
                n_pairs += 1
    return choice, fill, cut, qfill, qcut, n_violations, violations, n_pairs, listed


@njit(cache=True)
def quota_chains(
    pref_offsets: np.ndarray,
    pref_openings: np.ndarray,
    pref_rank: np.ndarray,
    prio_offsets: np.ndarray,
    prio_students: np.ndarray,
    group_offsets: np.ndarray,
    group_members: np.ndarray,
    quota_offsets: np.ndarray,
    quota_groups: np.ndarray,
    quota_sizes: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The laminar quota groups of each opening as a forest, for the flow network.

    Returns (parent quota row of each quota row, -1 = the opening itself; innermost quota row
    of each preference entry, -1 = none). Within the groups at one opening that contain a
    student, ordered by (size, row), each one's parent is the next."""
    n_openings = quota_offsets.shape[0] - 1
    parent = np.full(quota_groups.shape[0], -1, np.int64)
    rows = np.empty(max(1, quota_groups.shape[0]), np.int64)
    for o in range(n_openings):
        if quota_offsets[o] == quota_offsets[o + 1]:
            continue
        for e in range(prio_offsets[o], prio_offsets[o + 1]):
            s = prio_students[e]
            m = 0
            for li in range(group_offsets[s], group_offsets[s + 1]):
                q = _quota_row(o, group_members[li], quota_offsets, quota_groups)
                if q >= 0:
                    # insertion sort by (size, row)
                    x = m
                    while x > 0 and (
                        quota_sizes[rows[x - 1]] > quota_sizes[q]
                        or (quota_sizes[rows[x - 1]] == quota_sizes[q] and rows[x - 1] > q)
                    ):
                        rows[x] = rows[x - 1]
                        x -= 1
                    rows[x] = q
                    m += 1
            for x in range(m - 1):
                parent[rows[x]] = rows[x + 1]
    innermost = np.full(pref_openings.shape[0], -1, np.int64)
    for s in range(pref_offsets.shape[0] - 1):
        for j in range(pref_offsets[s], pref_offsets[s + 1]):
            o = pref_openings[j]
            if pref_rank[j] < 0 or quota_offsets[o] == quota_offsets[o + 1]:
                continue
            best = -1
            for li in range(group_offsets[s], group_offsets[s + 1]):
                q = _quota_row(o, group_members[li], quota_offsets, quota_groups)
                if q >= 0 and (
                    best < 0
                    or quota_sizes[q] < quota_sizes[best]
                    or (quota_sizes[q] == quota_sizes[best] and q < best)
                ):
                    best = q
            innermost[j] = best
    return parent, innermost
