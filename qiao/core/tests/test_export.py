"""Exports: every list as CSV and XLSX, safe to open in a spreadsheet program."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from qiao.core.importexport.export import Column, export_response, safe_cell
from qiao.core.services import organisations as organisation_services
from qiao.core.services import people as people_services

pytestmark = pytest.mark.django_db


def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def csv_rows(response: Any) -> list[list[str]]:
    data = body(response)
    assert data.startswith(b"\xef\xbb\xbf"), "a UTF-8 BOM, so Excel reads Chinese correctly"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_sheet(response: Any) -> Any:
    return openpyxl.load_workbook(io.BytesIO(body(response))).worksheets[0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("李华", "李华"),
        (None, ""),
        (True, "yes"),
        (False, "no"),
        (-2, -2),
        (1.5, 1.5),
        (dt.date(2024, 9, 1), "2024-09-01"),
        (dt.datetime(2024, 9, 1, 8, 30, 15, 99), "2024-09-01T08:30:15"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_export_response_csv_and_xlsx():
    columns = [Column("name", lambda r: r[0]), Column("n", lambda r: r[1])]
    rows = [("=cmd|'/C calc'!A0", 1), ("王芳", 2), ("bell\x07", 3)]
    response = export_response(columns=columns, rows=rows, fmt="csv", filename="Test list")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="test-list-' in response["Content-Disposition"]
    assert csv_rows(response) == [
        ["name", "n"],
        ["'=cmd|'/C calc'!A0", "1"],
        ["王芳", "2"],
        ["bell\x07", "3"],
    ]
    response = export_response(columns=columns, rows=rows, fmt="xlsx", filename="Test list")
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = xlsx_sheet(response)
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values == [["name", "n"], ["'=cmd|'/C calc'!A0", 1], ["王芳", 2], ["bell\ufffd", 3]]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_organisation_list_exports(world):
    organisation_services.organisation_create(
        actor=None, kind="enterprise", name='=HYPERLINK("http://evil.example")', country="CN"
    )
    client = world.client("coordinator")
    url = reverse("core:organisation_list")
    rows = csv_rows(client.get(url, {"export": "csv"}))
    assert rows[0][:3] == ["id", "kind", "name"]
    names = {row[2] for row in rows[1:]}
    assert "深圳测试职业技术学院" in names
    assert '\'=HYPERLINK("http://evil.example")' in names
    sheet = xlsx_sheet(client.get(url, {"export": "xlsx"}))
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert "深圳测试职业技术学院" in {c.value for c in cells}
    assert all(c.data_type != "f" for c in cells)


def test_exports_follow_the_filters(world):
    url = reverse("core:organisation_list")
    rows = csv_rows(world.client("coordinator").get(url, {"export": "csv", "country": "KE"}))
    assert [row[2] for row in rows[1:]] == ["Other Institute"]


def test_people_export_is_scoped_to_the_viewer(world):
    people_services.person_update(
        actor=None, person=world.people["student"], native_name="李华\x01"
    )
    client = world.client("coordinator")
    url = reverse("core:person_list")
    rows = csv_rows(client.get(url, {"export": "csv"}))
    given = {row[2] for row in rows[1:]}
    assert "Hua" in given and "Achieng" not in given
    sheet = xlsx_sheet(client.get(url, {"export": "xlsx"}))
    natives = {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "李华\ufffd" in natives, "XLSX cannot hold control characters: replaced, not a crash"


def test_audit_log_exports_for_admins(world):
    response = world.client("admin").get(reverse("core:audit_list"), {"export": "xlsx"})
    assert response.status_code == 200
    assert xlsx_sheet(response)["A1"].value == "at"


def test_a_workbook_export_has_one_safe_sheet_per_list() -> None:
    import io

    from openpyxl import load_workbook

    from qiao.core.importexport.export import Column, Sheet, workbook_response

    cols = [Column("name", lambda r: r)]
    response = workbook_response(
        sheets=[
            Sheet("people/2026 [all]", cols, ["=1+1", "Li\x00Hua"]),
            Sheet("people/2026 [all]", cols, []),
            Sheet("", cols, []),
        ],
        filename="Everything",
    )
    assert 'filename="everything-' in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    assert len(set(wb.sheetnames)) == 3
    assert wb.sheetnames[0] == "people2026 all"
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows == [("name",), ("'=1+1",), ("Li\ufffdHua",)]
