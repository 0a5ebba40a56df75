"""Import test files, built in code rather than committed as binaries.

`csv_upload` and `xlsx_upload` build well-formed files; `raw_xlsx` writes a workbook by hand with
zipfile, so tests can produce what no spreadsheet program would (formula cells, lying dimension
tags, a million empty rows, zip bombs).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

PEOPLE_HEADER = [
    "kind",
    "family_name",
    "given_name",
    "native_name",
    "email",
    "phone",
    "date_of_birth",
    "nationality",
    "student_number",
    "major",
    "department",
    "cohort_year",
    "title",
    "start",
    "end",
]


def student(number: str, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "kind": "student",
        "family_name": "Zhang",
        "given_name": f"Wei {number}",
        "native_name": "张伟",
        "email": f"{number.lower()}@students.example",
        "nationality": "CN",
        "student_number": number,
        "major": "510201",
        "department": "School of Computer Engineering",
        "cohort_year": "2024",
        "date_of_birth": "2006-03-09",
    }
    row.update(extra)
    return row


def as_rows(
    dicts: Iterable[dict[str, Any]], header: Sequence[str] = PEOPLE_HEADER
) -> list[list[Any]]:
    return [list(header), *([d.get(h, "") for h in header] for d in dicts)]


def csv_bytes(
    rows: Sequence[Sequence[Any]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    bom: bool = False,
) -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows: Sequence[Sequence[Any]], *, title: str = "Sheet") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def csv_upload(
    rows: Sequence[Sequence[Any]], name: str = "people.csv", **kw: Any
) -> SimpleUploadedFile:
    return upload(csv_bytes(rows, **kw), name)


def xlsx_upload(rows: Sequence[Sequence[Any]], name: str = "people.xlsx") -> SimpleUploadedFile:
    return upload(xlsx_bytes(rows), name)


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def cell(ref: str, value: str) -> str:
    """An inline-string cell."""
    from xml.sax.saxutils import escape

    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def row_xml(number: int, values: Sequence[str]) -> str:
    from openpyxl.utils import get_column_letter

    cells = "".join(
        cell(f"{get_column_letter(i + 1)}{number}", v) for i, v in enumerate(values) if v != ""
    )
    return f'<row r="{number}">{cells}</row>'


def raw_xlsx(
    sheet_data: str | bytes,
    *,
    dimension: str | None = None,
    extra_members: dict[str, bytes] | None = None,
) -> bytes:
    """A minimal workbook whose first sheet's <sheetData> is `sheet_data`, verbatim."""
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + (f'<dimension ref="{dimension}"/>' if dimension else "")
        + "<sheetData>"
    ).encode()
    body = sheet_data.encode() if isinstance(sheet_data, str) else sheet_data
    sheet = head + body + b"</sheetData></worksheet>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra_members or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()
