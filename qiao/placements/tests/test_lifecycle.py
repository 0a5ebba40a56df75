"""The placement lifecycle after acceptance: agreement, insurance, activation (compliance),
termination, completion with its credential, and the bad inputs that must change nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qiao.conftest import World
from qiao.core.models import AuditEntry
from qiao.placements import services
from qiao.placements.models import (
    AgreementAcceptance,
    ComplianceViolation,
    EvaluationRole,
    InsurancePolicy,
    PlacementState,
)
from qiao.placements.services.agreement import current_document
from qiao.placements.services.lifecycle import ActivationBlocked
from qiao.placements.tests import factories as f

pytestmark = pytest.mark.django_db


def test_agreement_is_a_pdf_with_its_sha256_and_three_acceptances(world: World) -> None:
    p = f.accepted(world)
    assert current_document(p) is None
    services.placement_assign(
        actor=world.users["coordinator"],
        placement=p,
        supervising_teacher=world.people["teacher"],
        mentor=world.people["mentor"],
    )
    doc = current_document(p)
    assert doc is not None
    data = doc.file.read()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == doc.sha256
    services.agreement_accept(
        actor=world.users["student"], placement=p, party="student", sha256=doc.sha256
    )
    # Accepting twice: refused, nothing changed.
    with pytest.raises(ValidationError, match="already accepted"):
        services.agreement_accept(
            actor=world.users["student"], placement=p, party="student", sha256=doc.sha256
        )
    # A stale document, another party's acceptance: refused.
    with pytest.raises(ValidationError):
        services.agreement_accept(
            actor=world.users["enterprise"], placement=p, party="host", sha256="0" * 64
        )
    with pytest.raises(PermissionDenied):
        services.agreement_accept(
            actor=world.users["mentor"], placement=p, party="host", sha256=doc.sha256
        )
    assert AgreementAcceptance.objects.filter(document=doc).count() == 1
    services.agreement_accept(
        actor=world.users["enterprise"], placement=p, party="host", sha256=doc.sha256
    )
    p.refresh_from_db()
    assert p.state == PlacementState.ACCEPTED
    services.agreement_accept(
        actor=world.users["coordinator"], placement=p, party="school", sha256=doc.sha256
    )
    p.refresh_from_db()
    assert p.state == PlacementState.AGREEMENT_SIGNED and p.agreement_signed_at is not None
    accepted = {a.party: a for a in AgreementAcceptance.objects.filter(document=doc)}
    assert set(accepted) == {"school", "host", "student"}
    assert all(a.sha256 == doc.sha256 for a in accepted.values())
    assert accepted["school"].accepted_by == world.users["coordinator"]
    # Registered in qiao.agreements as a three-party internship agreement with the signed copy.
    agreement = p.internship_agreement
    assert agreement is not None and agreement.kind == "internship"
    assert agreement.parties.count() == 3
    assert agreement.documents.filter(kind="signed").exists()


def test_activation_needs_insurance_covering_the_period(world: World) -> None:
    p = f.signed(world)
    coordinator = world.users["coordinator"]
    with pytest.raises(ValidationError) as exc:
        services.placement_activate(actor=coordinator, placement=p)
    assert "insurance" in exc.value.message_dict
    p.refresh_from_db()
    assert p.state == PlacementState.AGREEMENT_SIGNED
    services.insurance_set(
        actor=world.users["enterprise"],
        placement=p,
        insurer="PICC",
        number="X-1",
        starts=p.opening.start,
        ends=p.opening.end - dt.timedelta(days=10),
    )
    with pytest.raises(ActivationBlocked) as blocked:
        services.placement_activate(actor=coordinator, placement=p)
    assert [v.rule_id for v in blocked.value.violations] == ["CN2021-INSURANCE-PLACEMENT"]
    assert "whole period" in blocked.value.messages[0]
    p.refresh_from_db()
    assert p.state == PlacementState.AGREEMENT_SIGNED
    # Recorded for the compliance page.
    assert ComplianceViolation.objects.filter(
        placement=p, rule_id="CN2021-INSURANCE-PLACEMENT", resolved_at=None
    ).exists()
    with pytest.raises(PermissionDenied):
        services.placement_activate(actor=world.users["enterprise"], placement=p)
    services.insurance_set(
        actor=coordinator,
        placement=p,
        insurer="PICC",
        number="X-1",
        starts=p.opening.start,
        ends=p.opening.end,
    )
    services.placement_activate(actor=coordinator, placement=p)
    p.refresh_from_db()
    assert p.state == PlacementState.ACTIVE and p.activated_at is not None
    assert not ComplianceViolation.objects.filter(placement=p, resolved_at=None).exists()
    assert AuditEntry.objects.filter(action="placements.placement.activate").exists()


def test_insurance_input_is_checked(world: World) -> None:
    p = f.signed(world)
    with pytest.raises(ValidationError) as exc:
        services.insurance_set(
            actor=None,
            placement=p,
            insurer="",
            number="",
            starts=p.opening.end,
            ends=p.opening.start,
        )
    assert {"insurer", "number", "ends"} <= set(exc.value.message_dict)
    assert not InsurancePolicy.objects.filter(placement=p).exists()


def test_agreement_signed_after_the_start_blocks_activation(world: World) -> None:
    p = f.signed(world, start=f.today() - dt.timedelta(days=7))
    services.insurance_set(
        actor=None,
        placement=p,
        insurer="PICC",
        number="N",
        starts=p.opening.start,
        ends=p.opening.end,
    )
    with pytest.raises(ActivationBlocked) as blocked:
        services.placement_activate(actor=None, placement=p)
    assert [v.rule_id for v in blocked.value.violations] == ["CN2021-AGREEMENT"]
    assert "before the internship starts" in blocked.value.violations[0].message_en


def test_terminate_needs_a_reason_and_a_party(world: World) -> None:
    p = f.accepted(world)
    with pytest.raises(ValidationError) as exc:
        services.placement_terminate(actor=world.users["enterprise"], placement=p, reason=" ")
    assert "reason" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.placement_terminate(
            actor=world.users["mentor"], placement=p, reason="No longer possible"
        )
    p.refresh_from_db()
    assert p.state == PlacementState.ACCEPTED
    services.placement_terminate(
        actor=world.users["enterprise"], placement=p, reason="The site closed."
    )
    p.refresh_from_db()
    assert p.state == PlacementState.TERMINATED and p.termination_reason == "The site closed."
    entry = AuditEntry.objects.filter(action="placements.placement.terminate").get()
    assert entry.changes["reason"] == [None, "The site closed."]
    with pytest.raises(ValidationError):
        services.placement_terminate(actor=None, placement=p, reason="Again")


def _evaluate(world: World, p: Any) -> None:
    scores = {"skills": 4, "attitude": 5, "teamwork": 4, "safety": 5}
    services.evaluation_submit(
        actor=world.users["mentor"], placement=p, role="mentor", scores=scores, comments="Good"
    )
    services.evaluation_submit(
        actor=world.users["teacher"], placement=p, role="teacher", scores=scores
    )


def test_completion_needs_end_date_and_evaluations(world: World) -> None:
    p = f.active(world)
    coordinator = world.users["coordinator"]
    with pytest.raises(ValidationError) as exc:
        services.placement_complete(actor=coordinator, placement=p)
    text = " ".join(exc.value.messages)
    assert "cannot be completed before" in text and "Waiting for an evaluation" in text
    _evaluate(world, p)
    with pytest.raises(ValidationError, match="cannot be completed before"):
        services.placement_complete(actor=coordinator, placement=p)
    p.refresh_from_db()
    assert p.state == PlacementState.ACTIVE
    done, credential, note = services.placement_complete(
        actor=coordinator, placement=p, today=p.opening.end
    )
    assert done.state == PlacementState.COMPLETED and done.completed_at is not None
    assert credential is None and "not a credential issuer" in note


def test_completion_issues_the_internship_credential(world: World) -> None:
    from qiao.credentials.models import Achievement, AchievementKind
    from qiao.credentials.services.issuers import issuer_ensure

    issuer_ensure(actor=None, organisation=world.school)
    Achievement.objects.create(
        organisation=world.school,
        kind=AchievementKind.INTERNSHIP,
        name_en="Internship completed",
        name_zh="实习完成",
        description_en="Completed a supervised internship.",
        criteria_en="Completed the internship and its evaluations.",
    )
    p = f.active(world)
    _evaluate(world, p)
    done, credential, note = services.placement_complete(
        actor=None, placement=p, today=p.opening.end
    )
    assert credential is not None and note == ""
    assert done.credential_id == credential.pk
    assert credential.person == world.people["student"]


def test_evaluations_rubric_once_and_by_role(world: World) -> None:
    p = f.active(world)
    with pytest.raises(ValidationError) as exc:
        services.evaluation_submit(
            actor=world.users["student"],
            placement=p,
            role="student",
            scores={"learning": 6, "mentoring": 0, "conditions": "x"},
        )
    assert {"learning", "mentoring", "conditions", "relevance"} <= set(exc.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.evaluation_submit(
            actor=world.users["student"], placement=p, role="mentor", scores={}
        )
    e = services.evaluation_submit(
        actor=world.users["student"],
        placement=p,
        role=EvaluationRole.STUDENT,
        scores={"learning": 5, "mentoring": 4, "conditions": 4, "relevance": 3},
    )
    assert str(e.mean) == "4.00"
    with pytest.raises(ValidationError, match="already"):
        services.evaluation_submit(
            actor=world.users["student"],
            placement=p,
            role="student",
            scores={"learning": 5, "mentoring": 4, "conditions": 4, "relevance": 3},
        )
    from qiao.placements.lifecycle_selectors import site_quality

    assert p.opening.site_id is None or site_quality(site_id=p.opening.site_id)[1] == 1


def test_kpi_metrics_per_agreement(world: World) -> None:
    from qiao.agreements import services as agreement_services
    from qiao.agreements.metrics import compute, get_metric

    for key in (
        "placements.placements_completed",
        "placements.students_placed",
        "placements.compliance_violations",
    ):
        assert get_metric(key) is not None, key
    agreement = agreement_services.agreement_create(
        actor=None,
        kind="framework",
        title="Framework",
        parties=[
            agreement_services.PartySpec(role="school", organisation=world.school),
            agreement_services.PartySpec(role="enterprise", organisation=world.enterprise),
        ],
    )
    site = f.site(world, agreement=agreement)
    p = f.active(world, site=site)
    _evaluate(world, p)
    services.placement_complete(actor=None, placement=p, today=p.opening.end)
    year = (f.today() - dt.timedelta(days=365), f.today() + dt.timedelta(days=365))
    assert compute(agreement, "placements.placements_completed", year) == 1
    assert compute(agreement, "placements.students_placed", year) == 1
    assert compute(agreement, "placements.compliance_violations", year) == 0
