"""Numba kernels: the hot loops of the engine.

Everything here works on plain integer arrays (CSR offsets + flat arrays) and knows nothing of
ids or options. Conventions used throughout:

- ``pref_offsets[s]:pref_offsets[s+1]`` are student ``s``'s preference entries ``j``;
  ``pref_openings[j]`` is the opening and ``pref_rank[j]`` her tie-broken priority rank there
  (0 = best), or -1 when she is not eligible.
- ``prio_offsets[o]:prio_offsets[o+1]`` are opening ``o``'s priority entries ``e``.
- ``quota_offsets[o]:quota_offsets[o+1]`` are the quota rows ``q`` of opening ``o``:
  ``quota_groups[q]`` (a label index) may hold at most ``quota_limits[q]`` students.
- ``group_offsets[s]:group_offsets[s+1]`` index ``group_members``: the labels of student ``s``.

Quotas at one opening are laminar (checked by :func:`check_laminar` before anything runs), so
the tight constraints containing a student form a chain and the smallest one decides.
"""

from __future__ import annotations

import numpy as np
from numba import njit

NOT_FULL = np.int32(2**31 - 1)  # cutoff rank of a constraint that is not full

# Error kinds returned by validate_arrays (the caller turns them into messages).
ERR_NONE = 0
ERR_PREF_RANGE = 1
ERR_PREF_DUP = 2
ERR_PRIO_RANGE = 3
ERR_PRIO_DUP = 4
ERR_GROUP_RANGE = 5
ERR_GROUP_DUP = 6
ERR_QUOTA_RANGE = 7
ERR_QUOTA_DUP = 8

# Violation codes of verify().
V_NOT_RANKED = 1
V_NOT_ELIGIBLE = 2
V_OVER_CAPACITY = 3
V_OVER_QUOTA = 4


@njit(cache=True)
def _dup_scan(offsets: np.ndarray, values: np.ndarray, n_values: int) -> tuple[int, int, int, int]:
    """First (kind, row, position, earlier position) of a value out of range or repeated in a
    row; kind 0 = fine, 1 = out of range, 2 = repeated."""
    seen_row = np.full(n_values, -1, np.int32)  # int32: stays in cache for a million values
    for row in range(offsets.shape[0] - 1):
        a = offsets[row]
        for x in range(a, offsets[row + 1]):
            v = values[x]
            if v < 0 or v >= n_values:
                return 1, row, x - a, -1
            if seen_row[v] == row:
                for y in range(a, x):
                    if values[y] == v:
                        return 2, row, x - a, y - a
            seen_row[v] = row
    return 0, -1, -1, -1


@njit(cache=True)
def validate_arrays(
    n_students: int,
    n_openings: int,
    n_groups: int,
    pref_offsets: np.ndarray,
    pref_openings: np.ndarray,
    prio_offsets: np.ndarray,
    prio_students: np.ndarray,
    group_offsets: np.ndarray,
    group_members: np.ndarray,
    quota_offsets: np.ndarray,
    quota_groups: np.ndarray,
) -> tuple[int, int, int, int]:
    """Range and duplicate checks in one linear pass per CSR structure.

    Returns (error kind, row, position in row, earlier position of the same value)."""
    k, r, p, q = _dup_scan(pref_offsets, pref_openings, n_openings)
    if k:
        return ERR_PREF_RANGE if k == 1 else ERR_PREF_DUP, r, p, q
    k, r, p, q = _dup_scan(prio_offsets, prio_students, n_students)
    if k:
        return ERR_PRIO_RANGE if k == 1 else ERR_PRIO_DUP, r, p, q
    k, r, p, q = _dup_scan(group_offsets, group_members, n_groups)
    if k:
        return ERR_GROUP_RANGE if k == 1 else ERR_GROUP_DUP, r, p, q
    k, r, p, q = _dup_scan(quota_offsets, quota_groups, n_groups)
    if k:
        return ERR_QUOTA_RANGE if k == 1 else ERR_QUOTA_DUP, r, p, q
    return ERR_NONE, -1, -1, -1


