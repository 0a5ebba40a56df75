"""The checks a rule may name, by scope, with the parameters they take and the placeholders
they fill in a rule's messages."""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from qiao.placements.compliance.rules import (
    OpeningFacts,
    PlacementFacts,
    StudentFacts,
    TimesheetFacts,
)

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


def _minor_protection(o: OpeningFacts, s: StudentFacts, p: Mapping[str, Any]) -> Detail:
    """A minor (under `age`) may not take work the law on juvenile workers forbids to minors."""
    if not o.forbidden_for_minors:
        return None
    age = s.age_on(o.start)
    if age is None:
        return {"limit": p["age"], "value": "?"} if p.get("unknown_fails", True) else None
    return {"limit": p["age"], "value": age} if age < p["age"] else None


def _not_first_year(o: OpeningFacts, s: StudentFacts, p: Mapping[str, Any]) -> Detail:
    """Not in the first year of study: a student who enrolled in `cohort_year` starts her second
    year on the first day of `month` (the school year's first month) a year later."""
    if s.cohort_year is None or o.start is None:
        return None
    second_year = dt.date(s.cohort_year + 1, int(p["month"]), 1)
    if o.start >= second_year:
        return None
    return {"cohort": s.cohort_year, "start": o.start, "from": second_year}


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
    "no_heavy_labour": _flag("heavy_labour"),
    "no_entertainment_venue": _flag("entertainment_venue"),
    "host_workforce_share": _host_share,
    "post_share": _post_share,
    "majors_listed": _majors_listed,
}
PAIR_CHECKS: dict[str, PairCheck] = {
    "min_age": _min_age,
    "major_relevant": _major_relevant,
    "minor_protection": _minor_protection,
    "not_first_year": _not_first_year,
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
    "minor_protection": {"age": int},
    "not_first_year": {"month": int},
    "max_hours_per_day": {"hours": float},
    "max_hours_per_week": {"hours": float},
    "pay_floor": {"share": float},
    "host_workforce_share": {"share": float},
    "post_share": {"share": float},
}
# Parameters with a narrower range than "a non-negative number" (inclusive bounds).
PARAM_RANGES: dict[str, tuple[int, int]] = {"month": (1, 12)}


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
    ("opening", "no_heavy_labour"): frozenset(),
    ("opening", "no_entertainment_venue"): frozenset(),
    ("opening", "host_workforce_share"): _SHARE,
    ("opening", "post_share"): _SHARE,
    ("opening", "majors_listed"): frozenset(),
    ("pair", "min_age"): _LIMIT,
    ("pair", "major_relevant"): frozenset({"major"}),
    ("pair", "minor_protection"): _LIMIT,
    ("pair", "not_first_year"): frozenset({"cohort", "start", "from"}),
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
