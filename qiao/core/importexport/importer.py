"""The import service: validate every row, commit all or nothing, keep the outcome.

- `reader.read_table(file, filename)` (re-exported here): the header and bounded rows, after
  every file-level check; `header.map_header(kind, header)` maps the header to the kind's columns.
- `validate_file(kind, file, ctx)` and `run_import(kind, file, ctx)`: every row is validated
  first; `kind.commit` runs in one transaction only when no row has an error. "Validate only"
  runs the commit too and rolls it back, so its counts are exact.
- `background.import_start(...)`: what the upload page calls (see that module). Files of up to
  IMPORT_BACKGROUND_ROWS rows run at once; larger ones are stored and run by the task
  `qiao.core.tasks.import_file`, which calls `import_job_run`. Either way the outcome is kept in
  a JobProgress: `result` holds `ImportResult.to_json()`, errors capped at 10,000.

See docs/decisions/0005-imports.md for the choices.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import gt, itemgetter
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from qiao.core.audit import audit_record
from qiao.core.importexport.export import Column
from qiao.core.importexport.header import HeaderMap, column_letter, map_header
from qiao.core.importexport.reader import (
    CONTROL_CHARACTERS,
    ENCODINGS,
    FORMATS,
    ImportFileError,
    Table,
    formula_message,
    printable,
    read_table,
)
from qiao.core.importexport.registry import (
    ImportContext,
    ImportKind,
    ImportRowsError,
    RowError,
)

__all__ = [
    "ENCODINGS",
    "FORMATS",
    "ImportFileError",
    "ImportResult",
    "count_rows",
    "map_header",
    "read_table",
    "report_columns",
    "run_import",
    "template_columns",
    "validate_file",
]

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 10_000
PROGRESS_EVERY = 1000

Progress = Callable[[int, int, str], None]


# --- Validation and commit ----------------------------------------------------------------------


@dataclass
class ImportResult:
    """The outcome of one import, kept as JSON in its JobProgress (`to_json` / `from_json`)."""

    kind: str
    filename: str = ""
    format: str = ""
    dry_run: bool = False
    committed: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    details: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    error_rows: int = 0
    file_error: str = ""
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            error.value = printable(error.value)
            self.errors.append(error)

    def summary(self) -> str:
        if self.file_error:
            return _("Nothing was imported: %(reason)s") % {"reason": self.file_error}
        if not self.ok:
            return _("Nothing was imported: %(count)d errors in %(rows)d rows.") % {
                "count": self.error_count,
                "rows": self.error_rows,
            }
        if self.dry_run:
            return (
                _(
                    "Checked %(rows)d rows without error: %(created)d would be created, "
                    "%(updated)d updated, %(unchanged)d unchanged. Nothing was saved."
                )
                % self._counts()
            )
        return (
            _(
                "Imported %(rows)d rows: %(created)d created, %(updated)d updated, %(unchanged)d "
                "unchanged."
            )
            % self._counts()
        )

    def _counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "filename": self.filename,
            "format": self.format,
            "dry_run": self.dry_run,
            "committed": self.committed,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "details": self.details,
            "errors": [
                {"row": e.row, "column": e.column, "value": e.value, "message": e.message}
                for e in self.errors
            ],
            "error_count": self.error_count,
            "error_rows": self.error_rows,
            "file_error": self.file_error,
            "notices": self.notices,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportResult:
        result = cls(kind=str(data.get("kind", "")))
        for name in ("filename", "format", "file_error"):
            setattr(result, name, str(data.get(name, "")))
        for name in ("dry_run", "committed"):
            setattr(result, name, bool(data.get(name, False)))
        for name in ("rows", "created", "updated", "unchanged", "error_count", "error_rows"):
            setattr(result, name, int(data.get(name, 0) or 0))
        result.details = dict(data.get("details") or {})
        result.notices = [str(n) for n in data.get("notices") or []]
        result.errors = [
            RowError(
                row=int(e.get("row", 0)),
                column=str(e.get("column", "")),
                message=str(e.get("message", "")),
                value=str(e.get("value", "")),
            )
            for e in data.get("errors") or []
        ]
        return result


def _fail_file(result: ImportResult, error: ImportFileError) -> None:
    result.file_error = error.message
    rows = set()
    for row_error in error.errors:
        result.add_error(row_error)
        rows.add(row_error.row)
    result.error_rows = len(rows)


def validate_file(
    kind: ImportKind,
    file: IO[bytes],
    ctx: ImportContext,
    *,
    filename: str | None = None,
    encoding: str = "utf-8",
    progress: Progress | None = None,
    progress_every: int = PROGRESS_EVERY,
) -> tuple[ImportResult, list[Any]]:
    """Read and validate every row; write nothing. Returns the result (errors, notices, row
    count) and the cleaned rows, which are only complete when the result has no error."""
    name = filename or getattr(file, "name", "") or ""
    result = ImportResult(
        kind=kind.key, filename=os.path.basename(name), dry_run=bool(ctx.options.get("dry_run"))
    )
    cleaned: list[Any] = []
    try:
        with read_table(file, name, encoding=encoding) as table:
            result.format = table.format
            ctx.options["format"] = table.format
            header = map_header(kind, table.header)
            kind.prepare(ctx)
            _validate_rows(kind, table, header, ctx, result, cleaned, progress, progress_every)
            result.notices = [*table.notices, *header.notices]
    except ImportFileError as error:
        _fail_file(result, error)
        return result, []
    if result.rows == 0 and result.ok:
        _fail_file(
            result,
            ImportFileError(_("The file has a header row but no data rows: nothing to import.")),
        )
    return result, cleaned if result.ok else []


def _validate_rows(
    kind: ImportKind,
    table: Table,
    header: HeaderMap,
    ctx: ImportContext,
    result: ImportResult,
    cleaned: list[Any],
    progress: Progress | None,
    progress_every: int,
) -> None:
    names = {i: c.name for i, c in header.columns}
    # Columns the file lacks reach the kind as "" (registry contract: every column is a key).
    absent = {c.name: "" for c in kind.columns if c.name not in names.values()}
    # The hot loop works on whole rows with C-level helpers (itemgetter, zip, map): at 100,000
    # rows a per-cell Python loop costs more than validating them.
    indexes = tuple(names)
    getter = itemgetter(*indexes) if len(indexes) > 1 else None

    def pick(cells: list[str]) -> tuple[str, ...]:
        if getter is not None:
            return getter(cells)
        return tuple(cells[i] for i in indexes)

    mapped = tuple(c for _i, c in header.columns)
    keys = tuple(c.name for c in mapped)
    limits = tuple(c.max_length for c in mapped)
    required = tuple(position for position, c in enumerate(mapped) if c.required)
    width = header.width
    padding = [""] * width
    blank = header.blank
    estimate = table.estimated_rows
    progress_message = _("Checking rows…")
    for number, row_cells, problems in table.data_rows():
        result.rows += 1
        if progress is not None and result.rows % progress_every == 0:
            progress(result.rows, max(estimate, result.rows), progress_message)
        size = len(row_cells)
        cells = row_cells if size >= width else row_cells + padding[size:]
        picked = pick(cells)
        values = dict(absent)
        values.update(zip(keys, picked, strict=True))
        errors: list[RowError] = []
        flagged: set[str] = set()
        if any(map(gt, map(len, picked), limits)):
            for value, column in zip(picked, mapped, strict=True):
                if len(value) > column.max_length:
                    errors.append(
                        RowError(
                            number,
                            column.name,
                            _("Too long: %(length)d characters, at most %(max)d.")
                            % {"length": len(value), "max": column.max_length},
                            value,
                        )
                    )
        for position in required:
            if not picked[position] and keys[position] not in {e.column for e in errors}:
                errors.append(RowError(number, keys[position], _("This value is required.")))
        if problems:
            for index, problem in problems.items():
                errors.insert(0, RowError(number, names.get(index, column_letter(index)), problem))
        if size > width or blank:
            for index in [*blank, *range(width, size)]:
                if index < size and cells[index] and not (problems and index in problems):
                    errors.append(
                        RowError(
                            number,
                            column_letter(index),
                            _(
                                "This cell has no column name in row 1; remove it or name the "
                                "column."
                            ),
                            cells[index],
                        )
                    )
        # One search per row; cells are looked at one by one only when it finds something.
        joined = "\n".join(cells)
        if joined[:1] == "=" or "\n=" in joined or CONTROL_CHARACTERS.search(joined):
            for index, cell in enumerate(cells):
                if problems and index in problems:
                    continue
                if cell[:1] == "=":
                    problem = formula_message(cell)
                elif CONTROL_CHARACTERS.search(cell):
                    problem = _("Control characters (such as NUL) are not allowed in a cell.")
                else:
                    continue
                errors.append(
                    RowError(number, names.get(index, column_letter(index)), problem, cell)
                )
        if errors:
            flagged = {e.column for e in errors}
            for name in flagged & values.keys():
                values[name] = ""
        item, kind_errors = kind.validate_row(number, values, ctx)
        if errors:
            # The framework's message for a cell wins over the kind's for the same cell.
            errors.extend(e for e in kind_errors if e.column not in flagged)
        else:
            errors = kind_errors
        if errors:
            result.error_rows += 1
            seen: set[tuple[str, str]] = set()
            for error in errors:
                if (error.column, error.message) not in seen:
                    seen.add((error.column, error.message))
                    result.add_error(error)
            cleaned.clear()
        elif result.ok:
            cleaned.append(item)
    if progress is not None:
        progress(result.rows, result.rows, progress_message)


def run_import(
    kind: ImportKind,
    file: IO[bytes],
    ctx: ImportContext,
    *,
    filename: str | None = None,
    dry_run: bool = False,
    encoding: str = "utf-8",
    progress: Progress | None = None,
    progress_every: int = PROGRESS_EVERY,
) -> ImportResult:
    """Validate every row of `file`, then, only if no row has an error, commit them all in one
    transaction (rolled back again when `dry_run`). One audit entry records the import and its
    counts; the kind's commit writes the rows (and its own audit entries)."""
    ctx.options["dry_run"] = dry_run
    result, cleaned = validate_file(
        kind,
        file,
        ctx,
        filename=filename,
        encoding=encoding,
        progress=progress,
        progress_every=progress_every,
    )
    if not result.ok:
        return result
    if progress is not None:
        progress(result.rows, result.rows, _("Saving…"))
    try:
        with transaction.atomic():
            summary = kind.commit(cleaned, ctx)
            audit_record(
                actor=ctx.actor,
                action=f"import.{kind.key}",
                object_type="import",
                object_id=str(ctx.options.get("job_id", ""))[:64],
                object_repr=result.filename,
                organisation=ctx.organisation,
                changes={
                    "file": result.filename,
                    "rows": result.rows,
                    "created": summary.created,
                    "updated": summary.updated,
                    "unchanged": summary.unchanged,
                },
            )
            if dry_run:
                transaction.set_rollback(True)
    except ImportRowsError as error:
        result.error_rows = len({e.row for e in error.errors})
        for row_error in error.errors:
            result.add_error(row_error)
        return result
    except ValidationError as error:
        result.error_rows = 1
        result.add_error(
            RowError(
                0, "", _("Nothing was saved: %(reason)s") % {"reason": " ".join(error.messages)}
            )
        )
        return result
    except DatabaseError:
        logger.warning("Import %s refused by the database", kind.key, exc_info=True)
        result.error_rows = 1
        result.add_error(
            RowError(
                0,
                "",
                _(
                    "Nothing was saved: the database refused the data, probably because someone "
                    "changed the same records meanwhile. Upload the file again."
                ),
            )
        )
        return result
    result.created = summary.created
    result.updated = summary.updated
    result.unchanged = summary.unchanged
    result.details = summary.details
    result.committed = not dry_run
    return result


