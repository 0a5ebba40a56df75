"""Host ranking and the run review in the browser: the host manager ranks her applicants with
the add and up buttons (htmx swaps the list in place), the coordinator closes the ranking,
allocates (a job), and reads the review tabs: the summary, the openings, and the students with
their explanations quoting the host's order, filtered to those not placed, then in Chinese."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from qiao.browser_tests.conftest import login, shot
from qiao.conftest import PASSWORD
from qiao.placements import host_ranking_selectors as hrs
from qiao.placements.models import AllocationRun
from qiao.placements.tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def test_host_ranks_applicants_and_coordinator_reviews_the_run(page, world):
    rnd, o, (first, second) = f.host_ranking_round(world, applicants=2, seats=1)
    first_name, second_name = str(first.person), str(second.person)
    page.on("dialog", lambda dialog: dialog.accept())

    # The host manager adds both applicants to her ranking, then moves the second one up.
    login(page, world.users["enterprise"].email, PASSWORD)
    page.goto(f"/placements/rounds/{rnd.pk}/applicants/")
    ranked = page.locator("#host-ranking ol > li")
    page.get_by_role("button", name=f"Add to ranking {first_name}").click()
    expect(page.get_by_role("button", name=f"Remove {first_name}")).to_be_visible()
    page.get_by_role("button", name=f"Add to ranking {second_name}").click()
    expect(page.get_by_role("button", name=f"Remove {second_name}")).to_be_visible()
    expect(ranked).to_have_count(2)
    expect(ranked).to_contain_text([first_name, second_name])

    # With JavaScript on, htmx swaps the list in place: a marker set on the window survives.
    page.evaluate("window.qiaoNoReload = true")
    page.get_by_role("button", name=f"Up {second_name}").click()
    expect(page.get_by_role("button", name=f"Up {second_name}")).to_be_disabled()
    expect(ranked).to_contain_text([second_name, first_name])
    assert page.evaluate("window.qiaoNoReload === true"), "the Up button reloaded the page"
    shot(page, "host-ranking-applicants")
    assert hrs.host_ranking_order(placement_round=rnd, opening=o) == [second.pk, first.pk]

    # The order persisted.
    page.reload()
    expect(ranked).to_have_count(2)
    expect(ranked).to_contain_text([second_name, first_name])
    expect(page.get_by_role("button", name=f"Up {second_name}")).to_be_disabled()

    # The coordinator closes ranking, allocates (the job runs) and opens the review.
    page.context.clear_cookies()
    login(page, world.users["coordinator"].email, PASSWORD)
    page.goto(f"/placements/rounds/{rnd.pk}/")
    page.get_by_role("button", name="Close ranking").click()
    page.get_by_label("Seed").fill("7")
    page.get_by_role("button", name="Run the allocation").click()
    page.get_by_role("heading", name="Rank distribution").wait_for()
    run = AllocationRun.objects.get()
    assert run.state == "done"
    expect(page.get_by_role("heading", name="Least-filled sites")).to_be_visible()
    shot(page, "host-ranking-run-summary")

    # The openings tab: the one seat is filled.
    with page.expect_navigation():
        page.get_by_role("link", name="Openings", exact=True).click()
    row = page.get_by_role("row").filter(has_text=o.title)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("1 / 1")

    # The students tab, filtered to those not placed: the host's second, with the reason.
    with page.expect_navigation():
        page.get_by_role("link", name="Students and explanations").click()
    page.get_by_label("Result").select_option("unplaced")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert "result=unplaced" in page.url
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(first_name)
    expect(rows).to_contain_text("Not placed.")
    expect(rows).to_contain_text(
        "the last student admitted there had rank 1 in the host's order; this student had rank 2."
    )
    expect(page.get_by_text(second_name)).to_have_count(0)
    shot(page, "host-ranking-run-students")

    # The same tab in Chinese: the tab titles, the filter button and the explanation.
    with page.expect_navigation():
        page.get_by_label("Language").select_option("zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    expect(page.get_by_role("link", name="学生及分配说明")).to_be_visible()
    expect(page.get_by_role("button", name="筛选")).to_be_visible()
    assert "result=unplaced" in page.url  # the switcher keeps the filtered page
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("本轮未被分配。")
    expect(rows).to_contain_text(re.compile(r"在接收单位排序中\s*位列第1，该生位列第2"))
    shot(page, "host-ranking-run-students-zh")
