"""Reads for the coordinator's review of one allocation run, split in tabs so that no page grows
with the round: a summary (metrics, rank distribution, the least-filled sites), the openings, the
sites and the students, each searched, sorted and paged, and each exportable whole.

A run is immutable, so its per-opening figures live in the run itself (`opening_explanations`,
keyed by opening pk); the openings are read from the database only for names and search, as
plain values, in one query whatever the size of the round.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from qiao.placements.models import AllocationRun, Opening, RunOutcome

LEAST_FILLED_SITES = 10


@dataclass(frozen=True)
class OpeningRow:
    opening_id: int
    title: str
    host: str
    site: str
    capacity: int
    filled: int
    applicants: int
    eligible: int
    cutoff_rank: int | None
    cutoff_score: float | None

    @property
    def percent(self) -> int:
        return round(100 * self.filled / self.capacity) if self.capacity else 0


@dataclass(frozen=True)
class SiteRow:
    name: str
    openings: int
    capacity: int
    filled: int

    @property
    def percent(self) -> int:
        return round(100 * self.filled / self.capacity) if self.capacity else 0


def _round_openings(run: AllocationRun, search: str = "") -> QuerySet[Opening]:
    qs = Opening.objects.filter(rounds=run.round_id)
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(title__icontains=search)
            | Q(host__name__icontains=search)
            | Q(host__name_en__icontains=search)
            | Q(site__name__icontains=search)
        )
    return qs


def opening_rows(*, run: AllocationRun, search: str = "") -> list[OpeningRow]:
    """Every opening of the run's round (matching `search`, on title, host or site) with what
    the run gave it, in the order of the openings' pks."""
    stats = run.opening_explanations or {}
    rows = []
    for pk, title, host, host_en, site in (
        _round_openings(run, search)
        .order_by("pk")
        .values_list("pk", "title", "host__name", "host__name_en", "site__name")
    ):
        x = stats.get(str(pk))
        if x is None:
            continue
        rows.append(
            OpeningRow(
                opening_id=pk,
                title=title,
                host=host or host_en or "",
                site=site or "",
                capacity=int(x.get("capacity", 0)),
                filled=int(x.get("filled", 0)),
                applicants=int(x.get("applicants", 0)),
                eligible=int(x.get("eligible", 0)),
                cutoff_rank=x.get("cutoff_rank"),
                cutoff_score=x.get("cutoff_score"),
            )
        )
    return rows


def filter_by_fill(rows: list[OpeningRow], fill: str) -> list[OpeningRow]:
    if fill == "unfilled":
        return [r for r in rows if r.filled < r.capacity]
    if fill == "full":
        return [r for r in rows if r.capacity and r.filled >= r.capacity]
    if fill == "empty":
        return [r for r in rows if r.filled == 0]
    return rows


def _sort_value(row: Any, key: str) -> Any:
    if key == "fill":
        return row.percent
    if key == "cutoff":
        # Openings with no cutoff (not full) after those with one.
        return (row.cutoff_rank is None, row.cutoff_rank or 0)
    if key in ("title", "name"):
        return str(getattr(row, key)).casefold()
    return getattr(row, key)


def sort_rows(rows: list[Any], sort: str, allowed: tuple[str, ...]) -> tuple[list[Any], str]:
    """Rows in the order asked (`key` or `-key`), with ties kept in their first order; an
    unknown key falls back to the first allowed one. Returns the rows and the sort applied."""
    key = sort.lstrip("-")
    if key not in allowed:
        key, sort = allowed[0], allowed[0]
    ordered = sorted(rows, key=lambda r: _sort_value(r, key), reverse=sort.startswith("-"))
    return ordered, sort


def site_rows(*, run: AllocationRun, search: str = "") -> list[SiteRow]:
    """Fill by site of the run's openings matching `search`."""
    return sites_of(opening_rows(run=run, search=search))


def sites_of(rows: list[OpeningRow]) -> list[SiteRow]:
    """Fill by site: an opening without a site counts under its host."""
    openings: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        name = row.site or row.host
        totals = openings[name]
        totals[0] += 1
        totals[1] += row.capacity
        totals[2] += row.filled
    return [
        SiteRow(name=name, openings=n, capacity=cap, filled=filled)
        for name, (n, cap, filled) in sorted(openings.items())
    ]


def run_summary(*, run: AllocationRun) -> dict[str, Any]:
    """The summary tab: metrics, the rank distribution, verification, the least-filled sites,
    and how many openings, sites and students the other tabs hold."""
    metrics = run.metrics or {}
    students = metrics.get("students") or 0
    ranks = [
        {"choice": i + 1, "count": n, "percent": round(100 * n / students, 1) if students else 0}
        for i, n in enumerate(metrics.get("rank_counts", []))
    ]
    openings = opening_rows(run=run)
    sites = sites_of(openings)
    least = sorted(sites, key=lambda s: (s.percent, s.name))[:LEAST_FILLED_SITES]
    return {
        "metrics": metrics,
        "ranks": ranks,
        "verification": run.verification or {},
        "least_filled": least,
        "counts": {
            "openings": len(openings),
            "unfilled": sum(1 for r in openings if r.filled < r.capacity),
            "sites": len(sites),
            "students": students,
        },
    }


def run_outcomes(*, run: AllocationRun) -> QuerySet[RunOutcome]:
    return run.outcomes.select_related("candidate__person", "candidate__major", "opening")
