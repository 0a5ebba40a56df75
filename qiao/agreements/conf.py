"""The agreements module's tunable numbers, in one place.

Each reads an optional Django setting of the same name (so an operator can change it without
touching the code) and falls back to the default written here.
"""

from __future__ import annotations

from django.conf import settings

# Reminders go to the parties' coordinators this many days before an agreement's validity ends
# (each agreement may choose its own number; this is the default for new ones).
AGREEMENT_REMIND_DAYS_BEFORE: int = getattr(settings, "AGREEMENT_REMIND_DAYS_BEFORE", 60)

# A renewal may start at most this many days before the agreement it renews ends (a handover
# period); a longer overlap would leave two agreements in force for the same cooperation.
AGREEMENT_RENEWAL_GRACE_DAYS: int = getattr(settings, "AGREEMENT_RENEWAL_GRACE_DAYS", 30)

# Uploaded documents and evidence files (PDF, DOCX, XLSX, PNG, JPEG).
AGREEMENT_DOCUMENT_MAX_BYTES: int = getattr(
    settings, "AGREEMENT_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024
)
# Photos of cooperation events (JPEG, PNG, WebP), and their largest size in pixels.
AGREEMENT_PHOTO_MAX_BYTES: int = getattr(settings, "AGREEMENT_PHOTO_MAX_BYTES", 10 * 1024 * 1024)
AGREEMENT_PHOTO_MAX_PIXELS: int = getattr(settings, "AGREEMENT_PHOTO_MAX_PIXELS", 40_000_000)

# A KPI is "at risk" when its actual value reaches at least this share of what it should be by
# now (the target pro-rated by the elapsed part of the period), and "behind" below it.
KPI_AT_RISK_SHARE: float = getattr(settings, "KPI_AT_RISK_SHARE", 0.75)


def default_remind_days() -> int:
    """Default of Agreement.remind_days_before (a callable, so migrations do not freeze it)."""
    return AGREEMENT_REMIND_DAYS_BEFORE


# Owners of committee action items are reminded this many days before the due date (once), and
# once more when the item is overdue.
ACTION_ITEM_REMIND_DAYS_BEFORE: int = getattr(settings, "ACTION_ITEM_REMIND_DAYS_BEFORE", 7)
