"""Small helpers every kernel module uses (quota rows, group labels)."""

from __future__ import annotations

import numpy as np
from numba import njit


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
