"""A coordinator imports students: a file with a bad row is refused with a row report; the
corrected file goes in; the new students can be found and exported."""

from __future__ import annotations

import csv
import io

import pytest

from qiao.browser_tests.conftest import login, shot
from qiao.conftest import PASSWORD
from qiao.core.models import Affiliation

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = (
    "kind,family_name,given_name,native_name,email,nationality,student_number,major,cohort_year\n"
)
GOOD = "student,Zhang,Wei,张伟,zhang.wei@example.org,CN,S9001,510201,2025\n"
BAD = "student,Chen,Jing,陈静,chen.jing@example.org,XX,S9002,510201,2025\n"
FIXED = "student,Chen,Jing,陈静,chen.jing@example.org,CN,S9002,510201,2025\n"


def test_import_with_a_bad_row_then_the_corrected_file(page, world, tmp_path):
    bad_file = tmp_path / "students.csv"
    bad_file.write_text(HEADER + GOOD + BAD, encoding="utf-8")
    login(page, world.users["coordinator"].email, PASSWORD)

    page.goto("/people/")
    page.get_by_role("link", name="Import").click()
    page.locator("input[type=file]").set_input_files(str(bad_file))
    page.get_by_role("button", name="Upload and import").click()

    page.get_by_text("Nothing was imported.").wait_for()
    problems = page.get_by_role("table").filter(has_text="Problem")
    row = problems.get_by_role("row").filter(has_text="nationality")
    assert row.get_by_role("rowheader").inner_text().strip() == "3"
    assert "XX" in row.inner_text()
    shot(page, "import-people-report")
    assert not Affiliation.objects.filter(student_number__in=["S9001", "S9002"]).exists()

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    report = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(report)))
    assert any(r.get("row") == "3" and r.get("column") == "nationality" for r in rows), rows

    good_file = tmp_path / "students-fixed.csv"
    good_file.write_text(HEADER + GOOD + FIXED, encoding="utf-8")
    page.get_by_role("link", name="Import another file").click()
    page.locator("input[type=file]").set_input_files(str(good_file))
    page.get_by_role("button", name="Upload and import").click()
    page.get_by_role("status").wait_for()
    assert (
        Affiliation.objects.filter(
            organisation=world.school, student_number__in=["S9001", "S9002"]
        ).count()
        == 2
    )
    shot(page, "import-people-done")

    page.goto("/people/?q=S9002")
    assert (
        page.get_by_role("link", name="Jing Chen").count()
        + page.get_by_role("link", name="陈静").count()
        == 1
    )
