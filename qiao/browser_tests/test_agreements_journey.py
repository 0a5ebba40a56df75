"""The agreement journey in the browser: a school coordinator records a new cooperation with an
enterprise — draft, signatories, the signed copy, signing, activation — adds a commitment with a
KPI, records a contribution and sees the KPI's actual value computed from it, exports it all,
and reads the same page in Chinese."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from qiao.agreements.models import Agreement
from qiao.agreements.tests import factories as f
from qiao.browser_tests.conftest import login, shot
from qiao.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_from_draft_to_an_active_agreement_with_a_kpi(page, world, tmp_path):
    f.area("joint-lab")
    president = f.staff(world.enterprise, given="Wei", title="President")
    principal = f.staff(world.school, given="Min", title="Principal")
    signed_copy = tmp_path / "signed.pdf"
    signed_copy.write_bytes(f.PDF)
    year_end = f"{f.today().year + 2}-12-31"

    login(page, world.users["coordinator"].email, PASSWORD)
    page.goto("/agreements/")
    page.get_by_role("link", name="New agreement").click()
    page.get_by_label("Kind").select_option("framework")
    page.get_by_label(re.compile(r"^Title")).fill("Browser cooperation agreement")
    page.get_by_label("Valid from").fill(f.today().isoformat())
    page.get_by_label("Valid to").fill(year_end)
    page.get_by_label("Organisation of party 2").select_option(label=str(world.enterprise))
    page.get_by_label("Role of party 2").select_option("enterprise")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/agreements/\d+/$"))
    agreement = Agreement.objects.get(title="Browser cooperation agreement")
    assert agreement.status == "draft"

    # Signing needs a signatory and the signed copy: the page says so until both are there.
    page.get_by_role("button", name="Start negotiating").click()
    assert page.get_by_role("button", name="Mark as signed").is_disabled()
    for party, person in ((1, principal), (2, president)):
        page.get_by_role("link", name="Add a signatory").click()
        page.get_by_label("Signs for").select_option(index=party)
        page.get_by_label("Person").select_option(label=str(person))
        page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Upload a document").click()
    page.get_by_label("Kind").select_option("signed")
    page.get_by_label("Title").fill("Signed agreement")
    page.get_by_label("File").set_input_files(str(signed_copy))
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Mark as signed").click()
    page.get_by_role("button", name="Activate").click()
    page.get_by_text("Active", exact=True).first.wait_for()
    agreement.refresh_from_db()
    assert agreement.status == "active"

    # A commitment with a KPI; its actual value comes from the ledger, never typed in.
    page.get_by_role("link", name="Add a commitment").click()
    page.get_by_label("Area").select_option(index=1)
    page.get_by_label("Commitment").fill("Fund the joint laboratory.")
    page.get_by_label("Owning party").select_option(index=1)
    page.get_by_label("KPI metric").select_option("contributions.funding")
    page.get_by_label("KPI target").fill("10000")
    page.get_by_label("KPI period").select_option("whole")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Record a contribution").click()
    page.get_by_label("Party").select_option(index=1)
    page.get_by_label("Kind").select_option("funding")
    page.get_by_label("Value").fill("4000")
    page.get_by_label("Currency").fill("CNY")
    page.get_by_label("Date").fill(f.today().isoformat())
    page.get_by_role("button", name="Save").click()
    page.goto(f"/agreements/{agreement.pk}/")
    commitments = page.locator("#commitments")
    assert "4,000 / 10,000" in commitments.inner_text()
    shot(page, "agreement-journey-detail")

    # Export it all.
    with page.expect_download() as download:
        page.get_by_role("link", name="Export everything (XLSX)").click()
    path = tmp_path / "agreement.xlsx"
    download.value.save_as(str(path))
    book = load_workbook(io.BytesIO(path.read_bytes()), read_only=True)
    rows = list(book["commitments"].iter_rows(values_only=True))
    header = list(rows[0])
    assert rows[1][header.index("actual")] == 4000

    # The same page in Chinese.
    with page.expect_navigation():
        page.get_by_label("Language").select_option("zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_text("生效中").count() >= 1
    assert "4,000 / 10,000" in page.locator("#commitments").inner_text()
    shot(page, "agreement-journey-detail-zh")
