"""Reading import files defensively: CSV or XLSX in, a header and bounded rows out.

Every check that concerns the file rather than its rows lives here, and each raises
ImportFileError with a message that says what is wrong and how to fix it: size, format, zip
bombs, encodings, NUL bytes, formula and error cells, runs of empty rows, the row limit. The
header (unknown, duplicate and missing required columns) is checked in `header.py`.
See docs/decisions/0005-imports.md.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
import os
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiao.core.importexport.registry import RowError

logger = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx")
ENCODINGS = (
    ("utf-8", gettext_lazy("UTF-8 (recommended)")),
    ("gb18030", gettext_lazy("GB18030 / GBK (saved by Excel or WPS on Chinese Windows)")),
)
# A run of this many empty rows ends the table: spreadsheets "formatted to the bottom" carry up
# to a million empty rows, and reading them all would cost a minute for nothing.
EMPTY_RUN_LIMIT = 1000
# An XLSX is a zip. Checked with zipfile before openpyxl opens it: a real workbook has a few
# dozen parts compressed 5-20:1; deflate cannot exceed about 1030:1, zip bombs sit near that.
XLSX_MAX_MEMBERS = 1000
XLSX_MAX_RATIO = 200
XLSX_RATIO_MIN_SIZE = 1024 * 1024
ERROR_VALUE_MAX = 200

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What a cell shows when a formula failed; refused rather than imported as text.
EXCEL_ERRORS = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    }
)
_HEADER_NOISE = re.compile(r"[\s_\-*]+")
_DELIMITERS = (",", ";", "\t")

RawRow = tuple[int, list[str], dict[int, str] | None]


def max_bytes() -> int:
    return int(settings.IMPORT_MAX_BYTES)


def max_rows() -> int:
    return int(settings.IMPORT_MAX_ROWS)


def max_uncompressed_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", 256 * 1024 * 1024))


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, unsafe, wrong columns).

    `message` says what is wrong and how to fix it; `errors` are the report's rows (row 0 means
    the whole file, row 1 the header)."""

    def __init__(self, message: str, errors: list[RowError] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or [RowError(row=0, column="", message=message)]


def printable(value: Any, limit: int = ERROR_VALUE_MAX) -> str:
    """A cell value fit to show in a report: control characters spelt out, length capped."""
    text = "" if value is None else str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    return CONTROL_CHARACTERS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def header_key(text: str) -> str:
    """How headers are compared: NFKC (full-width letters from Chinese input methods), without
    case, spaces, hyphens, underscores or the asterisks some templates mark required ones with."""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", text)).casefold()


# --- Reading files ------------------------------------------------------------------------------


@dataclass
class Table:
    """A file opened for import: its header (row 1) and the rows below it, read lazily."""

    format: str
    header: list[str]
    estimated_rows: int
    rows: Iterator[RawRow]
    notices: list[str] = field(default_factory=list)
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for close in self.closers:
            close()
        self.closers = []

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def data_rows(self) -> Iterator[RawRow]:
        """Non-empty rows, bounded: a run of EMPTY_RUN_LIMIT empty rows ends the table, and more
        than IMPORT_MAX_ROWS rows refuse the file — neither ever reads a million rows."""
        limit = max_rows()
        empty_run = 0
        count = 0
        for row in self.rows:
            if not row[2] and not any(row[1]):
                empty_run += 1
                if empty_run >= EMPTY_RUN_LIMIT:
                    self.notices.append(
                        _(
                            "Reading stopped at row %(row)d after %(count)d empty rows in a row; "
                            "rows further down, if any, were not read."
                        )
                        % {"row": row[0], "count": EMPTY_RUN_LIMIT}
                    )
                    return
                continue
            empty_run = 0
            count += 1
            if count > limit:
                raise ImportFileError(
                    _(
                        "The file has more than %(max)d rows, the most one import takes. Split it "
                        "into smaller files."
                    )
                    % {"max": limit}
                )
            yield row


def _file_size(file: IO[bytes]) -> int:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    position = file.tell()
    file.seek(0, os.SEEK_END)
    end = file.tell()
    file.seek(position)
    return end


def _read_csv(file: IO[bytes], encoding: str) -> Table:
    file.seek(0)
    data = file.read()
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            _(
                "This is an XLSX (zip) file with a .csv name. Rename it to .xlsx and upload it "
                "again."
            )
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("This is an old Excel (.xls) file, not CSV. Save it as .xlsx or as “CSV UTF-8”.")
        )
    text, notices = _decode(data, encoding)
    del data
    nul = text.find("\x00")
    if nul >= 0:
        raise ImportFileError(
            _(
                "The file contains NUL bytes (first on line %(line)d), so it is not a plain-text "
                "CSV. Save it again as “CSV UTF-8”."
            )
            % {"line": text.count("\n", 0, nul) + 1}
        )
    first_line = text[: text.find("\n")] if "\n" in text else text
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    delimiter = max(_DELIMITERS, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    estimate = max(0, text.count("\n") - 1)
    return Table(
        format="csv",
        header=[],
        estimated_rows=estimate,
        rows=_csv_rows(reader),
        notices=notices,
    )


def _decode(data: bytes, encoding: str) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM) and UTF-16 with BOM are read as such. Anything else is read
    as GB18030 only when the uploader chose it; otherwise it is refused with the fix."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as error:
            raise ImportFileError(
                _("The file starts like UTF-16 text but is damaged. Save it as “CSV UTF-8”.")
            ) from error
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        if encoding != "gb18030":
            raise ImportFileError(
                _(
                    "The file is not UTF-8 text (the first unreadable byte is on line %(line)d). "
                    "If Excel or WPS on Chinese Windows saved it, choose the encoding “GB18030” "
                    "and upload it again, or save it as “CSV UTF-8”."
                )
                % {"line": line}
            ) from error
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _(
                "The file is neither UTF-8 nor GB18030 text (line %(line)d). Save it as "
                "“CSV UTF-8” and upload it again."
            )
            % {"line": data.count(b"\n", 0, error.start) + 1}
        ) from error
    return text, [_("The file is not UTF-8; it was read as GB18030, as you chose.")]


