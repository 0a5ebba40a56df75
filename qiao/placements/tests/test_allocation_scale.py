"""The allocation path at scale: the fast adapter gives exactly what the document gives, and
neither a run nor the ranking and review pages make more queries for a larger round."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qiao.allocation import allocate, read_document
from qiao.conftest import World
from qiao.placements import allocation_adapter as adapter
from qiao.placements import facts, services
from qiao.placements.compliance import eligibility
from qiao.placements.models import PriorityMode, RoundCandidate
from qiao.placements.services import allocation
from qiao.placements.tests import factories as f

pytestmark = pytest.mark.django_db

ARRAYS = (
    "pref_offsets",
    "pref_openings",
    "capacities",
    "prio_offsets",
    "prio_students",
    "prio_scores",
    "scored",
    "group_offsets",
    "group_members",
    "quota_offsets",
    "quota_groups",
    "quota_limits",
)


def _round(world: World, students: int, openings: int, **kwargs: Any) -> Any:
    """A round of `students` students (one of them 15, one off-major choice) over `openings`
    openings at as many sites, every student ranking up to three of them, some scored."""
    sites = [f.site(world) for _ in range(openings)]
    opens = [
        f.opening(world, seats=1 + i % 2, site=sites[i], kind=kind)
        for i, kind in zip(
            range(openings),
            ["post_internship", "cognitive_internship", "apprenticeship"] * openings,
            strict=False,
        )
    ]
    people = [f.student(world, f"S{i}", cohort_year=2024 + i % 2) for i in range(students - 1)]
    people.append(
        f.student(world, "Young", date_of_birth=timezone.localdate() - dt.timedelta(days=5500))
    )
    rnd = f.round_(world, opens, **kwargs)
    for i, person in enumerate(people):
        cand = f.candidate(rnd, person)
        RoundCandidate.objects.filter(pk=cand.pk).update(
            grade_average=Decimal(60 + 7 * i % 40), skill_codes=["x"]
        )
        for k in range(min(3, openings)):
            opening = opens[(i + k) % openings]
            cand.preferences.create(opening=opening, position=k + 1)
            if (i + k) % 3:
                services.host_score_set(
                    actor=None,
                    placement_round=rnd,
                    opening=opening,
                    candidate=cand,
                    score=Decimal(50 + (i * 7 + k) % 5) + Decimal("0.25"),
                    interview_score=Decimal(70 + i % 3),
                )
    return rnd, people


@pytest.mark.parametrize(
    "mode,options",
    [
        (PriorityMode.HOSTS, {"seed": 5}),
        (PriorityMode.SCORING, {"seed": 9, "tie_breaking": "multiple"}),
    ],
)
def test_problem_is_the_documents(world: World, mode: str, options: dict[str, Any]) -> None:
    """The problem built from arrays is the one the engine reads from the stored document."""
    rnd, _people = _round(
        world,
        8,
        4,
        priority_mode=mode,
        weight_grades=Decimal("0.5"),
        weight_interview=Decimal("0.5"),
    )
    inp = adapter.build_input(rnd, options=options)
    doc = read_document(adapter.canonical_bytes(inp.document).decode())
    assert inp.options == doc.options
    assert inp.problem.student_ids == doc.problem.student_ids
    assert inp.problem.opening_ids == doc.problem.opening_ids
    assert inp.problem.group_labels == doc.problem.group_labels
    for name in ARRAYS:
        mine, theirs = getattr(inp.problem, name), getattr(doc.problem, name)
        assert mine.dtype == theirs.dtype, name
        assert np.array_equal(mine, theirs), name
    # Same problem, same allocation, same explanations.
    a = allocate(inp.problem, inp.options).to_json()
    b = allocate(doc.problem, doc.options).to_json()
    assert a == b
    assert inp.ineligible_reasons  # the 15-year-old's post internship at least


def test_reasons_are_those_of_each_pair(world: World) -> None:
    """Memoised eligibility gives, for every ranked pair, what `eligibility` gives for it."""
    rnd, _people = _round(world, 9, 3)
    inp = adapter.build_input(rnd, options={})
    ruleset = facts.ruleset_of(facts.ruleset_row_for_school(rnd.school_id))
    expected: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for cand in RoundCandidate.objects.filter(round=rnd).order_by("pk"):
        student = facts.student_facts(
            major_id=cand.major_id, date_of_birth=cand.date_of_birth, cohort_year=cand.cohort_year
        )
        for pref in cand.preferences.select_related("opening").order_by("position"):
            why = eligibility(ruleset, facts.opening_facts(pref.opening), student)
            if why:
                expected.setdefault(adapter.student_key(cand.pk), {})[
                    adapter.opening_key(pref.opening_id)
                ] = [v.as_dict() for v in why]
    assert inp.ineligible_reasons == expected
    assert expected


def test_outcomes_are_the_result_document(world: World) -> None:
    """Each outcome's explanation is the engine's own document, opening ids as integers."""
    rnd, _people = _round(world, 8, 3)
    inp = adapter.build_input(rnd, options={"seed": 1})
    result = allocate(inp.problem, inp.options)
    doc = result.to_json(explanations=True)
    rows = adapter.outcomes(7, inp, result)
    assert [adapter.student_key(r.candidate_id) for r in rows] == list(doc["assignments"])
    for row in rows:
        sid = adapter.student_key(row.candidate_id)
        e = doc["explanations"]["students"][sid]
        assigned = doc["assignments"][sid]
        assert row.opening_id == (adapter.parse_key(assigned) if assigned else None)
        assert row.choice == e["choice"]
        above = [{**c, "opening": adapter.parse_key(c["opening"])} for c in e["above"]]
        assert row.explanation == {
            "assigned": row.opening_id,
            "choice": e["choice"],
            "above": above,
        }
    assert any(r.explanation["above"] for r in rows)


def _run_queries(world: World, students: int, openings: int) -> tuple[int, Any]:
    rnd, _people = _round(world, students, openings)
    f.close(rnd)
    run = allocation.run_create(actor=None, placement_round=rnd, options={"seed": 3})
    with CaptureQueriesContext(connection) as ctx:
        run = allocation.run_execute(run_id=run.pk, job_id=str(run.job_id or ""))
    assert run.state == "done"
    return len(ctx.captured_queries), (rnd, run)


def test_run_queries_do_not_grow(world: World) -> None:
    """A run reads and writes a round in the same number of queries whatever its size (below
    one insert batch of outcomes: inserts go in batches, the only thing that grows)."""
    small, _ = _run_queries(world, 3, 2)
    large, _ = _run_queries(world, 12, 6)
    assert small == large


def _page_queries(client: Any, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_ranking_and_review_pages_do_not_grow(world: World) -> None:
    """The student's ranking page and the coordinator's review of a run: the same number of
    queries for a round three times the size (more students, openings and sites)."""
    counts = []
    for students, openings in ((3, 3), (10, 6)):  # openings left to add in both
        rnd, _people = _round(world, students, openings)
        me = f.candidate(rnd, world.people["student"])
        for k, opening in enumerate(rnd.openings.order_by("pk")[:2]):
            me.preferences.create(opening=opening, position=k + 1)
        ranking = _page_queries(
            world.client("student"), reverse("placements:ranking", args=[rnd.pk])
        )
        f.close(rnd)
        run = f.run(rnd, seed=2)
        coordinator = world.client("coordinator")
        review = tuple(
            _page_queries(coordinator, reverse(f"placements:{tab}", args=[rnd.pk, run.pk]))
            for tab in ("run_detail", "run_openings", "run_sites", "run_students")
        )
        counts.append((ranking, review))
    assert counts[0] == counts[1]
