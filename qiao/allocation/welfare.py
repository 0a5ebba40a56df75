"""Welfare objective: the allocation of minimum total rank cost, by min-cost flow (OR-Tools)."""

from __future__ import annotations

import numpy as np

from . import _kernels as k
from .errors import AllocationError
from .problem import Int32Array, Problem


def min_rank_cost(problem: Problem, pref_rank: Int32Array, unmatched_cost: int) -> Int32Array:
    """Opening per student (-1 = unplaced) minimising the sum of assigned ranks (choice ``r``
    costs ``r``) plus ``unmatched_cost`` per unplaced student, subject to capacities,
    eligibility and quotas.

    Network: each student sends one unit either to the sink directly (cost ``unmatched_cost``)
    or along an arc per eligible choice (cost = its position in her list) to the opening. Quotas
    are laminar, so they nest as a tree of nodes between the students and the opening: a
    student's arc enters her innermost quota group there, each group node drains into its
    parent (arc capacity = the quota) and finally into the opening (arc capacity = its seats).
    """
    n_s, n_o = problem.n_students, problem.n_openings
    n_q = problem.quota_groups.shape[0]
    sink = n_s + n_o + n_q
    eligible = np.flatnonzero(pref_rank >= 0)
    students = k.entry_students(problem.pref_offsets)[eligible].astype(np.int64)
    openings = problem.pref_openings[eligible].astype(np.int64)
    cost = (eligible - problem.pref_offsets[students] + 1).astype(np.int64)
    heads = n_s + openings
    parent, innermost = k.quota_chains(
        problem.pref_offsets, problem.pref_openings, pref_rank,
        problem.prio_offsets, problem.prio_students, problem.group_offsets,
        problem.group_members, problem.quota_offsets, problem.quota_groups,
        problem.quota_sizes,
    )  # fmt: skip
    inner = innermost[eligible]
    heads = np.where(inner >= 0, n_s + n_o + inner, heads)
    quota_opening = np.repeat(np.arange(n_o, dtype=np.int64), np.diff(problem.quota_offsets))
    quota_heads = np.where(parent >= 0, n_s + n_o + parent, n_s + quota_opening)

    all_students = np.arange(n_s, dtype=np.int64)
    tails = np.concatenate(
        [students, all_students, n_s + np.arange(n_o, dtype=np.int64), n_s + n_o + np.arange(n_q)]
    )
    arc_heads = np.concatenate(
        [heads, np.full(n_s, sink, np.int64), np.full(n_o, sink, np.int64), quota_heads]
    )
    capacities = np.concatenate(
        [
            np.ones(eligible.shape[0] + n_s, np.int64),
            problem.capacities.astype(np.int64),
            problem.quota_limits.astype(np.int64),
        ]
    )
    costs = np.concatenate(
        [cost, np.full(n_s, unmatched_cost, np.int64), np.zeros(n_o + n_q, np.int64)]
    )
    # imported here: OR-Tools takes ~0.4 s to import and only this objective needs it
    from ortools.graph.python import min_cost_flow

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, arc_heads, capacities, costs)
    supplies = np.zeros(sink + 1, np.int64)
    supplies[:n_s] = 1
    supplies[sink] = -n_s
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int64), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise AllocationError(f"min-cost flow failed with status {status}")
    used = flow.flows(arcs[: eligible.shape[0]]) > 0
    assignment = np.full(n_s, -1, np.int32)
    assignment[students[used]] = openings[used]
    return assignment
