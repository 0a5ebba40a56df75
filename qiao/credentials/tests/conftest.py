"""Fixtures of the credentials tests: an issuing school on top of the `world` personas.

Signing costs a few milliseconds (RDFC canonicalisation); tests issue only what they need, and
the issuer's key is made once per test by the services (Ed25519 key generation is cheap)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from qiao.core.models import Person
from qiao.credentials.models import Achievement, CertificationScheme, Credential, ExamSession
from qiao.credentials.services import assessment, issuance, issuers
from qiao.skills.models import Skill


@dataclass
class Centre:
    """An issuing school: issuer, an aligned achievement, a scheme and an exam session."""

    world: Any
    achievement: Achievement
    scheme: CertificationScheme
    session: ExamSession
    skills: list[Skill]

    def issue(self, person: Person | None = None, **kwargs: Any) -> Credential:
        return issuance.credential_issue(
            actor=self.world.users["coordinator"],
            achievement=self.achievement,
            person=person or self.world.people["student"],
            **kwargs,
        )


def make_skills() -> list[Skill]:
    return [
        Skill.objects.create(code="CLD", label_en="Cloud computing", label_zh="云计算"),
        Skill.objects.create(code="CLD-VIRT", label_en="Virtualisation", label_zh="虚拟化技术"),
    ]


@pytest.fixture
def centre(world: Any) -> Centre:
    skills = make_skills()
    issuers.issuer_ensure(actor=None, organisation=world.school)
    achievement = assessment.achievement_create(
        actor=None,
        organisation=world.school,
        kind="certification",
        human_code="TC-CLOUD",
        name_en="Cloud Computing Associate",
        name_zh="云计算工程师（初级）",
        description_en="Operates virtualised infrastructure.",
        description_zh="能够运维虚拟化基础设施。",
        criteria_en="Passed the exam with at least 60 points.",
        criteria_zh="考试成绩不低于 60 分。",
        languages="zh-CN,en",
        skills=skills,
    )
    scheme = assessment.scheme_create(
        actor=None,
        organisation=world.school,
        achievement=achievement,
        code="cloud-a",
        pass_mark=Decimal(60),
        max_score=Decimal(100),
        validity_months=24,
    )
    session = assessment.session_create(
        actor=None,
        scheme=scheme,
        code="CLOUD-2026-01",
        site="Certification centre, room 301",
        date=dt.date(2026, 1, 17),
        capacity=5,
    )
    return Centre(world, achievement, scheme, session, skills)


def student(world: Any, number: str, email: str = "") -> Person:
    from qiao.core.tests import factories

    return factories.student(
        world.school, number=number, email=email or f"{number.lower()}@test.example"
    )