@njit(cache=True)
def _quota_row(o: int, g: int, quota_offsets: np.ndarray, quota_groups: np.ndarray) -> int:
    """The quota row of label ``g`` at opening ``o``, or -1. Openings have few quotas: a scan."""
    for q in range(quota_offsets[o], quota_offsets[o + 1]):
        if quota_groups[q] == g:
            return q
    return -1


@njit(cache=True)
def _has_label(s: int, g: int, group_offsets: np.ndarray, group_members: np.ndarray) -> bool:
    for k in range(group_offsets[s], group_offsets[s + 1]):  # noqa: SIM110 - a plain loop for numba
        if group_members[k] == g:
            return True
    return False


@njit(cache=True)
def check_laminar(
    prio_offsets: np.ndarray,
    prio_students: np.ndarray,
    group_offsets: np.ndarray,
    group_members: np.ndarray,
    quota_offsets: np.ndarray,
    quota_groups: np.ndarray,
) -> tuple[np.ndarray, int, int, int, int]:
    """Sizes of each quota group among the opening's eligible students, and the first pair of
    quota rows at one opening whose groups overlap without nesting: (sizes, opening, q1, q2,
    a student in both), opening = -1 when every opening's quotas are laminar."""
    n_q = quota_groups.shape[0]
    sizes = np.zeros(n_q, np.int64)
    for o in range(prio_offsets.shape[0] - 1):
        qa = quota_offsets[o]
        k = quota_offsets[o + 1] - qa
        if k == 0:
            continue
        inter = np.zeros((k, k), np.int64)
        witness = np.full((k, k), -1, np.int64)
        rows = np.empty(k, np.int64)
        for e in range(prio_offsets[o], prio_offsets[o + 1]):
            s = prio_students[e]
            m = 0
            for li in range(group_offsets[s], group_offsets[s + 1]):
                q = _quota_row(o, group_members[li], quota_offsets, quota_groups)
                if q >= 0:
                    rows[m] = q - qa
                    m += 1
            for x in range(m):
                sizes[qa + rows[x]] += 1
                for y in range(m):
                    inter[rows[x], rows[y]] += 1
                    witness[rows[x], rows[y]] = s
        for x in range(k):
            for y in range(x + 1, k):
                c = inter[x, y]
                if c > 0 and c != min(sizes[qa + x], sizes[qa + y]):
                    return sizes, o, qa + x, qa + y, witness[x, y]
    return sizes, -1, -1, -1, -1


@njit(cache=True)
def entry_students(pref_offsets: np.ndarray) -> np.ndarray:
    """The student of each preference entry."""
    n = pref_offsets.shape[0] - 1
    out = np.empty(pref_offsets[n], np.int32)
    for s in range(n):
        for j in range(pref_offsets[s], pref_offsets[s + 1]):
            out[j] = s
    return out


@njit(cache=True)
def tie_break(
    prio_offsets: np.ndarray,
    prio_scores: np.ndarray,
    scored: np.ndarray,
    entry_lottery: np.ndarray,
) -> np.ndarray:
    """Rank of each priority entry at its opening (0 = best): by score descending, then
    lottery number ascending where the opening gave scores; its list position otherwise."""
    rank = np.empty(prio_offsets[-1], np.int32)
    for o in range(prio_offsets.shape[0] - 1):
        a = prio_offsets[o]
        m = prio_offsets[o + 1] - a
        if scored[o] and m > 1:
            by_lottery = np.argsort(entry_lottery[a : a + m])
            neg = np.empty(m, np.float64)
            for k in range(m):
                neg[k] = -prio_scores[a + by_lottery[k]]
            # mergesort is stable: equal scores keep lottery order
            by_score = np.argsort(neg, kind="mergesort")
            for k in range(m):
                rank[a + by_lottery[by_score[k]]] = k
        else:
            for k in range(m):
                rank[a + k] = k
    return rank


