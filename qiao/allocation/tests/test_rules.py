"""Ties and lotteries, eligibility, quotas, welfare, metrics, explanations, progress."""

from __future__ import annotations

import numpy as np
import pytest

from qiao.allocation import (
    Opening,
    Options,
    Problem,
    ProblemError,
    Student,
    allocate,
    assess,
    sentence,
)

from .reference import Reference


def tied(n: int = 6) -> Problem:
    """Everybody ties everywhere: two openings with one seat, scores all equal."""
    ids = [f"s{i}" for i in range(n)]
    return Problem.build(
        [Student(s, ["a", "b"]) for s in ids],
        [
            Opening("a", 1, scores=dict.fromkeys(ids, 1.0)),
            Opening("b", 1, scores=dict.fromkeys(ids, 1.0)),
        ],
    )


# ---------------------------------------------------------------------------- ties


def test_single_tie_breaking_uses_one_lottery_everywhere() -> None:
    result = allocate(tied(), Options(tie_breaking="single", seed=3))
    order = [f"s{i}" for i in result.lottery.student_order.tolist()]  # type: ignore[union-attr]
    # the lottery's first student wins a, its second wins b
    assert result.assignments()[order[0]] == "a"
    assert result.assignments()[order[1]] == "b"
    assert result.to_json()["run"]["lottery"] == order


def test_multiple_tie_breaking_uses_one_lottery_per_opening() -> None:
    result = allocate(tied(), Options(tie_breaking="multiple", seed=3))
    lottery = result.to_json()["run"]["lottery"]
    assert set(lottery) == {"a", "b"}
    assert lottery["a"] != lottery["b"]  # independent draws (1 in 720 that they agree)
    winner_a = lottery["a"][0]
    assert result.assignments()[winner_a] == "a"
    winner_b = next(s for s in lottery["b"] if s != winner_a)
    assert result.assignments()[winner_b] == "b"


@pytest.mark.parametrize("tb", ["single", "multiple"])
def test_same_seed_same_result_and_seeds_matter(tb: str) -> None:
    winners = set()
    for seed in range(12):
        options = Options(tie_breaking=tb, seed=seed)  # type: ignore[arg-type]
        first = allocate(tied(), options).to_json()
        assert allocate(tied(), options).to_json() == first
        winners.add(next(s for s, o in first["assignments"].items() if o == "a"))
    assert len(winners) > 1


def test_scores_order_before_the_lottery() -> None:
    problem = Problem.build(
        [Student("x", ["a"]), Student("y", ["a"]), Student("z", ["a"])],
        [Opening("a", 2, scores={"x": 60, "y": 90.5, "z": 60})],
    )
    for seed in range(6):
        result = allocate(problem, Options(seed=seed))
        assert result.assignments()["y"] == "a"
        loser = result.unassigned()[0]
        (why,) = result.explain_student(loser).above
        assert why.code == "below_cutoff"
        assert why.lottery and why.your_score == why.cutoff_score == 60
        assert why.your_rank == 3 and why.cutoff_rank == 2


def test_strict_priorities_draw_no_lottery() -> None:
    problem = Problem.build([Student("x", ["a"])], [Opening("a", 1, priority=["x"])])
    result = allocate(problem, Options(seed=9))
    assert not result.lottery.used
    assert result.to_json()["run"]["lottery"] is None
    assert result.to_json()["run"]["seed"] == 9


# ---------------------------------------------------------------------------- eligibility


def test_never_placed_where_not_eligible_and_reported() -> None:
    problem = Problem.build(
        [Student("x", ["a", "b"]), Student("y", ["b"])],
        [Opening("a", 5, priority=["y"]), Opening("b", 5, priority=["x", "y"])],
    )
    for options in (Options(), Options(proposing="openings"), Options(objective="welfare")):
        result = allocate(problem, options)
        assert result.assignments() == {"x": "b", "y": "b"}
        assert result.ineligible_choices() == {"x": ["a"]}
        (why,) = result.explain_student("x").above
        assert why.code == "not_eligible" and why.seats_left == 5
        assert "free seat(s) but you were not eligible" in sentence(why)


# ---------------------------------------------------------------------------- quotas


def quota_problem() -> Problem:
    """Two CS students with top priority, a quota of one CS student, two seats."""
    return Problem.build(
        [
            Student("cs1", ["lab"], ["major:cs"]),
            Student("cs2", ["lab", "shop"], ["major:cs", "year:2"]),
            Student("ee1", ["lab"], ["major:ee"]),
        ],
        [
            Opening("lab", 2, priority=["cs1", "cs2", "ee1"], quotas={"major:cs": 1}),
            Opening("shop", 1, priority=["cs2"]),
        ],
    )


