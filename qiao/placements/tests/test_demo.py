"""The demo's placements load on top of the core and agreements demos, twice without
duplicates: sites of ZTE and Tencent, a blocked opening with its explanation, and a published
round in which the student persona is placed and can read why."""

from __future__ import annotations

import pytest
from django.utils import timezone

from qiao.agreements.demo import load_demo_agreements
from qiao.core.demo import load_core
from qiao.placements import explain, selectors
from qiao.placements.demo import ROUND_NAME, load_demo_placements
from qiao.placements.models import (
    ComplianceViolation,
    Opening,
    Placement,
    PlacementRound,
    RoundCandidate,
    RoundStatus,
    Site,
)

pytestmark = pytest.mark.django_db


def test_demo_placements() -> None:
    messages: list[str] = []
    load_core(messages.append)
    load_demo_agreements(messages.append)
    load_demo_placements(messages.append)
    counts = (Site.objects.count(), Opening.objects.count(), Placement.objects.count())
    load_demo_placements(messages.append)
    assert messages[-2:] == [
        "placements: demo round already there",
        "placements: running placements already there",
    ]
    assert (Site.objects.count(), Opening.objects.count(), Placement.objects.count()) == counts

    kinds = set(Site.objects.values_list("kind", flat=True))
    assert {"training_base", "studio", "joint_lab"} <= kinds
    assert Site.objects.filter(host__name="Tencent", kind="studio").exists()
    assert Site.objects.filter(agreement__isnull=False).exists()

    blocked = Opening.objects.get(title__startswith="Night-shift")
    assert blocked.status == "draft"
    rules = set(
        ComplianceViolation.objects.filter(opening=blocked, resolved_at=None).values_list(
            "rule_id", flat=True
        )
    )
    assert {"CN2021-HOURS-DAY", "CN2021-NO-NIGHT", "CN2021-NO-OVERTIME"} <= rules

    rnd = PlacementRound.objects.get(name=ROUND_NAME)
    assert rnd.status == RoundStatus.PUBLISHED and rnd.published_run is not None
    run = rnd.published_run
    assert run.verification["valid"] and run.verification["stable"]
    assert run.metrics["students"] >= 300 and run.metrics["placed"] > 0
    assert run.outcomes.exclude(ineligible=[]).exists()  # ineligible choices reported

    me = RoundCandidate.objects.get(round=rnd, person__user__email="student@szpt.demo")
    outcome, placement = selectors.result_of(candidate=me)
    assert outcome is not None and outcome.opening is not None and placement is not None
    assert placement.state == "offered" and outcome.explanation["above"]
    names = {k: str(o) for k, o in selectors.preload_openings([outcome]).items()}
    text = " ".join(explain.sentences(outcome.explanation, outcome.ineligible, names, "en"))
    assert "Not admitted at" in text and "yours was" in text


def test_demo_running_placements() -> None:
    """Active placements with signed agreements, insurance, timesheets (signed, one returned,
    one week missing, one over the hours), evaluations; one blocked at activation; one
    completed; the mentor and teacher personas have interns and students."""
    from qiao.placements.models import Evaluation, InsurancePolicy, Timesheet
    from qiao.placements.services.timesheets import missing_weeks

    messages: list[str] = []
    load_core(messages.append)
    load_demo_agreements(messages.append)
    load_demo_placements(messages.append)
    active = Placement.objects.filter(state="active")
    assert active.count() >= 4
    assert all(p.agreement_signed_at and p.internship_agreement_id for p in active)
    assert InsurancePolicy.objects.filter(placement__in=active).count() == active.count()
    states = set(Timesheet.objects.values_list("state", flat=True))
    assert {"signed", "returned"} <= states
    assert any(missing_weeks(p, timezone.localdate()) for p in active)
    assert Evaluation.objects.filter(role="student").exists()
    blocked = Placement.objects.get(state="agreement_signed")
    assert ComplianceViolation.objects.filter(
        placement=blocked, rule_id="CN2021-INSURANCE-PLACEMENT", resolved_at=None
    ).exists()
    assert Placement.objects.filter(state="completed").count() == 1
    assert ComplianceViolation.objects.filter(rule_id="CN2021-TS-HOURS-DAY").exists()
    assert Placement.objects.filter(mentor__user__email="mentor@zte.demo").count() >= 3
    assert Placement.objects.filter(supervising_teacher__user__email="teacher@szpt.demo").exists()
