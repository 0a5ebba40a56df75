"""ORM rows → the plain facts the compliance engine reads (and the chosen rule set)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Sum

from qiao.placements.compliance import (
    DayFacts,
    OpeningFacts,
    PlacementFacts,
    RuleSet,
    StudentFacts,
    TimesheetFacts,
    default_ruleset,
    default_ruleset_data,
    parse_ruleset,
)
from qiao.placements.holidays_calendar import calendar_language, public_holidays
from qiao.placements.models import ComplianceRuleSet, Opening, OpeningStatus, SchoolRuleSet


def ruleset_row_for_school(school_id: int) -> ComplianceRuleSet:
    """The school's chosen rule set, else the default one."""
    chosen = SchoolRuleSet.objects.filter(school_id=school_id).select_related("ruleset").first()
    if chosen is not None:
        return chosen.ruleset
    row = ComplianceRuleSet.objects.filter(is_default=True).first()
    if row is None:  # the data migration was rolled back: the packaged default, stored again
        ruleset = default_ruleset()
        row, _created = ComplianceRuleSet.objects.get_or_create(
            code=ruleset.code,
            version=ruleset.version,
            defaults={
                "title_en": ruleset.title_en,
                "title_zh": ruleset.title_zh,
                "document": default_ruleset_data(),
                "is_default": True,
            },
        )
    return row


def ruleset_of(row: ComplianceRuleSet) -> RuleSet:
    """The parsed rule set of a row (a few dozen rules: parsing is cheaper than caching)."""
    return parse_ruleset(row.document)


def host_interns(opening: Opening) -> int:
    """Seats of the host's published openings overlapping this one, this one included."""
    others = (
        Opening.objects.filter(
            host_id=opening.host_id,
            status=OpeningStatus.PUBLISHED,
            start__lte=opening.end,
            end__gte=opening.start,
        )
        .exclude(pk=opening.pk)
        .aggregate(total=Sum("seats"))["total"]
    )
    return int(others or 0) + opening.seats


def opening_facts(
    opening: Opening, *, major_ids: Any = None, interns: int | None = None
) -> OpeningFacts:
    if major_ids is None:
        major_ids = [m.pk for m in opening.majors.all()]
    return OpeningFacts(
        kind=opening.kind,
        start=opening.start,
        end=opening.end,
        seats=opening.seats,
        hours_per_day=opening.hours_per_day,
        days_per_week=opening.days_per_week,
        night_work=opening.night_work,
        overtime=opening.overtime,
        public_holiday_work=opening.public_holiday_work,
        pay_amount=opening.pay_amount,
        probation_wage=opening.probation_wage,
        insurer=opening.insurer,
        insurance_from=opening.insurance_from,
        insurance_to=opening.insurance_to,
        fee_charged=opening.fee_charged,
        via_agency=opening.via_agency,
        forbidden_for_minors=opening.forbidden_for_minors,
        heavy_labour=opening.heavy_labour,
        entertainment_venue=opening.entertainment_venue,
        majors=frozenset(str(m) for m in major_ids),
        min_age=opening.min_age,
        cohort_year=opening.cohort_year,
        post_headcount=opening.post_headcount,
        host_workforce=opening.host_workforce,
        host_interns=interns,
    )


def student_facts(
    *, major_id: int | None, date_of_birth: Any, cohort_year: int | None
) -> StudentFacts:
    return StudentFacts(
        major=str(major_id) if major_id is not None else None,
        date_of_birth=date_of_birth,
        cohort_year=cohort_year,
    )


def placement_facts(placement: Any) -> PlacementFacts:
    """A placement before it starts (and weekly while it runs): its period, when its
    three-party agreement was signed, its insurance policy."""
    from django.utils import timezone

    from qiao.placements.models import InsurancePolicy

    opening = placement.opening
    policy = InsurancePolicy.objects.filter(placement_id=placement.pk).first()
    signed = placement.agreement_signed_at
    return PlacementFacts(
        start=opening.start,
        end=opening.end,
        agreement_signed_on=timezone.localdate(signed) if signed else None,
        insurer=policy.insurer if policy else "",
        insurance_from=policy.starts if policy else None,
        insurance_to=policy.ends if policy else None,
    )


def holiday_country(opening: Opening) -> str:
    """The country whose public holidays apply to an opening: its site's (an overseas
    workshop has its own), else its host's; "" when neither is known."""
    site = opening.site if opening.site_id else None
    country = site.country if site is not None else opening.host.country
    return str(getattr(country, "code", country) or "")


def opening_holidays(
    opening: Opening, start: dt.date, end: dt.date, *, language: str | None = None
) -> dict[dt.date, str]:
    """The statutory public holidays where the opening's interns work, from `start` to `end`,
    named in `language` (a Django language code; default: the active language)."""
    from django.utils.translation import get_language

    return public_holidays(
        holiday_country(opening), start, end, calendar_language(language or get_language())
    )


def week_holidays(
    opening: Opening, week_start: dt.date, *, language: str | None = None
) -> dict[dt.date, str]:
    """The statutory public holidays of the week starting on `week_start`."""
    return opening_holidays(
        opening, week_start, week_start + dt.timedelta(days=6), language=language
    )


def timesheet_facts(timesheet: Any) -> TimesheetFacts:
    """A recorded week. A day is a public holiday when the calendar says so or the student
    ticked it (a local holiday the calendar does not know); the calendar is asked again here,
    so weeks recorded before a holiday was known are judged by it too."""
    calendar = week_holidays(timesheet.placement.opening, timesheet.week_start, language="en")
    return TimesheetFacts(
        week_start=timesheet.week_start,
        days=tuple(
            DayFacts(
                day=d.day, hours=d.hours, night=d.night, holiday=d.holiday or d.day in calendar
            )
            for d in timesheet.days.all()
        ),
    )
