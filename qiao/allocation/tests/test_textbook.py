"""Instances with known answers, worked out by hand."""

from __future__ import annotations

from qiao.allocation import Opening, Options, Problem, Student, allocate

from .reference import Reference, as_matching

MEN = ("alpha", "beta", "gamma")


def gale_shapley_example_1() -> Problem:
    """Gale and Shapley (1962), Example 1: the ranking matrix

             A      B      C
        α  1,3    2,2    3,1
        β  3,1    1,3    2,2
        γ  2,2    3,1    1,3

    (first number: the man's ranking of the woman; second: the woman's ranking of the man).
    Three of the six marriages are stable: every man gets his first choice, every woman gets
    her first choice, or everybody gets a second choice. Men are the students here."""
    return Problem.build(
        [
            Student("alpha", ["A", "B", "C"]),
            Student("beta", ["B", "C", "A"]),
            Student("gamma", ["C", "A", "B"]),
        ],
        [
            Opening("A", 1, priority=["beta", "gamma", "alpha"]),
            Opening("B", 1, priority=["gamma", "alpha", "beta"]),
            Opening("C", 1, priority=["alpha", "beta", "gamma"]),
        ],
    )


def test_gale_shapley_example_1_student_proposing() -> None:
    result = allocate(gale_shapley_example_1())
    assert result.assignments() == {"alpha": "A", "beta": "B", "gamma": "C"}
    assert result.metrics.first_choice_share == 1.0
    assert result.metrics.proposals == 3


def test_gale_shapley_example_1_opening_proposing() -> None:
    result = allocate(gale_shapley_example_1(), Options(proposing="openings"))
    assert result.assignments() == {"alpha": "C", "beta": "A", "gamma": "B"}
    assert result.verification.stable
    assert result.metrics.rank_counts == (0, 0, 3)


def test_gale_shapley_example_1_has_exactly_three_stable_matchings() -> None:
    problem = gale_shapley_example_1()
    result = allocate(problem)
    ref = Reference.of(problem, result.lottery)
    names = [["A", "B", "C"][o] for o in range(3)]
    stable = {tuple(names[o] for o in m if o is not None) for m in ref.stable_matchings()}
    assert stable == {("A", "B", "C"), ("C", "A", "B"), ("B", "C", "A")}
    assert sum(1 for _ in ref.matchings() if all(x is not None for x in _)) == 6


def test_student_proposing_chain_of_rejections() -> None:
    """A hand-run of deferred acceptance with one displacement chain.

    s1: X Y   s2: X Y   s3: Y X   ; X (1 seat) prefers s2 s1 s3, Y (1 seat) prefers s1 s3 s2.
    s1 → X (held); s2 → X: X takes s2, rejects s1; s1 → Y (held); s3 → Y: Y keeps s1,
    rejects s3; s3 → X: X keeps s2, rejects s3. s3 is unplaced after 5 proposals."""
    problem = Problem.build(
        [Student("s1", ["X", "Y"]), Student("s2", ["X", "Y"]), Student("s3", ["Y", "X"])],
        [
            Opening("X", 1, priority=["s2", "s1", "s3"]),
            Opening("Y", 1, priority=["s1", "s3", "s2"]),
        ],
    )
    result = allocate(problem)
    assert result.assignments() == {"s1": "Y", "s2": "X", "s3": None}
    assert result.metrics.proposals == 5
    assert result.unassigned() == ["s3"]


def college_admissions() -> Problem:
    """A many-to-one instance in the manner of Roth and Sotomayor (1990, ch. 5): a college
    with two seats and one with one, where the two sides' optimal stable matchings differ.

    s1: C2 C1   s2: C1 C2   s3: C1 C2 ; C1 (2 seats) prefers s1 s3 s2, C2 (1 seat) s2 s1 s3.
    Students propose: s1 → C2, s2 and s3 → C1: nobody is rejected.
    Colleges propose: C1 → s1, s3; C2 → s2: nobody rejects.
    """
    return Problem.build(
        [Student("s1", ["C2", "C1"]), Student("s2", ["C1", "C2"]), Student("s3", ["C1", "C2"])],
        [
            Opening("C1", 2, priority=["s1", "s3", "s2"]),
            Opening("C2", 1, priority=["s2", "s1", "s3"]),
        ],
    )


def test_college_admissions_both_sides() -> None:
    problem = college_admissions()
    students = allocate(problem)
    colleges = allocate(problem, Options(proposing="openings"))
    assert students.assignments() == {"s1": "C2", "s2": "C1", "s3": "C1"}
    assert colleges.assignments() == {"s1": "C1", "s2": "C2", "s3": "C1"}
    ref = Reference.of(problem, students.lottery)
    assert set(ref.stable_matchings()) == {
        as_matching(students.assignment),
        as_matching(colleges.assignment),
    }


def test_rural_hospital_keeps_the_same_students() -> None:
    """Roth and Sotomayor's rural hospitals theorem on an instance: C3 does not fill in the
    student-optimal matching, so it gets the same students in every stable matching."""
    problem = Problem.build(
        [
            Student("s1", ["C1", "C3"]),
            Student("s2", ["C1", "C2"]),
            Student("s3", ["C2", "C1", "C3"]),
        ],
        [
            Opening("C1", 1, priority=["s3", "s1", "s2"]),
            Opening("C2", 1, priority=["s2", "s3"]),
            Opening("C3", 2, priority=["s1", "s3"]),
        ],
    )
    for proposing in ("students", "openings"):
        result = allocate(problem, Options(proposing=proposing))
        explanation = result.explain_opening("C3")
        assert explanation.filled == 1
        assert not explanation.full
        assert result.assignments()["s1"] == "C3"
