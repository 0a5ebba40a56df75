"""Public holidays come from the calendar of the country where the intern works: China's
statutory days (not the moved rest days, not the working weekend days) with Chinese and English
names, Germany's for a workshop there, none for a country the calendar does not know. The
server marks them when a week is saved, whatever the page or the API sends; the student's tick
only adds a local holiday."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from qiao.conftest import World
from qiao.core.models import Notification
from qiao.placements import facts, services
from qiao.placements.holidays_calendar import (
    calendar_language,
    is_supported,
    public_holidays,
)
from qiao.placements.models import ComplianceViolation, Site, Timesheet, TimesheetDay
from qiao.placements.services.timesheets import DayEntry
from qiao.placements.tests import factories as f

YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
NATIONAL_DAY = dt.date(2026, 10, 1)
WEEK = dt.date(2026, 9, 28)  # Monday of the week of National Day
TODAY = dt.date(2026, 10, 12)
RULE = "CN2021-TS-HOLIDAY"


# --- The calendar (no database) ---------------------------------------------------------------


def test_china_2026_statutory_days_with_chinese_and_english_names() -> None:
    zh = public_holidays("CN", *YEAR, "zh_CN")
    en = public_holidays("CN", *YEAR, "en_US")
    for day in (1, 2, 3):
        assert zh[dt.date(2026, 10, day)] == "国庆节"
        assert en[dt.date(2026, 10, day)] == "National Day"
    for day in (17, 18, 19):  # 初一 to 初三
        assert zh[dt.date(2026, 2, day)] == "春节"
        assert en[dt.date(2026, 2, day)] == "Chinese New Year (Spring Festival)"
    assert zh[dt.date(2026, 2, 16)] == "农历除夕"  # statutory since the 2024 revision
    assert zh[dt.date(2026, 1, 1)] == "元旦" and en[dt.date(2026, 1, 1)] == "New Year's Day"
    # The 13 days of 法定节假日, the same days in both languages.
    assert len(zh) == 13 and zh.keys() == en.keys()
    # Django's language codes work as well.
    assert public_holidays("cn", *YEAR, "zh-hans") == zh
    assert public_holidays("CN", *YEAR, "en") == en


def test_moved_rest_days_and_working_weekend_days_are_not_holidays() -> None:
    days = public_holidays("CN", *YEAR, "en_US")
    working_weekend_days = [dt.date(2026, 9, 20), dt.date(2026, 10, 10), dt.date(2026, 2, 14)]
    assert all(d.weekday() >= 5 for d in working_weekend_days)
    moved_rest_days = [dt.date(2026, 10, 6), dt.date(2026, 10, 7), dt.date(2026, 2, 20)]
    in_lieu = [dt.date(2026, 10, 5), dt.date(2026, 4, 6)]  # 补假
    for day in working_weekend_days + moved_rest_days + in_lieu:
        assert day not in days, day
    # A statutory day on a weekend still counts (National Day, Saturday 3 October).
    assert dt.date(2026, 10, 3) in days


def test_unknown_country_has_no_holidays_and_no_error() -> None:
    for code in ("XX", "", None, "ZZZ", "??"):
        assert public_holidays(code, *YEAR, "zh_CN") == {}
        assert not is_supported(code)
    assert public_holidays("CN", dt.date(2026, 10, 5), dt.date(2026, 10, 1)) == {}  # backwards
    assert public_holidays("CN", dt.date(1900, 1, 1), dt.date(1900, 12, 31)) == {}  # before 1950


def test_germany_in_german_english_and_fallback() -> None:
    de = public_holidays("DE", *YEAR, "en_US")
    assert de[dt.date(2026, 10, 3)] == "German Unity Day"
    assert NATIONAL_DAY not in de and dt.date(2026, 2, 17) not in de
    assert public_holidays("DE", *YEAR, "de")[dt.date(2026, 10, 3)] == "Tag der Deutschen Einheit"
    # No Chinese names for Germany: English rather than nothing.
    assert public_holidays("DE", *YEAR, "zh-hans")[dt.date(2026, 10, 3)] == "German Unity Day"


def test_language_codes_and_the_cache() -> None:
    from qiao.placements.holidays_calendar import _year

    assert calendar_language("zh-hans") == "zh_CN"
    assert calendar_language("zh-hant") == "zh_TW"
    assert calendar_language("en") == "en_US"
    assert calendar_language(None) == "en_US"
    assert calendar_language("pt-br") == "pt_BR"
    public_holidays("CN", dt.date(2026, 10, 1), dt.date(2026, 10, 7), "en_US")
    before = _year.cache_info()
    across = public_holidays("CN", dt.date(2025, 12, 29), dt.date(2026, 1, 4), "en_US")
    assert set(across) == {dt.date(2026, 1, 1)}
    after = _year.cache_info()
    assert after.hits >= before.hits + 1  # 2026 was cached (per country, year and language)


# --- Timesheets --------------------------------------------------------------------------------


@pytest.fixture
def autumn(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Today is Monday 12 October 2026 (two weeks after National Day)."""
    real = timezone.localdate

    def localdate(*args: Any, **kwargs: Any) -> dt.date:
        return real(*args, **kwargs) if args or kwargs.get("value") else TODAY

    monkeypatch.setattr(timezone, "localdate", localdate)
    yield


