"""Building problems from arrays: validation names the place."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from qiao.allocation import Options, Problem, ProblemError, allocate


def arrays(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "pref_offsets": [0, 2, 3],
        "pref_openings": [0, 1, 0],
        "capacities": [1, 1],
        "prio_offsets": [0, 2, 3],
        "prio_students": [1, 0, 0],
    }
    base.update(changes)
    return base


def test_from_arrays_allocates() -> None:
    problem = Problem.from_arrays(**arrays())
    assert problem.student_ids == ("s0", "s1")
    assert allocate(problem).assignments() == {"s0": "o1", "s1": "o0"}


def test_from_arrays_with_scores_groups_and_quotas() -> None:
    problem = Problem.from_arrays(
        **arrays(capacities=[2, 1]),
        prio_scores=[1.0, 1.0, 5.0],
        scored=[True, False],
        group_labels=["g"],
        group_offsets=[0, 1, 2],
        group_members=[0, 0],
        quota_offsets=[0, 1, 1],
        quota_groups=[0],
        quota_limits=[1],
    )
    result = allocate(problem, Options(seed=1))
    assert result.verification.stable
    assert list(result.assignments().values()).count("o0") == 1  # the quota of g, not 2 seats


@pytest.mark.parametrize(
    ("changes", "place", "message"),
    [
        ({"capacities": [1, -1]}, "openings[1].capacity", "non-negative integer, got -1"),
        ({"pref_openings": [0, 5, 0]}, "students[0].preferences[1]", "unknown opening"),
        ({"pref_openings": [0, 0, 0]}, "students[0].preferences[1]", "listed twice (also at [0])"),
        ({"prio_students": [1, 1, 0]}, "openings[0].priority[1]", "listed twice"),
        ({"prio_students": [1, 7, 0]}, "openings[0].priority[1]", "unknown student"),
        ({"pref_offsets": [0, 2]}, "pref_offsets", "must rise from 0 to 3"),
        ({"pref_offsets": [0, 3, 2]}, "pref_offsets", "must rise"),
        ({"student_ids": ["a", "a"]}, "student_ids", "unique"),
        ({"pref_openings": [0.5, 1, 0]}, "pref_openings", "must hold integers"),
    ],
)
def test_from_arrays_errors(changes: dict[str, Any], place: str, message: str) -> None:
    with pytest.raises(ProblemError) as e:
        Problem.from_arrays(**arrays(**changes))
    assert e.value.place == place
    assert message in e.value.message


def test_bad_scores_are_refused() -> None:
    with pytest.raises(ProblemError, match="finite"):
        Problem.from_arrays(**arrays(), prio_scores=[1.0, np.nan, 0.0])
    with pytest.raises(ProblemError, match="same length"):
        Problem.from_arrays(**arrays(), prio_scores=[1.0])


def test_options_are_validated() -> None:
    with pytest.raises(ProblemError, match=r"options\.unmatched_cost"):
        Options(unmatched_cost=-1)
    with pytest.raises(ProblemError, match=r"options\.max_listed"):
        Options(max_listed=True)
