"""The compliance rules engine: pure (no Django), so it is property-tested on its own.

A rule set is data (see `default_rules.json` and docs/placements.md): each rule names a
*check* (one of the functions in `CHECKS`), its parameters, a severity ("blocks" or "warns"),
plain-language messages in English and Chinese and the clause of the regulation it comes from.
Facts go in as plain dataclasses; violations come out. Messages are templates filled with the
numbers of the case ("at most {limit} hours a day; this opening has {value}").

Three scopes:

- ``opening``: checked on an opening when it is published (and shown on the compliance page);
- ``pair``: a student at an opening, checked inside allocation (an ineligible pair is never
  produced and is reported back with the reason);
- ``placement``: checked on a placement before it starts (the three-party agreement, its
  insurance policy) and again every week while it is active;
- ``timesheet``: checked on a week a student recorded (hours a day and a week, nights,
  public holidays): a timesheet records what happened, so these raise alerts, never refuse.
"""

from __future__ import annotations

from qiao.placements.compliance.checks import (
    CHECKS_BY_SCOPE,
    OPENING_CHECKS,
    PAIR_CHECKS,
    PARAM_RANGES,
    PARAMS,
    PLACEHOLDERS,
    PLACEMENT_CHECKS,
    TIMESHEET_CHECKS,
    Detail,
    OpeningCheck,
    PairCheck,
    PlacementCheck,
    TimesheetCheck,
    message_problem,
    unknown_placeholders,
)
from qiao.placements.compliance.evaluate import (
    REQUIREMENTS_CLAUSE,
    blocking,
    eligibility,
    evaluate_opening,
    evaluate_pair,
    evaluate_placement,
    evaluate_timesheet,
    requirement_reasons,
)
from qiao.placements.compliance.parse import (
    DEFAULT_RULESET_PATH,
    default_ruleset,
    default_ruleset_data,
    parse_ruleset,
)
from qiao.placements.compliance.rules import (
    BLOCKS,
    RULESET_FORMAT,
    SCOPES,
    SEVERITIES,
    WARNS,
    DayFacts,
    OpeningFacts,
    PlacementFacts,
    Rule,
    RuleSet,
    RuleSetError,
    StudentFacts,
    TimesheetFacts,
    Violation,
)

__all__ = [
    "BLOCKS",
    "CHECKS_BY_SCOPE",
    "DEFAULT_RULESET_PATH",
    "OPENING_CHECKS",
    "PAIR_CHECKS",
    "PARAMS",
    "PARAM_RANGES",
    "PLACEHOLDERS",
    "PLACEMENT_CHECKS",
    "REQUIREMENTS_CLAUSE",
    "RULESET_FORMAT",
    "SCOPES",
    "SEVERITIES",
    "TIMESHEET_CHECKS",
    "WARNS",
    "DayFacts",
    "Detail",
    "OpeningCheck",
    "OpeningFacts",
    "PairCheck",
    "PlacementCheck",
    "PlacementFacts",
    "Rule",
    "RuleSet",
    "RuleSetError",
    "StudentFacts",
    "TimesheetCheck",
    "TimesheetFacts",
    "Violation",
    "blocking",
    "default_ruleset",
    "default_ruleset_data",
    "eligibility",
    "evaluate_opening",
    "evaluate_pair",
    "evaluate_placement",
    "evaluate_timesheet",
    "message_problem",
    "parse_ruleset",
    "requirement_reasons",
    "unknown_placeholders",
]
