"""Deferred acceptance, student- and opening-proposing."""

from __future__ import annotations

import numpy as np
from numba import njit

from ._common import _has_label, _quota_row


@njit(cache=True)
def _sift_down(heap: np.ndarray, base: int, n: int, i: int) -> None:
    # max-heap in heap[base:base+n]; values are rank << 32 | student, so the worst rank is on top
    v = heap[base + i]
    while True:
        child = 2 * i + 1
        if child >= n:
            break
        if child + 1 < n and heap[base + child + 1] > heap[base + child]:
            child += 1
        if heap[base + child] <= v:
            break
        heap[base + i] = heap[base + child]
        i = child
    heap[base + i] = v


@njit(cache=True)
def _sift_up(heap: np.ndarray, base: int, i: int) -> None:
    v = heap[base + i]
    while i > 0:
        parent = (i - 1) // 2
        if heap[base + parent] >= v:
            break
        heap[base + i] = heap[base + parent]
        i = parent
    heap[base + i] = v


@njit(cache=True)
def _quota_counts(
    s: int,
    o: int,
    delta: int,
    qcount: np.ndarray,
    group_offsets: np.ndarray,
    group_members: np.ndarray,
    quota_offsets: np.ndarray,
    quota_groups: np.ndarray,
) -> None:
    for li in range(group_offsets[s], group_offsets[s + 1]):
        q = _quota_row(o, group_members[li], quota_offsets, quota_groups)
        if q >= 0:
            qcount[q] += delta


@njit(cache=True)
def da_students(
    pref_offsets: np.ndarray,
    pairs: np.ndarray,
    capacities: np.ndarray,
    group_offsets: np.ndarray,
    group_members: np.ndarray,
    quota_offsets: np.ndarray,
    quota_groups: np.ndarray,
    quota_limits: np.ndarray,
    cursor: np.ndarray,
    stack: np.ndarray,
    holds: np.ndarray,
) -> int:
    """Student-proposing deferred acceptance with quota-aware rejection.

    Fills ``holds`` (the preference entry each student holds, or -1) and returns the number of
    proposals; ``cursor`` (students x 2) and ``stack`` are scratch. An opening
    without quotas keeps its held students in a max-heap on rank (worst on top); one with quotas
    keeps them sorted by rank, because the student to reject is the worst one *inside the
    smallest full constraint containing the proposer*, not simply the worst one.

    Memory layout is for cache misses, which is what this loop spends its time on: a
    student's (rank, opening) pairs are packed in one array, her cursor in another, an
    opening's (seat base, capacity, held, has quotas) in one row, a held seat as
    rank << 32 | student."""
    n_students = pref_offsets.shape[0] - 1
    n_openings = capacities.shape[0]
    for s in range(n_students):
        cursor[s, 0] = pref_offsets[s]
        cursor[s, 1] = pref_offsets[s + 1]
    state = np.empty((n_openings, 4), np.int64)  # seat base, capacity, held, has quotas
    total = 0
    for o in range(n_openings):
        state[o, 0] = total
        state[o, 1] = capacities[o]
        state[o, 2] = 0
        state[o, 3] = 1 if quota_offsets[o + 1] > quota_offsets[o] else 0
        total += capacities[o]
    seats = np.empty(total, np.int64)
    qcount = np.zeros(quota_groups.shape[0], np.int32)
    for x in range(n_students):
        stack[x] = n_students - 1 - x  # student 0 proposes first (the order does not matter)
    top = n_students
    proposals = 0
    mask = np.int64(0xFFFFFFFF)
    while top > 0:
        top -= 1
        s = stack[top]
        j = cursor[s, 0]
        end = cursor[s, 1]
        while j < end:
            pair = pairs[j]
            j += 1
            if pair < 0:
                continue  # not eligible (rank -1): never proposes there
            o = pair & mask
            r = pair >> 32
            mine = (r << 32) | s
            proposals += 1
            base = state[o, 0]
            c = state[o, 1]
            n = state[o, 2]
            evicted = -1
            if state[o, 3] == 0:
                if n < c:
                    seats[base + n] = mine
                    _sift_up(seats, base, n)
                    state[o, 2] = n + 1
                elif c > 0 and mine < seats[base]:
                    evicted = seats[base] & mask
                    seats[base] = mine
                    _sift_down(seats, base, n, 0)
                else:
                    continue
            else:
                # smallest full constraint containing s: the capacity, or one of her groups
                limit = 2**31 - 1
                tight = -2  # -2 none, -1 capacity, else quota row
                if n >= c:
                    limit = c
                    tight = -1
                for li in range(group_offsets[s], group_offsets[s + 1]):
                    q = _quota_row(o, group_members[li], quota_offsets, quota_groups)
                    if q >= 0 and qcount[q] >= quota_limits[q] and quota_limits[q] < limit:
                        limit = quota_limits[q]
                        tight = q
                if tight != -2:
                    pos = -1
                    if tight == -1:
                        pos = n - 1
                    else:
                        g = quota_groups[tight]
                        for x in range(n - 1, -1, -1):
                            if _has_label(seats[base + x] & mask, g, group_offsets, group_members):
                                pos = x
                                break
                    if pos < 0 or seats[base + pos] < mine:
                        continue
                    evicted = seats[base + pos] & mask
                    _quota_counts(
                        evicted, o, -1, qcount, group_offsets, group_members,
                        quota_offsets, quota_groups,
                    )  # fmt: skip
                    for x in range(pos, n - 1):
                        seats[base + x] = seats[base + x + 1]
                    n -= 1
                # insert keeping ranks ascending
                x = n
                while x > 0 and seats[base + x - 1] > mine:
                    seats[base + x] = seats[base + x - 1]
                    x -= 1
                seats[base + x] = mine
                state[o, 2] = n + 1
                _quota_counts(
                    s, o, 1, qcount, group_offsets, group_members, quota_offsets, quota_groups
                )
            if evicted >= 0:
                stack[top] = evicted
                top += 1
            break
        cursor[s, 0] = j
    # a held student's entry is the one just before her cursor
    holds[:] = -1
    for o in range(n_openings):
        for x in range(state[o, 0], state[o, 0] + state[o, 2]):
            t = seats[x] & mask
            holds[t] = cursor[t, 0] - 1
    return proposals