# --- Jobs: inline for small files, a background task for large ones -----------------------------


def count_rows(
    kind: ImportKind, file: IO[bytes], filename: str, *, encoding: str = "utf-8", limit: int
) -> tuple[int, int]:
    """(data rows, counting no further than `limit`; the estimated total for a progress bar).
    Runs every file-level check, so a file that cannot be imported is refused here."""
    with read_table(file, filename, encoding=encoding) as table:
        map_header(kind, table.header)
        count = 0
        for _row in table.data_rows():
            count += 1
            if count >= limit:
                break
        estimate = table.estimated_rows
    if count == 0:
        raise ImportFileError(_("The file has a header row but no data rows: nothing to import."))
    return count, max(count, estimate)


# --- Templates and reports ----------------------------------------------------------------------


def template_columns(kind: ImportKind) -> list[Column]:
    """The downloadable template: every column of the kind, filled with its example rows."""

    def cell(name: str) -> Callable[[dict[str, str]], str]:
        return lambda row: row.get(name, "")

    return [Column(c.name, cell(c.name)) for c in kind.columns]


def report_columns() -> list[Column]:
    """The error report: row, column, value, message (row 0 is the file as a whole)."""
    return [
        Column(_("row"), lambda e: e.row or ""),
        Column(_("column"), lambda e: e.column),
        Column(_("value"), lambda e: e.value),
        Column(_("message"), lambda e: e.message),
    ]
