"""The demo's running placements: a small autumn round of SZPT's 2023 cohort at ZTE, allocated
weeks ago, whose placements went through the lifecycle — three-party agreements accepted by the
three parties, insurance, activation, weekly timesheets (most signed off, one returned, one
week missing, one week over the hours), evaluations — plus one placement blocked at activation
by the insurance rule and one completed (with a credential when SZPT issues them).
mentor@zte.demo mentors some interns and teacher@szpt.demo supervises them.

Everything goes through the services; only dates are moved back ("signed a week before the
start") so that a running placement has a history. Idempotent: skipped when the round exists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from qiao.core.models import Affiliation, Organisation, Person, User
from qiao.placements import facts, services
from qiao.placements.models import (
    AgreementAcceptance,
    Opening,
    Placement,
    PlacementRound,
    Preference,
    Site,
)
from qiao.placements.services.agreement import current_document
from qiao.placements.services.lifecycle import ActivationBlocked
from qiao.placements.services.timesheets import DayEntry, week_of

RUNNING_ROUND = "2026 autumn follow-up internships (SZPT × ZTE)"
INTERNS = 7
ACTIVITIES = [
    "Base-station site survey with the mentor",
    "Configured 5G NR cells in the lab",
    "Alarm handling on the network management system",
    "Drive test and report",
    "Safety training and team meeting",
]


def _person(email: str) -> Person | None:
    return Person.objects.filter(user__email=email).first()


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _openings(school: Organisation, host: Organisation, majors: list[Any]) -> list[Opening]:
    today = timezone.localdate()
    running = week_of(today) - dt.timedelta(weeks=5)
    ended = week_of(today) - dt.timedelta(weeks=12)
    site = Site.objects.filter(host=host, school=school).order_by("pk").first()
    specs = [
        (
            "5G base-station maintenance intern (autumn)",
            running,
            running + dt.timedelta(days=150),
            4,
        ),
        (
            "Network operations support intern (autumn)",
            running,
            running + dt.timedelta(days=150),
            3,
        ),
        ("Data-centre summer intern", ended, week_of(today) - dt.timedelta(days=3), 1),
    ]
    out = []
    for title, start, end, seats in specs:
        o = services.opening_create(
            actor=None,
            majors=majors,
            school=school,
            host=host,
            site=site,
            title=title,
            description=f"{title}: supervised follow-up internship at ZTE.",
            kind="follow_up_internship",
            start=start,
            end=end,
            seats=seats,
            hours_per_day=Decimal(8),
            days_per_week=5,
            pay_amount=Decimal(3000),
            insurer="PICC Property and Casualty",
            insurance_from=start,
            insurance_to=end,
            post_headcount=seats * 10,
            host_workforce=74000,
        )
        services.opening_publish(actor=None, opening=o)
        o.refresh_from_db()
        out.append(o)
    return out


def _round(school: Organisation, openings: list[Opening]) -> list[Placement]:
    now = timezone.now()
    rnd = services.round_create(
        actor=None,
        school=school,
        name=RUNNING_ROUND,
        openings=openings,
        cohort_years=[2023],
        ranking_opens=now - dt.timedelta(days=120),
        ranking_closes=now - dt.timedelta(days=100),
        respond_by=now + dt.timedelta(days=1),
        max_choices=3,
        priority_mode="scoring",
    )
    services.round_open(actor=None, placement_round=rnd)
    majors = {m.pk for o in openings for m in o.majors.all()}
    chosen = list(
        rnd.candidates.filter(major_id__in=majors).select_related("person").order_by("pk")[:INTERNS]
    )
    prefs = []
    for i, cand in enumerate(chosen):
        # The last one goes to the summer opening (to be completed); the others to the two
        # autumn openings.
        target = openings[2] if i == len(chosen) - 1 else openings[i % 2]
        prefs.append(Preference(candidate=cand, opening=target, position=1))
    Preference.objects.bulk_create(prefs)
    services.round_close_ranking(actor=None, placement_round=rnd)
    run = services.run_create(actor=None, placement_round=rnd, options={"seed": 20260901})
    run = services.run_execute(run_id=run.pk, job_id=str(run.job_id or ""))
    services.run_publish(actor=None, run=run)
    return list(rnd.placements.select_related("opening", "student__user").order_by("pk"))


def _sign(p: Placement, teacher: Person, mentor: Person, school_user: Any, host_user: Any) -> None:
    services.placement_respond(actor=None, placement=p, accept=True)
    services.placement_assign(actor=None, placement=p, supervising_teacher=teacher, mentor=mentor)
    doc = current_document(p)
    assert doc is not None
    student_user = p.student.user if p.student.user_id else None
    for party, user in (("student", student_user), ("host", host_user), ("school", school_user)):
        services.agreement_accept(actor=user, placement=p, party=party, sha256=doc.sha256)
    # Signed a week before the internship started.
    signed = timezone.make_aware(
        dt.datetime.combine(p.opening.start - dt.timedelta(days=7), dt.time(10))
    )
    Placement.objects.filter(pk=p.pk).update(agreement_signed_at=signed)
    AgreementAcceptance.objects.filter(document=doc).update(accepted_at=signed)
    p.refresh_from_db()


def _insure(p: Placement, *, short: bool = False) -> None:
    end = p.opening.end - dt.timedelta(days=30) if short else p.opening.end
    services.insurance_set(
        actor=None,
        placement=p,
        insurer="PICC Property and Casualty",
        number=f"PICC-2026-{p.pk:05d}",
        starts=p.opening.start,
        ends=end,
    )


def _weeks(p: Placement, mentor_user: Any, *, returned: bool, missing: bool, long_day: bool) -> int:
    today = timezone.localdate()
    weeks = []
    week = week_of(p.opening.start)
    while week + dt.timedelta(days=6) < min(today, p.opening.end + dt.timedelta(days=7)):
        weeks.append(week)
        week += dt.timedelta(days=7)
    if missing and weeks:
        weeks = weeks[:-1]  # the last week was never submitted: the weekly run reminds her
    for n, week in enumerate(weeks):
        # Interns rest on the public holidays of the calendar (National Day, Mid-Autumn…):
        # the demo's only alerts are the ones it means to show.
        holidays = facts.week_holidays(p.opening, week)
        days = []
        for i in range(5):
            day = week + dt.timedelta(days=i)
            if not p.opening.start <= day <= p.opening.end or day in holidays:
                continue
            days.append(DayEntry(day=day, hours="8", activities=ACTIVITIES[(n + i) % 5]))
        if not days:  # a week of holidays: nothing to record
            continue
        if long_day and n == 1:  # one long day (the Wednesday of a full week)
            middle = len(days) // 2
            days[middle] = replace(days[middle], hours="10")
        sheet = services.timesheet_save(actor=None, placement=p, week_start=week, days=days)
        services.timesheet_submit(actor=None, timesheet=sheet)
        last = n == len(weeks) - 1
        if returned and last:
            services.timesheet_review(
                actor=mentor_user,
                timesheet=sheet,
                approve=False,
                comment="Please describe Wednesday's drive test in more detail.",
            )
        elif not last or not returned:
            services.timesheet_review(actor=mentor_user, timesheet=sheet, approve=True)
    return len(weeks)


def _evaluate(p: Placement, *, site: bool = True) -> None:
    services.evaluation_submit(
        actor=None,
        placement=p,
        role="mentor",
        scores={"skills": 4, "attitude": 5, "teamwork": 4, "safety": 5},
        comments="Reliable and careful on site; learns fast.",
    )
    services.evaluation_submit(
        actor=None,
        placement=p,
        role="teacher",
        scores={"skills": 4, "attitude": 4, "teamwork": 5, "safety": 4},
        comments="Weekly reports on time; good reflection on the work.",
    )
    if site:
        services.evaluation_submit(
            actor=None,
            placement=p,
            role="student",
            scores={"learning": 5, "mentoring": 4, "conditions": 4, "relevance": 5},
            comments="Real network work with a patient mentor.",
        )


def _internship_achievement(school: Organisation) -> bool:
    """When the credentials demo made SZPT an issuer, give it an internship achievement so that
    completion issues a credential."""
    from qiao.credentials.models import Achievement, Issuer
    from qiao.credentials.services.assessment import achievement_create

    if not Issuer.objects.filter(organisation=school).exists():
        return False
    if not Achievement.objects.filter(organisation=school, kind="internship").exists():
        achievement_create(
            actor=None,
            organisation=school,
            kind="internship",
            human_code="SZPT-INTERN",
            name_en="Follow-up internship completed",
            name_zh="跟岗实习合格",
            description_en="Completed a supervised follow-up internship under a three-party "
            "agreement, with signed weekly timesheets and evaluations by the mentor and the "
            "supervising teacher.",
            description_zh="在三方协议下完成有指导的跟岗实习，周记录经企业导师签认，"
            "并通过企业导师和学校指导教师的考核。",
            criteria_en="Internship completed and evaluated by mentor and teacher.",
            criteria_zh="完成实习并通过企业导师和指导教师的考核。",
        )
    return True


def load_demo_lifecycle(orgs: dict[str, Organisation], say: Callable[[str], None]) -> None:
    school, host = orgs["szpt"], orgs["zte"]
    if PlacementRound.objects.filter(name=RUNNING_ROUND, school=school).exists():
        say("placements: running placements already there")
        return
    teacher, mentor = _person("teacher@szpt.demo"), _person("mentor@zte.demo")
    school_user, host_user = _user("coordinator@szpt.demo"), _user("manager@zte.demo")
    mentor_user = _user("mentor@zte.demo")
    if teacher is None or mentor is None:
        say("placements: running placements skipped (teacher or mentor persona missing)")
        return
    other_mentor = (
        Person.objects.filter(affiliations__organisation=host, affiliations__kind="mentor")
        .exclude(pk=mentor.pk)
        .order_by("pk")
        .first()
    ) or mentor
    majors = list(
        Affiliation.objects.filter(organisation=school, kind="student", cohort_year=2023)
        .exclude(major=None)
        .values_list("major", flat=True)
        .distinct()
    )
    from qiao.core.models import Major

    with transaction.atomic():
        openings = _openings(school, host, list(Major.objects.filter(pk__in=majors)))
        placements = _round(school, openings)
    completed = placements[-1] if placements[-1].opening_id == openings[2].pk else None
    running = [p for p in placements if p is not completed]
    blocked = running.pop() if running else None
    weeks = 0
    for i, p in enumerate(running):
        with transaction.atomic():
            _sign(p, teacher, mentor if i < 4 else other_mentor, school_user, host_user)
            _insure(p)
            services.placement_activate(actor=None, placement=p)
            weeks += _weeks(
                p,
                mentor_user if i < 4 else None,
                returned=i == 1,
                missing=i == 2,
                long_day=i == 3,
            )
            if i == 0:
                _evaluate(p)
    if blocked is not None:
        with transaction.atomic():
            _sign(blocked, teacher, mentor, school_user, host_user)
            _insure(blocked, short=True)
        try:
            services.placement_activate(actor=None, placement=blocked)
        except ActivationBlocked as exc:
            say(f"placements: activation of {blocked.student} blocked — {exc.messages[0]}")
    issued = ""
    if completed is not None:
        with transaction.atomic():
            _sign(completed, teacher, mentor, school_user, host_user)
            _insure(completed)
            services.placement_activate(actor=None, placement=completed)
            _weeks(completed, mentor_user, returned=False, missing=False, long_day=False)
            _evaluate(completed)
            _internship_achievement(school)
            _p, credential, note = services.placement_complete(actor=None, placement=completed)
            issued = " with a credential" if credential is not None else f" ({note})"
    say(
        f"placements: {len(running)} running placements ({weeks} timesheets), "
        f"1 blocked at activation, 1 completed{issued}"
    )