@njit(cache=True)
def candidates(
    pref_offsets: np.ndarray,
    pref_openings: np.ndarray,
    pref_rank: np.ndarray,
    n_openings: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per opening, its eligible applicants in priority order: (offsets, student, pref entry)."""
    offsets = np.zeros(n_openings + 1, np.int64)
    for j in range(pref_openings.shape[0]):
        if pref_rank[j] >= 0:
            offsets[pref_openings[j] + 1] += 1
    for o in range(n_openings):
        offsets[o + 1] += offsets[o]
    fill = offsets[:-1].copy()
    total = offsets[n_openings]
    cand_student = np.empty(total, np.int32)
    cand_entry = np.empty(total, np.int64)
    cand_rank = np.empty(total, np.int32)
    for s in range(pref_offsets.shape[0] - 1):
        for j in range(pref_offsets[s], pref_offsets[s + 1]):
            if pref_rank[j] >= 0:
                o = pref_openings[j]
                x = fill[o]
                fill[o] = x + 1
                cand_student[x] = s
                cand_entry[x] = j
                cand_rank[x] = pref_rank[j]
    for o in range(n_openings):
        a = offsets[o]
        b = offsets[o + 1]
        if b - a > 1:
            order = np.argsort(cand_rank[a:b])
            cand_student[a:b] = cand_student[a:b][order]
            cand_entry[a:b] = cand_entry[a:b][order]
    return offsets, cand_student, cand_entry


@njit(cache=True)
def _fits(
    s: int,
    o: int,
    offered: np.ndarray,
    capacities: np.ndarray,
    qcount: np.ndarray,
    quota_limits: np.ndarray,
    group_offsets: np.ndarray,
    group_members: np.ndarray,
    quota_offsets: np.ndarray,
    quota_groups: np.ndarray,
) -> bool:
    if offered[o] >= capacities[o]:
        return False
    for li in range(group_offsets[s], group_offsets[s + 1]):
        q = _quota_row(o, group_members[li], quota_offsets, quota_groups)
        if q >= 0 and qcount[q] >= quota_limits[q]:
            return False
    return True


@njit(cache=True)
def da_openings(
    pref_openings: np.ndarray,
    capacities: np.ndarray,
    cand_offsets: np.ndarray,
    cand_student: np.ndarray,
    cand_entry: np.ndarray,
    n_students: int,
    group_offsets: np.ndarray,
    group_members: np.ndarray,
    quota_offsets: np.ndarray,
    quota_groups: np.ndarray,
    quota_limits: np.ndarray,
) -> tuple[np.ndarray, int]:
    """Opening-proposing deferred acceptance.

    Each opening offers seats to the greedy (priority order, capacity and quotas) choice among
    applicants who have not turned it down; students keep their best offer. The quota groups
    of an opening are laminar, so its feasible sets form a matroid and after one rejection the
    greedy choice changes by one exchange: drop the rejecting student, add the first later
    applicant who now fits. Returns (the preference entry each student holds or -1, offers)."""
    n_openings = capacities.shape[0]
    status = np.zeros(cand_student.shape[0], np.int8)  # 0 open, 1 offered, 2 turned down
    offered = np.zeros(n_openings, np.int32)
    frontier = cand_offsets[:-1].copy()
    qcount = np.zeros(quota_groups.shape[0], np.int32)
    held = np.full(n_students, -1, np.int64)
    pending = np.empty(cand_student.shape[0], np.int64)
    top = 0
    offers = 0
    for o in range(n_openings):
        for c in range(cand_offsets[o], cand_offsets[o + 1]):
            if offered[o] >= capacities[o]:
                break
            s = cand_student[c]
            if _fits(
                s, o, offered, capacities, qcount, quota_limits,
                group_offsets, group_members, quota_offsets, quota_groups,
            ):  # fmt: skip
                status[c] = 1
                offered[o] += 1
                _quota_counts(
                    s, o, 1, qcount, group_offsets, group_members, quota_offsets, quota_groups
                )
                frontier[o] = c + 1
                offers += 1
                h = held[s]
                if h < 0:
                    held[s] = c
                elif cand_entry[c] < cand_entry[h]:
                    held[s] = c
                    pending[top] = h
                    top += 1
                else:
                    pending[top] = c
                    top += 1
    while top > 0:
        top -= 1
        c = pending[top]
        s = cand_student[c]
        o = pref_openings[cand_entry[c]]
        status[c] = 2
        offered[o] -= 1
        _quota_counts(s, o, -1, qcount, group_offsets, group_members, quota_offsets, quota_groups)
        start = c + 1
        if quota_offsets[o] == quota_offsets[o + 1] and frontier[o] > start:
            start = frontier[o]  # without quotas nothing before the frontier is still open
        for k in range(start, cand_offsets[o + 1]):
            if status[k] != 0:
                continue
            t = cand_student[k]
            if not _fits(
                t, o, offered, capacities, qcount, quota_limits,
                group_offsets, group_members, quota_offsets, quota_groups,
            ):  # fmt: skip
                continue
            status[k] = 1
            offered[o] += 1
            _quota_counts(
                t, o, 1, qcount, group_offsets, group_members, quota_offsets, quota_groups
            )
            frontier[o] = max(frontier[o], k + 1)
            offers += 1
            h = held[t]
            if h < 0:
                held[t] = k
            elif cand_entry[k] < cand_entry[h]:
                held[t] = k
                pending[top] = h
                top += 1
            else:
                pending[top] = k
                top += 1
            break
    holds = np.full(n_students, -1, np.int64)
    for s in range(n_students):
        if held[s] >= 0:
            holds[s] = cand_entry[held[s]]
    return holds, offers