@pytest.mark.parametrize("proposing", ["students", "openings"])
def test_quota_caps_a_group(proposing: str) -> None:
    result = allocate(quota_problem(), Options(proposing=proposing))  # type: ignore[arg-type]
    assert result.assignments() == {"cs1": "lab", "cs2": "shop", "ee1": "lab"}
    assert result.verification.stable
    why = result.explain_student("cs2").above[0]
    assert (why.code, why.group, why.quota, why.cutoff_rank, why.your_rank) == (
        "quota_full", "major:cs", 1, 1, 2,
    )  # fmt: skip
    assert "quota for group major:cs (1 seats) was full" in sentence(why)
    lab = result.explain_opening("lab")
    assert lab.full and lab.cutoff_rank == 3
    assert lab.groups[0].full and lab.groups[0].filled == 1
    assert result.metrics.groups["major:cs"].placed == 2


def test_quota_displaces_only_inside_the_group() -> None:
    """A higher-priority CS student displaces the CS student, not the lower EE one."""
    problem = Problem.build(
        [
            Student("ee", ["lab"], ["major:ee"]),
            Student("cs_low", ["lab"], ["major:cs"]),
            Student("cs_top", ["lab"], ["major:cs"]),
        ],
        [Opening("lab", 2, priority=["cs_top", "cs_low", "ee"], quotas={"major:cs": 1})],
    )
    result = allocate(problem)
    assert result.assignments() == {"ee": "lab", "cs_low": None, "cs_top": "lab"}


def test_nested_quotas_are_accepted() -> None:
    problem = Problem.build(
        [
            Student("a", ["o"], ["eng", "eng:cs"]),
            Student("b", ["o"], ["eng", "eng:cs"]),
            Student("c", ["o"], ["eng"]),
            Student("d", ["o"], []),
        ],
        [Opening("o", 3, priority=["a", "b", "c", "d"], quotas={"eng": 2, "eng:cs": 1})],
    )
    result = allocate(problem, Options(objective="welfare"))
    assert result.verification.valid
    assert allocate(problem).assignments() == {"a": "o", "b": None, "c": "o", "d": "o"}


def test_crossing_quotas_are_refused() -> None:
    """Crossing quota groups at one opening are refused: with them a stable allocation may not
    exist. This instance (found by search) has none, as the brute force shows."""
    students = [
        Student("s0", ["o0", "o1"], ["B"]),
        Student("s1", ["o1", "o0"], ["A"]),
        Student("s2", ["o1"], ["A", "B"]),
    ]
    openings = [
        Opening("o0", 1, priority=["s1", "s2", "s0"]),
        Opening("o1", 3, priority=["s0", "s2", "s1"], quotas={"A": 1, "B": 1}),
    ]
    with pytest.raises(ProblemError) as e:
        Problem.build(students, openings)
    assert e.value.place == "openings[1].quotas"
    assert "overlap without one containing the other" in e.value.message
    # the same instance with the check bypassed has no stable matching at all
    problem = Problem.build(students, [openings[0], Opening("o1", 3, priority=["s0", "s2", "s1"])])
    ref = Reference.of(problem, allocate(problem).lottery)
    ref.quotas[1] = {"A": 1, "B": 1}
    assert list(ref.matchings())
    assert ref.stable_matchings() == []


def test_zero_quota_and_zero_capacity() -> None:
    problem = Problem.build(
        [Student("x", ["a", "b"], ["g"])],
        [Opening("a", 0, priority=["x"]), Opening("b", 2, priority=["x"], quotas={"g": 0})],
    )
    result = allocate(problem)
    assert result.unassigned() == ["x"]
    codes = [c.code for c in result.explain_student("x").above]
    assert codes == ["no_seats", "quota_full"]
    assert "admits no students of group g" in sentence(result.explain_student("x"))


# ---------------------------------------------------------------------------- welfare


def test_welfare_trades_stability_for_rank_and_counts_blocking_pairs() -> None:
    """x and y both want a first; a prefers y. Stable: y gets a, x falls to her third.
    Welfare: x gets a (1), y gets b (2): cost 3 instead of 4, but (y, a) blocks."""
    problem = Problem.build(
        [Student("x", ["a", "c", "d"]), Student("y", ["a", "b"])],
        [
            Opening("a", 1, priority=["y", "x"]),
            Opening("b", 1, priority=["y"]),
            Opening("c", 1, priority=[]),  # x ranks c but is not eligible there
            Opening("d", 1, priority=["x"]),
        ],
    )
    stable = allocate(problem)
    welfare = allocate(problem, Options(objective="welfare"))
    assert stable.assignments() == {"x": "d", "y": "a"}
    assert stable.metrics.total_cost == 4
    assert welfare.assignments() == {"x": "a", "y": "b"}
    assert welfare.metrics.total_cost == 3
    assert welfare.verification.valid and not welfare.verification.stable
    assert welfare.verification.blocking_pairs_listed == (("y", "a"),)
    why = welfare.explain_student("y").above[0]
    assert why.code == "above_cutoff"
    assert "placed someone else" in sentence(why)


