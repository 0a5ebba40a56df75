"""The shell: every persona logs in, sees its navigation, switches language."""

from __future__ import annotations

import pytest

from qiao.browser_tests.conftest import login, shot
from qiao.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("persona", "sees", "does_not_see"),
    [
        ("admin", ["Organisations", "People", "Audit log", "System health"], []),
        ("coordinator", ["Organisations", "People"], ["System health", "Audit log"]),
        ("org_admin", ["Organisations", "People", "Audit log"], ["System health"]),
        ("enterprise", ["Organisations"], ["System health", "Audit log"]),
        ("teacher", ["Organisations"], ["System health"]),
        ("mentor", ["Organisations"], ["System health"]),
        ("student", ["Organisations"], ["System health", "Audit log"]),
        ("outsider", [], ["Organisations", "People", "System health"]),
    ],
)
def test_each_persona_logs_in_and_sees_its_navigation(page, world, persona, sees, does_not_see):
    login(page, world.users[persona].email, PASSWORD)
    nav = page.get_by_role("navigation", name="Main navigation")
    for label in sees:
        assert nav.get_by_role("link", name=label, exact=True).count() == 1, label
    for label in does_not_see:
        assert nav.get_by_role("link", name=label, exact=True).count() == 0, label
    shot(page, f"home-{persona}")


def test_language_switch_to_chinese_and_back(page, world):
    login(page, world.users["coordinator"].email, PASSWORD)
    with page.expect_navigation():
        page.get_by_label("Language").select_option("zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("link", name="组织").count() >= 1
    shot(page, "home-coordinator-zh")
    with page.expect_navigation():
        page.get_by_label("语言").select_option("en")
    assert page.locator("html").get_attribute("lang") == "en"


def test_coordinator_filters_people_and_exports(page, world):
    login(page, world.users["coordinator"].email, PASSWORD)
    page.goto("/people/")
    page.get_by_label("Search").fill("Li")
    page.get_by_role("button", name="Apply filters").click()
    assert (
        page.get_by_role("link", name="Hua Li").count()
        + page.get_by_role("link", name="李华").count()
        >= 1
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert download.value.suggested_filename.startswith("people-")
    shot(page, "people-coordinator")
