"""Batch issuance benchmark: the credentials app's batch service, end to end, on SQLite.

    .venv/bin/python benchmarks/credentials_app.py [--count 1000] [--chunk 50]

Sets up a throwaway SQLite database in a temporary directory (migrations, one school, --count
students with email addresses, an achievement aligned to two skills, a scheme, one exam session
in which every student passed), then times `session_issue`: for every passed result it builds
the Open Badges 3.0 credential, signs it (eddsa-rdfc-2022, issuer key unwrapped with the KEK),
allocates its status-list entries, stores it with its SHA-256 and writes the audit entry,
committing every --chunk credentials. A second table times signing alone (the library part of
the same work) for comparison. Wall clock decides; CPU time is printed because the machine may
be shared.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import os
import platform
import secrets
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def setup_django(workdir: Path) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ["QIAO_VAR_DIR"] = str(workdir)
    os.environ["DEBUG"] = "0"  # DEBUG would keep every SQL statement in memory
    os.environ.setdefault("SECRET_KEY", "benchmark-" + secrets.token_urlsafe(40))
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Production mode needs a real key-encryption key: a fresh one for this run.
    os.environ["CREDENTIALS_KEK"] = base64.b64encode(os.urandom(32)).decode()
    os.environ["DJANGO_SETTINGS_MODULE"] = "qiao.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def build(count: int) -> Any:
    from qiao.core.models import Affiliation, Person
    from qiao.core.services import organisations
    from qiao.credentials.services import assessment, issuers
    from qiao.skills.models import Skill

    school = organisations.organisation_create(
        actor=None,
        kind="vocational_college",
        name="Benchmark Polytechnic",
        name_local="基准职业技术学院",
        country="CN",
    )
    people = Person.objects.bulk_create(
        Person(family_name="Li", given_name=f"Hua {i}", email=f"s{i:06d}@students.example")
        for i in range(count)
    )
    Affiliation.objects.bulk_create(
        Affiliation(organisation=school, person=p, kind="student", student_number=f"B{i:06d}")
        for i, p in enumerate(people)
    )
    skills = [
        Skill.objects.create(code="CLD-VIRT", label_en="Virtualisation", label_zh="虚拟化技术"),
        Skill.objects.create(code="CLD-CNT", label_en="Container technology", label_zh="容器技术"),
    ]
    issuers.issuer_ensure(actor=None, organisation=school)
    achievement = assessment.achievement_create(
        actor=None,
        organisation=school,
        kind="certification",
        name_en="Cloud Computing Associate",
        name_zh="云计算工程师（初级）",
        description_en="Operates virtualised infrastructure and containers.",
        description_zh="能够运维虚拟化基础设施与容器。",
        criteria_en="Passed the exam with at least 60 of 100 points.",
        criteria_zh="考试成绩不低于 60 分。",
        languages="zh-CN,en",
        skills=skills,
    )
    scheme = assessment.scheme_create(
        actor=None,
        organisation=school,
        achievement=achievement,
        code="cloud-a",
        pass_mark=Decimal(60),
        max_score=Decimal(100),
        validity_months=36,
    )
    session = assessment.session_create(
        actor=None,
        scheme=scheme,
        code="BENCH-1",
        site="Certification centre",
        date=dt.date(2026, 1, 17),
        capacity=count,
    )
    assessment.results_record(
        actor=None,
        session=session,
        results=[assessment.ResultInput(p, Decimal(60 + i % 40)) for i, p in enumerate(people)],
    )
    return session


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--chunk", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qiao-bench-credentials-") as tmp:
        setup_django(Path(tmp))
        from qiao.credentials.models import Credential
        from qiao.credentials.services import issuance, issuers

        session = build(args.count)
        requests = issuance.session_issue_requests(session=session)
        wall0, cpu0 = time.perf_counter(), time.process_time()
        outcome = issuance.credentials_issue(actor=None, requests=requests, chunk=args.chunk)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        issued = len(outcome.issued)
        assert issued == args.count == Credential.objects.count(), (issued, outcome.skipped)

        # The library's share of the same work: build and sign only, no database.
        issuer = session.organisation.credential_issuer
        pair = issuers.keypair(issuers.active_key(issuer))
        ob = issuance.ob_achievement(session.scheme.achievement)
        profile = issuance.issuer_profile(issuer)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        import uuid

        sign_wall0, sign_cpu0 = time.perf_counter(), time.process_time()
        for i, request in enumerate(requests):
            issuance._sign_one(
                credential_id=uuid.uuid4(),
                issuer=issuer,
                profile=profile,
                achievement=ob,
                email=issuance.recipient_email(request.person),
                issued_at=now,
                valid_until=None,
                index=i,
                pair=pair,
            )
        sign_wall = time.perf_counter() - sign_wall0
        sign_cpu = time.process_time() - sign_cpu0

        print(
            f"Python {platform.python_version()}, {platform.machine()}, SQLite, "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; chunk {args.chunk}"
        )
        print()
        print("| operation | count | seconds | per second | CPU s | per CPU s |")
        print("| --- | --- | --- | --- | --- | --- |")
        rows = [
            ("batch issuance (sign + store + status + audit)", issued, wall, cpu),
            ("sign only (build + eddsa-rdfc-2022)", len(requests), sign_wall, sign_cpu),
        ]
        for name, n, w, c in rows:
            print(f"| {name} | {n} | {w:.2f} | {n / w:.0f} | {c:.2f} | {n / c:.0f} |")


if __name__ == "__main__":
    main()
