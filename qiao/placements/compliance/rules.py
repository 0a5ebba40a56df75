"""The engine's vocabulary: severities and scopes, the facts it reads, rules, rule sets and
violations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
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
    forbidden_for_minors: bool = False
    heavy_labour: bool = False
    entertainment_venue: bool = False
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
