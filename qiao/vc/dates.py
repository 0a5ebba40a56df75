"""XML Schema ``dateTime`` values as credentials use them (``validFrom``, ``created``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from qiao.vc.errors import MALFORMED_DATE, VcError

_DATETIME = re.compile(
    r"(?P<main>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?P<frac>\.\d+)?(?P<tz>Z|[+-]\d{2}:\d{2})?"
)


def parse_datetime(value: object) -> datetime:
    """Parse an XML Schema dateTime into an aware datetime (no zone is read as UTC).

    Raises ``VcError(MALFORMED_DATE)`` for anything else.
    """
    if not isinstance(value, str):
        raise VcError(MALFORMED_DATE, f"{value!r} is not a dateTime string")
    match = _DATETIME.fullmatch(value)
    if not match:
        raise VcError(MALFORMED_DATE, f"{value!r} is not an XML Schema dateTime")
    # fromisoformat takes at most microseconds; more digits only add precision we ignore.
    frac = (match["frac"] or "")[:7]
    tz = match["tz"] or "Z"
    try:
        parsed = datetime.fromisoformat(match["main"] + frac + ("+00:00" if tz == "Z" else tz))
    except ValueError as exc:
        raise VcError(MALFORMED_DATE, f"{value!r} is not a valid date and time") from exc
    return parsed


def format_datetime(value: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC, whole seconds (naive datetimes are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_datetime_string(value: datetime | str) -> str:
    """Accept a datetime or an already formatted dateTime string (validated)."""
    if isinstance(value, datetime):
        return format_datetime(value)
    parse_datetime(value)
    return value


def utcnow() -> datetime:
    """Current time, aware, UTC."""
    return datetime.now(UTC)
