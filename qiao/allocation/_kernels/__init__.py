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

from .check import quota_chains, verify
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
    NOT_FULL,
    V_NOT_ELIGIBLE,
    V_NOT_RANKED,
    V_OVER_CAPACITY,
    V_OVER_QUOTA,
)
from .match import candidates, da_openings, da_students
from .prepare import check_laminar, entry_students, join_ranks, tie_break, validate_arrays

__all__ = [
    "ERR_GROUP_DUP",
    "ERR_GROUP_RANGE",
    "ERR_NONE",
    "ERR_PREF_DUP",
    "ERR_PREF_RANGE",
    "ERR_PRIO_DUP",
    "ERR_PRIO_RANGE",
    "ERR_QUOTA_DUP",
    "ERR_QUOTA_RANGE",
    "NOT_FULL",
    "V_NOT_ELIGIBLE",
    "V_NOT_RANKED",
    "V_OVER_CAPACITY",
    "V_OVER_QUOTA",
    "candidates",
    "check_laminar",
    "da_openings",
    "da_students",
    "entry_students",
    "join_ranks",
    "quota_chains",
    "tie_break",
    "validate_arrays",
    "verify",
]
