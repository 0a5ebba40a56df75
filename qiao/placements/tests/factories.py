"""Test factories for placements. They call the real services."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from qiao.conftest import World
from qiao.core.models import Major, Person
from qiao.core.services import people
from qiao.placements import services
from qiao.placements.models import AllocationRun, Opening, PlacementRound, RoundCandidate, Site

_seq = itertools.count(1)


def today() -> dt.date:
    return timezone.localdate()


def site(world: World, **overrides: Any) -> Site:
    fields: dict[str, Any] = {
        "name": f"Training base {next(_seq)}",
        "kind": "training_base",
        "host": world.enterprise,
        "school": world.school,
        "country": "CN",
        "city": "Shenzhen",
        "capacity": 40,
    }
    fields.update(overrides)
    return services.site_create(actor=None, **fields)


def compliant(world: World, **overrides: Any) -> dict[str, Any]:
    """Fields of an opening that breaks no rule of the default set."""
    start = today() + dt.timedelta(days=60)
    end = start + dt.timedelta(days=120)
    fields: dict[str, Any] = {
        "school": world.school,
        "host": world.enterprise,
        "title": f"Network operations intern {next(_seq)}",
        "kind": "post_internship",
        "start": start,
        "end": end,
        "seats": 2,
        "hours_per_day": Decimal(8),
        "days_per_week": 5,
        "pay_amount": Decimal(4000),
        "probation_wage": Decimal(5000),
        "insurer": "PICC",
        "insurance_from": start,
        "insurance_to": end,
        "post_headcount": 50,
        "host_workforce": 1000,
    }
    fields.update(overrides)
    return fields


def majors(world: World) -> list[Major]:
    return list(world.school.majors.all())


def opening(world: World, *, publish: bool = True, **overrides: Any) -> Opening:
    major_list = overrides.pop("majors", majors(world))
    o = services.opening_create(actor=None, majors=major_list, **compliant(world, **overrides))
    if publish:
        services.opening_publish(actor=None, opening=o)
        o.refresh_from_db()
    return o


def student(world: World, given: str, *, major: Major | None = None, **extra: Any) -> Person:
    person = people.person_create(
        actor=None,
        family_name="Student",
        given_name=given,
        date_of_birth=extra.pop("date_of_birth", dt.date(2004, 1, 1)),
    )
    people.affiliation_create(
        actor=None,
        person=person,
        organisation=world.school,
        kind="student",
        student_number=f"T{next(_seq):05d}",
        major=major or majors(world)[0],
        cohort_year=extra.pop("cohort_year", 2024),
    )
    return person


def round_(
    world: World, openings: list[Opening], *, open_now: bool = True, **overrides: Any
) -> PlacementRound:
    now = timezone.now()
    fields: dict[str, Any] = {
        "school": world.school,
        "name": f"Round {next(_seq)}",
        "openings": openings,
        "ranking_opens": now - dt.timedelta(hours=1),
        "ranking_closes": now + dt.timedelta(days=7),
        "respond_by": now + dt.timedelta(days=14),
        "max_choices": 3,
    }
    fields.update(overrides)
    rnd = services.round_create(actor=None, **fields)
    if open_now:
        services.round_open(actor=None, placement_round=rnd)
    return rnd


def candidate(rnd: PlacementRound, person: Person) -> RoundCandidate:
    return RoundCandidate.objects.get(round=rnd, person=person)


def close(rnd: PlacementRound) -> PlacementRound:
    return services.round_close_ranking(actor=None, placement_round=rnd)


def run(rnd: PlacementRound, *, actor: Any = None, **options: Any) -> AllocationRun:
    """Start a run and let its job execute (tests run tasks immediately, after commit)."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        r = services.run_start(actor=actor, placement_round=rnd, options=options)
    r.refresh_from_db()
    return r


# --- After acceptance --------------------------------------------------------------------------


def accepted(world: World, student: Person | None = None, **overrides: Any) -> Any:
    """A placement of `student` (default: the student persona) that she has accepted, at an
    opening starting today unless overridden."""
    from qiao.placements.models import Placement

    start = overrides.pop("start", today())
    end = overrides.pop("end", start + dt.timedelta(days=90))
    o = opening(
        world,
        seats=1,
        start=start,
        end=end,
        insurance_from=start,
        insurance_to=end,
        **overrides,
    )
    person = student or world.people["student"]
    rnd = round_(world, [o])
    services.preference_add(actor=None, candidate=candidate(rnd, person), opening=o)
    close(rnd)
    services.run_publish(actor=None, run=run(rnd, seed=1))
    p = Placement.objects.get(round=rnd, student=person)
    services.placement_respond(actor=None, placement=p, accept=True)
    p.refresh_from_db()
    return p


def signed(world: World, **overrides: Any) -> Any:
    """An accepted placement with teacher and mentor assigned and the agreement accepted by
    the three parties."""
    from qiao.placements.services.agreement import current_document

    p = accepted(world, **overrides)
    services.placement_assign(
        actor=None,
        placement=p,
        supervising_teacher=world.people["teacher"],
        mentor=world.people["mentor"],
    )
    doc = current_document(p)
    assert doc is not None
    for party, persona in (
        ("student", "student"),
        ("host", "enterprise"),
        ("school", "coordinator"),
    ):
        services.agreement_accept(
            actor=world.users[persona], placement=p, party=party, sha256=doc.sha256
        )
    p.refresh_from_db()
    return p


def active(world: World, **overrides: Any) -> Any:
    """A signed placement, insured for its whole period, activated."""
    p = signed(world, **overrides)
    services.insurance_set(
        actor=None,
        placement=p,
        insurer="PICC",
        number="PL-0001",
        starts=p.opening.start,
        ends=p.opening.end,
    )
    services.placement_activate(actor=None, placement=p)
    p.refresh_from_db()
    return p


# --- Hosts' strict rankings --------------------------------------------------------------------


def host_ranking_round(
    world: World, *, applicants: int = 3, seats: int = 1, **overrides: Any
) -> tuple[PlacementRound, Opening, list[RoundCandidate]]:
    """An open round whose hosts rank their applicants: one opening of the enterprise with
    `seats`, ranked first by the student persona and `applicants - 1` more students (in that
    order in the returned list)."""
    people_ = [world.people["student"]] + [
        student(world, f"Applicant{i}") for i in range(2, applicants + 1)
    ]
    o = opening(world, seats=seats)
    rnd = round_(world, [o], priority_mode="host_ranking", **overrides)
    cands = [candidate(rnd, p) for p in people_]
    for c in cands:
        services.preference_add(actor=None, candidate=c, opening=o)
    return rnd, o, cands
