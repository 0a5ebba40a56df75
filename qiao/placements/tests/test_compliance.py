"""Property-based tests of the pure compliance engine (no database)."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qiao.placements.compliance import (
    BLOCKS,
    OpeningFacts,
    PlacementFacts,
    RuleSetError,
    StudentFacts,
    default_ruleset,
    default_ruleset_data,
    eligibility,
    evaluate_opening,
    evaluate_pair,
    evaluate_placement,
    parse_ruleset,
)

RULES = default_ruleset()
KINDS = [
    "cognitive_internship",
    "follow_up_internship",
    "post_internship",
    "apprenticeship",
    "job",
]
INTERNSHIPS = KINDS[:3]

hours = st.decimals(min_value=0, max_value=24, places=2)
money = st.decimals(min_value=0, max_value=50000, places=2)
day = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31))


@st.composite
def openings(draw: st.DrawFn) -> OpeningFacts:
    start = draw(day)
    end = start + dt.timedelta(days=draw(st.integers(0, 400)))
    insured = draw(st.booleans())
    return OpeningFacts(
        kind=draw(st.sampled_from(KINDS)),
        start=start,
        end=end,
        seats=draw(st.integers(1, 200)),
        hours_per_day=draw(hours),
        days_per_week=draw(st.integers(1, 7)),
        night_work=draw(st.booleans()),
        overtime=draw(st.booleans()),
        public_holiday_work=draw(st.booleans()),
        pay_amount=draw(money),
        probation_wage=draw(st.none() | money),
        insurer=draw(st.sampled_from(["", "PICC"])),
        insurance_from=start - dt.timedelta(days=draw(st.integers(-5, 5))) if insured else None,
        insurance_to=end + dt.timedelta(days=draw(st.integers(-5, 5))) if insured else None,
        fee_charged=draw(st.sampled_from([Decimal(0), Decimal(0), Decimal(500)])),
        via_agency=draw(st.booleans()),
        majors=frozenset(draw(st.lists(st.sampled_from(["1", "2", "3"]), max_size=3))),
        post_headcount=draw(st.none() | st.integers(0, 500)),
        host_workforce=draw(st.none() | st.integers(0, 5000)),
        host_interns=draw(st.none() | st.integers(0, 600)),
    )


def _ids(violations: list) -> set[str]:
    return {v.rule_id for v in violations}


@given(openings())
def test_hour_rules_match_the_regulation(o: OpeningFacts) -> None:
    ids = _ids(evaluate_opening(RULES, o))
    internship = o.kind in INTERNSHIPS
    assert o.hours_per_day is not None and o.days_per_week is not None
    assert ("CN2021-HOURS-DAY" in ids) == (internship and o.hours_per_day > 8)
    week = o.hours_per_day * o.days_per_week
    assert ("CN2021-HOURS-WEEK" in ids) == (internship and week > 40)
    assert ("CN2021-NO-NIGHT" in ids) == (internship and o.night_work)
    assert ("CN2021-NO-OVERTIME" in ids) == (internship and o.overtime)
    assert ("CN2021-NO-HOLIDAY" in ids) == (internship and o.public_holiday_work)
    assert ("CN2021-NO-AGENCY" in ids) == (internship and o.via_agency)
    assert ("CN2021-NO-FEES" in ids) == (internship and o.fee_charged > 0)


@given(openings())
def test_pay_floor_is_80_percent_for_post_internships(o: OpeningFacts) -> None:
    ids = _ids(evaluate_opening(RULES, o))
    if o.kind != "post_internship":
        assert "CN2021-PAY-80" not in ids
    elif o.probation_wage is None or o.probation_wage <= 0:
        assert "CN2021-PAY-80" in ids  # unknown wage: cannot show the floor is met
    else:
        floor = (o.probation_wage * Decimal("0.8")).quantize(Decimal("0.01"))
        assert ("CN2021-PAY-80" in ids) == ((o.pay_amount or 0) < floor)


@given(openings())
def test_insurance_must_cover_whole_period(o: OpeningFacts) -> None:
    ids = _ids(evaluate_opening(RULES, o))
    if o.kind not in INTERNSHIPS:
        assert "CN2021-INSURANCE" not in ids
        return
    covered = (
        bool(o.insurer)
        and o.insurance_from is not None
        and o.insurance_to is not None
        and o.start is not None
        and o.end is not None
        and o.insurance_from <= o.start
        and o.insurance_to >= o.end
    )
    assert ("CN2021-INSURANCE" in ids) == (not covered)


@given(openings())
def test_shares(o: OpeningFacts) -> None:
    ids = _ids(evaluate_opening(RULES, o))
    applies = o.kind in ("follow_up_internship", "post_internship")
    if applies and o.post_headcount is not None:
        over = o.post_headcount == 0 or Decimal(o.seats) > Decimal(o.post_headcount) * Decimal(
            "0.2"
        )
        assert ("CN2021-POST-20" in ids) == over
    else:
        assert "CN2021-POST-20" not in ids
    if applies and o.host_workforce is not None and o.host_interns is not None:
        over = o.host_workforce == 0 or o.host_interns > o.host_workforce * Decimal("0.1")
        assert ("CN2021-HOST-10" in ids) == over


@given(openings())
def test_every_violation_is_explained(o: OpeningFacts) -> None:
    for v in evaluate_opening(RULES, o):
        assert v.message_en and v.message_zh and v.clause.startswith("Regulation 2021")
        assert "{" not in v.message_en and "{" not in v.message_zh
        assert v.severity in ("blocks", "warns")


@given(openings())
def test_deterministic_and_order_of_rule_set(o: OpeningFacts) -> None:
    first = evaluate_opening(RULES, o)
    assert first == evaluate_opening(RULES, o)
    order = [r.id for r in RULES.rules]
    positions = [order.index(v.rule_id) for v in first]
    assert positions == sorted(positions)


@given(openings())
def test_a_warning_only_rule_set_never_blocks(o: OpeningFacts) -> None:
    data = copy.deepcopy(default_ruleset_data())
    for rule in data["rules"]:
        rule["severity"] = "warns"
    lenient = parse_ruleset(data)
    assert all(not v.blocks for v in evaluate_opening(lenient, o))
    assert _ids(evaluate_opening(lenient, o)) == _ids(evaluate_opening(RULES, o))


@given(openings(), st.integers(10, 25), day, st.sampled_from(["1", "2", "9", None]))
def test_age_and_major_pair_rules(o: OpeningFacts, years: int, born: dt.date, major) -> None:
    # Day 28 at most: 29 February has no counterpart in most years.
    dob = born.replace(year=max(1990, (o.start or born).year - years), day=min(born.day, 28))
    s = StudentFacts(major=major, date_of_birth=dob)  # cohort unknown: no first-year rule
    ids = _ids(evaluate_pair(RULES, o, s))
    age = s.age_on(o.start)
    assert age is not None
    applies_age = o.kind in ("follow_up_internship", "post_internship")
    assert ("CN2021-AGE-16" in ids) == (applies_age and age < 16)
    relevant = not o.majors or (major is not None and major in o.majors)
    assert ("CN2021-MAJOR" in ids) == (o.kind in INTERNSHIPS and not relevant)
    # Eligibility is exactly: requirements met and no blocking pair rule broken.
    reasons = eligibility(RULES, o, s)
    assert all(r.severity == BLOCKS for r in reasons)
    if not o.majors and o.min_age is None and not (applies_age and age < 16):
        assert reasons == []


@given(
    st.sampled_from(KINDS),
    day,
    st.integers(10, 30),
    st.booleans(),
)
def test_minors_are_kept_from_work_forbidden_to_them(
    kind: str, start: dt.date, years: int, forbidden: bool
) -> None:
    """CN2021-MINORS: exactly when the work is forbidden to minors, the student is under 18 at
    the start, and the opening is an internship; it then blocks eligibility."""
    o = OpeningFacts(kind=kind, start=start, forbidden_for_minors=forbidden)
    s = StudentFacts(date_of_birth=start.replace(year=start.year - years, day=1))
    age = s.age_on(start)
    assert age is not None
    broken = "CN2021-MINORS" in _ids(evaluate_pair(RULES, o, s))
    assert broken == (forbidden and age < 18 and kind in INTERNSHIPS)
    if broken:
        assert "CN2021-MINORS" in _ids(eligibility(RULES, o, s))


@given(
    st.sampled_from(INTERNSHIPS),
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.integers(2018, 2030),
)
def test_no_post_internship_in_the_first_year(kind: str, start: dt.date, cohort: int) -> None:
    """CN2021-FIRST-YEAR: a post internship starting before 1 September of the year after
    enrolment; other kinds and an unknown cohort are never caught."""
    o = OpeningFacts(kind=kind, start=start)
    ids = _ids(evaluate_pair(RULES, o, StudentFacts(cohort_year=cohort)))
    first_year = start < dt.date(cohort + 1, 9, 1)
    assert ("CN2021-FIRST-YEAR" in ids) == (kind == "post_internship" and first_year)
    assert "CN2021-FIRST-YEAR" not in _ids(evaluate_pair(RULES, o, StudentFacts()))


@given(st.sampled_from(KINDS), st.booleans(), st.booleans())
def test_heavy_labour_and_entertainment_venues_block_internships(
    kind: str, heavy: bool, venue: bool
) -> None:
    """Art. 16 (5) and (7): each flag is exactly one blocking violation of an internship."""
    o = OpeningFacts(kind=kind, heavy_labour=heavy, entertainment_venue=venue)
    ids = _ids(evaluate_opening(RULES, o))
    internship = kind in INTERNSHIPS
    assert ("CN2021-NO-HEAVY-LABOUR" in ids) == (heavy and internship)
    assert ("CN2021-NO-ENTERTAINMENT" in ids) == (venue and internship)


def test_a_month_outside_the_year_is_refused() -> None:
    doc = default_ruleset_data()
    rule = next(r for r in doc["rules"] if r["check"] == "not_first_year")
    for bad in (0, 13, 9.5, "9", -1):
        rule["params"]["month"] = bad
        with pytest.raises(RuleSetError, match=r"params\.month"):
            parse_ruleset(doc)


@given(day, st.none() | st.integers(-30, 30))
def test_agreement_before_start(start: dt.date, offset) -> None:
    signed = None if offset is None else start + dt.timedelta(days=offset)
    o = OpeningFacts(kind="post_internship", start=start)
    ids = _ids(
        evaluate_placement(RULES, o, PlacementFacts(start=start, agreement_signed_on=signed))
    )
    assert ("CN2021-AGREEMENT" in ids) == (signed is None or signed > start)


def test_default_rule_set_covers_the_regulation() -> None:
    checks = {r.check for r in RULES.rules}
    assert {
        "min_age",
        "max_hours_per_day",
        "max_hours_per_week",
        "no_overtime",
        "no_night_work",
        "no_public_holiday_work",
        "pay_floor",
        "insurance_whole_period",
        "host_workforce_share",
        "post_share",
        "no_fees",
        "no_agency",
        "major_relevant",
        "agreement_before_start",
        "minor_protection",
        "not_first_year",
        "no_heavy_labour",
        "no_entertainment_venue",
    } <= checks
    assert RULES.version == 3


@pytest.mark.parametrize(
    ("mutate", "place"),
    [
        (lambda d: d.update(version=0), "version"),
        (lambda d: d["rules"][0].update(severity="maybe"), "rules[0].severity"),
        (lambda d: d["rules"][0].update(check="nope"), "rules[0].check"),
        (lambda d: d["rules"][1].update(id=d["rules"][0]["id"]), "rules[1].id"),
        (lambda d: d["rules"][0].update(params={"age": "16"}), "rules[0].params.age"),
        (lambda d: d["rules"][0].update(colour="red"), "rules[0].colour"),
        (lambda d: d["rules"][0].update(message_en="{"), "rules[0].message_en"),
        (lambda d: d.update(rules={}), "rules"),
    ],
)
def test_bad_rule_sets_name_the_place(mutate, place: str) -> None:
    data = copy.deepcopy(default_ruleset_data())
    mutate(data)
    with pytest.raises(RuleSetError) as exc:
        parse_ruleset(data)
    assert exc.value.place == place


@settings(max_examples=50)
@given(st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=4))
def test_garbage_never_crashes(data: dict) -> None:
    with contextlib.suppress(RuleSetError):
        parse_ruleset(data)
