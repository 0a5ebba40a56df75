"""Placements at scale: a round of 100,000 students over 10,000 openings, on a throwaway database.

    .venv/bin/python benchmarks/placements.py                          # SQLite, 100k x 10k
    .venv/bin/python benchmarks/placements.py --quick                  # smoke run, 5k x 500
    .venv/bin/python benchmarks/placements.py \
        --database-url postgres://postgres@127.0.0.1:5432/test         # PostgreSQL

SQLite runs in a temporary directory. With --database-url (PostgreSQL), the script creates its
own database (--database-name, default ``bench_placements``) on that server, and drops it at the
end; the database named in the URL is only used to connect.

The script generates (with bulk_create; timed apart, not counted) one school with --majors
majors, hosts with sites, two published rounds in hosts mode — a small one (--small-students,
--small-openings) and the large one (--students, --openings) — where every student ranks
--choices openings (popularity skewed, mostly openings open to her major; about 1 % of the
students are 15, and so ineligible for post internships, and 1 % of the choices are off-major)
and hosts score every application. Then it measures:

1. the number of SQL queries of the student's ranking page and of the coordinator's review page
   of a run (Django test client, CaptureQueriesContext), for the small and the large round: a
   page whose count grows with the round is a bug;
2. the allocation job end to end, as the background task runs it (`run_execute`: load the round
   from the database, the engine, write the run and one outcome per student), phase by phase.
   Target: <= 60 s. --repeat runs give best and median.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import platform
import random
import resource
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_SECONDS = 60.0
QUERY_LOG_LIMIT = 9000  # django.db.backends.base.base.BaseDatabaseWrapper.queries_limit
PHASES = ("load", "engine", "outcomes", "write", "other")


def setup_django(workdir: Path, database_url: str | None) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["QIAO_VAR_DIR"] = str(workdir)
    (workdir / "static").mkdir(exist_ok=True)
    os.environ["DEBUG"] = "0"  # DEBUG would keep every SQL statement in memory
    os.environ.setdefault("SECRET_KEY", "benchmark-" + secrets.token_urlsafe(40))
    os.environ["ALLOWED_HOSTS"] = "localhost,testserver"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "qiao.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


# --- A throwaway PostgreSQL database ------------------------------------------------------------


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def pg_create(url: str, name: str) -> str:
    import psycopg

    if urlsplit(url).path.lstrip("/") == name:
        raise SystemExit(f"--database-name must differ from the database of the URL ({name})")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return _with_database(url, name)


def pg_drop(url: str, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- Generation -----------------------------------------------------------------------------


class World:
    """What the generator made: the school, the two rounds, the personas."""

    def __init__(self) -> None:
        self.school: Any = None
        self.majors: list[Any] = []
        self.hosts: list[Any] = []
        self.sites: list[Any] = []
        self.coordinator: Any = None
        self.rounds: dict[str, Any] = {}
        self.students: dict[str, Any] = {}  # users, one per round
        self.counts: dict[str, dict[str, int]] = {}


def make_world(args: argparse.Namespace, rng: random.Random) -> World:
    from qiao.core.models import Role
    from qiao.core.services import accounts, organisations
    from qiao.placements.models import Site

    w = World()
    w.school = organisations.organisation_create(
        actor=None, kind="vocational_college", name="Benchmark Polytechnic", country="CN"
    )
    dept = organisations.department_create(
        actor=None, organisation=w.school, name="School of Engineering"
    )
    w.majors = [
        organisations.major_create(
            actor=None,
            organisation=w.school,
            code=f"5{i:05d}",
            name=f"Major {i}",
            department=dept,
        )
        for i in range(args.majors)
    ]
    w.hosts = [
        organisations.organisation_create(
            actor=None, kind="enterprise", name=f"Host {i}", country="CN"
        )
        for i in range(args.hosts)
    ]
    w.sites = Site.objects.bulk_create(
        [
            Site(
                name=f"Training base {i}",
                kind="training_base",
                host=w.hosts[i % len(w.hosts)],
                school=w.school,
                country="CN",
                city="Shenzhen",
                capacity=200,
            )
            for i in range(args.hosts * 3)
        ],
        batch_size=1000,
    )
    w.coordinator = accounts.user_create(actor=None, email="coordinator@bench.example")
    accounts.membership_set(
        actor=None, user=w.coordinator, organisation=w.school, role=Role.COORDINATOR
    )
    return w


def make_round(
    w: World, label: str, n_students: int, n_openings: int, args: argparse.Namespace, rng: Any
) -> None:
    """One published-openings round, open for ranking, with every list and every score."""
    from django.utils import timezone

    from qiao.core.models import Person
    from qiao.core.services import accounts
    from qiao.placements.models import (
        HostScore,
        Opening,
        PlacementRound,
        Preference,
        RoundCandidate,
        RoundStatus,
    )

    today = timezone.localdate()
    start = today + dt.timedelta(days=60)
    end = start + dt.timedelta(days=120)
    n_majors = len(w.majors)
    kinds = ["post_internship", "follow_up_internship", "cognitive_internship", "apprenticeship"]
    openings = Opening.objects.bulk_create(
        [
            Opening(
                school=w.school,
                host=(site := w.sites[i % len(w.sites)]).host,
                site=site,
                title=f"{label} opening {i}",
                kind=kinds[i % len(kinds)],
                status="published",
                published_at=timezone.now(),
                start=start,
                end=end,
                seats=rng.randint(1, 2 * args.seats - 1),
                hours_per_day=Decimal(8),
                days_per_week=5,
                pay_amount=Decimal(4000),
                probation_wage=Decimal(5000),
                insurer="PICC",
                insurance_from=start,
                insurance_to=end,
                post_headcount=500,
                host_workforce=100_000,
            )
            for i in range(n_openings)
        ],
        batch_size=500,
    )
    # Each opening is open to two majors: opening i to majors i and i + 1 (mod the count).
    through = Opening.majors.through
    through.objects.bulk_create(
        [
            through(opening_id=o.pk, major_id=w.majors[(i + d) % n_majors].pk)
            for i, o in enumerate(openings)
            for d in (0, 1)
        ],
        batch_size=2000,
    )
    by_major: list[list[int]] = [[] for _ in range(n_majors)]
    for i, o in enumerate(openings):
        by_major[i % n_majors].append(o.pk)
        by_major[(i + 1) % n_majors].append(o.pk)

    now = timezone.now()
    rnd = PlacementRound.objects.create(
        school=w.school,
        name=f"Benchmark round {label}",
        status=RoundStatus.OPEN,
        ranking_opens=now - dt.timedelta(hours=1),
        ranking_closes=now + dt.timedelta(days=7),
        respond_by=now + dt.timedelta(days=14),
        max_choices=args.choices,
        priority_mode="hosts",
    )
    rnd.openings.through.objects.bulk_create(
        [rnd.openings.through(placementround_id=rnd.pk, opening_id=o.pk) for o in openings],
        batch_size=2000,
    )
    people = Person.objects.bulk_create(
        [
            Person(
                family_name="Li",
                given_name=f"{label} {i}",
                date_of_birth=(
                    today - dt.timedelta(days=365 * 15 + 100)  # 15: no post internship
                    if i % 100 == 99
                    else dt.date(2004 + i % 3, 1 + i % 12, 1 + i % 28)
                ),
            )
            for i in range(n_students)
        ],
        batch_size=2000,
    )
    user = accounts.user_create(actor=None, email=f"student-{label}@bench.example")
    Person.objects.filter(pk=people[0].pk).update(user=user)
    candidates = RoundCandidate.objects.bulk_create(
        [
            RoundCandidate(
                round=rnd,
                person=p,
                student_number=f"{label}{i:07d}",
                major=w.majors[i % n_majors],
                cohort_year=2024,
                date_of_birth=p.date_of_birth,
                grade_average=Decimal(60 + i % 40),
            )
            for i, p in enumerate(people)
        ],
        batch_size=2000,
    )
    # Popularity: the k-th opening of a major is chosen with weight ~ 1 / (k + 10).
    cumulative = [
        list(itertools.accumulate(1.0 / (k + 10) for k in range(len(ids)))) for ids in by_major
    ]
    all_ids = [o.pk for o in openings]
    prefs: list[Preference] = []
    scores: list[HostScore] = []
    host_of = {o.pk: o.host_id for o in openings}
    n_prefs = 0
    for i, c in enumerate(candidates):
        major = i % n_majors
        pool = by_major[major]
        want = min(args.choices, len(pool))
        chosen: list[int] = []
        seen: set[int] = set()
        while len(chosen) < want:
            pick = (
                rng.choice(all_ids)  # about 1 % off-major choices: ineligible
                if rng.random() < 0.01
                else rng.choices(pool, cum_weights=cumulative[major])[0]
            )
            if pick not in seen:
                seen.add(pick)
                chosen.append(pick)
        for pos, oid in enumerate(chosen, 1):
            prefs.append(Preference(candidate_id=c.pk, opening_id=oid, position=pos))
            scores.append(
                HostScore(
                    round_id=rnd.pk,
                    opening_id=oid,
                    candidate_id=c.pk,
                    score=Decimal(rng.randint(0, 1000)) / 10,
                    interview_score=None,
                )
            )
        if len(prefs) >= 50_000:
            Preference.objects.bulk_create(prefs, batch_size=5000)
            HostScore.objects.bulk_create(scores, batch_size=5000)
            n_prefs += len(prefs)
            prefs, scores = [], []
    Preference.objects.bulk_create(prefs, batch_size=5000)
    HostScore.objects.bulk_create(scores, batch_size=5000)
    n_prefs += len(prefs)
    del host_of
    w.rounds[label] = rnd
    w.students[label] = user
    w.counts[label] = {
        "students": n_students,
        "openings": n_openings,
        "seats": sum(o.seats for o in openings),
        "preferences": n_prefs,
    }


# --- Measurements -------------------------------------------------------------------------------


def count_queries(user: Any, url: str) -> tuple[int, float, int]:
    """Queries, seconds and bytes of one GET of `url` as `user` (after one warm-up GET)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    # secure: production settings redirect plain HTTP to HTTPS.
    response = client.get(url, secure=True)
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = client.get(url, secure=True)
        seconds = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), seconds, len(response.content)


