"""Weekly timesheets: recording, submission, sign-off and return, compliance alerts, the
weekly run with its reminders (each once), and the inputs that are refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from qiao.conftest import World
from qiao.core.models import Notification
from qiao.placements import services
from qiao.placements.models import (
    ComplianceViolation,
    Timesheet,
    TimesheetDay,
    TimesheetReminder,
    TimesheetState,
)
from qiao.placements.services.timesheets import DayEntry, missing_weeks, week_of
from qiao.placements.tests import factories as f

pytestmark = pytest.mark.django_db


def _active(world: World, **kw: Any) -> Any:
    """Active since this week's Monday (a cognitive internship: the agreement-before-start
    rule does not apply, so a start in the past can be activated)."""
    kw.setdefault("start", week_of(f.today()))
    return f.active(world, kind="cognitive_internship", **kw)


def _week(p: Any) -> dt.date:
    return week_of(p.opening.start)


def _days(week: dt.date, hours: list[object], start: dt.date) -> list[DayEntry]:
    return [
        DayEntry(day=week + dt.timedelta(days=i), hours=h, activities="Configured base stations")
        for i, h in enumerate(hours)
        if week + dt.timedelta(days=i) >= start
    ]


def test_record_submit_sign_off(world: World) -> None:
    p = _active(world)
    week = _week(p)
    sheet = services.timesheet_save(
        actor=world.users["student"],
        placement=p,
        week_start=week,
        days=_days(week, [8, 8, 8, 8, 8, 0, 0], p.opening.start),
    )
    assert sheet.state == TimesheetState.DRAFT
    services.timesheet_submit(actor=world.users["student"], timesheet=sheet)
    sheet.refresh_from_db()
    assert sheet.state == TimesheetState.SUBMITTED
    assert Notification.objects.filter(
        recipient=world.users["mentor"], kind="placements.timesheet"
    ).exists()
    with pytest.raises(PermissionDenied):
        services.timesheet_review(actor=world.users["teacher"], timesheet=sheet, approve=True)
    with pytest.raises(ValidationError) as exc:
        services.timesheet_review(actor=world.users["mentor"], timesheet=sheet, approve=False)
    assert "comment" in exc.value.message_dict
    services.timesheet_review(
        actor=world.users["mentor"], timesheet=sheet, approve=False, comment="Add Friday's tasks"
    )
    sheet.refresh_from_db()
    assert sheet.state == TimesheetState.RETURNED and sheet.comment == "Add Friday's tasks"
    services.timesheet_save(
        actor=world.users["student"],
        placement=p,
        week_start=week,
        days=_days(week, [8, 8, 8, 8, 7.5, 0, 0], p.opening.start),
    )
    services.timesheet_submit(actor=world.users["student"], timesheet=sheet)
    services.timesheet_review(actor=world.users["mentor"], timesheet=sheet, approve=True)
    sheet.refresh_from_db()
    assert sheet.state == TimesheetState.SIGNED and sheet.reviewed_by == world.users["mentor"]


@pytest.mark.parametrize("bad", [25, -1, "lots", "NaN"])
def test_impossible_hours_are_refused_and_nothing_changes(world: World, bad: object) -> None:
    p = _active(world)
    week = _week(p)
    day = max(week, p.opening.start)
    with pytest.raises(ValidationError) as exc:
        services.timesheet_save(
            actor=world.users["student"],
            placement=p,
            week_start=week,
            days=[DayEntry(day=day, hours=bad)],
        )
    assert f"hours_{day.isoformat()}" in exc.value.message_dict
    assert not Timesheet.objects.filter(placement=p).exists()
    assert not TimesheetDay.objects.exists()


def test_someone_elses_timesheet_is_refused(world: World) -> None:
    p = _active(world)
    week = _week(p)
    sheet = services.timesheet_save(
        actor=world.users["student"],
        placement=p,
        week_start=week,
        days=_days(week, [8] * 5, p.opening.start),
    )
    for persona in ("mentor", "enterprise", "outsider", "coordinator"):
        with pytest.raises(PermissionDenied):
            services.timesheet_submit(actor=world.users[persona], timesheet=sheet)
        with pytest.raises(PermissionDenied):
            services.timesheet_save(
                actor=world.users[persona], placement=p, week_start=week, days=[]
            )
    sheet.refresh_from_db()
    assert sheet.state == TimesheetState.DRAFT


def test_hours_beyond_the_rules_raise_an_alert(world: World) -> None:
    p = _active(world)
    week = _week(p)
    start = p.opening.start
    entries = _days(week, [10, 8, 8, 8, 8, 8, 0], start)
    sheet = services.timesheet_save(
        actor=world.users["student"], placement=p, week_start=week, days=entries
    )
    services.timesheet_submit(actor=world.users["student"], timesheet=sheet)
    rules = set(
        ComplianceViolation.objects.filter(timesheet=sheet, resolved_at=None).values_list(
            "rule_id", flat=True
        )
    )
    assert {"CN2021-TS-HOURS-DAY", "CN2021-TS-HOURS-WEEK"} <= rules
    alert = Notification.objects.filter(
        recipient=world.users["coordinator"], kind="placements.compliance"
    ).first()
    assert alert is not None and "CN2021-TS-" in alert.body
    # Visible on the compliance page.
    response = world.client("coordinator").get("/placements/compliance/")
    assert "CN2021-TS-" in response.content.decode()


def test_weekly_run_reminds_once(world: World) -> None:
    p = _active(world)
    later = p.opening.start + dt.timedelta(days=22)
    weeks = missing_weeks(p, later)
    assert weeks and weeks[0] == _week(p)
    out = services.placements_weekly(today=later)
    assert out.placements == 1 and out.reminders == len(weeks)
    again = services.placements_weekly(today=later)
    assert again.reminders == 0
    assert TimesheetReminder.objects.filter(placement=p).count() == len(weeks)
    for persona in ("student", "teacher"):  # the student and her supervising teacher
        assert Notification.objects.filter(
            recipient=world.users[persona], kind="placements.timesheet_missing"
        ).count() == len(weeks)


def test_weekly_command_runs(world: World) -> None:
    _active(world)
    call_command("placements_weekly", "--date", (f.today() + dt.timedelta(days=15)).isoformat())


def test_week_must_be_a_monday_in_the_placement(world: World) -> None:
    p = _active(world)
    with pytest.raises(ValidationError) as exc:
        services.timesheet_save(
            actor=None,
            placement=p,
            week_start=_week(p) + dt.timedelta(days=1),
            days=[],
        )
    assert "week_start" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.timesheet_save(
            actor=None, placement=p, week_start=_week(p) - dt.timedelta(days=70), days=[]
        )
    assert Decimal(0) == Decimal(0)
