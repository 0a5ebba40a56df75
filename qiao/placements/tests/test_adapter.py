from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from qiao.allocation import Options, allocate, read_document
from qiao.conftest import World
from qiao.placements import allocation_adapter as adapter
from qiao.placements import services
from qiao.placements.models import PriorityMode, RoundCandidate
from qiao.placements.tests import factories as f

pytestmark = pytest.mark.django_db


def _round(world: World, **kwargs):
    s2 = f.student(world, "Second")
    young = f.student(
        world, "Young", date_of_birth=timezone.localdate() - dt.timedelta(days=365 * 15)
    )
    a, b = f.opening(world, seats=1), f.opening(world, seats=2)
    rnd = f.round_(world, [a, b], **kwargs)
    me, other = f.candidate(rnd, world.people["student"]), f.candidate(rnd, s2)
    kid = f.candidate(rnd, young)
    services.preference_add(actor=None, candidate=me, opening=a)
    services.preference_add(actor=None, candidate=me, opening=b)
    services.preference_add(actor=None, candidate=other, opening=a)
    # An ineligible choice that got on the list before a rule changed: written directly.
    kid.preferences.create(opening=a, position=1)
    services.host_score_set(
        actor=None, placement_round=rnd, opening=a, candidate=other, score=Decimal("91.5")
    )
    return rnd, (me, other, kid), (a, b)


def test_round_trip_input(world: World) -> None:
    rnd, (me, other, kid), (a, b) = _round(world)
    inp = adapter.build_input(rnd, options={"seed": 3, "proposing": "students"})
    doc = inp.document
    # Canonical: the hash is of the sorted, compact JSON, and is reproducible.
    raw = adapter.canonical_bytes(doc)
    assert inp.sha256 == hashlib.sha256(raw).hexdigest()
    assert adapter.build_input(rnd, options={"seed": 3, "proposing": "students"}).sha256 == (
        inp.sha256
    )
    # The engine reads the same problem back from the text.
    again = read_document(raw.decode())
    assert again.problem.student_ids == inp.problem.student_ids
    assert again.problem.opening_ids == inp.problem.opening_ids
    assert again.options == inp.options == Options(seed=3)
    # Ids map back to the rows.
    assert [adapter.parse_key(s) for s in inp.problem.student_ids] == list(
        RoundCandidate.objects.filter(round=rnd).order_by("pk").values_list("pk", flat=True)
    )
    students = {s["id"]: s for s in doc["students"]}
    assert students[adapter.student_key(me.pk)]["preferences"] == [
        adapter.opening_key(a.pk),
        adapter.opening_key(b.pk),
    ]
    scores = {o["id"]: o["scores"] for o in doc["openings"]}
    assert scores[adapter.opening_key(a.pk)] == {
        adapter.student_key(me.pk): 0.0,  # not scored by the host
        adapter.student_key(other.pk): 91.5,
    }
    # The 15-year-old is left out of the priority, with the reason kept.
    why = inp.ineligible_reasons[adapter.student_key(kid.pk)][adapter.opening_key(a.pk)]
    assert why[0]["rule"] == "CN2021-AGE-16" and "under 16" in why[0]["message_en"]
    json.dumps(doc)  # plain JSON


def test_round_trip_output(world: World) -> None:
    rnd, (me, other, kid), (a, b) = _round(world)
    inp = adapter.build_input(rnd, options={"seed": 3})
    result = allocate(inp.problem, inp.options)
    rows = {r.candidate_id: r for r in adapter.outcomes(99, inp, result)}
    assert rows[other.pk].opening_id == a.pk
    assert rows[me.pk].opening_id == b.pk and rows[me.pk].choice == 2
    assert rows[me.pk].explanation["above"][0]["opening"] == a.pk
    assert rows[kid.pk].opening_id is None
    assert rows[kid.pk].ineligible[0]["opening"] == a.pk
    assert rows[kid.pk].ineligible[0]["reasons"][0]["rule"] == "CN2021-AGE-16"
    summary = adapter.run_summary(result)
    assert summary["openings"][str(a.pk)]["filled"] == 1
    assert summary["verification"]["valid"]


def test_scoring_rule(world: World) -> None:
    rnd, (me, other, _kid), (a, _b) = _round(
        world, priority_mode=PriorityMode.SCORING, weight_grades=Decimal(1)
    )
    RoundCandidate.objects.filter(pk=me.pk).update(grade_average=Decimal("88.25"))
    inp = adapter.build_input(rnd, options={})
    scores = {o["id"]: o["scores"] for o in inp.document["openings"]}[adapter.opening_key(a.pk)]
    assert scores[adapter.student_key(me.pk)] == 88.25
    assert scores[adapter.student_key(other.pk)] == 0.0


def test_capacity_counts_seats_held_elsewhere(world: World) -> None:
    rnd, _c, (a, b) = _round(world)
    f.close(rnd)
    run = f.run(rnd, seed=1)
    services.run_publish(actor=None, run=run)
    inp = adapter.build_input(rnd, options={})
    caps = {o["id"]: o["capacity"] for o in inp.document["openings"]}
    assert caps[adapter.opening_key(a.pk)] == 0
    assert caps[adapter.opening_key(b.pk)] == 1


def test_every_pair_check_is_memoised() -> None:
    """The adapter memoises eligibility on (opening, major, cohort, age): every pair check must
    read nothing else of the student. A new pair check lands here first, to be decided on."""
    from qiao.placements import allocation_adapter
    from qiao.placements.compliance import PAIR_CHECKS, default_ruleset

    assert set(PAIR_CHECKS) == allocation_adapter._MEMO_PAIR_CHECKS
    assert allocation_adapter._memo_safe(default_ruleset())
