"""Rules applied to facts: the violations of an opening, a student at an opening, a placement,
a timesheet; and why a student is not eligible for an opening."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from qiao.placements.compliance.checks import (
    OPENING_CHECKS,
    PAIR_CHECKS,
    PLACEMENT_CHECKS,
    TIMESHEET_CHECKS,
    Detail,
)
from qiao.placements.compliance.rules import (
    BLOCKS,
    OpeningFacts,
    PlacementFacts,
    Rule,
    RuleSet,
    StudentFacts,
    TimesheetFacts,
    Violation,
    _plain,
)

# --- Evaluation --------------------------------------------------------------------------------


def _violation(rule: Rule, detail: dict[str, Any]) -> Violation:
    values = {k: _plain(v) for k, v in detail.items()}
    return Violation(
        rule_id=rule.id,
        severity=rule.severity,
        message_en=_fill(rule.message_en, values),
        message_zh=_fill(rule.message_zh, values),
        clause=rule.clause,
        detail=values,
    )


class _Missing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def _fill(template: str, values: Mapping[str, Any]) -> str:
    return template.format_map(_Missing(values))


def _evaluate(
    ruleset: RuleSet, scope: str, kind: str, check: Callable[[Rule], Detail]
) -> list[Violation]:
    """The rules of `scope` applying to openings of `kind` that `check` finds broken, in
    rule-set order."""
    found = []
    for rule in ruleset.for_scope(scope):
        if rule.applies_to(kind):
            detail = check(rule)
            if detail is not None:
                found.append(_violation(rule, detail))
    return found


def evaluate_opening(ruleset: RuleSet, opening: OpeningFacts) -> list[Violation]:
    """Every opening-scope rule the opening breaks, in rule-set order."""
    return _evaluate(
        ruleset, "opening", opening.kind, lambda r: OPENING_CHECKS[r.check](opening, r.params)
    )


def evaluate_pair(
    ruleset: RuleSet, opening: OpeningFacts, student: StudentFacts
) -> list[Violation]:
    """Every pair-scope rule broken by placing `student` at `opening`."""
    return _evaluate(
        ruleset,
        "pair",
        opening.kind,
        lambda r: PAIR_CHECKS[r.check](opening, student, r.params),
    )


def evaluate_placement(
    ruleset: RuleSet, opening: OpeningFacts, placement: PlacementFacts
) -> list[Violation]:
    """Every placement-scope rule the placement breaks."""
    return _evaluate(
        ruleset,
        "placement",
        opening.kind,
        lambda r: PLACEMENT_CHECKS[r.check](placement, r.params),
    )


def evaluate_timesheet(
    ruleset: RuleSet, opening_kind: str, timesheet: TimesheetFacts
) -> list[Violation]:
    """Every timesheet-scope rule the recorded week breaks."""
    return _evaluate(
        ruleset,
        "timesheet",
        opening_kind,
        lambda r: TIMESHEET_CHECKS[r.check](timesheet, r.params),
    )


def blocking(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.blocks]


REQUIREMENTS_CLAUSE = "Opening requirements"


def requirement_reasons(opening: OpeningFacts, student: StudentFacts) -> list[Violation]:
    """The opening's own requirements (minimum age, cohort, majors) the student does not meet."""
    found = []
    age = student.age_on(opening.start)
    if opening.min_age is not None and (age is None or age < opening.min_age):
        found.append(
            Violation(
                "REQ-AGE",
                BLOCKS,
                f"This opening requires a minimum age of {opening.min_age}; "
                f"you are {'?' if age is None else age} at the start.",
                f"该岗位要求最低年龄{opening.min_age}岁；"
                f"实习开始时您为{'?' if age is None else age}岁。",
                REQUIREMENTS_CLAUSE,
                {"limit": opening.min_age, "value": age},
            )
        )
    if opening.cohort_year is not None and student.cohort_year != opening.cohort_year:
        found.append(
            Violation(
                "REQ-COHORT",
                BLOCKS,
                f"This opening is for the {opening.cohort_year} cohort.",
                f"该岗位面向{opening.cohort_year}级学生。",
                REQUIREMENTS_CLAUSE,
                {"cohort": opening.cohort_year},
            )
        )
    if opening.majors and (student.major is None or student.major not in opening.majors):
        found.append(
            Violation(
                "REQ-MAJOR",
                BLOCKS,
                "This opening is not open to your major.",
                "该岗位不面向您所学的专业。",
                REQUIREMENTS_CLAUSE,
                {"major": student.major or "?"},
            )
        )
    return found


def eligibility(ruleset: RuleSet, opening: OpeningFacts, student: StudentFacts) -> list[Violation]:
    """Why `student` may not be placed at `opening` (empty: eligible): the opening's own
    requirements, then every blocking pair rule. A pair rule that says the same as a
    requirement (the major) replaces it, so the student reads the regulation's reason once."""
    rules = blocking(evaluate_pair(ruleset, opening, student))
    reqs = requirement_reasons(opening, student)
    if any("major" in r.detail for r in rules):
        reqs = [r for r in reqs if r.rule_id != "REQ-MAJOR"]
    return reqs + rules