def test_unmatched_cost_changes_the_welfare_optimum() -> None:
    problem = Problem.build(
        [Student("x", ["a", "b", "c"])],
        [Opening("a", 0, priority=["x"]), Opening("b", 0, priority=["x"]),
         Opening("c", 1, priority=["x"])],
    )  # fmt: skip
    assert allocate(problem, Options(objective="welfare")).assignments() == {"x": "c"}
    cheap = allocate(problem, Options(objective="welfare", unmatched_cost=1))
    assert cheap.assignments() == {"x": None}
    assert cheap.metrics.total_cost == 1
    free = allocate(problem, Options(objective="welfare", unmatched_cost=0))
    assert free.metrics.unmatched_cost == 0


def test_welfare_respects_quotas() -> None:
    result = allocate(quota_problem(), Options(objective="welfare"))
    assert result.verification.valid
    assert result.assignments() == {"cs1": "lab", "cs2": "shop", "ee1": "lab"}


# ---------------------------------------------------------------------------- metrics


def test_metrics() -> None:
    problem = Problem.build(
        [
            Student("a", ["x", "y"], ["g"]),
            Student("b", ["x", "y", "z"], ["g"]),
            Student("c", ["x", "y", "z"], ["h"]),
            Student("d", ["x"], ["h"]),
        ],
        [
            Opening("x", 1, priority=["a", "b", "c", "d"]),
            Opening("y", 1, priority=["b", "c", "a"]),
            Opening("z", 3, priority=["c", "b"]),
        ],
    )
    m = allocate(problem).metrics
    assert (m.students, m.placed, m.unplaced, m.seats, m.seats_left) == (4, 3, 1, 5, 2)
    assert m.rank_counts == (1, 1, 1)
    assert m.first_choice_share == 0.25
    assert m.top_three_share == 0.75
    assert m.mean_rank == 2.0
    assert m.total_cost == 1 + 2 + 3 + 4  # unplaced costs longest list + 1
    assert m.groups["g"].placed == 2 and m.groups["h"].placed == 1
    assert m.proposals == 7


def test_empty_problem() -> None:
    result = allocate(Problem.build([], []))
    assert result.metrics.students == 0
    assert result.verification.stable
    assert result.to_json()["assignments"] == {}


# ---------------------------------------------------------------------------- assess, progress


def test_assess_a_hand_edited_allocation() -> None:
    problem = quota_problem()
    result = assess(problem, {"cs1": "lab", "cs2": "lab", "ee1": None})
    assert not result.verification.valid
    assert [v.code for v in result.verification.violations] == ["over_quota"]
    assert result.verification.violations[0].group == "major:cs"
    result = assess(problem, np.array([-1, 0, 1]))
    assert [v.code for v in result.verification.violations] == ["not_ranked"]
    with pytest.raises(ProblemError, match='unknown opening "nowhere"'):
        assess(problem, {"cs1": "nowhere"})
    with pytest.raises(ProblemError, match="one entry per student"):
        assess(problem, [0])


def test_listing_is_capped_but_counting_is_exact() -> None:
    ids = [f"s{i}" for i in range(30)]
    problem = Problem.build([Student(s, ["a"]) for s in ids], [Opening("a", 30, priority=ids)])
    result = assess(problem, {}, Options(max_listed=5))
    assert result.verification.blocking_pairs == 30
    assert len(result.verification.blocking_pairs_listed) == 5
    assert result.explain_student("s0").above[0].code == "free_seat"


def test_progress_reports_every_phase() -> None:
    seen: list[tuple[str, int, int]] = []
    allocate(quota_problem(), progress=lambda phase, done, total: seen.append((phase, done, total)))
    assert seen == [
        ("lottery", 1, 5), ("ranks", 2, 5), ("match", 3, 5), ("verify", 4, 5), ("metrics", 5, 5),
    ]  # fmt: skip


def test_explanations_of_a_placed_and_an_unplaced_student() -> None:
    result = allocate(quota_problem())
    e = result.explain_student("cs1")
    assert (e.assigned, e.choice, e.above) == ("lab", 1, ())
    assert sentence(e) == "cs1 was placed at lab (choice 1)."
    assert sentence(result.explain_opening("shop")) == "shop: 1 of 1 seats filled; the last " \
        "student admitted had priority rank 1."  # fmt: skip
    with pytest.raises(KeyError):
        result.explain_student("nobody")
