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

import datetime as dt
import json
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

BLOCKS = "blocks"
WARNS = "warns"
SEVERITIES = (BLOCKS, WARNS)
SCOPES = ("opening", "pair", "placement", "timesheet")
RULESET_FORMAT = "qiao-compliance/1"


class RuleSetError(ValueError):
    """A rule set that cannot be used, with the place of the problem (``rules[3].params``)."""

    def __init__(self, place: str, message: str) -> None:
        super().__init__(f"{place}: {message}")
        self.place = place
        self.message = message


@dataclass(frozen=True)
class OpeningFacts:
    """What the rules need to know about an opening. Unknown values are None."""

    kind: str
    start: dt.date | None = None
    end: dt.date | None = None
    seats: int = 0
    hours_per_day: Decimal | None = None
    days_per_week: int | None = None
    night_work: bool = False
    overtime: bool = False
    public_holiday_work: bool = False
    pay_amount: Decimal | None = None
    probation_wage: Decimal | None = None
    insurer: str = ""
    insurance_from: dt.date | None = None
    insurance_to: dt.date | None = None
    fee_charged: Decimal = Decimal(0)
    via_agency: bool = False
    majors: frozenset[str] = frozenset()
    min_age: int | None = None
    cohort_year: int | None = None
    post_headcount: int | None = None
    host_workforce: int | None = None
    # Interns the host would have at once with this opening's seats included.
    host_interns: int | None = None


@dataclass(frozen=True)
class StudentFacts:
    """What the rules need to know about a student (for pair rules)."""

    major: str | None = None
    date_of_birth: dt.date | None = None
    cohort_year: int | None = None

    def age_on(self, day: dt.date | None) -> int | None:
        if self.date_of_birth is None or day is None:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


@dataclass(frozen=True)
class PlacementFacts:
    """What the rules need to know about one placement before it starts."""

    start: dt.date | None
    agreement_signed_on: dt.date | None = None
    end: dt.date | None = None
    insurer: str = ""
    insurance_from: dt.date | None = None
    insurance_to: dt.date | None = None


@dataclass(frozen=True)
class DayFacts:
    """One day of a timesheet."""

    day: dt.date
    hours: Decimal
    night: bool = False
    holiday: bool = False


@dataclass(frozen=True)
class TimesheetFacts:
    """A week the student recorded."""

    week_start: dt.date
    days: tuple[DayFacts, ...] = ()

    @property
    def total(self) -> Decimal:
        return sum((d.hours for d in self.days), Decimal(0))


@dataclass(frozen=True)
class Rule:
    id: str
    scope: str
    check: str
    severity: str
    message_en: str
    message_zh: str
    clause: str
    params: Mapping[str, Any] = field(default_factory=dict)
    kinds: frozenset[str] = frozenset()  # opening kinds the rule applies to; empty = all

    def applies_to(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


@dataclass(frozen=True)
class RuleSet:
    code: str
    version: int
    title_en: str
    title_zh: str
    rules: tuple[Rule, ...]

    def for_scope(self, scope: str) -> list[Rule]:
        return [r for r in self.rules if r.scope == scope]


@dataclass(frozen=True)
class Violation:
    rule_id: str
    severity: str
    message_en: str
    message_zh: str
    clause: str
    detail: Mapping[str, Any] = field(default_factory=dict)

    @property
    def blocks(self) -> bool:
        return self.severity == BLOCKS

    def message(self, language: str | None) -> str:
        if (language or "").lower().startswith("zh") and self.message_zh:
            return self.message_zh
        return self.message_en

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            "severity": self.severity,
            "message_en": self.message_en,
            "message_zh": self.message_zh,
            "clause": self.clause,
            "detail": {k: _plain(v) for k, v in self.detail.items()},
        }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(value.quantize(Decimal(1)))
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# --- Checks: each returns None (fine) or the numbers to put in the message -------------------

