"""Weekly timesheets: the student records hours and activities per day and submits the week;
the mentor signs it off or returns it with a comment. Hours beyond the rules (a day, a week,
nights, public holidays) raise compliance alerts and notify the school's coordinators; the
weekly run re-checks active placements and reminds students of missing weeks (once each).

Public holidays come from the calendar of the country where the student works
(`holidays_calendar`), set on the day here, whatever the client sent; the student's own tick
only adds a local holiday the calendar does not know."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiao.core.audit import audit_record
from qiao.core.models import Role, User
from qiao.core.services.notifications import notify
from qiao.placements import facts
from qiao.placements import permissions as pp
from qiao.placements.compliance import Violation, evaluate_timesheet
from qiao.placements.models import (
    ComplianceViolation,
    Placement,
    PlacementState,
    Timesheet,
    TimesheetDay,
    TimesheetReminder,
    TimesheetState,
)
from qiao.placements.services.lifecycle import placement_check, record_violations

MAX_ACTIVITIES = 2000


@dataclass(frozen=True)
class DayEntry:
    """What the student records for one day. `holiday` is her tick for a local public holiday
    the calendar does not know: it can add a holiday, never remove one of the calendar's."""

    day: dt.date
    hours: Any
    activities: str = ""
    night: bool = False
    holiday: bool = False


def week_of(day: dt.date) -> dt.date:
    """The Monday of the week of `day`."""
    return day - dt.timedelta(days=day.weekday())


def _hours(value: Any, field: str) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number of hours from 0 to 24.")}) from None
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number of hours from 0 to 24.")})
    if number < 0:
        raise ValidationError({field: _("Hours cannot be negative.")})
    if number > 24:
        raise ValidationError(
            {field: _("A day has at most 24 hours; %(n)s were entered.") % {"n": number}}
        )
    return number.quantize(Decimal("0.01"))


def _own(actor: Any, placement: Placement) -> None:
    if actor is None or pp.perms.is_platform_admin(actor):
        return
    if not pp.is_student_of(actor, placement):
        raise PermissionDenied


@transaction.atomic
def timesheet_save(
    *, actor: Any, placement: Placement, week_start: dt.date, days: Sequence[DayEntry]
) -> Timesheet:
    """Record (or correct, while a draft or returned) the student's week. Every day must be
    in that week and inside the placement; hours are 0–24. Refused as a whole, naming the
    day, when any is wrong."""
    row = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("opening", "student")
        .get(pk=placement.pk)
    )
    _own(actor, row)
    if row.state != PlacementState.ACTIVE:
        raise ValidationError(_("Timesheets are kept while the placement is active."))
    if week_start.weekday() != 0:
        raise ValidationError({"week_start": _("A week starts on a Monday.")})
    opening = row.opening
    if week_start + dt.timedelta(days=6) < opening.start or week_start > opening.end:
        raise ValidationError({"week_start": _("This week is outside the placement.")})
    if week_start > timezone.localdate():
        raise ValidationError({"week_start": _("This week has not started yet.")})
    # The calendar decides, not the client: a statutory holiday stays one whatever was posted.
    calendar = facts.week_holidays(opening, week_start, language="en")
    errors: dict[str, list[str]] = {}
    clean: dict[dt.date, DayEntry] = {}
    for entry in days:
        field = f"hours_{entry.day.isoformat()}"
        if not week_start <= entry.day <= week_start + dt.timedelta(days=6):
            errors.setdefault("days", []).append(
                _("%(day)s is not in this week.") % {"day": entry.day}
            )
            continue
        if entry.day in clean:
            errors.setdefault("days", []).append(_("%(day)s appears twice.") % {"day": entry.day})
            continue
        try:
            hours = _hours(entry.hours, field)
        except ValidationError as exc:
            for key, msgs in exc.message_dict.items():
                errors.setdefault(key, []).extend(f"{entry.day}: {m}" for m in msgs)
            continue
        if hours > 0 and not opening.start <= entry.day <= opening.end:
            errors.setdefault(field, []).append(
                _("%(day)s: outside the placement.") % {"day": entry.day}
            )
            continue
        clean[entry.day] = DayEntry(
            day=entry.day,
            hours=hours,
            activities=(entry.activities or "").strip()[:MAX_ACTIVITIES],
            night=bool(entry.night),
            holiday=entry.day in calendar or bool(entry.holiday),
        )
    if errors:
        raise ValidationError(errors)
    sheet, _created = Timesheet.objects.select_for_update().get_or_create(
        placement=row, week_start=week_start
    )
    if sheet.state not in (TimesheetState.DRAFT, TimesheetState.RETURNED):
        raise ValidationError(_("This week is already submitted."))
    sheet.days.all().delete()
    TimesheetDay.objects.bulk_create(
        [
            TimesheetDay(
                timesheet=sheet,
                day=e.day,
                hours=e.hours,
                activities=e.activities,
                night=e.night,
                holiday=e.holiday,
            )
            for e in sorted(clean.values(), key=lambda e: e.day)
        ]
    )
    sheet.total_hours = sum((Decimal(e.hours) for e in clean.values()), Decimal(0))
    sheet.save(update_fields=["total_hours", "updated_at"])
    audit_record(
        actor=actor,
        action="placements.timesheet.save",
        instance=sheet,
        organisation=row.school_id,
        changes={"week": [None, week_start.isoformat()], "hours": [None, str(sheet.total_hours)]},
    )
    return sheet