REVIEW_TABS = ("detail", "openings", "sites", "students")


def pages(w: World, phase: str) -> list[tuple[str, str, int, float, int]]:
    from django.test.utils import override_settings
    from django.urls import reverse

    rows = []
    # Production settings serve hashed static files (collectstatic); pages only need names.
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        for label, rnd in w.rounds.items():
            if phase == "ranking":
                targets = [("ranking", reverse("placements:ranking", args=[rnd.pk]))]
                user = w.students[label]
            else:
                run = rnd.runs.order_by("-number").first()
                targets = [
                    (f"review: {tab}", reverse(f"placements:run_{tab}", args=[rnd.pk, run.pk]))
                    for tab in REVIEW_TABS
                ]
                user = w.coordinator
            for name, url in targets:
                n, seconds, size = count_queries(user, url)
                rows.append((name, label, n, seconds, size))
    return rows


def allocate(w: World, label: str, timings: dict[str, float]) -> tuple[Any, float, float]:
    from qiao.placements.models import RunOutcome
    from qiao.placements.services import allocation

    rnd = w.rounds[label]
    run = allocation.run_create(actor=w.coordinator, placement_round=rnd, options={"seed": 7})
    wall, cpu = time.perf_counter(), time.process_time()
    run = allocation.run_execute(run_id=run.pk, job_id=str(run.job_id or ""), timings=timings)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert run.state == "done", run.error
    assert RunOutcome.objects.filter(run=run).count() == w.counts[label]["students"]
    return run, wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--openings", type=int, default=10_000)
    parser.add_argument("--small-students", type=int, default=1_000)
    parser.add_argument("--small-openings", type=int, default=100)
    parser.add_argument("--choices", type=int, default=10, help="openings each student ranks")
    parser.add_argument("--seats", type=int, default=9, help="mean seats per opening")
    parser.add_argument("--majors", type=int, default=20)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3, help="allocation runs of the large round")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--quick", action="store_true", help="smoke run: 5,000 x 500, one run")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to use instead of SQLite (postgres://…); the script creates "
        "and drops its own database there",
    )
    parser.add_argument("--database-name", default="bench_placements")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the first large run to FILE")
    args = parser.parse_args()
    if args.quick:
        args.students, args.openings, args.repeat = 5_000, 500, 1

    workdir = Path(tempfile.mkdtemp(prefix="qiao-bench-placements-"))
    url = None
    try:
        if args.database_url:
            url = pg_create(args.database_url, args.database_name)
        run(args, workdir, url)
    finally:
        if args.database_url and url:
            pg_drop(args.database_url, args.database_name)
        shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, workdir: Path, url: str | None) -> None:
    started = time.perf_counter()
    setup_django(workdir, url)
    from django.conf import settings
    from django.db import connection

    migrated = time.perf_counter() - started
    rng = random.Random(args.seed)
    started = time.perf_counter()
    w = make_world(args, rng)
    make_round(w, "small", args.small_students, args.small_openings, args, rng)
    make_round(w, "large", args.students, args.openings, args, rng)
    generated = time.perf_counter() - started
    large = w.counts["large"]
    print(
        f"migrated in {migrated:.1f} s; generated {large['students']:,} students, "
        f"{large['openings']:,} openings ({large['seats']:,} seats), "
        f"{large['preferences']:,} ranked choices and as many host scores, plus the small round, "
        f"in {generated:.1f} s (not counted)",
        flush=True,
    )

    page_rows = pages(w, "ranking")
    from qiao.placements.services import rounds

    for rnd in w.rounds.values():
        rounds.round_close_ranking(actor=None, placement_round=rnd)
    allocate(w, "small", {})
    samples: list[tuple[float, float, dict[str, float]]] = []
    for attempt in range(args.repeat):
        timings: dict[str, float] = {}
        if args.profile and attempt == 0:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
            run_, wall, cpu = allocate(w, "large", timings)
            profiler.disable()
            profiler.dump_stats(args.profile)
        else:
            run_, wall, cpu = allocate(w, "large", timings)
        timings["other"] = max(0.0, wall - sum(timings.get(p, 0.0) for p in PHASES[:-1]))
        samples.append((wall, cpu, timings))
        print(
            f"  run {attempt + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU ("
            + ", ".join(f"{p} {timings.get(p, 0.0):.2f}" for p in PHASES)
            + ")",
            flush=True,
        )
    page_rows += pages(w, "review")
    metrics = run_.metrics

    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if vendor == "sqlite" else "show server_version")
        version = str(cursor.fetchone()[0]).split()[0]
    print()
    print(
        f"Placements benchmark, {dt.date.today().isoformat()}: {vendor} {version}, "
        f"Python {sys.version.split()[0]}, {platform.machine()}, {os.cpu_count()} CPUs "
        f"(load average {os.getloadavg()[0]:.1f}); database {settings.DATABASES['default']['NAME']}"
    )
    print(
        f"Round: {large['students']:,} students x {large['openings']:,} openings, "
        f"{large['seats']:,} seats, {large['preferences']:,} ranked choices, hosts mode "
        f"(every application scored); small round {w.counts['small']['students']:,} x "
        f"{w.counts['small']['openings']:,}."
    )
    print()
    print("| page | round | queries | seconds | KB |")
    print("|---|---|---:|---:|---:|")
    for phase, label, n, seconds, size in page_rows:
        tab = phase.split(": ")[-1].replace("detail", "summary")
        name = "student's ranking" if phase == "ranking" else f"review of a run, {tab} tab"
        c = w.counts[label]
        # Django keeps the last 9,000 queries: a capture that full means at least that many.
        shown = f">= {n:,}" if n >= QUERY_LOG_LIMIT else str(n)
        print(
            f"| {name} | {c['students']:,} students x {c['openings']:,} openings | {shown} | "
            f"{seconds:.2f} | {size / 1024:,.0f} |"
        )
    bounded = {
        phase: all(
            len({n for p, _l, n, _s, _b in page_rows if p == name}) == 1
            for name in {p for p, *_rest in page_rows if p.split(":")[0] == phase}
        )
        for phase in ("ranking", "review")
    }
    print()
    print(f"| allocation job, {large['students']:,} students | best s | median s |")
    print("|---|---:|---:|")
    for phase in PHASES:
        values = [t.get(phase, 0.0) for _w, _c, t in samples]
        print(f"| {phase} | {min(values):.2f} | {statistics.median(values):.2f} |")
    walls = [s[0] for s in samples]
    cpus = [s[1] for s in samples]
    print(
        f"| **end to end** (CPU s best {min(cpus):.2f}) | **{min(walls):.2f}** | "
        f"**{statistics.median(walls):.2f}** |"
    )
    print()
    print(
        "Phases: load = read the round and build the engine input (incl. eligibility, the "
        "canonical document and its SHA-256); engine = qiao.allocation; outcomes = one row and "
        "explanation per student plus the run summary; write = insert the outcomes and store "
        "the run (input document, metrics, verification) in one transaction; other = progress "
        "updates and the rest."
    )
    print(
        f"Result: placed {metrics['placed']:,} of {metrics['students']:,}, first choice "
        f"{metrics['first_choice_share']:.1%}, valid={run_.verification['valid']}, "
        f"stable={run_.verification['stable']}; input SHA-256 {run_.input_sha256[:16]}…"
    )
    print(
        f"Queries bounded: ranking page {'yes' if bounded['ranking'] else 'NO'}, review page "
        f"{'yes' if bounded['review'] else 'NO'}. Target end to end <= {TARGET_SECONDS:.0f} s: "
        f"{'met' if max(walls) <= TARGET_SECONDS else 'NOT met'} (worst run {max(walls):.2f} s)."
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Peak memory of the process: {peak:,.0f} MB.")


if __name__ == "__main__":
    main()
