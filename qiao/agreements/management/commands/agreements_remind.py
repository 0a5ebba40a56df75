"""`qiao agreements_remind`: email the coordinators of every party of an agreement that ends
within its reminder window (`remind_days_before`). Each reminder is recorded, so running the
command again — the same day or the next — never sends it twice.

Run it daily from cron (see docs/agreements.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qiao.agreements.services import reminders_send


class Command(BaseCommand):
    help = "Send the agreement expiry reminders that are due (each only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="Pretend today is this date (YYYY-MM-DD)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = reminders_send(today=options.get("today"))
        for reminder in sent:
            self.stdout.write(
                f"reminded: #{reminder.agreement_id} ends {reminder.for_date} → "
                + ", ".join(reminder.recipients)
            )
        self.stdout.write(self.style.SUCCESS(f"{len(sent)} reminder(s) sent."))