def coordinators_of(school_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=school_id,
            memberships__role__in=[Role.COORDINATOR, Role.ADMIN],
        ).distinct()
    )


def timesheet_check(*, timesheet: Timesheet) -> list[ComplianceViolation]:
    """Evaluate a week against the timesheet rules; new violations are recorded and the
    school's coordinators notified. Returns the new violations."""
    placement = timesheet.placement
    row = facts.ruleset_row_for_school(placement.school_id)
    ruleset = facts.ruleset_of(row)
    found: list[Violation] = evaluate_timesheet(
        ruleset, placement.opening.kind, facts.timesheet_facts(timesheet)
    )
    holiday_rules = {
        r.id for r in ruleset.for_scope("timesheet") if r.check == "no_public_holiday_work"
    }
    if any(v.rule_id in holiday_rules for v in found):
        found = _name_holidays(found, holiday_rules, placement.opening, timesheet.week_start)
    new = record_violations(
        placement=placement, found=found, ruleset_id=row.pk, timesheet=timesheet, resolve=True
    )
    if new:
        url = reverse("placements:placement_detail", args=[placement.pk])
        for user in coordinators_of(placement.school_id):
            notify(
                recipient=user,
                kind="placements.compliance",
                title=format_lazy(
                    gettext_lazy("Compliance alert: {student}, week of {week}"),
                    student=str(placement.student),
                    week=timesheet.week_start.isoformat(),
                ),
                body="\n".join(f"{v.rule_id}: {v.message_en} ({v.clause})" for v in new),
                url=url,
            )
    return new


def _name_holidays(
    found: list[Violation], rule_ids: set[str], opening: Any, week_start: dt.date
) -> list[Violation]:
    """Name the calendar's holiday in the messages of the public-holiday alerts ("… on
    2026-10-01. Public holiday: National Day."); a day only the student ticked stays unnamed."""
    names_en = facts.week_holidays(opening, week_start, language="en")
    names_zh = facts.week_holidays(opening, week_start, language="zh-hans")
    out = []
    for v in found:
        try:
            day = dt.date.fromisoformat(str(v.detail.get("day", "")))
        except ValueError:
            day = None
        if v.rule_id not in rule_ids or day not in names_en:
            out.append(v)
            continue
        name_en = names_en[day]
        name_zh = names_zh.get(day, name_en)
        out.append(
            replace(
                v,
                message_en=f"{v.message_en} Public holiday: {name_en}.",
                message_zh=f"{v.message_zh}法定节假日：{name_zh}。",
                detail={**v.detail, "holiday": name_en},
            )
        )
    return out


@transaction.atomic
def timesheet_submit(*, actor: Any, timesheet: Timesheet) -> Timesheet:
    """The student submits her week to the mentor."""
    sheet = (
        Timesheet.objects.select_for_update(of=("self",))
        .select_related("placement__student", "placement__opening", "placement__mentor")
        .get(pk=timesheet.pk)
    )
    placement = sheet.placement
    _own(actor, placement)
    if placement.state != PlacementState.ACTIVE:
        raise ValidationError(_("Timesheets are kept while the placement is active."))
    if sheet.state not in (TimesheetState.DRAFT, TimesheetState.RETURNED):
        raise ValidationError(_("This week is already submitted."))
    if not sheet.days.exists():
        raise ValidationError(_("Record the hours of the week first."))
    old = sheet.state
    sheet.state = TimesheetState.SUBMITTED
    sheet.submitted_at = timezone.now()
    sheet.save(update_fields=["state", "submitted_at", "updated_at"])
    audit_record(
        actor=actor,
        action="placements.timesheet.submit",
        instance=sheet,
        organisation=placement.school_id,
        changes={"state": [old, sheet.state]},
    )
    timesheet_check(timesheet=sheet)
    mentor_user = placement.mentor.user if placement.mentor and placement.mentor.user_id else None
    if mentor_user is not None:
        notify(
            recipient=mentor_user,
            kind="placements.timesheet",
            title=format_lazy(
                gettext_lazy("Timesheet to sign: {student}, week of {week}"),
                student=str(placement.student),
                week=sheet.week_start.isoformat(),
            ),
            url=reverse("placements:timesheet_detail", args=[sheet.pk]),
        )
    timesheet.refresh_from_db()
    return timesheet