Detail = dict[str, Any] | None
OpeningCheck = Callable[[OpeningFacts, Mapping[str, Any]], Detail]
PairCheck = Callable[[OpeningFacts, StudentFacts, Mapping[str, Any]], Detail]
PlacementCheck = Callable[[PlacementFacts, Mapping[str, Any]], Detail]


def _min_age(o: OpeningFacts, s: StudentFacts, p: Mapping[str, Any]) -> Detail:
    age = s.age_on(o.start)
    if age is None:
        return {"limit": p["age"], "value": "?"} if p.get("unknown_fails", True) else None
    return {"limit": p["age"], "value": age} if age < p["age"] else None


def _max_hours_day(o: OpeningFacts, p: Mapping[str, Any]) -> Detail:
    limit = Decimal(str(p["hours"]))
    if o.hours_per_day is None or o.hours_per_day <= limit:
        return None
    return {"limit": limit, "value": o.hours_per_day}


def _max_hours_week(o: OpeningFacts, p: Mapping[str, Any]) -> Detail:
    limit = Decimal(str(p["hours"]))
    if o.hours_per_day is None or o.days_per_week is None:
        return None
    week = o.hours_per_day * o.days_per_week
    return {"limit": limit, "value": week} if week > limit else None


def _flag(name: str) -> OpeningCheck:
    def check(o: OpeningFacts, p: Mapping[str, Any]) -> Detail:
        return {} if getattr(o, name) else None

    return check


def _pay_floor(o: OpeningFacts, p: Mapping[str, Any]) -> Detail:
    share = Decimal(str(p["share"]))
    if o.probation_wage is None or o.probation_wage <= 0:
        return {"share": int(share * 100), "value": "?", "floor": "?"}
    floor = (o.probation_wage * share).quantize(Decimal("0.01"))
    pay = o.pay_amount or Decimal(0)
    return {"share": int(share * 100), "value": pay, "floor": floor} if pay < floor else None


def _insurance(o: OpeningFacts, p: Mapping[str, Any]) -> Detail:
    if not o.insurer.strip() or o.insurance_from is None or o.insurance_to is None:
        return {"start": o.start or "?", "end": o.end or "?"}
    starts_late = o.start is not None and o.insurance_from > o.start
    ends_early = o.end is not None and o.insurance_to < o.end
    if starts_late or ends_early:
        return {"start": o.start or "?", "end": o.end or "?"}
    return None


def _no_fee(o: OpeningFacts, p: Mapping[str, Any]) -> Detail:
    return {"value": o.fee_charged} if o.fee_charged > 0 else None


def _share(value: int | None, total: int | None, limit: Decimal) -> Detail:
    if value is None or total is None:
        return None
    if total <= 0 or Decimal(value) > Decimal(total) * limit:
        return {"limit": int(limit * 100), "value": value, "total": total}
    return None


def _host_share(o: OpeningFacts, p: Mapping[str, Any]) -> Detail:
    return _share(o.host_interns, o.host_workforce, Decimal(str(p["share"])))


def _post_share(o: OpeningFacts, p: Mapping[str, Any]) -> Detail:
    return _share(o.seats, o.post_headcount, Decimal(str(p["share"])))


def _majors_listed(o: OpeningFacts, p: Mapping[str, Any]) -> Detail:
    return {} if not o.majors else None


def _major_relevant(o: OpeningFacts, s: StudentFacts, p: Mapping[str, Any]) -> Detail:
    if not o.majors:
        return None
    if s.major is None or s.major not in o.majors:
        return {"major": s.major or "?"}
    return None


def _agreement_before_start(pl: PlacementFacts, p: Mapping[str, Any]) -> Detail:
    if pl.agreement_signed_on is None:
        return {"start": pl.start or "?"}
    if pl.start is not None and pl.agreement_signed_on > pl.start:
        return {"start": pl.start, "signed": pl.agreement_signed_on}
    return None


