"""The demo loader: the certification training centre, idempotent."""

from __future__ import annotations

import pytest

from qiao.core.models import AuditEntry, User
from qiao.core.services import accounts, organisations, people
from qiao.core.tests import factories
from qiao.credentials.demo import PERSONA_EMAIL, load_demo_credentials
from qiao.credentials.models import Credential, ExamResult
from qiao.skills.models import Skill

pytestmark = pytest.mark.django_db


def test_demo_loader_is_idempotent_and_fills_the_wallet():
    szpt = organisations.organisation_create(
        actor=None,
        kind="vocational_college",
        name="Shenzhen Polytechnic",
        name_local="深圳职业技术学院",
        country="CN",
    )
    Skill.objects.create(code="CLD-VIRT", label_en="Virtualisation", label_zh="虚拟化技术")
    for i in range(4):
        factories.student(szpt, number=f"SZPT2024{i:04d}", email=f"s{i}@students.szpt.demo")
    user: User = accounts.user_create(actor=None, email=PERSONA_EMAIL, password="pw-9-long-x")
    persona = factories.student(szpt, number="SZPT2024999", email=PERSONA_EMAIL)
    people.person_update(actor=None, person=persona)
    persona.user = user
    persona.save()
    said: list[str] = []
    load_demo_credentials(said.append)
    issued = Credential.objects.count()
    assert issued >= 2
    assert Credential.objects.filter(person=persona).count() == 2
    assert Credential.objects.filter(status="revoked").exclude(person=persona).count() == 1
    results = ExamResult.objects.count()
    audit = AuditEntry.objects.count()
    load_demo_credentials(said.append)
    assert Credential.objects.count() == issued
    assert ExamResult.objects.count() == results
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)[audit:]) == []
    assert said[-1] == "credentials: 0 issued, 0 revoked"
