"""Sign and verify Open Badges 3.0 credentials with qiao.vc and print a table.

    python benchmarks/credentials.py               # 10,000 credentials
    python benchmarks/credentials.py --count 500   # quick run
    python benchmarks/credentials.py --count 300 --profile   # where the time goes (cProfile)

Single process, single thread: the rates are what one core does. Targets: 150 signatures/s
and 150 verifications/s with eddsa-rdfc-2022. Wall-clock rates decide "met?"; CPU-time rates
are printed too because a shared machine can slow the wall clock without the code being slower.
"""

from __future__ import annotations

import argparse
import cProfile
import platform
import pstats
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# After the path tweak, so the script runs from a checkout without installing.
from qiao.vc import (
    EDDSA_JCS_2022,
    EDDSA_RDFC_2022,
    Achievement,
    Alignment,
    CredentialStatus,
    IssuerProfile,
    KeyPair,
    KeyResolver,
    build_open_badge,
    sign,
    verify,
)

TARGET = 150.0
NOW = datetime(2026, 1, 15, tzinfo=UTC)
SKILLS = ["IP routing", "Switching", "WLAN", "Network security", "Cloud computing", "Python"]


def credentials(key: KeyPair, count: int) -> list[dict[str, Any]]:
    """``count`` distinct, realistic Open Badges (different ids, recipients, alignments)."""
    issuer = IssuerProfile(
        id=key.controller,
        name="Example Polytechnic 示例职业技术学院",
        url="https://college.example.edu",
        image="https://college.example.edu/logo.png",
    )
    result = []
    for i in range(count):
        skills = [SKILLS[(i + j) % len(SKILLS)] for j in range(1 + i % 3)]
        achievement = Achievement(
            id=f"https://college.example.edu/achievements/{i % 50}",
            achievement_type=("Certification", "Course", "Badge")[i % 3],
            name=f"HCIA track {i % 50}",
            description="Certification taught in the school–enterprise training centre.",
            criteria_narrative="Passed the vendor exam with at least 600/1000.",
            alignments=tuple(
                Alignment(
                    target_name=skill,
                    target_url=f"https://skills.example.edu/skills/{j}",
                    target_code=f"NET-{j:02d}",
                    target_framework="Qiao skills",
                )
                for j, skill in enumerate(skills)
            ),
            in_language="zh-CN",
        )
        result.append(
            build_open_badge(
                id=f"urn:uuid:{uuid.UUID(int=i)}",
                issuer=issuer,
                achievement=achievement,
                valid_from="2025-07-01T00:00:00Z",
                valid_until="2028-07-01T00:00:00Z",
                recipient_email=f"student{i}@example.com",
                credential_status=CredentialStatus(
                    status_list_credential="https://college.example.edu/status/1",
                    status_list_index=i,
                ),
            )
        )
    return result


def timed(work: Callable[[], None]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="credentials (default 10,000)")
    parser.add_argument("--profile", action="store_true", help="print cProfile top functions")
    parser.add_argument("--no-jcs", action="store_true", help="skip the eddsa-jcs-2022 rows")
    args = parser.parse_args(argv)

    key = KeyPair.from_seed(bytes(range(32)), did_web="college.example.edu")
    resolver = KeyResolver(documents=[key.controller_document()])
    docs = credentials(key, args.count)
    # Warm-up: load and process the pinned contexts once, as a long-running process would.
    verify(sign(docs[0], key), resolver=resolver, now=NOW)

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for doc in docs:
            verify(sign(doc, key), resolver=resolver, now=NOW)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
        return 0

    rows = []
    suites = [EDDSA_RDFC_2022] + ([] if args.no_jcs else [EDDSA_JCS_2022])
    for suite in suites:
        signed: list[dict[str, Any]] = []

        def sign_all(suite: str = suite, signed: list[dict[str, Any]] = signed) -> None:
            signed.extend(sign(doc, key, cryptosuite=suite) for doc in docs)

        def verify_all(signed: list[dict[str, Any]] = signed) -> None:
            for document in signed:
                if not verify(document, resolver=resolver, now=NOW).valid:
                    raise SystemExit("a freshly signed credential did not verify")

        target = TARGET if suite == EDDSA_RDFC_2022 else None
        rows.append((f"sign {suite}", *timed(sign_all), target))
        rows.append((f"verify {suite}", *timed(verify_all), target))

    print(f"qiao.vc benchmark: {args.count} Open Badges 3.0 credentials, one thread")
    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.platform()}")
    print()
    header = ("operation", "count", "seconds", "per second", "CPU s", "per CPU s", "target", "met?")
    lines = [header]
    for name, wall, cpu, target in rows:
        rate = args.count / wall
        lines.append(
            (
                name,
                f"{args.count}",
                f"{wall:.2f}",
                f"{rate:.0f}",
                f"{cpu:.2f}",
                f"{args.count / cpu:.0f}",
                f"≥ {target:.0f}/s" if target else "—",
                ("yes" if rate >= target else "NO") if target else "—",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for n, line in enumerate(lines):
        print("| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)) + " |")
        if n == 0:
            print("| " + " | ".join("-" * width for width in widths) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
