"""The demo alliance: idempotent, and its personas see what the product says they see.

Student and staff counts are shrunk for speed; the shape is the real one."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from qiao.core import demo
from qiao.core.models import Affiliation, AuditEntry, Membership, Organisation, Person, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "STUDENTS", dict.fromkeys(demo.STUDENTS, 3))
    monkeypatch.setattr(demo, "TEACHERS_PER_SCHOOL", 2)
    monkeypatch.setattr(demo, "MENTORS_PER_ENTERPRISE", 1)
    demo.load_core(lambda _line: None)


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (Organisation, Person, Affiliation, User, Membership, AuditEntry)
    )


def test_loading_twice_adds_nothing(small_demo: None) -> None:
    once = counts()
    demo.load_core(lambda _line: None)
    assert counts() == once


def log_in(email: str) -> Client:
    client = Client()
    response = client.post(
        reverse("core:login"), {"username": email, "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302, email
    return client


@pytest.mark.parametrize("persona", demo.PERSONAS, ids=lambda p: p.key)
def test_every_demo_login_works_with_the_printed_password(small_demo: None, persona: Any) -> None:
    client = log_in(persona.email)
    assert client.get(reverse("core:home")).status_code == 200
    user = User.objects.get(email=persona.email)
    assert user.is_superuser is persona.superuser
    if persona.role:
        assert user.memberships.get().role == persona.role


def test_demo_personas_see_what_their_roles_allow(small_demo: None) -> None:
    szpt_student = Affiliation.objects.filter(
        kind="student", organisation__name="Shenzhen Polytechnic"
    ).first()
    assert szpt_student is not None
    url = f"/api/v1/people/{szpt_student.person_id}"
    assert log_in("coordinator@szpt.demo").get(url).status_code == 200
    for email in (
        "manager@zte.demo",
        "mentor@zte.demo",
        "coordinator@sziit.demo",
        "outsider@qiao.demo",
    ):
        assert log_in(email).get(url).status_code == 404, email
