"""Export any list as CSV or XLSX from the same queryset the page shows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.text import slugify

EXPORT_FORMATS = ("csv", "xlsx")
# Cells starting with these would run as formulas in a spreadsheet (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One exported column: a stable header and how to read the value from a row."""

    header: str
    value: Callable[[Any], Any]


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas and flatten values for export."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _xlsx_cell(value: Any) -> Any:
    """safe_cell, minus the control characters XML (hence XLSX) cannot hold at all: openpyxl
    refuses them, which would turn one odd name into a failed export."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell = safe_cell(value)
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", cell) if isinstance(cell, str) else cell


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(columns: list[Column], rows: Iterable[Any]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read UTF-8 (Chinese names) correctly
    yield writer.writerow([c.header for c in columns])
    for row in rows:
        yield writer.writerow([safe_cell(c.value(row)) for c in columns])


def export_response(
    *, columns: list[Column], rows: Iterable[Any], fmt: str, filename: str
) -> HttpResponse | StreamingHttpResponse:
    """A download of `rows` in `fmt` ("csv" streams; "xlsx" is written with openpyxl)."""
    base = slugify(filename) or "export"
    stamp = dt.date.today().isoformat()
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title=base[:31])
        ws.append([_xlsx_cell(c.header) for c in columns])
        for row in rows:
            ws.append([_xlsx_cell(c.value(row)) for c in columns])
        buf = io.BytesIO()
        wb.save(buf)
        response = HttpResponse(
            buf.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{base}-{stamp}.xlsx"'
        return response
    stream = StreamingHttpResponse(_csv_rows(columns, rows), content_type="text/csv; charset=utf-8")
    stream["Content-Disposition"] = f'attachment; filename="{base}-{stamp}.csv"'
    return stream


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook export: a title (at most 31 characters in XLSX) and its rows."""

    title: str
    columns: list[Column]
    rows: Iterable[Any]


def workbook_response(*, sheets: list[Sheet], filename: str) -> HttpResponse:
    """A download of several lists as one XLSX workbook, a sheet each, with the same formula
    and control-character neutralisation as every other export."""
    from openpyxl import Workbook

    base = slugify(filename) or "export"
    stamp = dt.date.today().isoformat()
    wb = Workbook(write_only=True)
    used: set[str] = set()
    for sheet in sheets:
        # Sheet names may not hold []:*?/\ and must be unique.
        title = "".join(ch for ch in sheet.title if ch not in "[]:*?/\\")[:31] or "Sheet"
        while title in used:
            title = f"{title[:28]}-{len(used)}"
        used.add(title)
        ws = wb.create_sheet(title=title)
        ws.append([_xlsx_cell(c.header) for c in sheet.columns])
        for row in sheet.rows:
            ws.append([_xlsx_cell(c.value(row)) for c in sheet.columns])
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{base}-{stamp}.xlsx"'
    return response
