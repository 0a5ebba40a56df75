from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qiao.conftest import World
from qiao.core.models import AuditEntry
from qiao.placements import services
from qiao.placements.models import (
    AllocationRun,
    ComplianceViolation,
    HostScore,
    OpeningStatus,
    Placement,
    PlacementState,
    Preference,
    RoundStatus,
    RunState,
)
from qiao.placements.services.openings import BlockedByCompliance
from qiao.placements.tests import factories as f

pytestmark = pytest.mark.django_db


def test_site_create_audited(world: World) -> None:
    site = f.site(world)
    assert site.pk and site.host == world.enterprise
    assert AuditEntry.objects.filter(action="placements.site.create").count() == 1


def test_site_needs_a_school(world: World) -> None:
    with pytest.raises(ValidationError):
        f.site(world, school=world.enterprise)


def test_site_create_refused_to_outsider(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.site_create(
            actor=world.users["outsider"],
            name="X",
            kind="studio",
            host=world.enterprise,
            school=world.school,
            country="CN",
        )


def test_publish_compliant_opening(world: World) -> None:
    o = f.opening(world)
    assert o.status == OpeningStatus.PUBLISHED and o.published_at
    assert not ComplianceViolation.objects.filter(opening=o, resolved_at=None).exists()


def test_publish_blocked_with_explanation_and_nothing_published(world: World) -> None:
    o = f.opening(world, publish=False, hours_per_day=Decimal(10), night_work=True)
    with pytest.raises(BlockedByCompliance) as exc:
        services.opening_publish(actor=world.users["coordinator"], opening=o)
    text = " ".join(exc.value.messages)
    assert "at most 8 hours a day" in text and "Art. 17" in text
    assert "night shifts" in text
    o.refresh_from_db()
    assert o.status == OpeningStatus.DRAFT
    rules = set(
        ComplianceViolation.objects.filter(opening=o, resolved_at=None).values_list(
            "rule_id", flat=True
        )
    )
    assert {"CN2021-HOURS-DAY", "CN2021-HOURS-WEEK", "CN2021-NO-NIGHT"} <= rules
    # Fixed, it publishes, and the violations are resolved.
    services.opening_update(
        actor=world.users["coordinator"], opening=o, hours_per_day=Decimal(8), night_work=False
    )
    services.opening_publish(actor=world.users["coordinator"], opening=o)
    assert not ComplianceViolation.objects.filter(opening=o, resolved_at=None).exists()


def test_host_cannot_publish(world: World) -> None:
    o = f.opening(world, publish=False)
    with pytest.raises(PermissionDenied):
        services.opening_publish(actor=world.users["enterprise"], opening=o)


def test_round_over_draft_opening_refused(world: World) -> None:
    o = f.opening(world, publish=False)
    with pytest.raises(ValidationError):
        f.round_(world, [o])


def test_round_open_snapshots_students(world: World) -> None:
    o = f.opening(world)
    rnd = f.round_(world, [o])
    assert rnd.status == RoundStatus.OPEN
    assert rnd.candidates.filter(person=world.people["student"]).exists()
    assert not rnd.candidates.filter(person=world.people["other_student"]).exists()


def _ranked(world: World) -> tuple:
    a, b, c = f.opening(world, seats=1), f.opening(world, seats=1), f.opening(world, seats=1)
    rnd = f.round_(world, [a, b, c])
    cand = f.candidate(rnd, world.people["student"])
    return rnd, cand, (a, b, c)


def test_ranking_add_move_remove(world: World) -> None:
    _rnd, cand, (a, b, c) = _ranked(world)
    me = world.users["student"]
    services.preference_add(actor=me, candidate=cand, opening=a)
    services.preference_add(actor=me, candidate=cand, opening=b)
    services.preference_add(actor=me, candidate=cand, opening=c)
    assert services.preference_move(actor=me, candidate=cand, opening=c, direction="up") == [
        a.pk,
        c.pk,
        b.pk,
    ]
    assert services.preference_remove(actor=me, candidate=cand, opening=a) == [c.pk, b.pk]
    assert list(cand.preferences.values_list("position", flat=True)) == [1, 2]


def _unchanged(cand, before: list[int]) -> None:
    assert list(cand.preferences.order_by("position").values_list("opening_id", flat=True)) == (
        before
    )


def test_ranking_twice_refused(world: World) -> None:
    _rnd, cand, (a, _b, _c) = _ranked(world)
    me = world.users["student"]
    services.preference_add(actor=me, candidate=cand, opening=a)
    with pytest.raises(ValidationError, match="already ranked"):
        services.preference_add(actor=me, candidate=cand, opening=a)
    _unchanged(cand, [a.pk])


def test_ranking_opening_not_in_round_refused(world: World) -> None:
    _rnd, cand, _ = _ranked(world)
    outside = f.opening(world)
    with pytest.raises(ValidationError, match="not part of the round"):
        services.preference_add(actor=world.users["student"], candidate=cand, opening=outside)
    _unchanged(cand, [])


def test_ranking_after_window_refused(world: World) -> None:
    rnd, cand, (a, _b, _c) = _ranked(world)
    type(rnd).objects.filter(pk=rnd.pk).update(
        ranking_opens=timezone.now() - dt.timedelta(days=3),
        ranking_closes=timezone.now() - dt.timedelta(days=1),
    )
    cand.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        services.preference_add(actor=world.users["student"], candidate=cand, opening=a)
    _unchanged(cand, [])


def test_more_than_n_choices_refused(world: World) -> None:
    rnd, cand, (a, b, c) = _ranked(world)
    extra = f.opening(world)
    rnd.openings.add(extra)
    me = world.users["student"]
    for o in (a, b, c):
        services.preference_add(actor=me, candidate=cand, opening=o)
    with pytest.raises(ValidationError, match="at most 3"):
        services.preference_add(actor=me, candidate=cand, opening=extra)
    _unchanged(cand, [a.pk, b.pk, c.pk])


def test_ranking_for_someone_else_refused(world: World) -> None:
    _rnd, cand, (a, _b, _c) = _ranked(world)
    with pytest.raises(PermissionDenied):
        services.preference_add(actor=world.users["teacher"], candidate=cand, opening=a)


def test_ranking_ineligible_refused_with_reason(world: World) -> None:
    young = f.student(
        world, "Young", date_of_birth=timezone.localdate() - dt.timedelta(days=365 * 15)
    )
    o = f.opening(world)
    rnd = f.round_(world, [o])
    cand = f.candidate(rnd, young)
    with pytest.raises(ValidationError, match="under 16"):
        services.preference_add(actor=None, candidate=cand, opening=o)


def test_host_score_for_non_applicant_refused(world: World) -> None:
    rnd, cand, (a, _b, _c) = _ranked(world)
    with pytest.raises(ValidationError, match="did not apply"):
        services.host_score_set(
            actor=world.users["enterprise"],
            placement_round=rnd,
            opening=a,
            candidate=cand,
            score=80,
        )
    assert not HostScore.objects.exists()


def test_host_score_other_host_refused(world: World) -> None:
    rnd, cand, (a, _b, _c) = _ranked(world)
    services.preference_add(actor=None, candidate=cand, opening=a)
    with pytest.raises(PermissionDenied):
        services.host_score_set(
            actor=world.users["coordinator"],
            placement_round=rnd,
            opening=a,
            candidate=cand,
            score=1,
        )


@pytest.mark.parametrize("bad", ["x", "101", "-1", "nan"])
def test_host_score_bad_number(world: World, bad: str) -> None:
    rnd, cand, (a, _b, _c) = _ranked(world)
    services.preference_add(actor=None, candidate=cand, opening=a)
    with pytest.raises(ValidationError):
        services.host_score_set(
            actor=world.users["enterprise"],
            placement_round=rnd,
            opening=a,
            candidate=cand,
            score=bad,
        )
    assert not HostScore.objects.exists()


def test_full_round_allocate_publish_accept(world: World) -> None:
    s2 = f.student(world, "Second")
    a, b = f.opening(world, seats=1), f.opening(world, seats=1)
    rnd = f.round_(world, [a, b])
    me, other = f.candidate(rnd, world.people["student"]), f.candidate(rnd, s2)
    services.preference_add(actor=None, candidate=me, opening=a)
    services.preference_add(actor=None, candidate=me, opening=b)
    services.preference_add(actor=None, candidate=other, opening=a)
    for cand, score in ((me, 60), (other, 90)):
        services.host_score_set(
            actor=world.users["enterprise"],
            placement_round=rnd,
            opening=a,
            candidate=cand,
            score=score,
        )
    f.close(rnd)
    run = f.run(rnd, actor=world.users["coordinator"], seed=7)
    assert run.state == RunState.DONE, run.error
    assert len(run.input_sha256) == 64 and run.seed == 7
    assert run.verification["valid"] and run.verification["stable"]
    assert run.metrics["placed"] == 2
    outcome = run.outcomes.get(candidate=me)
    assert outcome.opening_id == b.pk and outcome.choice == 2
    reason = outcome.explanation["above"][0]
    assert reason["opening"] == a.pk and reason["code"] == "below_cutoff"
    # Running again with the same seed gives the same input hash and outcome.
    again = f.run(rnd, actor=world.users["coordinator"], seed=7)
    assert again.number == 2 and again.input_sha256 == run.input_sha256
    assert again.outcomes.get(candidate=me).opening_id == b.pk
    assert services.run_publish(actor=world.users["coordinator"], run=run) == 2
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.PUBLISHED and rnd.published_run == run
    mine = Placement.objects.get(student=world.people["student"])
    assert mine.state == PlacementState.OFFERED
    with pytest.raises(PermissionDenied):
        services.placement_respond(actor=world.users["teacher"], placement=mine, accept=True)
    services.placement_respond(actor=world.users["student"], placement=mine, accept=True)
    mine.refresh_from_db()
    assert mine.state == PlacementState.ACCEPTED
    with pytest.raises(ValidationError):
        services.placement_respond(actor=world.users["student"], placement=mine, accept=False)
    with pytest.raises(ValidationError):
        services.run_publish(actor=world.users["coordinator"], run=again)


def test_runs_are_kept(world: World) -> None:
    a = f.opening(world, seats=1)
    rnd = f.round_(world, [a])
    f.close(rnd)
    f.run(rnd, actor=None, objective="welfare")
    f.run(rnd, actor=None, tie_breaking="multiple")
    assert AllocationRun.objects.filter(round=rnd, state=RunState.DONE).count() == 2


def test_run_bad_options_refused(world: World) -> None:
    a = f.opening(world, seats=1)
    rnd = f.round_(world, [a])
    f.close(rnd)
    for bad in ({"objective": "greedy"}, {"seed": -1}, {"colour": "red"}):
        with pytest.raises(ValidationError):
            services.run_start(actor=None, placement_round=rnd, options=bad)
    assert not AllocationRun.objects.exists()


def test_run_before_close_refused(world: World) -> None:
    a = f.opening(world, seats=1)
    rnd = f.round_(world, [a])
    with pytest.raises(ValidationError):
        services.run_start(actor=None, placement_round=rnd)


def test_decline_then_later_round(world: World) -> None:
    s2 = f.student(world, "Second")
    a = f.opening(world, seats=1)
    b = f.opening(world, seats=2)
    rnd = f.round_(world, [a, b])
    me, other = f.candidate(rnd, world.people["student"]), f.candidate(rnd, s2)
    services.preference_add(actor=None, candidate=me, opening=a)
    services.preference_add(actor=None, candidate=other, opening=b)
    f.close(rnd)
    run = f.run(rnd, seed=1)
    services.run_publish(actor=None, run=run)
    mine = Placement.objects.get(student=world.people["student"])
    services.placement_respond(actor=world.users["student"], placement=mine, accept=False)
    Placement.objects.filter(student=s2).update(respond_by=timezone.now() - dt.timedelta(days=1))
    past = timezone.now() - dt.timedelta(hours=1)
    type(rnd).objects.filter(pk=rnd.pk).update(
        ranking_opens=past - dt.timedelta(days=2),
        ranking_closes=past - dt.timedelta(days=1),
        respond_by=past,
    )
    rnd.refresh_from_db()
    now = timezone.now()
    later = services.round_followup_create(
        actor=world.users["coordinator"],
        previous=rnd,
        name="Second round",
        ranking_opens=now - dt.timedelta(hours=1),
        ranking_closes=now + dt.timedelta(days=2),
        respond_by=now + dt.timedelta(days=4),
    )
    # Both seats are free again: a was declined, b's offer expired.
    assert set(later.openings.values_list("pk", flat=True)) == {a.pk, b.pk}
    services.round_open(actor=None, placement_round=later)
    assert set(later.candidates.values_list("person_id", flat=True)) == {
        world.people["student"].pk,
        s2.pk,
    }
    assert Preference.objects.filter(candidate__round=later).count() == 0


def test_school_chooses_another_rule_set(world: World) -> None:
    from qiao.placements.compliance import default_ruleset_data

    doc = default_ruleset_data()
    for rule in doc["rules"]:
        if rule["id"] == "CN2021-HOURS-DAY":
            rule["params"]["hours"] = 10
        if rule["id"] == "CN2021-HOURS-WEEK":
            rule["params"]["hours"] = 50
    row = services.ruleset_create(actor=world.users["admin"], document=doc)
    assert row.version == 4 and row.document["version"] == 4
    o = f.opening(world, publish=False, hours_per_day=Decimal(9))
    with pytest.raises(BlockedByCompliance):
        services.opening_publish(actor=None, opening=o)
    with pytest.raises(PermissionDenied):
        services.school_ruleset_set(
            actor=world.users["enterprise"], school=world.school, ruleset=row
        )
    services.school_ruleset_set(actor=world.users["coordinator"], school=world.school, ruleset=row)
    services.opening_publish(actor=None, opening=o)
    o.refresh_from_db()
    assert o.status == OpeningStatus.PUBLISHED
    assert not ComplianceViolation.objects.filter(opening=o, resolved_at=None).exists()


def test_bad_rule_set_refused(world: World) -> None:
    from qiao.placements.compliance import default_ruleset_data
    from qiao.placements.models import ComplianceRuleSet

    doc = default_ruleset_data()
    doc["rules"][0]["severity"] = "sometimes"
    with pytest.raises(ValidationError, match=r"rules\[0\].severity"):
        services.ruleset_create(actor=None, document=doc)
    with pytest.raises(PermissionDenied):
        services.ruleset_create(actor=world.users["coordinator"], document=default_ruleset_data())
    assert ComplianceRuleSet.objects.count() == 1
