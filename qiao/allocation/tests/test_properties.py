"""Property-based checks against the brute-force reference (tiny random instances)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qiao.allocation import Options, allocate, assess

from .reference import Instance, Reference, as_matching, instances

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TIE_BREAKING = st.sampled_from(["single", "multiple"])
SEEDS = st.integers(0, 2**32)


@SETTINGS
@given(instances(max_students=8, max_openings=4), TIE_BREAKING, SEEDS)
def test_every_result_is_valid_and_stable(inst: Instance, tb: str, seed: int) -> None:
    problem = inst.problem()
    for proposing in ("students", "openings"):
        options = Options(proposing=proposing, tie_breaking=tb, seed=seed)  # type: ignore[arg-type]
        result = allocate(problem, options)
        ref = Reference.of(problem, result.lottery)
        m = as_matching(result.assignment)
        assert result.verification.valid
        assert result.verification.blocking_pairs == 0
        assert ref.valid(m)
        assert ref.blocking_pairs(m) == []


@SETTINGS
@given(instances(), TIE_BREAKING, SEEDS)
def test_student_proposing_is_student_optimal(inst: Instance, tb: str, seed: int) -> None:
    problem = inst.problem()
    result = allocate(problem, Options(tie_breaking=tb, seed=seed))  # type: ignore[arg-type]
    ref = Reference.of(problem, result.lottery)
    stable = ref.stable_matchings()
    mine = as_matching(result.assignment)
    assert mine in stable
    for s in range(ref.n):
        assert ref.position(s, mine[s]) == min(ref.position(s, m[s]) for m in stable)


@SETTINGS
@given(instances(), TIE_BREAKING, SEEDS)
def test_opening_proposing_is_opening_optimal(inst: Instance, tb: str, seed: int) -> None:
    problem = inst.problem()
    options = Options(proposing="openings", tie_breaking=tb, seed=seed)  # type: ignore[arg-type]
    result = allocate(problem, options)
    ref = Reference.of(problem, result.lottery)
    stable = ref.stable_matchings()
    best = as_matching(result.assignment)
    assert best in stable
    held = ref.held(best)
    for m in stable:
        # every opening would rather keep what it got than take anything from another stable m
        for o, group in enumerate(ref.held(m)):
            assert ref.choose(o, set(held[o]) | set(group)) == set(held[o])
    for s in range(ref.n):  # ... which is the worst stable matching for every student
        assert ref.position(s, best[s]) == max(ref.position(s, m[s]) for m in stable)


@SETTINGS
@given(instances(), TIE_BREAKING, SEEDS)
def test_rural_hospitals(inst: Instance, tb: str, seed: int) -> None:
    """Roth and Sotomayor's rural hospitals theorem (it holds with laminar quotas too: the
    openings' choice functions are substitutable and size-monotone): every stable matching
    places the same students and fills each opening equally."""
    problem = inst.problem()
    result = allocate(problem, Options(tie_breaking=tb, seed=seed))  # type: ignore[arg-type]
    ref = Reference.of(problem, result.lottery)
    stable = ref.stable_matchings()
    placed = {frozenset(s for s, o in enumerate(m) if o is not None) for m in stable}
    fills = {tuple(len(h) for h in ref.held(m)) for m in stable}
    assert len(placed) == 1
    assert len(fills) == 1


@settings(max_examples=25, deadline=None)
@given(instances(max_students=4, max_openings=3), TIE_BREAKING, SEEDS)
def test_no_student_gains_by_misreporting(inst: Instance, tb: str, seed: int) -> None:
    options = Options(tie_breaking=tb, seed=seed)  # type: ignore[arg-type]
    problem = inst.problem()
    truthful = allocate(problem, options)
    ref = Reference.of(problem, truthful.lottery)
    oids = [o.id for o in inst.openings]
    for s in range(ref.n):
        honest = ref.position(s, as_matching(truthful.assignment)[s])
        for length in range(len(oids) + 1):
            for report in itertools.permutations(oids, length):
                lie = allocate(inst.with_preferences(s, report).problem(), options)
                assert ref.position(s, as_matching(lie.assignment)[s]) >= honest


@SETTINGS
@given(instances(max_students=6, max_openings=3), TIE_BREAKING, SEEDS, st.data())
def test_cutoff_verification_matches_the_definition(
    inst: Instance, tb: str, seed: int, data: st.DataObject
) -> None:
    """The linear-time check counts exactly the blocking pairs of the definition, on arbitrary
    (mostly unstable, sometimes invalid) allocations."""
    problem = inst.problem()
    options = Options(tie_breaking=tb, seed=seed, max_listed=1000)  # type: ignore[arg-type]
    choices = [[-1, *problem.preferences_of(s)] for s in range(problem.n_students)]
    assignment = [data.draw(st.sampled_from(c)) for c in choices]
    result = assess(problem, np.array(assignment), options)
    ref = Reference.of(problem, result.lottery)
    m = as_matching(assignment)
    assert result.verification.valid == ref.valid(m)
    if ref.valid(m):
        pairs = ref.blocking_pairs(m)
        assert result.verification.blocking_pairs == len(pairs)
        listed = {(problem.student_index[s], problem.opening_index[o]) for s, o in
                  result.verification.blocking_pairs_listed}  # fmt: skip
        assert listed == set(pairs)


@SETTINGS
@given(instances(max_students=5, max_openings=3), TIE_BREAKING, SEEDS)
def test_welfare_is_optimal(inst: Instance, tb: str, seed: int) -> None:
    problem = inst.problem()
    options = Options(objective="welfare", tie_breaking=tb, seed=seed)  # type: ignore[arg-type]
    result = allocate(problem, options)
    ref = Reference.of(problem, result.lottery)
    m = as_matching(result.assignment)
    unmatched = problem.max_list_length + 1
    assert ref.valid(m)
    assert result.verification.valid
    assert result.metrics.total_cost == ref.cost(m, unmatched)
    assert result.metrics.total_cost == min(ref.cost(x, unmatched) for x in ref.matchings())
    assert result.verification.blocking_pairs == len(ref.blocking_pairs(m))
    stable = allocate(problem, Options(tie_breaking=tb, seed=seed))  # type: ignore[arg-type]
    assert result.metrics.total_cost <= stable.metrics.total_cost


@SETTINGS
@given(instances(max_students=8, max_openings=4), TIE_BREAKING, SEEDS)
def test_same_input_and_seed_same_result(inst: Instance, tb: str, seed: int) -> None:
    options = Options(tie_breaking=tb, seed=seed)  # type: ignore[arg-type]
    first = allocate(inst.problem(), options)
    again = allocate(inst.problem(), options)
    assert first.to_json() == again.to_json()


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(instances(max_students=7, max_openings=4), TIE_BREAKING, SEEDS)
def test_student_optimal_many(inst: Instance, tb: str, seed: int) -> None:
    test_student_proposing_is_student_optimal.hypothesis.inner_test(inst, tb, seed)  # type: ignore[attr-defined]
    test_opening_proposing_is_opening_optimal.hypothesis.inner_test(inst, tb, seed)  # type: ignore[attr-defined]
