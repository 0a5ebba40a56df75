"""The committee journey: a coordinator records a meeting with minutes, a decision and an action
item; its owner finds it in "My action items" and marks it done; the agreement's timeline shows
the meeting."""

from __future__ import annotations

import re

import pytest

from qiao.agreements.models import ActionItem
from qiao.agreements.tests import factories as f
from qiao.browser_tests.conftest import login, shot
from qiao.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinator_records_a_meeting_and_the_owner_marks_the_item_done(page, world):
    committee = f.committee(world, name="Joint steering committee")
    agreement = committee.agreements.get()
    today = f.today().isoformat()

    login(page, world.users["coordinator"].email, PASSWORD)
    page.goto(f"/agreements/{agreement.pk}/")
    page.locator("#committee").get_by_role("link", name="Joint steering committee").click()
    page.get_by_role("link", name="Record a meeting").click()
    page.get_by_label(re.compile(r"^Title")).fill("Browser meeting")
    page.get_by_label(re.compile(r"^Date")).fill(today)
    page.get_by_label(re.compile(r"^Place")).fill("Room 301")
    page.get_by_label("Teacher Test").check()
    page.get_by_label(re.compile(r"^Minutes")).fill("## Points\n\n- **Agreed** on the studio.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/agreements/meetings/\d+/$"))
    assert page.locator("#minutes strong").inner_text() == "Agreed"

    page.get_by_role("link", name="Record a decision").click()
    page.get_by_label(re.compile(r"^Decision")).fill("Open the school–enterprise studio.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name=re.compile("^Add an action item")).click()
    page.get_by_label(re.compile(r"^Action")).fill("Order the studio workstations")
    page.get_by_label(re.compile(r"^Owner")).select_option(label="Teacher Test")
    page.get_by_label(re.compile(r"^Due date")).fill(today)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/agreements/meetings/\d+/#action-\d+$"))
    assert (
        page.locator("tr[id^=action-]").filter(has_text="Order the studio workstations").count()
        == 1
    )
    shot(page, "committee-meeting-coordinator")

    page.context.clear_cookies()
    login(page, world.users["teacher"].email, PASSWORD)
    nav = page.get_by_role("navigation", name="Main navigation")
    assert nav.get_by_role("link", name="Notifications 1 unread").count() == 1
    nav.get_by_role("link", name="My action items", exact=True).click()
    row = page.get_by_role("row", name=re.compile("Order the studio workstations"))
    row.get_by_label(re.compile("^New status of")).select_option("done")
    row.get_by_role("button", name=re.compile("^Change")).click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").filter(has_text="is now done").count() == 1
    item = ActionItem.objects.get(text="Order the studio workstations")
    assert item.status == "done" and item.done_on == f.today()
    shot(page, "my-action-items-teacher")

    page.context.clear_cookies()
    login(page, world.users["coordinator"].email, PASSWORD)
    page.goto(f"/agreements/{agreement.pk}/")
    timeline = page.locator("#timeline")
    assert timeline.get_by_role("link", name="Browser meeting").count() == 1
    assert timeline.get_by_text("Open the school–enterprise studio.").count() == 1
