"""`qiao agreements_remind`: email (and notify in the app) the coordinators of every party of an
agreement that ends within its reminder window (`remind_days_before`), and the owners of
committee action items due soon or overdue. Each reminder is recorded, so running the command
again — the same day or the next — never sends it twice.

Run it daily from cron (see docs/agreements.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qiao.agreements.services import action_reminders_send, reminders_send


class Command(BaseCommand):
    help = (
        "Send the agreement expiry reminders and the action-item reminders (due soon, overdue) "
        "that are due, each only once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="Pretend today is this date (YYYY-MM-DD)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = options.get("today")
        sent = reminders_send(today=today)
        for reminder in sent:
            self.stdout.write(
                f"reminded: #{reminder.agreement_id} ends {reminder.for_date} → "
                + ", ".join(reminder.recipients)
            )
        self.stdout.write(self.style.SUCCESS(f"{len(sent)} reminder(s) sent."))
        items = action_reminders_send(today=today)
        for r in items:
            self.stdout.write(f"action item #{r.action_item_id}: {r.kind} (due {r.for_date})")
        self.stdout.write(self.style.SUCCESS(f"{len(items)} action-item reminder(s) sent."))