def _placement_insurance(pl: PlacementFacts, p: Mapping[str, Any]) -> Detail:
    facts = OpeningFacts(
        kind="",
        start=pl.start,
        end=pl.end,
        insurer=pl.insurer,
        insurance_from=pl.insurance_from,
        insurance_to=pl.insurance_to,
    )
    return _insurance(facts, p)


def _ts_hours_day(t: TimesheetFacts, p: Mapping[str, Any]) -> Detail:
    limit = Decimal(str(p["hours"]))
    over = [d for d in t.days if d.hours > limit]
    if not over:
        return None
    worst = max(over, key=lambda d: d.hours)
    return {"limit": limit, "value": worst.hours, "day": worst.day, "days": len(over)}


def _ts_hours_week(t: TimesheetFacts, p: Mapping[str, Any]) -> Detail:
    limit = Decimal(str(p["hours"]))
    total = t.total
    return {"limit": limit, "value": total, "week": t.week_start} if total > limit else None


def _ts_flag(name: str) -> Callable[[TimesheetFacts, Mapping[str, Any]], Detail]:
    def check(t: TimesheetFacts, p: Mapping[str, Any]) -> Detail:
        days = [d.day for d in t.days if getattr(d, name) and d.hours > 0]
        return {"day": days[0], "days": len(days)} if days else None

    return check


OPENING_CHECKS: dict[str, OpeningCheck] = {
    "max_hours_per_day": _max_hours_day,
    "max_hours_per_week": _max_hours_week,
    "no_night_work": _flag("night_work"),
    "no_overtime": _flag("overtime"),
    "no_public_holiday_work": _flag("public_holiday_work"),
    "pay_floor": _pay_floor,
    "insurance_whole_period": _insurance,
    "no_fees": _no_fee,
    "no_agency": _flag("via_agency"),
    "host_workforce_share": _host_share,
    "post_share": _post_share,
    "majors_listed": _majors_listed,
}
PAIR_CHECKS: dict[str, PairCheck] = {
    "min_age": _min_age,
    "major_relevant": _major_relevant,
}
PLACEMENT_CHECKS: dict[str, PlacementCheck] = {
    "agreement_before_start": _agreement_before_start,
    "insurance_whole_period": _placement_insurance,
}
TimesheetCheck = Callable[[TimesheetFacts, Mapping[str, Any]], Detail]
TIMESHEET_CHECKS: dict[str, TimesheetCheck] = {
    "max_hours_per_day": _ts_hours_day,
    "max_hours_per_week": _ts_hours_week,
    "no_night_work": _ts_flag("night"),
    "no_public_holiday_work": _ts_flag("holiday"),
}
CHECKS_BY_SCOPE: dict[str, Mapping[str, Any]] = {
    "opening": OPENING_CHECKS,
    "pair": PAIR_CHECKS,
    "placement": PLACEMENT_CHECKS,
    "timesheet": TIMESHEET_CHECKS,
}
# Parameters each check needs, with their type.
PARAMS: dict[str, dict[str, type]] = {
    "min_age": {"age": int},
    "max_hours_per_day": {"hours": float},
    "max_hours_per_week": {"hours": float},
    "pay_floor": {"share": float},
    "host_workforce_share": {"share": float},
    "post_share": {"share": float},
}


# Placeholders each check fills in its message (the keys of the detail it returns); a message
# may use only these, as bare names: no attribute, index, conversion or format spec.
_LIMIT = frozenset({"limit", "value"})
_SHARE = frozenset({"limit", "value", "total"})
_PERIOD = frozenset({"start", "end"})
_DAYS = frozenset({"day", "days"})
PLACEHOLDERS: dict[tuple[str, str], frozenset[str]] = {
    ("opening", "max_hours_per_day"): _LIMIT,
    ("opening", "max_hours_per_week"): _LIMIT,
    ("opening", "no_night_work"): frozenset(),
    ("opening", "no_overtime"): frozenset(),
    ("opening", "no_public_holiday_work"): frozenset(),
    ("opening", "pay_floor"): frozenset({"share", "value", "floor"}),
    ("opening", "insurance_whole_period"): _PERIOD,
    ("opening", "no_fees"): frozenset({"value"}),
    ("opening", "no_agency"): frozenset(),
    ("opening", "host_workforce_share"): _SHARE,
    ("opening", "post_share"): _SHARE,
    ("opening", "majors_listed"): frozenset(),
    ("pair", "min_age"): _LIMIT,
    ("pair", "major_relevant"): frozenset({"major"}),
    ("placement", "agreement_before_start"): frozenset({"start", "signed"}),
    ("placement", "insurance_whole_period"): _PERIOD,
    ("timesheet", "max_hours_per_day"): _LIMIT | _DAYS,
    ("timesheet", "max_hours_per_week"): _LIMIT | {"week"},
    ("timesheet", "no_night_work"): _DAYS,
    ("timesheet", "no_public_holiday_work"): _DAYS,
}


