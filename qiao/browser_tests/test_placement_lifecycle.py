"""A placement's life in the browser: the coordinator assigns the teacher and the mentor, the
student accepts the three-party agreement, the host and the school accept it, the host records
the insurance, the coordinator activates; the student records a week, the mentor signs it off;
mentor, teacher and student evaluate; the coordinator completes. One page is checked in
Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from qiao.browser_tests.conftest import login, shot
from qiao.conftest import PASSWORD
from qiao.placements.models import Evaluation, Placement, Timesheet
from qiao.placements.services.timesheets import week_of
from qiao.placements.tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def _as(page, world, persona: str) -> None:
    page.context.clear_cookies()
    login(page, world.users[persona].email, PASSWORD)


def _score(page, labels: list[str], value: str) -> None:
    for label in labels:
        page.get_by_label(label).select_option(value)


def test_placement_from_agreement_to_completion(page, world):
    today = f.today()
    # A cognitive internship that started four weeks ago and ends today (so it can be
    # completed at the end of the journey).
    p = f.accepted(
        world,
        title="Base-station intern",
        kind="cognitive_internship",
        start=today - dt.timedelta(days=28),
        end=today,
    )
    url = f"/placements/placements/{p.pk}/"
    page.on("dialog", lambda dialog: dialog.accept())

    # The coordinator assigns the supervising teacher and the mentor: the agreement is made.
    _as(page, world, "coordinator")
    page.goto(url)
    page.get_by_label("Supervising teacher").select_option(str(world.people["teacher"].pk))
    page.get_by_label("Mentor").select_option(str(world.people["mentor"].pk))
    page.get_by_role("button", name="Assign").click()
    expect(page.locator("#mentor")).to_contain_text("Mentor")
    expect(page.get_by_role("link", name="Agreement (PDF, version 1)")).to_be_visible()

    # The student accepts the agreement.
    _as(page, world, "student")
    page.goto(url)
    page.get_by_role("button", name="I accept the agreement").click()
    page.get_by_text("Your acceptance is recorded.").wait_for()
    shot(page, "placement-agreement-student")

    # The host accepts and records the insurance.
    _as(page, world, "enterprise")
    page.goto(url)
    page.get_by_role("button", name="Accept for the host").click()
    page.get_by_text("Your acceptance is recorded.").wait_for()
    page.get_by_label("Insurer").fill("PICC")
    page.get_by_label("Policy number").fill("PICC-2026-001")
    page.get_by_role("button", name="Save the policy").click()
    page.get_by_text("Insurance policy saved.").wait_for()

    # The school accepts (signed) and activates.
    _as(page, world, "coordinator")
    page.goto(url)
    page.get_by_role("button", name="Accept for the school").click()
    page.get_by_text("All three parties accepted: the agreement is signed.").wait_for()
    page.get_by_role("button", name="Activate").click()
    page.get_by_text("The placement is active.").wait_for()
    expect(page.locator("#placement-state")).to_have_text("Active")

    # The student records this week and submits it.
    _as(page, world, "student")
    page.goto(url)
    page.get_by_role("link", name="Record this week").click()
    day = max(week_of(today), p.opening.start)
    page.locator(f"input[name=hours_{day.isoformat()}]").fill("7.5")
    page.locator(f"input[name=activities_{day.isoformat()}]").fill("Site survey with the mentor")
    shot(page, "placement-timesheet-edit")
    page.get_by_role("button", name="Submit to my mentor").click()
    page.get_by_text("Timesheet submitted to your mentor.").wait_for()
    sheet = Timesheet.objects.get(placement=p)
    assert sheet.state == "submitted" and str(sheet.total_hours) == "7.50"

    # The mentor finds it on her page and signs it off, then evaluates the student.
    _as(page, world, "mentor")
    page.goto("/placements/mine/")
    page.get_by_role("link", name="week of").first.click()
    page.get_by_label("Decision").select_option("sign")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Timesheet signed off.").wait_for()
    page.goto(url)
    rubric = ["Professional skills", "Work attitude and discipline", "Teamwork and communication"]
    _score(page, [*rubric, "Safety awareness"], "4")
    page.get_by_role("button", name="Submit the evaluation").click()
    page.get_by_text("Evaluation submitted.").wait_for()

    # The supervising teacher evaluates the student; the student evaluates the site.
    _as(page, world, "teacher")
    page.goto(url)
    _score(page, [*rubric, "Safety awareness"], "5")
    page.get_by_role("button", name="Submit the evaluation").click()
    page.get_by_text("Evaluation submitted.").wait_for()
    _as(page, world, "student")
    page.goto(url)
    _score(
        page,
        ["What I learned", "Guidance by the mentor", "Working conditions and safety"],
        "5",
    )
    _score(page, ["Relevance to my major"], "4")
    page.get_by_role("button", name="Submit the evaluation").click()
    page.get_by_text("Evaluation submitted.").wait_for()
    assert Evaluation.objects.filter(placement=p).count() == 3

    # The coordinator completes the placement.
    _as(page, world, "coordinator")
    page.goto(url)
    page.get_by_role("button", name="Complete").click()
    page.get_by_text("The placement is completed.").wait_for()
    shot(page, "placement-completed")
    assert Placement.objects.get(pk=p.pk).state == "completed"

    # The same page in Chinese.
    with page.expect_navigation():
        page.get_by_label("Language").select_option("zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    shot(page, "placement-completed-zh")
