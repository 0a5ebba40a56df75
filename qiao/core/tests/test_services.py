"""Core services: bad input gets a ValidationError naming the field, and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from qiao.conftest import World
from qiao.core.models import (
    Affiliation,
    ApiToken,
    AuditEntry,
    Department,
    Membership,
    Organisation,
    Person,
    User,
)
from qiao.core.services import accounts, organisations, people
from qiao.core.tests import factories

pytestmark = pytest.mark.django_db


def rows() -> tuple[int, ...]:
    """How many rows of everything core writes: a failed call must leave these as they were."""
    return tuple(
        m.objects.count()
        for m in (Organisation, Department, Person, Affiliation, User, Membership, AuditEntry)
    )


def refused(call: Any, field: str) -> ValidationError:
    before = rows()
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    assert field in error.message_dict, error.message_dict
    assert all(error.message_dict[field]), error.message_dict
    assert rows() == before
    return error


# --- Organisations and departments ----------------------------------------------------------------

ORG = {"kind": "enterprise", "name": "Valid Co", "country": "CN"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"short_name": "x" * 41}, "short_name"),
        ({"kind": "pirate ship"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"country": "ZZ"}, "country"),
        ({"country": ""}, "country"),
        ({"website": "not a url"}, "website"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"city": "x" * 121}, "city"),
    ],
)
def test_organisation_create_refuses_bad_input(
    world: World, changes: dict[str, Any], field: str
) -> None:
    refused(lambda: organisations.organisation_create(actor=None, **{**ORG, **changes}), field)


def test_organisation_name_is_unique_within_a_country(world: World) -> None:
    error = refused(
        lambda: organisations.organisation_create(
            actor=None, kind="enterprise", name="Test Telecom", country="CN"
        ),
        "__all__",
    )
    assert "already exists" in str(error)
    # The same name in another country is another organisation.
    organisations.organisation_create(
        actor=None, kind="enterprise", name="Test Telecom", country="FR"
    )


def test_organisation_create_refuses_unknown_fields(world: World) -> None:
    with pytest.raises(TypeError):
        organisations.organisation_create(actor=None, **ORG, colour="red")
    assert not Organisation.objects.filter(name="Valid Co").exists()


def test_a_failed_organisation_update_changes_nothing(world: World) -> None:
    refused(
        lambda: organisations.organisation_update(
            actor=None, organisation=world.school, city="Zhuhai", country="ZZ"
        ),
        "country",
    )
    world.school.refresh_from_db()
    assert (world.school.city, world.school.country.code) == ("Shenzhen", "CN")


def test_department_names_are_unique_within_an_organisation(world: World) -> None:
    refused(
        lambda: organisations.department_create(
            actor=None, organisation=world.school, name="School of Computer Engineering"
        ),
        "__all__",
    )
    organisations.department_create(
        actor=None, organisation=world.other_school, name="School of Computer Engineering"
    )


def test_department_needs_a_name_of_sensible_length(world: World) -> None:
    refused(
        lambda: organisations.department_create(actor=None, organisation=world.school, name=""),
        "name",
    )
    refused(
        lambda: organisations.department_create(
            actor=None, organisation=world.school, name="D", code="x" * 41
        ),
        "code",
    )


def test_a_department_never_moves_to_another_organisation(world: World) -> None:
    dept = world.school.departments.get()
    organisations.department_update(
        actor=None, department=dept, organisation=world.other_school, code="SCE"
    )
    dept.refresh_from_db()
    assert (dept.organisation_id, dept.code) == (world.school.pk, "SCE")


def test_deleting_a_department_keeps_its_people(world: World) -> None:
    dept = world.school.departments.get()
    aff = factories.affiliation(
        factories.person(), world.school, "teacher", department=dept, title="Lecturer"
    )
    organisations.department_delete(actor=None, department=dept)
    aff.refresh_from_db()
    assert aff.department is None


# --- People and affiliations --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"given_name": ""}, "given_name"),
        ({"given_name": "x" * 101}, "given_name"),
        ({"given_name": "A", "email": "not-an-email"}, "email"),
        ({"given_name": "A", "nationality": "ZZ"}, "nationality"),
        ({"given_name": "A", "date_of_birth": "31/02/2001"}, "date_of_birth"),
        ({"given_name": "A", "phone": "1" * 41}, "phone"),
    ],
)
def test_person_create_refuses_bad_input(world: World, fields: dict[str, Any], field: str) -> None:
    refused(lambda: people.person_create(actor=None, **fields), field)


def test_person_update_never_relinks_an_account(world: World) -> None:
    student = world.people["student"]
    people.person_update(actor=None, person=student, user=world.users["admin"], phone="123")
    student.refresh_from_db()
    assert (student.user, student.phone) == (world.users["student"], "123")


def _aff(world: World, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "person": factories.person(),
        "organisation": world.school,
        "kind": "student",
        "student_number": "S9000",
    }
    values.update(fields)
    return lambda: people.affiliation_create(actor=None, **values)


def test_a_student_needs_a_student_number(world: World) -> None:
    error = refused(_aff(world, student_number=""), "student_number")
    assert "student number" in str(error)


def test_a_student_number_is_unique_within_an_organisation(world: World) -> None:
    error = refused(_aff(world, student_number="S0001"), "student_number")
    assert "already has this student number" in str(error)
    # …but another school may use the same number.
    _aff(world, organisation=world.other_school, student_number="S0001")()


def test_a_department_of_another_organisation_is_refused(world: World) -> None:
    other = factories.department(world.other_school)
    error = refused(_aff(world, department=other), "department")
    assert "another organisation" in str(error)


def test_a_major_of_another_organisation_is_refused(world: World) -> None:
    other = organisations.major_create(
        actor=None, organisation=world.other_school, code="X1", name="Tourism"
    )
    refused(_aff(world, major=other), "major")


@pytest.mark.parametrize("field", ["student_number", "cohort_year"])
def test_only_students_have_student_details(world: World, field: str) -> None:
    value = {"student_number": "T1", "cohort_year": 2024}[field]
    refused(
        _aff(world, kind="teacher", **{"student_number": "", field: value}),
        field,
    )


def test_an_affiliation_cannot_end_before_it_starts(world: World) -> None:
    error = refused(_aff(world, start=dt.date(2024, 9, 1), end=dt.date(2024, 8, 31)), "end")
    assert "before the start" in str(error)
    # Dates given as text (imports, the API) are checked the same way.
    refused(_aff(world, start="2024-09-01", end="2024-08-31"), "end")
    _aff(world, start="2024-09-01", end="2024-09-01")()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "alumnus"}, "kind"),
        ({"cohort_year": 1800}, "cohort_year"),
        ({"cohort_year": 3000}, "cohort_year"),
        ({"start": "not a date"}, "start"),
        ({"student_number": "x" * 41}, "student_number"),
    ],
)
def test_affiliation_create_refuses_bad_values(
    world: World, fields: dict[str, Any], field: str
) -> None:
    refused(_aff(world, **fields), field)


def test_a_failed_affiliation_update_changes_nothing(world: World) -> None:
    other = factories.student(world.school, number="S0002")
    aff = other.affiliations.get()
    refused(
        lambda: people.affiliation_update(actor=None, affiliation=aff, student_number="S0001"),
        "student_number",
    )
    aff.refresh_from_db()
    assert aff.student_number == "S0002"
    # Keeping one's own number is not a clash with oneself.
    people.affiliation_update(actor=None, affiliation=aff, student_number="S0002", cohort_year=2025)


def test_an_affiliation_keeps_its_person_and_organisation(world: World) -> None:
    aff = world.people["student"].affiliations.get()
    people.affiliation_update(
        actor=None, affiliation=aff, person=world.people["teacher"], organisation=world.enterprise
    )
    aff.refresh_from_db()
    assert (aff.person, aff.organisation) == (world.people["student"], world.school)


def test_ending_an_affiliation_keeps_the_history(world: World) -> None:
    aff = world.people["student"].affiliations.get()
    people.affiliation_end(actor=None, affiliation=aff, on=dt.date(2027, 7, 1))
    aff.refresh_from_db()
    assert aff.end == dt.date(2027, 7, 1)
    assert not Affiliation.objects.current(on=dt.date(2027, 7, 2)).filter(pk=aff.pk).exists()
    assert Affiliation.objects.current(on=dt.date(2027, 7, 1)).filter(pk=aff.pk).exists()


def test_deleting_a_person_deletes_their_affiliations_not_their_account(world: World) -> None:
    student = world.people["student"]
    people.person_delete(actor=None, person=student)
    assert not Affiliation.objects.filter(person_id=student.pk).exists()
    assert User.objects.filter(pk=world.users["student"].pk).exists()


# --- Accounts -----------------------------------------------------------------------------------


def test_emails_are_unique_whatever_their_case(world: World) -> None:
    refused(lambda: accounts.user_create(actor=None, email="Teacher@TEST.example"), "email")


def test_user_create_refuses_an_invalid_email(world: World) -> None:
    refused(lambda: accounts.user_create(actor=None, email="not an email"), "email")


def test_an_account_without_a_password_can_only_reset_it(world: World) -> None:
    user = accounts.user_create(actor=None, email="new@test.example")
    assert not user.has_usable_password()


def test_membership_role_must_exist(world: World) -> None:
    refused(
        lambda: accounts.membership_set(
            actor=None, user=world.users["outsider"], organisation=world.school, role="owner"
        ),
        "role",
    )


def test_user_update_changes_only_what_it_may(world: World) -> None:
    with pytest.raises(TypeError):
        accounts.user_update(actor=None, user=world.users["teacher"], is_superuser=True)
    world.users["teacher"].refresh_from_db()
    assert not world.users["teacher"].is_superuser
    refused(
        lambda: accounts.user_update(
            actor=None, user=world.users["teacher"], display_name="x" * 151
        ),
        "display_name",
    )


@pytest.mark.parametrize(
    ("name", "days", "field"),
    [
        ("", None, "name"),
        ("  ", None, "name"),
        ("x" * 101, None, "name"),
        ("ok", 0, "expires_in_days"),
        ("ok", 3651, "expires_in_days"),
    ],
)
def test_api_token_create_refuses_bad_input(
    world: World, name: str, days: int | None, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        accounts.api_token_create(actor=world.users["teacher"], name=name, expires_in_days=days)
    assert field in caught.value.message_dict
    assert not ApiToken.objects.exists()


def test_api_tokens_are_distinct_and_expire_when_asked(world: World) -> None:
    first, secret1 = accounts.api_token_create(actor=world.users["teacher"], name="a")
    second, secret2 = accounts.api_token_create(
        actor=world.users["teacher"], name="b", expires_in_days=7
    )
    assert secret1 != secret2
    assert first.expires_at is None
    assert second.expires_at is not None
    assert dt.timedelta(days=6) < second.expires_at - second.created_at <= dt.timedelta(days=7)
    assert accounts.api_token_authenticate(secret2) == world.users["teacher"]
    assert accounts.api_token_authenticate(secret2 + "x") is None
    assert accounts.api_token_authenticate("") is None