@njit(cache=True)
def join_ranks(
    n_students: int,
    pref_offsets: np.ndarray,
    pref_openings: np.ndarray,
    prio_offsets: np.ndarray,
    prio_students: np.ndarray,
    prio_rank: np.ndarray,
    t_student: np.ndarray,
    t_value: np.ndarray,
    b_student: np.ndarray,
    b_value: np.ndarray,
    pairs: np.ndarray,
) -> None:
    """Fill ``pairs[j] = rank << 32 | opening`` for each preference entry ``j``, where rank is
    her priority rank there or -1 when she is not eligible (so the pair is negative), in
    linear time. The four scratch buffers have one slot per priority entry; big arrays come
    from numpy, which asks for huge pages: first-touch page faults cost more than the work.

    The priority entries are grouped by student, then each student's preferences are looked
    up in a scratch array indexed by opening. Grouping is a counting sort into buckets of 1024
    consecutive students first (a few hundred write streams that stay in cache, instead of one
    cache miss per entry), then by student within each small bucket. ``prio_rank`` may be empty:
    every opening gave a strict order and rank = position in its list."""
    n_openings = prio_offsets.shape[0] - 1
    n_entries = prio_students.shape[0]
    strict = prio_rank.shape[0] == 0
    shift = 10
    n_buckets = (n_students >> shift) + 1
    # pass 1: into at most 64 coarse buckets (few write streams: cache and TLB friendly)
    coarse_shift = shift
    while (n_buckets >> (coarse_shift - shift)) > 64:
        coarse_shift += 1
    n_coarse = (n_students >> coarse_shift) + 1
    c_start = np.zeros(n_coarse + 1, np.int64)
    start = np.zeros(n_buckets + 1, np.int64)
    for e in range(n_entries):
        c_start[(prio_students[e] >> coarse_shift) + 1] += 1
        start[(prio_students[e] >> shift) + 1] += 1
    for c in range(n_coarse):
        c_start[c + 1] += c_start[c]
    for b in range(n_buckets):
        start[b + 1] += start[b]
    fill = c_start[:-1].copy()
    # t_value, b_value: opening << 32 | rank
    for o in range(n_openings):
        a = prio_offsets[o]
        for e in range(a, prio_offsets[o + 1]):
            s = prio_students[e]
            r = e - a if strict else prio_rank[e]
            x = fill[s >> coarse_shift]
            fill[s >> coarse_shift] = x + 1
            t_student[x] = s
            t_value[x] = (np.int64(o) << 32) | r
    # pass 2: each coarse bucket into its fine buckets of 1024 students
    fill = start[:-1].copy()
    for x in range(n_entries):
        s = t_student[x]
        y = fill[s >> shift]
        fill[s >> shift] = y + 1
        b_student[y] = s
        b_value[y] = t_value[x]
    scratch = np.full(n_openings, -1, np.int64)
    width = 1 << shift
    local_start = np.zeros(width + 1, np.int64)
    biggest = 0
    for b in range(n_buckets):
        biggest = max(biggest, start[b + 1] - start[b])
    local = np.empty(biggest, np.int64)
    for b in range(n_buckets):
        lo = start[b]
        hi = start[b + 1]
        base = b << shift
        local_start[:] = 0
        for x in range(lo, hi):
            local_start[b_student[x] - base + 1] += 1
        for i in range(width):
            local_start[i + 1] += local_start[i]
        for x in range(lo, hi):
            i = b_student[x] - base
            local[local_start[i]] = b_value[x]
            local_start[i] += 1
        # local_start[i] now ends student i's run; runs are contiguous from 0
        begin = 0
        for i in range(min(width, n_students - base)):
            end = local_start[i]
            for y in range(begin, end):
                scratch[local[y] >> 32] = local[y] & 0xFFFFFFFF
            s = base + i
            for j in range(pref_offsets[s], pref_offsets[s + 1]):
                o = pref_openings[j]
                pairs[j] = (scratch[o] << 32) | o
            for y in range(begin, end):
                scratch[local[y] >> 32] = -1
            begin = end


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
