"""Shared test fixtures: the personas, built through the real services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from qiao.core.models import Organisation, Person, Role, User
from qiao.core.services import accounts, organisations, people

PASSWORD = "correct-horse-battery-staple-9"  # noqa: S105 - test-only


@dataclass
class World:
    school: Organisation
    other_school: Organisation
    enterprise: Organisation
    other_enterprise: Organisation
    users: dict[str, User]
    people: dict[str, Person]

    def client(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(self.users[persona])
        return client


def make_user(email: str, *, superuser: bool = False) -> User:
    return accounts.user_create(actor=None, email=email, password=PASSWORD, is_superuser=superuser)


def make_person(
    org: Organisation, kind: str, *, given: str, email: str = "", **extra: Any
) -> Person:
    person = people.person_create(actor=None, family_name="Test", given_name=given, email=email)
    people.affiliation_create(actor=None, person=person, organisation=org, kind=kind, **extra)
    return person


@pytest.fixture
def world(db: Any) -> World:
    """A school and an enterprise (plus a second of each) and the personas of the product:
    platform admin, school coordinator, school admin, enterprise manager, teacher, mentor,
    student, and an outsider with no organisation."""
    school = organisations.organisation_create(
        actor=None,
        kind="vocational_college",
        name="深圳测试职业技术学院",
        name_en="Test Polytechnic",
        country="CN",
        city="Shenzhen",
    )
    other_school = organisations.organisation_create(
        actor=None, kind="overseas_institution", name="Other Institute", country="KE", city="Nakuru"
    )
    enterprise = organisations.organisation_create(
        actor=None, kind="enterprise", name="Test Telecom", country="CN", city="Shenzhen"
    )
    other_enterprise = organisations.organisation_create(
        actor=None, kind="enterprise", name="Other Cloud", country="EG", city="Cairo"
    )
    dept = organisations.department_create(
        actor=None, organisation=school, name="School of Computer Engineering"
    )
    major = organisations.major_create(
        actor=None, organisation=school, code="510201", name="Cloud Computing", department=dept
    )
    users = {
        "admin": make_user("admin@test.example", superuser=True),
        "coordinator": make_user("coordinator@test.example"),
        "org_admin": make_user("orgadmin@test.example"),
        "enterprise": make_user("manager@test.example"),
        "teacher": make_user("teacher@test.example"),
        "mentor": make_user("mentor@test.example"),
        "student": make_user("student@test.example"),
        "outsider": make_user("outsider@test.example"),
        "other_coordinator": make_user("coordinator@other.example"),
    }
    roles = [
        ("coordinator", school, Role.COORDINATOR),
        ("org_admin", school, Role.ADMIN),
        ("enterprise", enterprise, Role.COORDINATOR),
        ("teacher", school, Role.MEMBER),
        ("mentor", enterprise, Role.MEMBER),
        ("student", school, Role.VIEWER),
        ("other_coordinator", other_school, Role.COORDINATOR),
    ]
    for persona, org, role in roles:
        accounts.membership_set(actor=None, user=users[persona], organisation=org, role=role)
    student = people.person_create(
        actor=None,
        family_name="Li",
        given_name="Hua",
        native_name="李华",
        email="student@test.example",
        nationality="CN",
        date_of_birth=dt.date(2006, 5, 1),
    )
    people.affiliation_create(
        actor=None,
        person=student,
        organisation=school,
        kind="student",
        student_number="S0001",
        major=major,
        cohort_year=2024,
    )
    student.user = users["student"]
    student.save()
    teacher = make_person(
        school, "teacher", given="Teacher", email="teacher@test.example", title="Lecturer"
    )
    teacher.user = users["teacher"]
    teacher.save()
    mentor = make_person(
        enterprise, "mentor", given="Mentor", email="mentor@test.example", title="Engineer"
    )
    mentor.user = users["mentor"]
    mentor.save()
    other_student = people.person_create(
        actor=None, family_name="Otieno", given_name="Achieng", nationality="KE"
    )
    people.affiliation_create(
        actor=None,
        person=other_student,
        organisation=other_school,
        kind="student",
        student_number="K0001",
        cohort_year=2024,
    )
    ppl = {"student": student, "teacher": teacher, "mentor": mentor, "other_student": other_student}
    return World(school, other_school, enterprise, other_enterprise, users, ppl)