def _csv_rows(reader: Any) -> Iterator[RawRow]:
    number = 0
    try:
        for cells in reader:
            number += 1
            yield number, [cell.strip() for cell in cells], None
    except csv.Error as error:
        raise ImportFileError(
            _(
                "Row %(row)d could not be read as CSV: a cell is longer than %(max)d characters "
                "or a quotation mark is not closed."
            )
            % {"row": number + 1, "max": csv.field_size_limit()}
        ) from error


def _check_zip(file: IO[bytes]) -> None:
    """Refuse what is not a zip, and zip bombs, before openpyxl unpacks anything. The sizes in
    the central directory bound the work: zipfile never inflates a member past its stated size."""
    not_xlsx = _(
        "This is not an XLSX file (Excel 2007 or later). Old .xls files and password-protected "
        "workbooks cannot be read: save it as .xlsx (without a password) or as “CSV UTF-8”."
    )
    file.seek(0)
    if not zipfile.is_zipfile(file):
        raise ImportFileError(not_xlsx)
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise ImportFileError(not_xlsx) from error
    if len(members) > XLSX_MAX_MEMBERS:
        raise ImportFileError(
            _(
                "The XLSX file holds %(count)d parts, far more than a workbook needs (at most "
                "%(max)d). It was refused as unsafe."
            )
            % {"count": len(members), "max": XLSX_MAX_MEMBERS}
        )
    total = sum(member.file_size for member in members)
    limit = max_uncompressed_bytes()
    suspicious = any(
        member.file_size > XLSX_RATIO_MIN_SIZE
        and member.file_size > XLSX_MAX_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if total > limit or suspicious:
        raise ImportFileError(
            _(
                "The XLSX file would unpack to %(size)s (the limit is %(max)s), or is compressed "
                "far more than any workbook. It was refused as unsafe."
            )
            % {"size": filesizeformat(total), "max": filesizeformat(limit)}
        )


_bounded_dimensions = False


def _bound_dimension_lookup() -> None:
    """openpyxl's read-only loader looks for each sheet's <dimension> tag when it opens a
    workbook, and when a sheet has none (openpyxl's own write-only files, many generators) it
    parses the whole sheet to find out: every sheet, before a single row is read. Look no
    further than the start of <sheetData> instead. The schema puts <dimension> before it, so the
    answer is the same and this is safe for any other user of openpyxl in the process."""
    global _bounded_dimensions  # noqa: PLW0603 - installed once, on first use
    if _bounded_dimensions:
        return
    import importlib

    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
    from openpyxl.xml.functions import iterparse

    try:
        excel: Any = importlib.import_module("openpyxl.reader.excel")
        original: Any = importlib.import_module("openpyxl.worksheet._read_only").ReadOnlyWorksheet
        if not callable(getattr(original, "_get_source", None)):
            raise AttributeError("_get_source")
    except (ImportError, AttributeError):  # another openpyxl: keep its own (slower) lookup
        logger.warning("openpyxl internals changed; sheets without <dimension> parse twice")
        _bounded_dimensions = True
        return

    class BoundedReadOnlyWorksheet(original):
        def _get_size(self) -> None:
            with self._get_source() as source:
                for _event, element in iterparse(source, events=("start",)):
                    if element.tag == DIMENSION_TAG:
                        try:
                            bounds = range_boundaries(element.get("ref") or "")
                        except (TypeError, ValueError):
                            return
                        if all(bounds):
                            self._set_size(bounds)
                        return
                    if element.tag == DATA_TAG:
                        return

        def _set_size(self, bounds: tuple[Any, ...]) -> None:
            self._min_column, self._min_row, self._max_column, self._max_row = bounds

    if excel.ReadOnlyWorksheet is original:
        excel.ReadOnlyWorksheet = BoundedReadOnlyWorksheet
    _bounded_dimensions = True


def _open_xlsx(file: IO[bytes]) -> Table:
    _check_zip(file)
    from openpyxl import load_workbook

    _bound_dimension_lookup()

    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(file, read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds of error for a damaged file
        raise ImportFileError(
            _(
                "The file could not be opened as an XLSX workbook. Open it in Excel or WPS, "
                "save it again as .xlsx, and upload it again."
            )
        ) from error
    sheets: list[Any] = list(workbook.worksheets)
    if not sheets:
        workbook.close()
        raise ImportFileError(_("The workbook has no worksheet."))
    sheet = sheets[0]
    # The dimension tag is only a hint (it can be missing, or lie either way): use it for the
    # progress bar, then forget it so that rows beyond it are still read.
    estimate = max(0, int(sheet.max_row or 0) - 1)
    sheet.reset_dimensions()
    return Table(
        format="xlsx",
        header=[],
        estimated_rows=estimate,
        rows=_xlsx_rows(sheet),
        closers=[workbook.close],
    )


def _plain(value: Any) -> str:
    """An XLSX value as the text a person would have typed: 2024 not 2024.0, dates in ISO."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    # ArrayFormula, DataTableFormula: "=" + formula, so that it is refused as one.
    text = str(getattr(value, "text", "") or "")
    return text if text.startswith("=") else f"={type(value).__name__}"


def formula_message(text: str) -> str:
    return _(
        "This cell holds a formula (%(formula)s). Nothing in an import is ever run as a formula: "
        "type the value itself (in a spreadsheet: copy, then paste values only)."
    ) % {"formula": printable(text, 60)}


def _xlsx_rows(sheet: Any) -> Iterator[RawRow]:
    """Rows as text, read as openpyxl's own fastest path does (values_only). Formulas are never
    evaluated: with data_only=False a formula cell reads as its "=…" text (array and table
    formulas as objects, which `_plain` turns into "=…" text too), and the importer refuses any
    cell starting with "=". Error cells read as "#N/A"-like literals and are refused here."""
    number = 0
    try:
        for cells in sheet.iter_rows(values_only=True):
            number += 1
            # Nearly every cell is text or empty: one C-level pass for those, a closer look
            # only for rows holding anything else.
            values = [
                v.strip() if type(v) is str else "" if v is None else _plain(v) for v in cells
            ]
            problems: dict[int, str] | None = None
            if not EXCEL_ERRORS.isdisjoint(values):
                problems = {
                    index: _("This cell holds a spreadsheet error (%(error)s).") % {"error": value}
                    for index, value in enumerate(values)
                    if value in EXCEL_ERRORS
                }
            yield number, values, problems
    except ImportFileError:
        raise
    except Exception as error:  # a damaged sheet part: bad XML, a CRC mismatch…
        logger.info("Unreadable XLSX row %s", number + 1, exc_info=True)
        raise ImportFileError(
            _("The workbook is damaged: row %(row)d could not be read.") % {"row": number + 1}
        ) from error


def read_table(file: IO[bytes], filename: str, *, encoding: str = "utf-8") -> Table:
    """Open a CSV (UTF-8; comma, semicolon or tab) or XLSX (first sheet) file for import.

    Returns the table with its header read; iterate `table.data_rows()` for the rest and close
    it (it is a context manager). Raises ImportFileError with a clear message for anything that
    cannot be imported; nothing has been written then."""
    name = os.path.basename(filename or "")
    extension = os.path.splitext(name)[1].lower()
    size = _file_size(file)
    if size > max_bytes():
        raise ImportFileError(
            _("The file is too large (%(size)s); at most %(max)s.")
            % {"size": filesizeformat(size), "max": filesizeformat(max_bytes())}
        )
    if extension == ".csv":
        if size == 0:
            raise ImportFileError(_("The file is empty."))
        table = _read_csv(file, encoding)
    elif extension == ".xlsx":
        if size == 0:
            raise ImportFileError(_("The file is empty."))
        table = _open_xlsx(file)
    elif extension in (".xls", ".xlsm", ".xlsb", ".ods", ".numbers"):
        raise ImportFileError(
            _("%(type)s files cannot be imported. Save the sheet as .xlsx or as “CSV UTF-8”.")
            % {"type": extension}
        )
    else:
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    try:
        first = next(table.rows, None)
        if first is None:
            raise ImportFileError(_("The file is empty."))
        _number, header, problems = first
        if problems or any(text[:1] == "=" for text in header):
            raise ImportFileError(
                _("The header row holds formulas or errors; it must hold the column names.")
            )
        if not any(header):
            raise ImportFileError(
                _("The first row is empty: it must hold the column names (see the template).")
            )
        while header and not header[-1]:
            header.pop()
        table.header = header
    except BaseException:
        table.close()
        raise
    return table
