"""Import kinds: what can be imported, registered by each app.

An import kind names its columns, says who may run it, validates one row at a time (collecting
every error, never stopping at the first), and commits all validated rows in one transaction.
The framework (`importer.py`) reads CSV/XLSX, maps headers, calls `validate_row` for every row,
and only when no row has an error calls `commit` — all or nothing.

What the framework checks before a kind sees a row (so kinds need not): the header (unknown,
duplicate and missing required columns), every cell's length against `ImportColumn.max_length`,
control characters, cells starting with "=" (formulas, never run), spreadsheet error cells, and
that required cells are not empty.
Values reach `validate_row` as stripped strings keyed by column name ("" when empty or when the
column is absent); XLSX numbers arrive as "2024" (not "2024.0"), dates as "2006-05-01".

A "validate only" run calls `commit` too, inside a transaction that is then rolled back, so its
counts are exact; `ctx.options["dry_run"]` tells a kind that nothing will be kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from qiao.core.models import Organisation, User


@dataclass(frozen=True)
class ImportColumn:
    """One column of an import file. `aliases` are other headers accepted for it (e.g. ESCO's
    `preferredLabel` for `label_en`); matching ignores case, spaces, hyphens and underscores."""

    name: str
    required: bool = False
    help: str | Promise = ""
    aliases: tuple[str, ...] = ()
    max_length: int = 500


@dataclass
class RowError:
    """A problem with one cell (or the whole row when column is empty). `row` is the 1-based row
    number as a spreadsheet shows it (the header is row 1)."""

    row: int
    column: str
    message: str
    value: str = ""


@dataclass
class ImportContext:
    """What a kind sees while validating and committing: who imports, for which organisation,
    and a scratch space for cross-row checks (duplicates inside the file) and lookups."""

    actor: User
    organisation: Organisation | None
    options: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    details: dict[str, Any] = field(default_factory=dict)


class ImportRowsError(Exception):
    """Raised by `commit` when a row turns out to be unsaveable after all (a unique value taken
    meanwhile, a service's ValidationError): the whole import is rolled back and these errors
    are reported like validation errors."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(f"row {e.row} {e.column}: {e.message}" for e in errors))
        self.errors = errors


class ImportKind:
    """Subclass and register one per importable thing."""

    key: str = ""
    label: Any = ""
    columns: Sequence[ImportColumn] = ()
    # Sample rows for the downloadable template.
    example_rows: Sequence[dict[str, str]] = ()
    # Shown on the import page above the column table (rules such as "re-importing updates").
    description: Any = ""
    # Files from other systems (ESCO) carry columns a kind does not use: with True they are
    # listed in a notice and skipped instead of refusing the file.
    ignore_unknown_columns: bool = False
    # Options a page may pass in the import page's query string (`?round=12`): the page keeps
    # them through the upload and the kind reads them as `ctx.options[name]` (strings).
    page_options: tuple[str, ...] = ()

    def allowed(self, user: User, organisation: Organisation | None) -> bool:
        raise NotImplementedError

    def options_label(self, user: Any, options: dict[str, str]) -> str | None:
        """What the page options name, in words, for the import page ("Into: round X"); None
        when they name nothing the user may see. Kinds with page options override it."""
        return None

    def prepare(self, ctx: ImportContext) -> None:
        """Load lookups once (existing codes, departments…) into ctx.state before validation."""

    def validate_row(
        self, row_number: int, values: dict[str, str], ctx: ImportContext
    ) -> tuple[Any, list[RowError]]:
        """Return (cleaned row or None, errors). Must not write to the database."""
        raise NotImplementedError

    def commit(self, cleaned: list[Any], ctx: ImportContext) -> ImportSummary:
        """Write every cleaned row; called inside one transaction, only if no row had errors."""
        raise NotImplementedError


_kinds: dict[str, ImportKind] = {}


def register_import(kind: ImportKind) -> ImportKind:
    if not kind.key:
        raise ValueError("An import kind needs a key.")
    _kinds[kind.key] = kind
    return kind


def get_import(key: str) -> ImportKind | None:
    return _kinds.get(key)


def all_imports() -> list[ImportKind]:
    return list(_kinds.values())