def unknown_placeholders(template: str, allowed: frozenset[str] | None) -> list[str]:
    """The placeholders of a message template that a check filling `allowed` cannot fill, as
    written ("{foo}", "{value:d}"). Only bare names are accepted: "{value.__class__}" or
    "{value:d}" would reach into the value or fail on the "?" standing for an unknown number.
    `allowed` None (a check missing from PLACEHOLDERS) accepts any bare name. Raises
    ValueError on unbalanced braces."""
    bad = []
    for _text, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        known = name.isidentifier() if allowed is None else name in allowed
        if known and not spec and not conversion:
            continue
        conv = f"!{conversion}" if conversion else ""
        bad.append("{" + name + conv + (f":{spec}" if spec else "") + "}")
    return bad


def message_problem(template: str, allowed: frozenset[str] | None) -> str | None:
    """Why a message template cannot be used with a check that fills `allowed`; None if fine."""
    try:
        bad = unknown_placeholders(template, allowed)
    except ValueError as exc:
        return f"bad placeholder: {exc} (write {{{{ and }}}} for literal braces)"
    if not bad:
        return None
    if allowed is None:
        return f'placeholder "{bad[0]}" must be a bare name such as {{value}}'
    known = ", ".join("{" + n + "}" for n in sorted(allowed)) or "none"
    return f'unknown placeholder "{bad[0]}"; this check fills: {known}'


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


def evaluate_opening(ruleset: RuleSet, opening: OpeningFacts) -> list[Violation]:
    """Every opening-scope rule the opening breaks, in rule-set order."""
    found = []
    for rule in ruleset.for_scope("opening"):
        if not rule.applies_to(opening.kind):
            continue
        detail = OPENING_CHECKS[rule.check](opening, rule.params)
        if detail is not None:
            found.append(_violation(rule, detail))
    return found


def evaluate_pair(
    ruleset: RuleSet, opening: OpeningFacts, student: StudentFacts
) -> list[Violation]:
    """Every pair-scope rule broken by placing `student` at `opening`."""
    found = []
    for rule in ruleset.for_scope("pair"):
        if not rule.applies_to(opening.kind):
            continue
        detail = PAIR_CHECKS[rule.check](opening, student, rule.params)
        if detail is not None:
            found.append(_violation(rule, detail))
    return found


def evaluate_placement(
    ruleset: RuleSet, opening: OpeningFacts, placement: PlacementFacts
) -> list[Violation]:
    """Every placement-scope rule the placement breaks."""
    found = []
    for rule in ruleset.for_scope("placement"):
        if not rule.applies_to(opening.kind):
            continue
        detail = PLACEMENT_CHECKS[rule.check](placement, rule.params)
        if detail is not None:
            found.append(_violation(rule, detail))
    return found


def evaluate_timesheet(
    ruleset: RuleSet, opening_kind: str, timesheet: TimesheetFacts
) -> list[Violation]:
    """Every timesheet-scope rule the recorded week breaks."""
    found = []
    for rule in ruleset.for_scope("timesheet"):
        if not rule.applies_to(opening_kind):
            continue
        detail = TIMESHEET_CHECKS[rule.check](timesheet, rule.params)
        if detail is not None:
            found.append(_violation(rule, detail))
    return found


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


