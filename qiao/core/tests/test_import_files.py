"""Hostile and awkward files: each gets a clear error (or is read correctly) and changes nothing.

The files are built in code (fixtures_import): CSV in several encodings and delimiters, XLSX
written by openpyxl, and XLSX written by hand for what no spreadsheet program would produce.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl
import pytest
from django.test import override_settings

from qiao.core.importexport import importer, reader
from qiao.core.importexport.registry import ImportContext, get_import
from qiao.core.models import Affiliation, AuditEntry, Organisation, Person
from qiao.core.tests.fixtures_import import (
    PEOPLE_HEADER,
    as_rows,
    cell,
    csv_bytes,
    csv_upload,
    raw_xlsx,
    row_xml,
    student,
    upload,
    xlsx_bytes,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db


def state() -> tuple[int, int, int, int]:
    return (
        Person.objects.count(),
        Affiliation.objects.count(),
        Organisation.objects.count(),
        AuditEntry.objects.count(),
    )


def run(world: Any, file: Any, **options: Any) -> importer.ImportResult:
    ctx = ImportContext(actor=world.users["coordinator"], organisation=world.school)
    kind = get_import("people")
    assert kind is not None
    return importer.run_import(kind, file, ctx, **options)


def refused(world: Any, file: Any, *words: str, **options: Any) -> importer.ImportResult:
    """Run the import, expect a file-level refusal whose message holds `words`, and no change."""
    before = state()
    result = run(world, file, **options)
    assert not result.ok
    assert not result.committed
    assert result.file_error, result.errors
    for word in words:
        assert word in result.file_error, result.file_error
    assert state() == before
    return result


def header_xml(columns: list[str] | None = None) -> str:
    return row_xml(1, columns or ["kind", "given_name", "student_number"])


# --- Columns ------------------------------------------------------------------------------------


def test_unknown_column_lists_the_expected_ones(world):
    rows = as_rows([student("N1")])
    rows[0][1] = "surname_typo"
    result = refused(world, csv_upload(rows), "Expected columns", "given_name", "student_number")
    unknown = [e for e in result.errors if e.row == 1]
    assert unknown[0].column == "surname_typo"
    assert "Unknown column" in unknown[0].message


def test_missing_required_column(world):
    rows = [["kind", "family_name", "student_number"], ["student", "Li", "N1"]]
    result = refused(world, csv_upload(rows), "required")
    assert any(e.column == "given_name" and "missing" in e.message for e in result.errors)


def test_duplicate_headers_even_through_an_alias(world):
    rows = [["kind", "given_name", "email", "E-Mail"], ["teacher", "Ann", "a@x.example", "b@x"]]
    result = refused(world, csv_upload(rows))
    assert any("appears twice" in e.message and "C and D" in e.message for e in result.errors)


def test_headers_ignore_case_spaces_hyphens_and_accept_aliases(world):
    rows = [
        ["Kind", "Family-Name", "GIVEN NAME", "Student No", "Cohort", "Birthday", "Country"],
        ["student", "Li", "Lei", "H-1", "2023", "2005-01-02", "cn"],
    ]
    result = run(world, csv_upload(rows))
    assert result.ok, result.errors
    aff = Affiliation.objects.get(student_number="H-1")
    assert (aff.person.given_name, aff.cohort_year, aff.person.nationality.code) == (
        "Lei",
        2023,
        "CN",
    )


def test_data_in_a_column_without_a_header_is_an_error(world):
    rows = [["kind", "given_name", "student_number"], ["student", "Lei", "H-2", "stray note"]]
    before = state()
    result = run(world, csv_upload(rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "D")]
    assert state() == before


# --- Encodings and delimiters -------------------------------------------------------------------


def test_gbk_csv_is_refused_with_the_fix_by_default(world):
    data = csv_bytes(as_rows([student("G1", native_name="张伟")]), encoding="gbk")
    refused(world, upload(data, "gbk.csv"), "not UTF-8", "GB18030")


def test_gbk_csv_is_read_when_gb18030_is_chosen(world):
    data = csv_bytes(as_rows([student("G2", native_name="欧阳娜娜")]), encoding="gb18030")
    result = run(world, upload(data, "gbk.csv"), encoding="gb18030")
    assert result.ok, result.errors
    assert Affiliation.objects.get(student_number="G2").person.native_name == "欧阳娜娜"
    assert any("GB18030" in notice for notice in result.notices)


def test_utf8_wins_even_when_gb18030_is_chosen(world):
    data = csv_bytes(as_rows([student("G3", native_name="李雷")]))
    result = run(world, upload(data, "utf8.csv"), encoding="gb18030")
    assert result.ok
    assert Affiliation.objects.get(student_number="G3").person.native_name == "李雷"
    assert result.notices == []


def test_undecodable_even_as_gb18030_is_refused(world):
    data = csv_bytes(as_rows([student("G4")])) + b"\xff\xff\xff\n"
    refused(world, upload(data, "junk.csv"), "neither UTF-8 nor GB18030", encoding="gb18030")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters_and_bom(world, delimiter):
    data = csv_bytes(as_rows([student("D1"), student("D2")]), delimiter=delimiter, bom=True)
    result = run(world, upload(data, "people.csv"))
    assert result.ok, result.errors
    assert result.created == 2


def test_utf16_with_bom_as_excel_unicode_text(world):
    text = "\r\n".join("\t".join(map(str, r)) for r in as_rows([student("U1", native_name="王")]))
    result = run(world, upload(text.encode("utf-16"), "people.csv"))
    assert result.ok, result.errors
    assert Affiliation.objects.get(student_number="U1").person.native_name == "王"


# --- Formulas, control characters, HTML --------------------------------------------------------


def test_cells_starting_with_plus_minus_at_are_stored_as_text(world):
    rows = as_rows(
        [student("F1", native_name="@SUM(A1)", family_name="-2+3", phone="+86 138 0013 8000")]
    )
    result = run(world, csv_upload(rows))
    assert result.ok, result.errors
    person = Affiliation.objects.get(student_number="F1").person
    assert (person.native_name, person.family_name) == ("@SUM(A1)", "-2+3")
    assert person.phone == "+86 138 0013 8000"


@pytest.mark.parametrize("make", [csv_upload, xlsx_upload])
def test_cells_starting_with_equals_are_refused_in_any_format(world, make):
    """A text cell "=…" is what a spreadsheet would run as a formula: refused, never stored."""
    rows = as_rows([student("F0", given_name='=HYPERLINK("http://evil.example","x")')])
    before = state()
    result = run(world, make(rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "given_name")]
    assert "formula" in result.errors[0].message
    assert result.errors[0].value.startswith("=HYPERLINK")
    assert state() == before


def test_array_formulas_are_refused(world):
    sheet = header_xml() + (
        '<row r="2">'
        + cell("A2", "student")
        + '<c r="B2"><f t="array" ref="B2">UPPER("x")</f><v>X</v></c>'
        + cell("C2", "A1")
        + "</row>"
    )
    result = run(world, upload(raw_xlsx(sheet), "array.xlsx"))
    assert [(e.row, e.column) for e in result.errors] == [(2, "given_name")]
    assert "formula" in result.errors[0].message


def test_xlsx_formula_cells_are_refused_never_evaluated(world):
    rows = as_rows([student("F2"), student("F3")])
    rows[2][PEOPLE_HEADER.index("given_name")] = "=1+1"
    before = state()
    result = run(world, xlsx_upload(rows))
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "given_name")]
    assert "formula" in result.errors[0].message
    assert state() == before


def test_xlsx_error_cells_are_refused(world):
    sheet = header_xml() + (
        '<row r="2"><c r="A2" t="inlineStr"><is><t>student</t></is></c>'
        '<c r="B2" t="e"><v>#N/A</v></c>' + cell("C2", "E1") + "</row>"
    )
    before = state()
    result = run(world, upload(raw_xlsx(sheet), "errors.xlsx"))
    assert [(e.row, e.column) for e in result.errors] == [(2, "given_name")]
    assert "#N/A" in result.errors[0].message
    assert state() == before


def test_control_characters_in_a_cell_are_a_row_error(world):
    rows = as_rows([student("C1", family_name="Li\x07")])
    before = state()
    result = run(world, csv_upload(rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "family_name")]
    assert result.errors[0].value == "Li\\x07"
    assert state() == before


def test_nul_bytes_refuse_the_file(world):
    data = csv_bytes(as_rows([student("N1")])).replace(b"Zhang", b"Zh\x00ang")
    refused(world, upload(data, "nul.csv"), "NUL", "line 2")


def test_html_is_stored_as_text(world):
    rows = as_rows([student("H1", given_name="<script>alert(1)</script>")])
    assert run(world, csv_upload(rows)).ok
    assert Person.objects.filter(given_name="<script>alert(1)</script>").exists()


# --- Sizes, rows and empty rows -----------------------------------------------------------------


def test_empty_files(world):
    refused(world, upload(b"", "empty.csv"), "empty")
    refused(world, upload(b"", "empty.xlsx"), "empty")
    refused(world, upload(b"\xef\xbb\xbf", "bom-only.csv"), "empty")
    refused(world, upload(raw_xlsx(""), "blank.xlsx"), "empty")


def test_first_row_empty(world):
    refused(world, csv_upload([["", "", ""], ["student", "Lei", "E1"]]), "first row is empty")


def test_header_only(world):
    refused(world, csv_upload(as_rows([])), "no data rows")
    refused(world, xlsx_upload(as_rows([])), "no data rows")


@override_settings(IMPORT_MAX_BYTES=2000)
def test_oversized_file(world):
    rows = as_rows([student(f"O{i}") for i in range(40)])
    refused(world, csv_upload(rows), "too large")


@override_settings(IMPORT_MAX_ROWS=3)
def test_too_many_rows(world):
    refused(world, xlsx_upload(as_rows([student(f"R{i}") for i in range(4)])), "more than 3 rows")


def test_very_long_cells(world):
    long_name = "x" * 101
    result = run(world, csv_upload(as_rows([student("L1", given_name=long_name)])))
    assert [(e.row, e.column) for e in result.errors] == [(2, "given_name")]
    assert "101 characters, at most 100" in result.errors[0].message
    assert len(result.errors[0].value) <= reader.ERROR_VALUE_MAX + 1


def test_a_cell_beyond_the_csv_field_limit_refuses_the_file(world):
    rows = as_rows([student("L2", title="y" * 200_000)])
    refused(world, csv_upload(rows), "Row 2 could not be read")


def test_blank_rows_in_between_are_skipped_and_rows_keep_their_numbers(world):
    rows = as_rows([student("B1"), {}, student("B2", email="broken")])
    result = run(world, csv_upload(rows))
    assert [(e.row, e.column) for e in result.errors] == [(4, "email")]


def test_a_million_empty_rows_stop_after_a_bounded_run(world):
    """Formatted-to-the-bottom sheets: reading stops after EMPTY_RUN_LIMIT empty rows."""
    data_rows = (
        header_xml() + row_xml(2, ["student", "Lei", "M1"]) + row_xml(3, ["student", "Mei", "M2"])
    )
    empty = b"".join(b'<row r="%d"/>' % n for n in range(4, 1_000_004))
    result = run(world, upload(raw_xlsx(data_rows.encode() + empty), "million.xlsx"))
    assert result.ok, result.errors
    assert result.created == 2
    assert any(f"row {3 + reader.EMPTY_RUN_LIMIT}" in n for n in result.notices)


def test_a_csv_with_a_million_empty_lines(world):
    data = csv_bytes(as_rows([student("M3")])) + b",,,,\r\n" * 1_000_000
    result = run(world, upload(data, "million.csv"))
    assert result.ok and result.created == 1


def test_a_lone_cell_at_the_bottom_of_the_sheet_is_not_waited_for(world):
    sheet = header_xml() + row_xml(2, ["student", "Lei", "M4"]) + row_xml(1048576, ["student"])
    result = run(world, upload(raw_xlsx(sheet, dimension="A1:C1048576"), "sparse.xlsx"))
    assert result.ok and result.created == 1
    assert result.notices


def test_a_lying_dimension_tag_does_not_hide_rows(world):
    sheet = header_xml() + "".join(row_xml(n, ["student", f"P{n}", f"P{n}"]) for n in range(2, 7))
    result = run(world, upload(raw_xlsx(sheet, dimension="A1:C2"), "liar.xlsx"))
    assert result.ok and result.created == 5


# --- Not what the name says ---------------------------------------------------------------------


def test_non_zip_renamed_xlsx(world):
    refused(world, upload(b"kind,given_name\nstudent,Lei\n", "people.xlsx"), "not an XLSX")


def test_zip_that_is_no_workbook(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    refused(world, upload(buffer.getvalue(), "people.xlsx"), "could not be opened")


def test_damaged_sheet_xml(world):
    rows = "".join(row_xml(n, ["student", f"D{n}", f"D{n}"]) for n in range(2, 5))
    data = raw_xlsx(header_xml() + rows + '<row r="5"><c r="A5"')
    refused(world, upload(data, "broken.xlsx"), "damaged", "row 5")


def test_the_dimension_tag_is_looked_for_only_before_the_rows(world):
    """Opening a workbook reads no further than <sheetData>: a sheet without a dimension tag is
    not parsed twice (and a defect far down is reported as a row, not as an unopenable file)."""
    body = header_xml() + row_xml(2, ["student", "Lei", "W1"]) + '<row r="3"><c'
    with reader.read_table(io.BytesIO(raw_xlsx(body)), "x.xlsx") as table:
        assert table.header == ["kind", "given_name", "student_number"]
        assert table.estimated_rows == 0
    with reader.read_table(io.BytesIO(raw_xlsx(body, dimension="A1:C9")), "x.xlsx") as table:
        assert table.estimated_rows == 8


def test_xlsx_renamed_csv_and_xls(world):
    refused(world, upload(xlsx_bytes(as_rows([student("X1")])), "people.csv"), "Rename it")
    refused(world, upload(b"\xd0\xcf\x11\xe0" + b"\0" * 100, "people.csv"), ".xls")
    refused(world, upload(b"whatever", "people.xls"), ".xls")
    refused(world, upload(b"whatever", "people.txt"), ".csv or .xlsx")


@pytest.fixture
def openpyxl_must_not_open(monkeypatch):
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("openpyxl opened a file the zip checks should have refused")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_zip_bomb_by_total_size(world, openpyxl_must_not_open):
    bomb = raw_xlsx(header_xml(), extra_members={"xl/media/padding.bin": b"\0" * 3_000_000})
    with override_settings(IMPORT_MAX_UNCOMPRESSED_BYTES=2_000_000):
        refused(world, upload(bomb, "bomb.xlsx"), "unsafe")


def test_zip_bomb_by_compression_ratio(world, openpyxl_must_not_open):
    bomb = raw_xlsx(header_xml(), extra_members={"xl/sharedStrings.xml": b"\0" * 30_000_000})
    assert len(bomb) < 100_000
    refused(world, upload(bomb, "bomb.xlsx"), "unsafe")


def test_zip_bomb_by_member_count(world, openpyxl_must_not_open):
    members = {f"xl/media/{n}.bin": b"" for n in range(reader.XLSX_MAX_MEMBERS + 1)}
    refused(world, upload(raw_xlsx(header_xml(), extra_members=members), "many.xlsx"), "parts")


def test_every_refusal_is_a_report_row(world):
    result = refused(world, upload(b"", "empty.csv"))
    assert [(e.row, e.column) for e in result.errors] == [(0, "")]
    data = importer.ImportResult.from_json(result.to_json())
    assert data.file_error == result.file_error and data.error_count == 1


def test_read_table_gives_header_and_rows():
    data = xlsx_bytes([["Name", "Year"], ["李华", 2024], [None, None], ["Ann", 2025.0]])
    with reader.read_table(io.BytesIO(data), "x.xlsx") as table:
        assert table.header == ["Name", "Year"]
        rows = [(n, cells) for n, cells, _problems in table.data_rows()]
    assert rows == [(2, ["李华", "2024"]), (4, ["Ann", "2025"])]
