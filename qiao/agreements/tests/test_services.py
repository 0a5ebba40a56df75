"""Services: creating agreements, the lifecycle, renewals, signatories, commitments and the
ledger. Bad input is a ValidationError naming the field, and changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from qiao.agreements import services
from qiao.agreements.models import Agreement, AgreementStatus, Commitment, Contribution, Party
from qiao.agreements.services import PartySpec
from qiao.agreements.tests import factories as f
from qiao.core.models import AuditEntry

pytestmark = pytest.mark.django_db
D = dt.timedelta


def fields_of(error: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(error.value.message_dict)


# --- Creating ---------------------------------------------------------------------------------


def test_create_makes_a_draft_with_parties_areas_and_an_audit_entry_per_party(world):
    a = f.agreement(world, title="Joint lab", actor=world.users["coordinator"])
    assert a.status == AgreementStatus.DRAFT
    assert [p.organisation for p in a.parties.order_by("order")] == [world.school, world.enterprise]
    assert sorted(a.areas.values_list("code", flat=True)) == ["certification", "joint-lab"]
    entries = AuditEntry.objects.filter(action="agreement.create", object_id=str(a.pk))
    assert {e.organisation_id for e in entries} == {world.school.pk, world.enterprise.pk}
    assert entries[0].actor == world.users["coordinator"]


@pytest.mark.parametrize(
    ("parties", "message"),
    [
        (lambda w: [PartySpec("school", w.school)], "at least two parties"),
        (
            lambda w: [PartySpec("school", w.school), PartySpec("partner", w.school)],
            "listed twice",
        ),
        (
            lambda w: [PartySpec("school", w.enterprise), PartySpec("school", w.school)],
            "not a school",
        ),
        (
            lambda w: [PartySpec("school", w.school), PartySpec("boss", w.enterprise)],
            "Unknown party role",
        ),
        (
            lambda w: [PartySpec("school", w.school), PartySpec("student", w.enterprise)],
            "student party is a person",
        ),
    ],
)
def test_bad_parties_are_refused_and_nothing_is_created(world, parties, message):
    with pytest.raises(ValidationError) as error:
        f.agreement(world, parties=parties(world))
    assert "parties" in fields_of(error)
    assert message in " ".join(error.value.message_dict["parties"])
    assert not Agreement.objects.exists() and not Party.objects.exists()


def test_dates_currency_and_reference_are_checked(world):
    with pytest.raises(ValidationError) as error:
        f.agreement(
            world,
            valid_from=dt.date(2026, 5, 1),
            valid_to=dt.date(2026, 4, 1),
            currency="XYZ",
        )
    assert fields_of(error) >= {"valid_to", "currency"}
    f.agreement(world, reference="REF-1")
    with pytest.raises(ValidationError) as error:
        f.agreement(world, reference="REF-1")
    assert fields_of(error) == {"reference"}
    assert Agreement.objects.count() == 1


def test_specific_agreement_needs_a_framework_whose_parties_include_its_own(world):
    with pytest.raises(ValidationError) as error:
        f.agreement(world, kind="specific")
    assert fields_of(error) == {"parent"}
    framework = f.agreement(world)
    project = f.agreement(world, kind="project")
    with pytest.raises(ValidationError) as error:
        f.agreement(world, kind="specific", parent=project)
    assert "must be a framework" in str(error.value)
    outsider = [
        PartySpec("school", world.school),
        PartySpec("enterprise", world.other_enterprise),
    ]
    with pytest.raises(ValidationError) as error:
        f.agreement(world, kind="specific", parent=framework, parties=outsider)
    assert "Other Cloud" in str(error.value.message_dict["parent"])
    specific = f.agreement(world, kind="specific", parent=framework)
    assert specific.parent == framework
    with pytest.raises(ValidationError) as error:
        f.agreement(world, kind="framework", parent=framework)
    assert fields_of(error) == {"parent"}


def test_internship_agreement_has_school_host_and_student(world):
    student = world.people["student"]
    a = f.agreement(
        world,
        kind="internship",
        parties=[
            PartySpec("school", world.school),
            PartySpec("host", world.enterprise),
            PartySpec("student", person=student),
        ],
    )
    assert a.parties.get(person=student).role == "student"
    with pytest.raises(ValidationError):
        f.agreement(
            world,
            kind="internship",
            parties=[PartySpec("school", world.school), PartySpec("host", world.enterprise)],
        )
    with pytest.raises(ValidationError):
        f.agreement(
            world,
            parties=[
                PartySpec("school", world.school),
                PartySpec("enterprise", world.enterprise),
                PartySpec("student", person=student),
            ],
        )


def test_update_changes_terms_parties_and_areas_and_audits_only_changes(world):
    a = f.agreement(world)
    before = AuditEntry.objects.count()
    services.agreement_update(actor=None, agreement=a, title=a.title)
    assert AuditEntry.objects.count() == before  # nothing changed, nothing written
    services.agreement_update(
        actor=None,
        agreement=a,
        title="Renamed",
        parties=[
            PartySpec("school", world.school),
            PartySpec("enterprise", world.enterprise),
            PartySpec("sponsor", world.other_enterprise),
        ],
        areas=[f.area("smart-campus")],
    )
    a.refresh_from_db()
    assert a.title == "Renamed"
    assert a.parties.count() == 3
    assert list(a.areas.values_list("code", flat=True)) == ["smart-campus"]
    entry = AuditEntry.objects.filter(action="agreement.update")[0]
    assert set(entry.changes) >= {"title", "parties", "areas"}
    # the new party's admins see the change too
    assert AuditEntry.objects.filter(
        action="agreement.update", organisation=world.other_enterprise
    ).exists()


def test_a_party_with_commitments_cannot_be_removed(world):
    a = f.agreement(world)
    services.commitment_create(
        actor=None,
        agreement=a,
        area=f.area(),
        text="Build a lab",
        owner=f.party(a, world.enterprise),
    )
    with pytest.raises(ValidationError) as error:
        services.agreement_update(
            actor=None,
            agreement=a,
            parties=[PartySpec("school", world.school), PartySpec("partner", world.other_school)],
        )
    assert "parties" in fields_of(error)
    assert a.parties.filter(organisation=world.enterprise).exists()


# --- Lifecycle --------------------------------------------------------------------------------


def test_the_whole_lifecycle(world):
    a = f.agreement(world, valid_from=f.today() - D(days=10), valid_to=f.today() + D(days=300))
    a = services.agreement_transition(actor=None, agreement=a, to="negotiating")
    a = f.ready_to_sign(a)
    a = services.agreement_transition(
        actor=None, agreement=a, to="signed", on=f.today() - D(days=5)
    )
    assert a.signed_on == f.today() - D(days=5)
    a = services.agreement_transition(actor=None, agreement=a, to="active")
    a = services.agreement_transition(
        actor=None, agreement=a, to="terminated", reason="The enterprise left the sector."
    )
    assert a.status == "terminated" and a.terminated_on == f.today()
    assert AuditEntry.objects.filter(action="agreement.terminated").count() == 2  # one per party


@pytest.mark.parametrize("target", ["signed", "active", "expired"])
def test_skipping_states_is_refused(world, target):
    a = f.agreement(world)
    with pytest.raises(ValidationError) as error:
        services.agreement_transition(actor=None, agreement=a, to=target)
    assert "cannot become" in str(error.value)
    a.refresh_from_db()
    assert a.status == "draft"


def test_signing_needs_signatories_of_every_party_and_a_signed_copy(world):
    a = f.agreement(world)
    services.agreement_transition(actor=None, agreement=a, to="negotiating")
    with pytest.raises(ValidationError) as error:
        services.agreement_transition(actor=None, agreement=a, to="signed")
    assert fields_of(error) == {"signatories", "documents"}
    assert len(error.value.message_dict["signatories"]) == 2
    services.signatory_add(
        actor=None, agreement=a, party=f.party(a, world.school), person=f.staff(world.school)
    )
    with pytest.raises(ValidationError) as error:
        services.agreement_transition(actor=None, agreement=a, to="signed")
    assert "Test Telecom" in " ".join(error.value.message_dict["signatories"])
    a.refresh_from_db()
    assert a.status == "negotiating" and a.signed_on is None
    # a draft document is not a signed copy
    services.document_create(actor=None, agreement=a, kind="draft", title="Draft", file=f.pdf())
    services.signatory_add(
        actor=None,
        agreement=a,
        party=f.party(a, world.enterprise),
        person=f.staff(world.enterprise),
    )
    with pytest.raises(ValidationError) as error:
        services.agreement_transition(actor=None, agreement=a, to="signed")
    assert fields_of(error) == {"documents"}


def test_signing_date_cannot_be_in_the_future(world):
    a = f.ready_to_sign(f.agreement(world))
    with pytest.raises(ValidationError) as error:
        services.agreement_transition(
            actor=None, agreement=a, to="signed", on=f.today() + D(days=1)
        )
    assert fields_of(error) == {"on"}


def test_activation_needs_a_period_that_has_not_ended(world):
    a = f.ready_to_sign(f.agreement(world))
    a = services.agreement_transition(actor=None, agreement=a, to="signed")
    with pytest.raises(ValidationError) as error:
        services.agreement_transition(actor=None, agreement=a, to="active")
    assert "validity period" in str(error.value)
    services.agreement_update(
        actor=None,
        agreement=a,
        valid_from=f.today() - D(days=400),
        valid_to=f.today() - D(days=1),
    )
    with pytest.raises(ValidationError) as error:
        services.agreement_transition(actor=None, agreement=a, to="active")
    # an ended validity can only be recorded as expired
    assert "cannot become active" in str(error.value) or "expired" in str(error.value)
    a.refresh_from_db()
    assert a.status == "signed"
    a = services.agreement_transition(actor=None, agreement=a, to="expired")
    assert a.status == "expired"


def test_expiry_waits_for_the_end_and_closed_agreements_stay_closed(world):
    a = f.active(world)
    with pytest.raises(ValidationError) as error:
        services.agreement_transition(actor=None, agreement=a, to="expired")
    assert "valid until" in str(error.value)
    a = services.agreement_transition(actor=None, agreement=a, to="terminated", reason="Merged")
    for target in ("active", "draft", "negotiating"):
        with pytest.raises(ValidationError) as error:
            services.agreement_transition(actor=None, agreement=a, to=target)
        assert "cannot change any more" in str(error.value)
    with pytest.raises(ValidationError):
        services.agreement_update(actor=None, agreement=a, title="Reopened?")
    with pytest.raises(ValidationError):
        services.commitment_create(
            actor=None, agreement=a, area=f.area(), text="x", owner=f.party(a, world.school)
        )


def test_termination_needs_a_reason(world):
    a = f.active(world)
    with pytest.raises(ValidationError) as error:
        services.agreement_transition(actor=None, agreement=a, to="terminated", reason="  ")
    assert fields_of(error) == {"reason"}
    a.refresh_from_db()
    assert a.status == "active" and a.termination_reason == ""


def test_expire_due_records_ended_agreements_once(world):
    ended = f.active(world, valid_from=f.today() - D(days=400), valid_to=f.today() + D(days=10))
    running = f.active(world)
    later = f.today() + D(days=11)
    annotated = Agreement.objects.with_current_status(later).get(pk=ended.pk)
    assert getattr(annotated, "current_status") == "expired"  # noqa: B009
    assert [a.pk for a in services.agreements_expire_due(today=later)] == [ended.pk]
    assert services.agreements_expire_due(today=later) == []
    ended.refresh_from_db()
    running.refresh_from_db()
    assert (ended.status, running.status) == ("expired", "active")


def test_parties_and_kind_are_fixed_after_signature(world):
    a = f.signed(world)
    with pytest.raises(ValidationError) as error:
        services.agreement_update(
            actor=None,
            agreement=a,
            kind="project",
            parties=[PartySpec("school", world.school), PartySpec("partner", world.other_school)],
        )
    assert fields_of(error) == {"kind", "parties"}
    services.agreement_update(actor=None, agreement=a, summary="Now with a summary")
    a.refresh_from_db()
    assert a.summary == "Now with a summary"


# --- Renewal ----------------------------------------------------------------------------------


def test_renewal_copies_parties_areas_and_commitments(world):
    a = f.active(world, valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2026, 12, 31))
    services.commitment_create(
        actor=None,
        agreement=a,
        area=f.area("certification"),
        text="Certify teachers",
        owner=f.party(a, world.enterprise),
        due_date=dt.date(2025, 6, 30),
        kpi_metric="contributions.mentor_hours",
        kpi_target=Decimal(100),
        kpi_period="year",
    )
    renewal = services.agreement_renew(
        actor=None, agreement=a, valid_from=dt.date(2027, 1, 1), valid_to=dt.date(2029, 12, 31)
    )
    assert renewal.renews == a and renewal.status == "draft"
    assert [p.organisation for p in renewal.parties.order_by("order")] == [
        world.school,
        world.enterprise,
    ]
    assert set(renewal.areas.values_list("code", flat=True)) == {"joint-lab", "certification"}
    copy = renewal.commitments.get()
    assert copy.owner.organisation == world.enterprise and copy.owner.agreement == renewal
    assert copy.due_date == dt.date(2028, 6, 30)  # moved by the same three years
    assert (copy.kpi_metric, copy.kpi_period) == ("contributions.mentor_hours", "year")


def test_two_renewals_of_one_agreement_are_refused(world):
    a = f.active(world, valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2026, 12, 31))
    first = services.agreement_renew(
        actor=None, agreement=a, valid_from=dt.date(2027, 1, 1), valid_to=dt.date(2028, 12, 31)
    )
    with pytest.raises(ValidationError) as error:
        services.agreement_renew(
            actor=None, agreement=a, valid_from=dt.date(2027, 1, 1), valid_to=dt.date(2028, 12, 31)
        )
    assert "already been renewed" in str(error.value)
    assert Agreement.objects.filter(renews=a).count() == 1
    # an abandoned renewal frees the place
    services.agreement_transition(actor=None, agreement=first, to="terminated", reason="Redo")
    services.agreement_renew(
        actor=None, agreement=a, valid_from=dt.date(2027, 1, 1), valid_to=dt.date(2028, 12, 31)
    )


def test_a_renewal_may_overlap_only_by_the_grace_period(world):
    a = f.active(world, valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2026, 12, 31))
    with pytest.raises(ValidationError) as error:
        services.agreement_renew(
            actor=None, agreement=a, valid_from=dt.date(2026, 6, 1), valid_to=dt.date(2029, 5, 31)
        )
    assert fields_of(error) == {"valid_from"}
    assert "overlap" in str(error.value)
    assert not Agreement.objects.filter(renews=a).exists()
    renewal = services.agreement_renew(
        actor=None, agreement=a, valid_from=dt.date(2026, 12, 15), valid_to=dt.date(2029, 12, 14)
    )
    assert renewal.valid_from == dt.date(2026, 12, 15)
    with pytest.raises(ValidationError):
        services.agreement_update(actor=None, agreement=renewal, valid_from=dt.date(2026, 3, 1))


def test_only_signed_active_or_expired_agreements_are_renewed(world):
    a = f.agreement(world)
    with pytest.raises(ValidationError) as error:
        services.agreement_renew(
            actor=None, agreement=a, valid_from=dt.date(2027, 1, 1), valid_to=dt.date(2028, 1, 1)
        )
    assert fields_of(error) == {"renews"}


# --- Signatories ------------------------------------------------------------------------------


def test_signatories_work_for_their_party_and_sign_once(world):
    a = f.agreement(world)
    outsider = f.staff(world.other_enterprise)
    with pytest.raises(ValidationError) as error:
        services.signatory_add(
            actor=None, agreement=a, party=f.party(a, world.school), person=outsider
        )
    assert "does not work for" in str(error.value)
    with pytest.raises(ValidationError):  # a student does not sign for the school
        services.signatory_add(
            actor=None,
            agreement=a,
            party=f.party(a, world.school),
            person=world.people["student"],
        )
    president = f.staff(world.school)
    s = services.signatory_add(
        actor=None, agreement=a, party=f.party(a, world.school), person=president, title="Pres."
    )
    assert s.title == "Pres."
    with pytest.raises(ValidationError):
        services.signatory_add(
            actor=None, agreement=a, party=f.party(a, world.school), person=president
        )
    assert president in services.signatory_candidates(a)
    assert world.people["student"] not in services.signatory_candidates(a)


def test_signatories_are_fixed_once_signed(world):
    a = f.signed(world)
    with pytest.raises(ValidationError):
        services.signatory_remove(actor=None, signatory=a.signatories.all()[0])
    assert a.signatories.count() == 2


# --- Commitments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kpi", "fields"),
    [
        ({"kpi_metric": "contributions.funding"}, {"kpi_target", "kpi_period"}),
        ({"kpi_target": Decimal(5), "kpi_period": "year"}, {"kpi_metric"}),
        (
            {"kpi_metric": "no.such_metric", "kpi_target": Decimal(5), "kpi_period": "year"},
            {"kpi_metric"},
        ),
        (
            {"kpi_metric": "contributions.hires", "kpi_target": Decimal(0), "kpi_period": "year"},
            {"kpi_target"},
        ),
        (
            {"kpi_metric": "contributions.hires", "kpi_target": Decimal(3), "kpi_period": "month"},
            {"kpi_period"},
        ),
    ],
)
def test_a_kpi_is_a_known_metric_a_positive_target_and_a_period(world, kpi, fields):
    a = f.agreement(world)
    with pytest.raises(ValidationError) as error:
        services.commitment_create(
            actor=None,
            agreement=a,
            area=f.area(),
            text="Hire graduates",
            owner=f.party(a, world.enterprise),
            **kpi,
        )
    assert fields_of(error) == fields
    assert not Commitment.objects.exists()


def test_commitment_owner_must_be_a_party_of_this_agreement(world):
    a, b = f.agreement(world), f.agreement(world)
    with pytest.raises(ValidationError) as error:
        services.commitment_create(
            actor=None, agreement=a, area=f.area(), text="x", owner=f.party(b, world.school)
        )
    assert fields_of(error) == {"owner"}


def test_commitment_update_and_delete_are_audited(world):
    a = f.agreement(world)
    c = services.commitment_create(
        actor=None, agreement=a, area=f.area(), text="x", owner=f.party(a, world.school)
    )
    services.commitment_update(
        actor=None,
        commitment=c,
        kpi_metric="documents.versions",
        kpi_target=Decimal(2),
        kpi_period="whole",
    )
    c.refresh_from_db()
    assert c.kpi_target == Decimal(2)
    services.commitment_delete(actor=None, commitment=c)
    assert not Commitment.objects.exists()
    assert AuditEntry.objects.filter(action="commitment.delete").count() == 2


# --- Contributions ----------------------------------------------------------------------------


def test_money_needs_a_currency_counted_kinds_have_their_unit(world):
    a = f.agreement(world)
    money = f.contribution(a, world.enterprise, "equipment", "250000.50", currency="usd")
    assert (money.direction, money.currency, money.unit) == ("input", "USD", "")
    hours = f.contribution(a, world.enterprise, "mentor_hours", "40")
    assert (hours.currency, hours.unit, hours.measure) == ("", "hours", "hours")
    hires = f.contribution(a, world.enterprise, "hires", "3")
    assert hires.direction == "output"
    other = f.contribution(a, world.school, "other_output", "2", unit="papers")
    assert other.unit == "papers"
    for kind, extra, field in [
        ("funding", {"currency": ""}, "currency"),
        ("funding", {"currency": "ABC"}, "currency"),
        ("mentor_hours", {"currency": "CNY"}, "currency"),
        ("other_input", {}, "unit"),
    ]:
        with pytest.raises(ValidationError) as error:
            f.contribution(a, world.school, kind, "10", **extra)
        assert field in fields_of(error), kind
    assert Contribution.objects.count() == 4


def test_contribution_value_date_and_party_are_checked(world):
    a, b = f.agreement(world), f.agreement(world)
    for value, date, field in [
        ("-5", f.today(), "value"),
        ("1.234", f.today(), "value"),
        ("NaN", f.today(), "value"),
        ("10", f.today() + D(days=3), "date"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.contribution_create(
                actor=None,
                agreement=a,
                party=f.party(a, world.school),
                kind="funding",
                value=value,
                currency="CNY",
                date=date,
            )
        assert field in fields_of(error)
    with pytest.raises(ValidationError) as error:
        services.contribution_create(
            actor=None,
            agreement=a,
            party=f.party(b, world.school),
            kind="funding",
            value="1",
            currency="CNY",
            date=f.today(),
        )
    assert fields_of(error) == {"party"}
    assert not Contribution.objects.exists()


def test_evidence_is_checked_like_documents(world, _media_root):
    a = f.agreement(world)
    fake = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ValidationError) as error:
        f.contribution(a, world.enterprise, evidence=fake)
    assert "Windows program" in error.value.message_dict["evidence"][0]
    assert not Contribution.objects.exists()
    ok = f.contribution(a, world.enterprise, evidence=f.pdf("invoice.pdf"))
    assert ok.evidence_name == "invoice.pdf" and len(ok.evidence_sha256) == 64
    assert ok.evidence.name.startswith(f"agreements/{a.pk}/evidence/")