# --- Reading a rule set -------------------------------------------------------------------------

_RULE_KEYS = {"id", "scope", "check", "severity", "message_en", "message_zh", "clause", "params"}
_RULE_OPTIONAL = {"kinds"}


def parse_ruleset(data: Mapping[str, Any]) -> RuleSet:
    """Validate a rule-set document and build it; raises RuleSetError naming the place."""
    if not isinstance(data, Mapping):
        raise RuleSetError("$", "must be an object")
    if data.get("format", RULESET_FORMAT) != RULESET_FORMAT:
        raise RuleSetError("format", f'must be "{RULESET_FORMAT}"')
    for key in ("code", "title_en", "title_zh"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise RuleSetError(key, "must be a non-empty string")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise RuleSetError("version", "must be an integer ≥ 1")
    rules_data = data.get("rules")
    if not isinstance(rules_data, list):
        raise RuleSetError("rules", "must be a list")
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, raw in enumerate(rules_data):
        rules.append(_parse_rule(f"rules[{i}]", raw, seen))
    return RuleSet(
        code=data["code"].strip(),
        version=version,
        title_en=data["title_en"],
        title_zh=data["title_zh"],
        rules=tuple(rules),
    )


def _parse_rule(place: str, raw: Any, seen: set[str]) -> Rule:
    if not isinstance(raw, Mapping):
        raise RuleSetError(place, "must be an object")
    unknown = set(raw) - _RULE_KEYS - _RULE_OPTIONAL
    if unknown:
        raise RuleSetError(f"{place}.{sorted(unknown)[0]}", "unknown field")
    for key in ("id", "scope", "check", "severity", "message_en", "message_zh", "clause"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise RuleSetError(f"{place}.{key}", "must be a non-empty string")
    if raw["id"] in seen:
        raise RuleSetError(f"{place}.id", f'"{raw["id"]}" appears twice')
    seen.add(raw["id"])
    if raw["scope"] not in SCOPES:
        raise RuleSetError(f"{place}.scope", f"must be one of {', '.join(SCOPES)}")
    if raw["check"] not in CHECKS_BY_SCOPE[raw["scope"]]:
        raise RuleSetError(f"{place}.check", f'unknown check "{raw["check"]}" for this scope')
    if raw["severity"] not in SEVERITIES:
        raise RuleSetError(f"{place}.severity", 'must be "blocks" or "warns"')
    params = raw.get("params", {})
    if not isinstance(params, Mapping):
        raise RuleSetError(f"{place}.params", "must be an object")
    for name, kind in PARAMS.get(raw["check"], {}).items():
        value = params.get(name)
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if kind is int:
            number = number and isinstance(value, int)
        if not number or not isinstance(value, int | float) or value < 0:
            raise RuleSetError(f"{place}.params.{name}", "must be a non-negative number")
    kinds = raw.get("kinds", [])
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        raise RuleSetError(f"{place}.kinds", "must be a list of opening kinds")
    allowed = PLACEHOLDERS.get((raw["scope"], raw["check"]))
    for key in ("message_en", "message_zh"):
        problem = message_problem(raw[key], allowed)
        if problem:
            raise RuleSetError(f"{place}.{key}", problem)
    return Rule(
        id=raw["id"],
        scope=raw["scope"],
        check=raw["check"],
        severity=raw["severity"],
        message_en=raw["message_en"],
        message_zh=raw["message_zh"],
        clause=raw["clause"],
        params=dict(params),
        kinds=frozenset(kinds),
    )


DEFAULT_RULESET_PATH = Path(__file__).with_name("default_rules.json")


def default_ruleset_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEFAULT_RULESET_PATH.read_text(encoding="utf-8"))
    return data


def default_ruleset() -> RuleSet:
    """China's 2021 regulation on vocational-school student internships."""
    return parse_ruleset(default_ruleset_data())
