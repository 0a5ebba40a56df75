"""Public holidays of a country, from the `holidays` package: pure (no Django), so the
timesheet service, the compliance facts and the pages share one answer.

What counts (docs/decisions/0015-public-holidays.md): the statutory days the law of the
country names — in China the 13 days of 法定节假日 (元旦, 春节 with 除夕, 清明, 劳动节, 端午,
中秋, 国庆). Not the days off the State Council moves around them each year (调休 rest days
such as 2026-10-06, "休息日（由 2026-09-20 调休）"), not the weekend days worked in exchange
(2026-09-20 is a working Sunday), and not days in lieu when a holiday falls on a weekend
(补假, "observed"). Only the national calendar of the country: regional holidays are what
the student's "Other public holiday (local)" tick is for.

An unknown or unsupported country, or a year outside the package's range, has no holidays
(an empty dict, never an error): the page then relies on the student's tick alone.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from types import MappingProxyType

import holidays

CHINESE = "zh_CN"
ENGLISH = "en_US"
# Keep a few hundred (country, year, language) tables: a timesheet needs one or two.
_CACHE_SIZE = 512


def calendar_language(language: str | None) -> str:
    """The `holidays` language code for a Django language code: "zh-hans" → "zh_CN",
    "zh-hant" → "zh_TW", "en" → "en_US", "de" → "de"."""
    code = (language or "").strip().replace("_", "-").lower()
    if not code:
        return ENGLISH
    if code.startswith("zh"):
        traditional = any(tag in code for tag in ("hant", "-tw", "-hk", "-mo"))
        return "zh_TW" if traditional else CHINESE
    if code in ("en", "en-us"):
        return ENGLISH
    head, _sep, tail = code.partition("-")
    return f"{head}_{tail.upper()}" if tail else head


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _entity(country: str) -> type[holidays.HolidayBase] | None:
    """The `holidays` class of a country code, or None when the package does not know it."""
    code = country.strip().upper()
    if not code or code not in holidays.list_supported_countries():
        return None
    try:
        entity: type[holidays.HolidayBase] = type(
            holidays.country_holidays(code, years=(), categories=(holidays.PUBLIC,))
        )
    except (NotImplementedError, ValueError, KeyError):
        return None
    return entity


def _pick_language(entity: type[holidays.HolidayBase], language: str) -> str | None:
    """`language` when the country has names in it, else a close match (zh → zh_CN), else
    English, else None (the country's own language)."""
    supported = tuple(getattr(entity, "supported_languages", ()) or ())
    if language in supported:
        return language
    head = language.split("_", maxsplit=1)[0]
    for candidate in supported:
        if candidate.split("_")[0] == head:
            return candidate
    if ENGLISH in supported:
        return ENGLISH
    return None


def _substituted_days(table: holidays.HolidayBase, year: int) -> set[dt.date]:
    """Days off moved from a working weekend day (China's 调休), as the package records them:
    entries of four or five items (to month, to day, from month, from day[, from year]) in its
    `special_public_holidays` mapping; three items are a one-off holiday, which counts."""
    days: set[dt.date] = set()
    for name in ("special_public_holidays", "special_holidays"):
        mapping = getattr(table, name, None)
        if not isinstance(mapping, Mapping):
            continue
        entries = mapping.get(year, ())
        if entries and not isinstance(entries[0], tuple):
            entries = (entries,)
        for entry in entries:
            if isinstance(entry, tuple) and len(entry) >= 4:
                month, day = entry[0], entry[1]
                days.add(dt.date(year, month, day))
    return days


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _year(country: str, year: int, language: str) -> Mapping[dt.date, str]:
    """The statutory public holidays of one country in one year, named in `language`."""
    entity = _entity(country)
    if entity is None:
        return MappingProxyType({})
    lang = _pick_language(entity, language)
    try:
        table = holidays.country_holidays(
            country.strip().upper(),
            years=year,
            categories=(holidays.PUBLIC,),
            observed=False,
            language=lang,
        )
    except (NotImplementedError, ValueError, KeyError):
        return MappingProxyType({})
    moved = _substituted_days(table, year)
    out = {day: str(name) for day, name in table.items() if day.year == year and day not in moved}
    return MappingProxyType(dict(sorted(out.items())))


def public_holidays(
    country_code: str | None, start: dt.date, end: dt.date, language: str | None = None
) -> dict[dt.date, str]:
    """The statutory public holidays of a country from `start` to `end` (both included), each
    with its name in `language` ("zh_CN", "en_US", or a Django code such as "zh-hans"); {} for
    an unknown or unsupported country. Cached per country, year and language."""
    if not country_code or end < start:
        return {}
    lang = language if language and "_" in language else calendar_language(language or ENGLISH)
    found: dict[dt.date, str] = {}
    for year in range(start.year, end.year + 1):
        for day, name in _year(str(country_code).upper(), year, lang).items():
            if start <= day <= end:
                found[day] = name
    return found


def is_supported(country_code: str | None) -> bool:
    """Whether the package has a calendar for this country."""
    return _entity((country_code or "").upper()) is not None
