"""Placements in the browser: the student ranks with the up/down buttons, the host scores, the
coordinator closes the ranking, allocates (a job with a progress bar), reviews and publishes,
and the student reads why she got what she got and accepts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from qiao.browser_tests.conftest import login, shot
from qiao.conftest import PASSWORD
from qiao.placements.models import AllocationRun, Placement, Preference
from qiao.placements.tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def test_round_from_ranking_to_acceptance(page, world):
    lab = f.opening(world, title="5G lab intern", seats=1)
    base = f.opening(world, title="ICT base intern", seats=3)
    rnd = f.round_(world, [lab, base])
    page.on("dialog", lambda dialog: dialog.accept())

    # The student ranks both openings and puts the base first, then back second.
    login(page, world.users["student"].email, PASSWORD)
    page.goto(f"/placements/rounds/{rnd.pk}/ranking/")
    page.get_by_role("button", name="Add to my list 5G lab intern").click()
    expect(page.get_by_role("button", name="Remove 5G lab intern")).to_be_visible()
    page.get_by_role("button", name="Add to my list ICT base intern").click()
    expect(page.get_by_role("button", name="Remove ICT base intern")).to_be_visible()
    page.get_by_role("button", name="Up ICT base intern").click()
    expect(page.get_by_role("button", name="Up ICT base intern")).to_be_disabled()
    shot(page, "placements-ranking")
    cand = f.candidate(rnd, world.people["student"])
    order = list(cand.preferences.order_by("position").values_list("opening_id", flat=True))
    assert order == [base.pk, lab.pk]
    page.get_by_role("button", name="Down ICT base intern").click()
    expect(page.get_by_role("button", name="Down ICT base intern")).to_be_disabled()
    assert list(
        Preference.objects.filter(candidate=cand)
        .order_by("position")
        .values_list("opening_id", flat=True)
    ) == [lab.pk, base.pk]

    # The host scores its applicant.
    page.context.clear_cookies()
    login(page, world.users["enterprise"].email, PASSWORD)
    page.goto(f"/placements/rounds/{rnd.pk}/applicants/")
    page.locator("input[name=score]").first.fill("82")
    page.get_by_role("button", name="Save").first.click()
    page.get_by_text("Score saved.").wait_for()

    # The coordinator closes ranking, allocates, reviews and publishes.
    page.context.clear_cookies()
    login(page, world.users["coordinator"].email, PASSWORD)
    page.goto(f"/placements/rounds/{rnd.pk}/")
    page.get_by_role("button", name="Close ranking").click()
    page.get_by_label("Seed").fill("11")
    page.get_by_role("button", name="Run the allocation").click()
    page.get_by_role("heading", name="Rank distribution").wait_for()
    shot(page, "placements-run-review")
    run = AllocationRun.objects.get()
    assert run.state == "done" and run.seed == 11
    page.get_by_role("button", name="Publish this run").click()
    page.get_by_text("Published: 1 students have an offer.").wait_for()

    # The student reads her result and accepts.
    page.context.clear_cookies()
    login(page, world.users["student"].email, PASSWORD)
    page.goto(f"/placements/rounds/{rnd.pk}/result/")
    page.get_by_text("You were placed at 5G lab intern (your choice 1).").wait_for()
    shot(page, "placements-result")
    page.get_by_role("button", name="Accept").click()
    page.get_by_text("Offer accepted.").wait_for()
    assert Placement.objects.get().state == "accepted"
