"""What the import kinds share: lenient parsing of dates, countries and choice labels."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator, Sequence
from functools import cache, lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import translation
from django_countries import countries

from qiao.core.importexport.registry import ImportContext, RowError
from qiao.core.models import User

BATCH = 1000
_SPACING = re.compile(r"[\s_-]+")
_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?")
url_validator = URLValidator(schemes=["http", "https"])
EXCEL_MAX_SERIAL = 2958465  # 9999-12-31


def parse_date(text: str, *, excel_serial: bool = False) -> dt.date | None:
    """ISO dates (2006-05-01; also 2006/5/1, as Chinese Excel writes them: year first, so never
    ambiguous). From XLSX, a bare day number is an Excel date serial too."""
    match = _DATE.fullmatch(text)
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    if excel_serial and text.isdigit() and 1 <= int(text) <= EXCEL_MAX_SERIAL:
        from openpyxl.utils.datetime import from_excel

        value = from_excel(int(text))
        return value.date() if isinstance(value, dt.datetime) else None
    return None


def choice_lookup(choices: Any, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Code and label (English and Chinese) → code, compared without case or spacing."""
    found: dict[str, str] = {}
    for code, label in choices.choices:
        found[lookup_key(code)] = code
        for language in ("en", "zh-hans"):
            with translation.override(language):
                found.setdefault(lookup_key(str(label)), code)
    for text, code in (extra or {}).items():
        found.setdefault(lookup_key(text), code)
    return found


@lru_cache(maxsize=4096)
def lookup_key(text: str) -> str:
    """How names and codes are compared: NFKC, without case, spaces, hyphens or underscores.
    Cached: a file repeats the same few kinds, majors and departments on every row."""
    return _SPACING.sub("", unicodedata.normalize("NFKC", text)).casefold()


@cache
def country_lookup() -> dict[str, str]:
    """ISO alpha-2 and alpha-3 codes and English and Chinese names → alpha-2 code."""
    found: dict[str, str] = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for country in countries:
                code = str(country.code)
                found.setdefault(code.casefold(), code)
                found.setdefault(str(countries.alpha3(code)).casefold(), code)
                found.setdefault(lookup_key(str(country.name)), code)
    found.pop("", None)
    return found


def country_code(text: str) -> str | None:
    lookup = country_lookup()
    return lookup.get(text.casefold()) or lookup.get(lookup_key(text))


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def actor_of(ctx: ImportContext) -> User | None:
    return ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None


def row_errors(row: int, error: ValidationError) -> list[RowError]:
    """A service's ValidationError as report rows naming the field."""
    if hasattr(error, "error_dict"):
        return [
            RowError(row, "" if field == "__all__" else field, " ".join(messages))
            for field, messages in error.message_dict.items()
        ]
    return [RowError(row, "", " ".join(error.messages))]
