"""The coordinator's review of a run, in tabs: search, filters, sorting, paging, exports, and
hostile query strings (answered with a page, never an error)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qiao.conftest import World
from qiao.placements import services
from qiao.placements.models import AllocationRun, PlacementRound, RunState
from qiao.placements.tests import factories as f

pytestmark = pytest.mark.django_db


def _run(world: World) -> tuple[PlacementRound, AllocationRun]:
    """Three openings of 2 seats: "Cloud ops" wanted by everyone, "Radio lab" by some, "Quiet
    desk" by no one; more students than the seats they want, so some are left unplaced."""
    cloud = f.opening(world, title="Cloud ops", seats=2)
    radio = f.opening(world, title="Radio lab", seats=2)
    quiet = f.opening(world, title="Quiet desk", seats=2)
    for i in range(7):
        f.student(world, f"Stu{i}")
    rnd = f.round_(world, [cloud, radio, quiet])
    for k, cand in enumerate(rnd.candidates.order_by("pk")):
        services.preference_add(actor=None, candidate=cand, opening=cloud)
        if k % 2 == 0:
            services.preference_add(actor=None, candidate=cand, opening=radio)
    f.close(rnd)
    return rnd, f.run(rnd, seed=11)


def _url(name: str, rnd: PlacementRound, run: AllocationRun, query: str = "") -> str:
    return reverse(f"placements:{name}", args=[rnd.pk, run.pk]) + query


def test_summary_shows_least_filled_sites_and_links_to_tabs(world: World) -> None:
    rnd, run = _run(world)
    page = world.client("coordinator").get(_url("run_detail", rnd, run)).content.decode()
    assert "Least-filled sites" in page
    assert _url("run_openings", rnd, run) in page and _url("run_students", rnd, run) in page
    assert "1 opening with seats left" in page


def test_openings_tab_searches_filters_and_sorts(world: World) -> None:
    rnd, run = _run(world)
    c = world.client("coordinator")
    page = c.get(_url("run_openings", rnd, run, "?q=radio")).content.decode()
    assert "Radio lab" in page and "Cloud ops" not in page
    page = c.get(_url("run_openings", rnd, run, "?fill=empty")).content.decode()
    assert "Quiet desk" in page and "Cloud ops" not in page
    page = c.get(_url("run_openings", rnd, run, "?fill=full")).content.decode()
    assert "Cloud ops" in page and "Quiet desk" not in page
    page = c.get(_url("run_openings", rnd, run, "?sort=-applicants")).content.decode()
    assert page.index("Cloud ops") < page.index("Radio lab") < page.index("Quiet desk")
    page = c.get(_url("run_openings", rnd, run, "?sort=title")).content.decode()
    assert page.index("Cloud ops") < page.index("Quiet desk") < page.index("Radio lab")


def test_openings_tab_pages(world: World) -> None:
    openings = [f.opening(world, title=f"Post {i:02d}", seats=1) for i in range(30)]
    f.student(world, "Solo")
    rnd = f.round_(world, openings)
    f.close(rnd)
    run = f.run(rnd, seed=1)
    c = world.client("coordinator")
    first = c.get(_url("run_openings", rnd, run)).content.decode()
    second = c.get(_url("run_openings", rnd, run, "?page=2")).content.decode()
    assert "Post 00" in first and "Post 29" not in first
    assert "Post 29" in second and "Post 00" not in second
    everything = c.get(_url("run_openings", rnd, run, "?per_page=50")).content.decode()
    assert "Post 00" in everything and "Post 29" in everything


def test_sites_and_students_tabs(world: World) -> None:
    rnd, run = _run(world)
    c = world.client("coordinator")
    assert c.get(_url("run_sites", rnd, run)).status_code == 200
    page = c.get(_url("run_students", rnd, run, "?result=unplaced")).content.decode()
    outcomes = run.outcomes.select_related("candidate__person")
    unplaced = [str(o.candidate.person) for o in outcomes if o.opening_id is None]
    placed = [str(o.candidate.person) for o in outcomes if o.opening_id is not None]
    assert unplaced and placed
    assert all(name in page for name in unplaced) and not any(name in page for name in placed)
    page = c.get(_url("run_students", rnd, run, "?q=Stu3")).content.decode()
    assert "Stu3" in page and "Stu4" not in page
    first = c.get(_url("run_students", rnd, run, "?result=placed&choice=1")).content.decode()
    assert "Cloud ops (1)" in first


def test_exports_hold_every_row(world: World) -> None:
    rnd, run = _run(world)
    c = world.client("coordinator")
    csv = c.get(_url("run_openings", rnd, run, "?export=csv"))
    body = b"".join(csv.streaming_content).decode()  # type: ignore[attr-defined]
    assert "Cloud ops" in body and "Quiet desk" in body
    students = c.get(_url("run_students", rnd, run, "?export=xlsx"))
    assert students.status_code == 200 and "spreadsheetml" in students["Content-Type"]
    book = c.get(_url("run_download", rnd, run))
    wb = load_workbook(io.BytesIO(book.content), read_only=True)
    assert wb.sheetnames == ["Openings", "Sites", "Students"]
    assert sum(1 for _ in wb["Students"].iter_rows()) == 1 + run.outcomes.count()
    assert sum(1 for _ in wb["Openings"].iter_rows()) == 1 + 3


@pytest.mark.parametrize(
    "query",
    [
        "?sort=;DROP TABLE placements_opening",
        "?sort=-",
        "?page=abc",
        "?page=999999999999999999999",
        "?per_page=1000000",
        "?per_page=-1",
        "?fill=<script>",
        "?q=" + "x" * 5000,
        "?choice=abc",
        "?choice=999",
        "?result=maybe",
        "?export=exe",
    ],
)
def test_hostile_query_strings_get_a_page(world: World, query: str) -> None:
    rnd, run = _run(world)
    c = world.client("coordinator")
    for tab in ("run_openings", "run_sites", "run_students"):
        r = c.get(_url(tab, rnd, run, query))
        assert r.status_code == 200, (tab, query)
        assert b"=<script>" not in r.content and b'"<script>"' not in r.content


def test_tabs_of_a_run_not_done_are_not_found(world: World) -> None:
    rnd, run = _run(world)
    AllocationRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING)
    c = world.client("coordinator")
    assert c.get(_url("run_detail", rnd, run)).status_code == 200
    for tab in ("run_openings", "run_sites", "run_students", "run_download"):
        assert c.get(_url(tab, rnd, run)).status_code == 404, tab
