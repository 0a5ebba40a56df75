"""The demo's part: the ZTE–Shenzhen Polytechnic certification training centre.

The background document: Shenzhen Polytechnic and ZTE agreed to "jointly build [a] training
room, collaborative innovation center and certification training center", in cloud computing
among other fields. Here the centre runs ZTE cloud-computing and big-data certifications at
Shenzhen Polytechnic, which issues the credentials: achievements aligned to catalogue skills,
two schemes, two exam sessions with results, credentials in the students' wallets (the demo
student student@szpt.demo among them) and one revoked. Idempotent: loading twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from qiao.core.models import Affiliation, Organisation, Person
from qiao.credentials import crypto
from qiao.credentials.models import (
    Achievement,
    CertificationScheme,
    Credential,
    CredentialState,
    ExamSession,
)
from qiao.credentials.services import assessment, issuance, issuers, status
from qiao.skills.models import Skill

CENTRE = "ZTE–SZPT Certification Training Centre, Shenzhen Polytechnic (Xili campus)"
ACHIEVEMENTS: list[dict[str, Any]] = [
    {
        "key": "cloud",
        "kind": "certification",
        "human_code": "ZTE-CCA",
        "name_en": "ZTE Certified Cloud Computing Associate",
        "name_zh": "中兴通讯云计算认证工程师（初级）",
        "description_en": "Deploys and operates virtualised and private-cloud infrastructure and "
        "containers, as taught and examined at the ZTE–SZPT certification training centre.",
        "description_zh": "能够部署和运维虚拟化、私有云基础设施与容器，"
        "经中兴通讯—深职院认证培训中心培训并考核。",
        "criteria_en": "Passed the ZTE cloud computing associate exam (theory and hands-on lab) "
        "with at least 60 of 100 points.",
        "criteria_zh": "通过中兴通讯云计算初级认证考试（理论与实操），"
        "成绩不低于 60 分（满分 100）。",
        "skills": ["CLD-VIRT", "CLD-PLAT", "CLD-PLAT-PRIV", "CLD-CNT"],
        "scheme": "zte-cloud-associate",
        "validity": 36,
        "session": "SZPT-ZTE-CLOUD-2026-01",
        "date": dt.date(2026, 1, 17),
    },
    {
        "key": "bigdata",
        "kind": "certification",
        "human_code": "ZTE-BDA",
        "name_en": "ZTE Certified Big Data Associate",
        "name_zh": "中兴通讯大数据认证工程师（初级）",
        "description_en": "Builds batch data pipelines on Hadoop and Spark and analyses the "
        "results, as taught and examined at the ZTE–SZPT certification training centre.",
        "description_zh": "能够在 Hadoop 与 Spark 上构建批处理数据管道并分析结果，经中兴通讯—深职院"
        "认证培训中心培训并考核。",
        "criteria_en": "Passed the ZTE big data associate exam (theory and hands-on lab) with at "
        "least 60 of 100 points.",
        "criteria_zh": "通过中兴通讯大数据初级认证考试（理论与实操），"
        "成绩不低于 60 分（满分 100）。",
        "skills": ["DATA-HADOOP", "DATA-SPARK", "DATA-ETL", "DATA-ANA"],
        "scheme": "zte-bigdata-associate",
        "validity": 24,
        "session": "SZPT-ZTE-BIGDATA-2026-03",
        "date": dt.date(2026, 3, 21),
    },
]
CANDIDATES = 24
PERSONA_EMAIL = "student@szpt.demo"
PERSONA_SCORES = {"cloud": Decimal(86), "bigdata": Decimal("78.5")}
REVOKE_REASON = "Exam irregularity found on review of the lab recording."


def load_demo_credentials(say: Callable[[str], None]) -> None:
    szpt = Organisation.objects.filter(name="Shenzhen Polytechnic", country="CN").first()
    if szpt is None:
        say("credentials: skipped (no Shenzhen Polytechnic in the demo)")
        return
    try:
        crypto.current_kek()
    except crypto.KeyEncryptionError:
        say("credentials: skipped (set CREDENTIALS_KEK to sign credentials)")
        return
    issuers.issuer_ensure(actor=None, organisation=szpt)
    persona = Person.objects.filter(user__email=PERSONA_EMAIL).first()
    students = list(
        Person.objects.filter(
            pk__in=Affiliation.objects.filter(organisation=szpt, kind="student")
            .exclude(student_number="")
            .order_by("student_number")
            .values("person_id")[:200]
        )
        .exclude(email="")
        .exclude(user__email=PERSONA_EMAIL)
        .order_by("pk")[:CANDIDATES]
    )
    rng = random.Random(2030)
    issued = 0
    for spec in ACHIEVEMENTS:
        achievement = _achievement(szpt, spec)
        scheme = CertificationScheme.objects.filter(organisation=szpt, code=spec["scheme"]).first()
        if scheme is None:
            scheme = assessment.scheme_create(
                actor=None,
                organisation=szpt,
                achievement=achievement,
                code=spec["scheme"],
                pass_mark=Decimal(60),
                max_score=Decimal(100),
                validity_months=spec["validity"],
            )
        session = ExamSession.objects.filter(organisation=szpt, code=spec["session"]).first()
        if session is None:
            session = assessment.session_create(
                actor=None,
                scheme=scheme,
                code=spec["session"],
                site=CENTRE,
                date=spec["date"],
                capacity=40,
            )
        results = [assessment.ResultInput(s, Decimal(rng.randrange(42, 97))) for s in students]
        if persona is not None:
            results.append(assessment.ResultInput(persona, PERSONA_SCORES[spec["key"]]))
        if not session.results.exists():  # a second load adds nothing, not even audit entries
            assessment.results_record(actor=None, session=session, results=results)
        if issuance.session_issue_requests(session=session):
            issued += len(issuance.session_issue(actor=None, session=session).issued)
    revoked = _revoke_one(szpt, exclude=persona)
    say(f"credentials: {issued} issued, {revoked} revoked")


def _achievement(org: Organisation, spec: dict[str, Any]) -> Achievement:
    found = Achievement.objects.filter(organisation=org, name_en=spec["name_en"]).first()
    if found is not None:
        return found
    fields = {
        k: spec[k]
        for k in (
            "kind",
            "human_code",
            "name_en",
            "name_zh",
            "description_en",
            "description_zh",
            "criteria_en",
            "criteria_zh",
        )
    }
    return assessment.achievement_create(
        actor=None,
        organisation=org,
        skills=Skill.objects.filter(code__in=spec["skills"]),
        languages="zh-CN,en",
        **fields,
    )


def _revoke_one(org: Organisation, exclude: Person | None) -> int:
    """Revoke one big-data credential (not the persona's), once."""
    credentials = Credential.objects.filter(
        organisation=org, achievement__name_en=ACHIEVEMENTS[1]["name_en"]
    )
    if credentials.filter(status=CredentialState.REVOKED).exists():
        return 0
    if exclude is not None:
        credentials = credentials.exclude(person=exclude)
    target = credentials.order_by("issued_at", "person_id").first()
    if target is None:
        return 0
    status.credential_revoke(actor=None, credential=target, reason=REVOKE_REASON)
    return 1
