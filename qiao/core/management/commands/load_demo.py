from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qiao.core.demo import load_all


class Command(BaseCommand):
    help = "Load the demo alliance (idempotent: a second run adds nothing twice)."

    def handle(self, *args: Any, **options: Any) -> None:
        load_all(self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo alliance loaded."))
