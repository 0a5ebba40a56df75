"""Input checks, tie-breaking and the rank join: everything before matching."""

from __future__ import annotations

import numpy as np
from numba import njit

from ._common import _quota_row
from .constants import (
    ERR_GROUP_DUP,
    ERR_GROUP_RANGE,
    ERR_NONE,
    ERR_PREF_DUP,
    ERR_PREF_RANGE,
    ERR_PRIO_DUP,
    ERR_PRIO_RANGE,
    ERR_QUOTA_DUP,
    ERR_QUOTA_RANGE,
)


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
