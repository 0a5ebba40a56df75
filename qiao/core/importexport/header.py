"""The header of an import file: which cell feeds which of the kind's columns; unknown, duplicate
and missing required columns are refused together, with their names."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from qiao.core.importexport.reader import ImportFileError, header_key, printable
from qiao.core.importexport.registry import ImportColumn, ImportKind, RowError


@dataclass
class HeaderMap:
    """Which cell index feeds which column, and which cells must stay empty (no header)."""

    columns: list[tuple[int, ImportColumn]]
    blank: list[int]
    width: int
    notices: list[str] = field(default_factory=list)


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def map_header(kind: ImportKind, header: list[str]) -> HeaderMap:
    """Map the file's header to the kind's columns; raise ImportFileError listing every unknown,
    duplicate or missing required column together with the expected columns."""
    keys: dict[str, ImportColumn] = {}
    for column in kind.columns:
        for name in (column.name, *column.aliases):
            keys.setdefault(header_key(name), column)
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    mapped: list[tuple[int, ImportColumn]] = []
    blank: list[int] = []
    ignored: list[str] = []
    for index, text in enumerate(header):
        if not text:
            blank.append(index)
            continue
        found = keys.get(header_key(text))
        if found is None:
            if kind.ignore_unknown_columns:
                ignored.append(text)
            else:
                errors.append(
                    RowError(
                        row=1,
                        column=printable(text, 60),
                        message=_("Unknown column “%(name)s” (column %(letter)s).")
                        % {"name": printable(text, 60), "letter": column_letter(index)},
                    )
                )
            continue
        if found.name in seen:
            errors.append(
                RowError(
                    row=1,
                    column=found.name,
                    message=_(
                        "The column “%(name)s” appears twice: columns %(first)s and %(second)s."
                    )
                    % {
                        "name": found.name,
                        "first": column_letter(seen[found.name]),
                        "second": column_letter(index),
                    },
                )
            )
            continue
        seen[found.name] = index
        mapped.append((index, found))
    for column in kind.columns:
        if column.required and column.name not in seen:
            errors.append(
                RowError(
                    row=1,
                    column=column.name,
                    message=_("The required column “%(name)s” is missing.") % {"name": column.name},
                )
            )
    if errors:
        raise ImportFileError(
            _(
                "The columns do not match. Expected columns: %(expected)s (required: "
                "%(required)s). Download the template for the right header."
            )
            % {
                "expected": ", ".join(c.name for c in kind.columns),
                "required": ", ".join(c.name for c in kind.columns if c.required) or "—",
            },
            errors=errors,
        )
    notices = []
    if ignored:
        notices.append(
            _("These columns were ignored: %(names)s.")
            % {"names": ", ".join(printable(n, 60) for n in ignored)}
        )
    return HeaderMap(columns=mapped, blank=blank, width=len(header), notices=notices)