@transaction.atomic
def timesheet_review(
    *, actor: Any, timesheet: Timesheet, approve: bool, comment: str = ""
) -> Timesheet:
    """The mentor signs the week off, or returns it with a comment (required)."""
    sheet = (
        Timesheet.objects.select_for_update(of=("self",))
        .select_related("placement__mentor", "placement__student")
        .get(pk=timesheet.pk)
    )
    placement = sheet.placement
    if actor is not None and not pp.can_sign_off(actor, placement):
        raise PermissionDenied
    if sheet.state != TimesheetState.SUBMITTED:
        raise ValidationError(_("Only a submitted timesheet can be signed off or returned."))
    comment = (comment or "").strip()
    if not approve and len(comment) < 3:
        raise ValidationError({"comment": _("Say what to correct when you return a timesheet.")})
    old = sheet.state
    sheet.state = TimesheetState.SIGNED if approve else TimesheetState.RETURNED
    sheet.reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
    sheet.reviewed_at = timezone.now()
    sheet.comment = comment[:2000]
    sheet.save(update_fields=["state", "reviewed_by", "reviewed_at", "comment", "updated_at"])
    audit_record(
        actor=actor,
        action="placements.timesheet.sign" if approve else "placements.timesheet.return",
        instance=sheet,
        organisation=placement.school_id,
        changes={"state": [old, sheet.state], "comment": [None, comment or None]},
    )
    student_user = placement.student.user if placement.student.user_id else None
    if not approve and student_user is not None:
        notify(
            recipient=student_user,
            kind="placements.timesheet",
            title=format_lazy(
                gettext_lazy("Your timesheet for the week of {week} was returned"),
                week=sheet.week_start.isoformat(),
            ),
            body=comment,
            url=reverse("placements:timesheet_detail", args=[sheet.pk]),
        )
    timesheet.refresh_from_db()
    return timesheet


def missing_weeks(placement: Placement, today: dt.date) -> list[dt.date]:
    """Weeks of the placement that have ended (before today) with no submitted timesheet."""
    opening = placement.opening
    done = set(
        placement.timesheets.exclude(state=TimesheetState.DRAFT).values_list(
            "week_start", flat=True
        )
    )
    weeks = []
    week = week_of(opening.start)
    while week <= opening.end and week + dt.timedelta(days=6) < today:
        if week not in done:
            weeks.append(week)
        week += dt.timedelta(days=7)
    return weeks


@dataclass
class WeeklyOutcome:
    placements: int = 0
    violations: int = 0
    reminders: int = 0


def placements_weekly(*, today: dt.date | None = None) -> WeeklyOutcome:
    """Re-evaluate every active placement against the rules (placement and submitted weeks)
    and remind students of weeks they did not submit — each week once. Each placement in its
    own transaction; running it twice sends nothing new."""
    today = today or timezone.localdate()
    outcome = WeeklyOutcome()
    active = Placement.objects.filter(state=PlacementState.ACTIVE).select_related(
        "opening", "student__user", "supervising_teacher__user", "school"
    )
    for placement in active.order_by("pk").iterator(chunk_size=200):
        outcome.placements += 1
        with transaction.atomic():
            found = placement_check(placement=placement)
            outcome.violations += len(found)
            for sheet in placement.timesheets.exclude(state=TimesheetState.DRAFT).prefetch_related(
                "days"
            ):
                outcome.violations += len(timesheet_check(timesheet=sheet))
            outcome.reminders += _remind(placement, today)
    return outcome


def _remind(placement: Placement, today: dt.date) -> int:
    """Remind the student (when she has an account) and her supervising teacher of each
    missing week, once."""
    teacher = placement.supervising_teacher
    recipients = [
        person.user
        for person in (placement.student, teacher)
        if person is not None and person.user_id is not None and person.user is not None
    ]
    weeks = missing_weeks(placement, today)
    if not recipients or not weeks:
        return 0
    sent = set(
        TimesheetReminder.objects.filter(placement=placement, week_start__in=weeks).values_list(
            "week_start", flat=True
        )
    )
    count = 0
    url = reverse("placements:placement_detail", args=[placement.pk])
    for week in weeks:
        if week in sent:
            continue
        try:
            with transaction.atomic():
                TimesheetReminder.objects.create(placement=placement, week_start=week)
        except IntegrityError:  # another run reminded at the same moment
            continue
        for user in recipients:
            notify(
                recipient=user,
                kind="placements.timesheet_missing",
                title=format_lazy(
                    gettext_lazy("Timesheet missing: {student}, week of {week}"),
                    student=str(placement.student),
                    week=week.isoformat(),
                ),
                url=url,
            )
        count += 1
    return count


def placement_hours(placement: Placement) -> Decimal:
    """Hours of the signed-off weeks."""
    total = placement.timesheets.filter(state=TimesheetState.SIGNED).aggregate(
        h=Sum("total_hours")
    )["h"]
    return total or Decimal(0)
