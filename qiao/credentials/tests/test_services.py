"""Services: issuers and keys, assessment, issuance (one and batch), immutability, status."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from qiao.core.models import AuditEntry, JobProgress
from qiao.core.services import jobs as job_services
from qiao.core.tests import factories
from qiao.credentials import verification
from qiao.credentials.models import (
    Credential,
    CredentialState,
    ExamResult,
    ImmutableCredentialError,
    Issuer,
    StatusList,
)
from qiao.credentials.services import (
    assessment,
    issuance,
    issuers,
    publishing,
    sharing,
    status,
)
from qiao.credentials.tests.conftest import student
from qiao.vc import KeyResolver, load_trust_list, verify

pytestmark = pytest.mark.django_db


# --- Issuers, keys, published documents ---------------------------------------------------------


def test_issuer_gets_a_did_web_under_the_site_and_one_key(world, settings):
    settings.SITE_URL = "https://qiao.example.org"
    issuer = issuers.issuer_ensure(actor=world.users["coordinator"], organisation=world.school)
    assert issuer.did == "did:web:qiao.example.org:issuers:test-polytechnic"
    assert issuers.issuer_ensure(actor=None, organisation=world.school) == issuer
    document = publishing.issuer_controller_document(issuer)
    assert document["id"] == issuer.did
    assert document["assertionMethod"] == [f"{issuer.did}#key-1"]
    assert AuditEntry.objects.filter(action="credentials.issuer.create").exists()
    alliance = Issuer.objects.get(is_alliance=True)
    assert alliance.did == "did:web:qiao.example.org"


def test_trust_list_lists_every_issuer_and_is_anchored_to_the_alliance_key(world):
    issuers.issuer_ensure(actor=None, organisation=world.school)
    issuers.issuer_ensure(actor=None, organisation=world.other_school)
    trust = load_trust_list(publishing.trust_list_current(), anchors=publishing.alliance_anchors())
    assert trust.anchored
    assert {i.name for i in trust.issuers.values()} == {
        "Test Polytechnic 深圳测试职业技术学院",
        "Other Institute",
    }


def test_key_rotation_keeps_old_credentials_verifying_with_published_documents(centre):
    old = centre.issue()
    issuer = old.issuer
    new_key = issuers.key_rotate(actor=centre.world.users["coordinator"], issuer=issuer)
    assert new_key.key_name == "key-2" and new_key.is_active
    assert issuer.keys.get(key_name="key-1").retired_at is not None
    fresh = centre.issue(person=student(centre.world, "S0002"))
    assert json.loads(fresh.document)["proof"]["verificationMethod"].endswith("#key-2")
    # The published controller document alone verifies both.
    did_json = publishing.issuer_controller_document(issuer)
    for credential in (old, fresh):
        assert verify(credential.document, resolver=KeyResolver(documents=[did_json])).valid
    # So does the trust list alone, and our own verification (status read from our lists).
    trust = load_trust_list(publishing.trust_list_current(), anchors=publishing.alliance_anchors())
    assert len(trust.issuers[issuer.did].methods) == 2
    for credential in (old, fresh):
        assert verify(credential.document, trust_list=trust).valid
        assert verification.verify_stored(credential).verdict == "valid"


# --- Assessment ---------------------------------------------------------------------------------


def test_results_compute_pass_or_fail_from_the_pass_mark(centre):
    low, high = student(centre.world, "S0002"), student(centre.world, "S0003")
    assessment.results_record(
        actor=None,
        session=centre.session,
        results=[
            assessment.ResultInput(low, Decimal("59.99")),
            assessment.ResultInput(high, Decimal(60)),
        ],
    )
    assert not ExamResult.objects.get(person=low).passed
    assert ExamResult.objects.get(person=high).passed
    assert centre.session.registrations.count() == 2


def test_capacity_is_enforced(centre):
    people = [student(centre.world, f"S1{i:03d}") for i in range(6)]
    for person in people[:5]:
        assessment.candidate_register(actor=None, session=centre.session, person=person)
    with pytest.raises(ValidationError, match="full"):
        assessment.candidate_register(actor=None, session=centre.session, person=people[5])
    with pytest.raises(ValidationError, match="seats"):
        assessment.results_record(
            actor=None,
            session=centre.session,
            results=[assessment.ResultInput(people[5], Decimal(70))],
        )


def test_candidates_must_belong_to_the_organisation(centre):
    with pytest.raises(ValidationError, match="not affiliated"):
        assessment.candidate_register(
            actor=None, session=centre.session, person=centre.world.people["other_student"]
        )


@pytest.mark.parametrize("score", ["abc", "-1", "100.01", "NaN", "1e400", "70.123"])
def test_bad_scores_are_refused(centre, score):
    with pytest.raises(ValidationError):
        assessment.result_record(
            actor=None, session=centre.session, person=centre.world.people["student"], score=score
        )
    assert not ExamResult.objects.exists()


def test_scheme_and_session_validation_names_the_field(centre):
    with pytest.raises(ValidationError) as info:
        assessment.scheme_create(
            actor=None,
            organisation=centre.world.school,
            achievement=centre.achievement,
            code="cloud-a",
            pass_mark=Decimal(120),
            max_score=Decimal(100),
        )
    assert {"code", "pass_mark"} <= set(info.value.message_dict)
    with pytest.raises(ValidationError) as info:
        assessment.session_create(
            actor=None,
            scheme=centre.scheme,
            code="CLOUD-2026-01",
            site="x",
            date=dt.date(2026, 1, 1),
            capacity=0,
        )
    assert {"code", "capacity"} <= set(info.value.message_dict)
    with pytest.raises(ValidationError) as info:
        assessment.achievement_create(
            actor=None, organisation=centre.world.school, kind="course", languages="??"
        )
    assert {"name_en", "description_en", "criteria_en", "languages"} <= set(info.value.message_dict)


# --- Issuance -----------------------------------------------------------------------------------


def test_issue_one_stores_the_signed_document_with_its_hash_and_status_entries(centre):
    credential = centre.issue()
    document = credential.as_json()
    import hashlib

    assert credential.sha256 == hashlib.sha256(credential.document.encode()).hexdigest()
    assert document["id"] == f"urn:uuid:{credential.pk}"
    assert document["issuer"]["id"] == credential.issuer.did
    identity = document["credentialSubject"]["identifier"][0]
    assert "student@test.example" not in credential.document
    assert identity["identityHash"].startswith("sha256$") and identity["hashed"] is True
    alignments = document["credentialSubject"]["achievement"]["alignment"]
    assert [(a["targetCode"], a["targetFramework"]) for a in alignments] == [
        ("CLD", "Qiao skills"),
        ("CLD-VIRT", "Qiao skills"),
    ]
    assert alignments[0]["targetName"] == "Cloud computing / 云计算"
    purposes = [s["statusPurpose"] for s in document["credentialStatus"]]
    assert purposes == ["revocation", "suspension"]
    assert StatusList.objects.filter(issuer=credential.issuer, number=1).count() == 2
    assert AuditEntry.objects.filter(
        action="credentials.credential.issue", object_id=str(credential.pk)
    ).exists()


def test_issuing_to_a_person_of_another_organisation_is_refused(centre):
    with pytest.raises(ValidationError, match="not affiliated"):
        centre.issue(person=centre.world.people["other_student"])
    assert not Credential.objects.exists()


def test_issuing_to_a_person_without_email_is_refused(centre):
    person = factories.student(centre.world.school, number="S0100")
    with pytest.raises(ValidationError, match="no email"):
        centre.issue(person=person)


def test_a_valid_credential_is_not_issued_twice(centre):
    centre.issue()
    with pytest.raises(ValidationError, match="already holds"):
        centre.issue()


def test_result_based_issuance_takes_its_validity_from_the_scheme(centre):
    result = assessment.result_record(
        actor=None, session=centre.session, person=centre.world.people["student"], score="75"
    )
    credential = centre.issue(result=result)
    assert credential.valid_until is not None
    months = (credential.valid_until.year - credential.valid_from.year) * 12 + (
        credential.valid_until.month - credential.valid_from.month
    )
    assert months == 24
    with pytest.raises(ValidationError, match="already issued"):
        centre.issue(result=result)


def test_a_failed_result_gives_no_credential(centre):
    result = assessment.result_record(
        actor=None, session=centre.session, person=centre.world.people["student"], score="30"
    )
    with pytest.raises(ValidationError, match="did not pass"):
        centre.issue(result=result)


def test_batch_issues_passed_results_with_progress_and_is_idempotent(centre):
    people = [student(centre.world, f"S2{i:03d}") for i in range(5)]
    scores = [90, 80, 70, 40, 65]
    assessment.results_record(
        actor=None,
        session=centre.session,
        results=[
            assessment.ResultInput(p, Decimal(s)) for p, s in zip(people, scores, strict=True)
        ],
    )
    seen: list[tuple[int, int]] = []
    outcome = issuance.credentials_issue(
        actor=None,
        requests=issuance.session_issue_requests(session=centre.session),
        progress=lambda done, total: seen.append((done, total)),
        chunk=2,
    )
    assert len(outcome.issued) == 4
    assert seen == [(0, 4), (2, 4), (4, 4)]
    indexes = sorted(Credential.objects.values_list("status_index", flat=True))
    assert indexes == [0, 1, 2, 3]
    again = issuance.session_issue(actor=None, session=centre.session)
    assert again.issued == [] and Credential.objects.count() == 4


def test_batch_job_reports_progress_and_result(centre, django_capture_on_commit_callbacks):
    people = [student(centre.world, f"S3{i:03d}") for i in range(3)]
    assessment.results_record(
        actor=None,
        session=centre.session,
        results=[assessment.ResultInput(p, Decimal(88)) for p in people],
    )
    coordinator = centre.world.users["coordinator"]
    with django_capture_on_commit_callbacks(execute=True):
        job = issuance.session_issue_start(actor=coordinator, session=centre.session)
    job = JobProgress.objects.get(pk=job.pk)
    assert job.state == "done", job.message
    assert (job.done, job.total) == (3, 3)
    assert job.result["issued"] == 3
    assert Credential.objects.filter(result__session=centre.session).count() == 3


def test_batch_skips_and_reports_what_cannot_be_issued(centre):
    no_email = factories.student(centre.world.school, number="S0200")
    assessment.results_record(
        actor=None,
        session=centre.session,
        results=[
            assessment.ResultInput(no_email, Decimal(90)),
            assessment.ResultInput(centre.world.people["student"], Decimal(90)),
        ],
    )
    outcome = issuance.session_issue(actor=None, session=centre.session)
    assert len(outcome.issued) == 1
    assert outcome.skipped[0]["person"] == no_email.pk


def test_a_job_failure_is_recorded(centre, monkeypatch):
    assessment.result_record(
        actor=None, session=centre.session, person=centre.world.people["student"], score="90"
    )
    job = job_services.job_create(owner=centre.world.users["coordinator"], kind="credentials:issue")

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(issuance, "session_issue", boom)
    with pytest.raises(RuntimeError):
        issuance.session_issue_job(job_id=str(job.pk), session_id=centre.session.pk)
    job.refresh_from_db()
    assert job.state == "failed" and "disk full" in job.message


# --- Immutability -------------------------------------------------------------------------------


def test_an_issued_credential_cannot_be_changed_by_the_orm(centre):
    credential = centre.issue()
    credential.document = credential.document.replace("Cloud", "Cl0ud")
    with pytest.raises(ImmutableCredentialError):
        credential.save()
    with pytest.raises(ImmutableCredentialError):
        credential.save(update_fields=["document"])


def test_the_database_refuses_changes_to_an_issued_credential(centre):
    credential = centre.issue()
    for change in ({"document": "{}"}, {"sha256": "0" * 64}, {"valid_until": timezone.now()}):
        with pytest.raises(DatabaseError), transaction.atomic():
            Credential.objects.filter(pk=credential.pk).update(**change)
    # The status columns may change.
    Credential.objects.filter(pk=credential.pk).update(status_reason="note")
    credential.refresh_from_db()
    assert credential.status_reason == "note"


# --- Revocation and suspension ------------------------------------------------------------------


def test_revocation_updates_the_published_list_and_verification(centre):
    credential = centre.issue()
    actor = centre.world.users["coordinator"]
    status.credential_revoke(actor=actor, credential=credential, reason="fraud")
    credential.refresh_from_db()
    assert credential.status == CredentialState.REVOKED
    outcome = verification.verify_stored(credential)
    assert outcome.verdict == "invalid"
    failed = [c.code for c in outcome.report.failures]
    assert failed == ["REVOKED"]
    with pytest.raises(ValidationError, match="revoked"):
        status.credential_revoke(actor=actor, credential=credential)
    with pytest.raises(ValidationError, match="revoked"):
        status.credential_unsuspend(actor=actor, credential=credential)


def test_suspension_and_reinstatement(centre):
    credential = centre.issue()
    actor = centre.world.users["coordinator"]
    status.credential_suspend(actor=actor, credential=credential, reason="under review")
    assert [c.code for c in verification.verify_stored(credential).report.failures] == ["SUSPENDED"]
    with pytest.raises(ValidationError, match="already"):
        status.credential_suspend(actor=actor, credential=credential)
    status.credential_unsuspend(actor=actor, credential=credential)
    assert verification.verify_stored(credential).verdict == "valid"
    with pytest.raises(ValidationError, match="Only a suspended"):
        status.credential_unsuspend(actor=actor, credential=credential)
    assert AuditEntry.objects.filter(action__startswith="credentials.credential.").count() == 3


def test_share_links(centre):
    credential = centre.issue()
    user = centre.world.users["student"]
    link = sharing.share_link_create(actor=user, credential=credential, label="Acme")
    assert len(link.token) >= 40
    sharing.share_link_revoke(actor=user, link=link)
    with pytest.raises(ValidationError, match="already revoked"):
        sharing.share_link_revoke(actor=user, link=link)


def test_a_person_twice_in_one_call_is_refused(centre):
    person = centre.world.people["student"]
    with pytest.raises(ValidationError, match="twice"):
        assessment.results_record(
            actor=None,
            session=centre.session,
            results=[
                assessment.ResultInput(person, Decimal(70)),
                assessment.ResultInput(person, Decimal(80)),
            ],
        )
    assert not ExamResult.objects.exists()