def _placement(world: World, country: str = "CN") -> Any:
    kind = "training_base" if country == "CN" else "overseas_workshop"
    site = f.site(world, country=country, kind=kind, city="Shenzhen" if country == "CN" else "")
    return f.active(
        world,
        kind="cognitive_internship",
        start=WEEK,
        end=WEEK + dt.timedelta(days=90),
        site=site,
    )


def _day(sheet: Timesheet, day: dt.date) -> TimesheetDay:
    return sheet.days.get(day=day)


def _open_rules(sheet: Timesheet) -> dict[str, ComplianceViolation]:
    return {
        v.rule_id: v for v in ComplianceViolation.objects.filter(timesheet=sheet, resolved_at=None)
    }


def _tick(page: str, day: str) -> str | None:
    """The student's "Other public holiday (local)" checkbox of a day on the edit page."""
    found = re.search(rf'<input[^>]*name="holiday_{day}"[^>]*>', page)
    return found.group(0) if found else None


@pytest.mark.django_db
def test_hours_on_national_day_raise_the_alert_without_a_tick(world: World, autumn: None) -> None:
    p = _placement(world)
    assert facts.holiday_country(p.opening) == "CN"
    sheet = services.timesheet_save(
        actor=world.users["student"],
        placement=p,
        week_start=WEEK,
        days=[
            DayEntry(day=WEEK + dt.timedelta(days=2), hours="8", activities="Drive test"),
            DayEntry(day=NATIONAL_DAY, hours="8", activities="Base-station check", holiday=False),
        ],
    )
    assert _day(sheet, NATIONAL_DAY).holiday is True
    assert _day(sheet, WEEK + dt.timedelta(days=2)).holiday is False
    services.timesheet_submit(actor=world.users["student"], timesheet=sheet)
    alert = _open_rules(sheet)[RULE]
    assert "2026-10-01" in alert.message_en and "National Day" in alert.message_en
    assert "国庆节" in alert.message_zh
    note = Notification.objects.get(
        recipient=world.users["coordinator"], kind="placements.compliance"
    )
    assert RULE in note.body and "National Day" in note.body


