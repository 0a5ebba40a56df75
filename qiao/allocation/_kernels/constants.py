"""Shared constants of the kernels (sentinels, error and violation codes)."""

from __future__ import annotations

import numpy as np

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
