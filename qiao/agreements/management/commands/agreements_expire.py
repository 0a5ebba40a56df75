"""`qiao agreements_expire`: record as expired every agreement whose validity has ended.

Run it daily from cron (see docs/agreements.md). Pages already show such agreements as expired
(the status is computed); this command writes it down, audited, for every party."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qiao.agreements.services import agreements_expire_due


class Command(BaseCommand):
    help = "Record as expired every agreement in force whose validity has ended."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="Pretend today is this date (YYYY-MM-DD)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        expired = agreements_expire_due(today=options.get("today"))
        for agreement in expired:
            self.stdout.write(f"expired: #{agreement.pk} {agreement.title}")
        self.stdout.write(self.style.SUCCESS(f"{len(expired)} agreement(s) expired."))