@pytest.mark.django_db
def test_a_hostile_client_cannot_clear_a_holiday(world: World, autumn: None) -> None:
    p = _placement(world)
    student = world.client("student")
    r = student.post(
        f"/api/v1/placements/placements/{p.pk}/timesheets",
        json.dumps(
            {
                "week_start": WEEK.isoformat(),
                "days": [
                    {"day": "2026-10-01", "hours": "8", "holiday": False},
                    {"day": "2026-09-30", "hours": "8", "holiday": True},  # a local holiday
                    {"day": "2026-09-29", "hours": "8", "holiday": False},
                ],
                "submit": True,
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    days = {d["day"]: d["holiday"] for d in r.json()["days"]}
    assert days == {"2026-09-29": False, "2026-09-30": True, "2026-10-01": True}
    sheet = Timesheet.objects.get(pk=r.json()["id"])
    assert RULE in _open_rules(sheet)


@pytest.mark.django_db
def test_the_page_names_the_holiday_and_ignores_a_posted_false(world: World, autumn: None) -> None:
    p = _placement(world)
    student = world.client("student")
    edit = reverse("placements:timesheet_edit", args=[p.pk]) + f"?week={WEEK.isoformat()}"
    page = student.get(edit).content.decode()
    assert "National Day" in page
    assert _tick(page, "2026-10-01") is None  # no tick on a calendar holiday
    assert _tick(page, "2026-09-30") is not None and "Other public holiday (local)" in page
    student.cookies["django_language"] = "zh-hans"
    assert "国庆节" in student.get(edit).content.decode()
    student.post(
        edit,
        {
            "week": WEEK.isoformat(),
            "hours_2026-10-01": "6",
            "holiday_2026-10-01": "",  # forged: the form has no such field
            "hours_2026-09-29": "8",
            "submit": "1",
        },
    )
    sheet = Timesheet.objects.get(placement=p, week_start=WEEK)
    assert _day(sheet, NATIONAL_DAY).holiday is True
    assert _day(sheet, dt.date(2026, 9, 29)).holiday is False
    assert RULE in _open_rules(sheet)
    # The week's page names it too, and the draft form keeps the student's own tick.
    detail = student.get(reverse("placements:timesheet_detail", args=[sheet.pk]))
    assert "国庆节" in detail.content.decode()


@pytest.mark.django_db
def test_the_students_tick_adds_a_local_holiday(world: World, autumn: None) -> None:
    p = _placement(world)
    local = dt.date(2026, 9, 29)
    sheet = services.timesheet_save(
        actor=world.users["student"],
        placement=p,
        week_start=WEEK,
        days=[DayEntry(day=local, hours="4", holiday=True)],
    )
    assert _day(sheet, local).holiday is True
    services.timesheet_submit(actor=world.users["student"], timesheet=sheet)
    alert = _open_rules(sheet)[RULE]
    assert "2026-09-29" in alert.message_en and "Public holiday:" not in alert.message_en
    # The edit page shows the tick again on a draft that was returned.
    services.timesheet_review(
        actor=world.users["mentor"], timesheet=sheet, approve=False, comment="Say more"
    )
    edit = reverse("placements:timesheet_edit", args=[p.pk]) + f"?week={WEEK.isoformat()}"
    page = world.client("student").get(edit).content.decode()
    tick = _tick(page, "2026-09-29")
    assert tick is not None and "checked" in tick


@pytest.mark.django_db
def test_an_overseas_site_in_germany_uses_german_holidays(world: World, autumn: None) -> None:
    p = _placement(world, "DE")
    assert facts.holiday_country(p.opening) == "DE"
    unity = dt.date(2026, 10, 3)
    sheet = services.timesheet_save(
        actor=world.users["student"],
        placement=p,
        week_start=WEEK,
        days=[
            DayEntry(day=NATIONAL_DAY, hours="8"),  # a working day in Germany
            DayEntry(day=unity, hours="4"),
        ],
    )
    assert _day(sheet, NATIONAL_DAY).holiday is False
    assert _day(sheet, unity).holiday is True
    services.timesheet_submit(actor=world.users["student"], timesheet=sheet)
    alert = _open_rules(sheet)[RULE]
    assert "2026-10-03" in alert.message_en and "German Unity Day" in alert.message_en
    detail = reverse("placements:timesheet_detail", args=[sheet.pk])
    assert "German Unity Day" in world.client("student").get(detail).content.decode()


@pytest.mark.django_db
def test_an_unknown_country_relies_on_the_tick_alone(world: World, autumn: None) -> None:
    p = _placement(world)
    Site.objects.filter(pk=p.opening.site_id).update(country="XX")
    p.opening.refresh_from_db()
    p.opening.site.refresh_from_db()
    assert facts.week_holidays(p.opening, WEEK) == {}
    sheet = services.timesheet_save(
        actor=world.users["student"],
        placement=p,
        week_start=WEEK,
        days=[DayEntry(day=NATIONAL_DAY, hours="8")],
    )
    assert _day(sheet, NATIONAL_DAY).holiday is False
    edit = reverse("placements:timesheet_edit", args=[p.pk]) + f"?week={WEEK.isoformat()}"
    page = world.client("student").get(edit).content.decode()
    assert _tick(page, "2026-10-01") is not None


@pytest.mark.django_db
def test_without_a_site_the_hosts_country_counts(world: World, autumn: None) -> None:
    end = WEEK + dt.timedelta(days=30)
    opening = f.opening(world, start=WEEK, end=end, insurance_from=WEEK, insurance_to=end)
    assert opening.site_id is None
    assert facts.holiday_country(opening) == "CN"  # the host, Test Telecom, is in China
    assert facts.week_holidays(opening, WEEK, language="en")[NATIONAL_DAY] == "National Day"


@pytest.mark.django_db
def test_the_weekly_run_judges_older_weeks_by_the_calendar(world: World, autumn: None) -> None:
    """A week saved before the calendar (the day not marked) is still checked against it."""
    p = _placement(world)
    sheet = services.timesheet_save(
        actor=world.users["student"],
        placement=p,
        week_start=WEEK,
        days=[DayEntry(day=NATIONAL_DAY, hours="8")],
    )
    TimesheetDay.objects.filter(timesheet=sheet).update(holiday=False)
    services.timesheet_submit(actor=world.users["student"], timesheet=sheet)
    assert RULE in _open_rules(sheet)
    outcome = services.placements_weekly(today=TODAY)
    assert outcome.placements == 1
    assert RULE in _open_rules(sheet)
