"""`qiao placements_weekly`: re-evaluate every active placement against its school's rules
(the placement and its submitted weeks) and remind students of the weeks they did not submit
(each week once, so running it twice sends nothing new).

Run it weekly, e.g. on Monday morning, from cron or a systemd timer (see docs/placements.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qiao.placements.services import placements_weekly


class Command(BaseCommand):
    help = "Re-check active placements against the rules and remind missing timesheets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=dt.date.fromisoformat, help="Pretend today is this date (YYYY-MM-DD)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out = placements_weekly(today=options.get("date"))
        self.stdout.write(
            self.style.SUCCESS(
                f"{out.placements} active placement(s) checked, {out.violations} violation(s) "
                f"found, {out.reminders} reminder(s) sent."
            )
        )
