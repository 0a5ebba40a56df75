from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qiao.skills.imports import FORMATS
from qiao.skills.services import catalogue_load


class Command(BaseCommand):
    help = (
        "Load skills from a CSV: the default catalogue, or --file in our layout or ESCO's "
        "(--format esco). Idempotent: running it again updates, never duplicates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, help="CSV file (default: the built-in catalogue)")
        parser.add_argument("--format", choices=FORMATS, default="qiao", help="column layout")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path | None = options["file"]
        if path is not None and not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            result = catalogue_load(actor=None, path=path, fmt=options["format"])
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(
                f"{len(error.messages)} problem(s) in the file; nothing was loaded."
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Skills: {result.created} new, {result.updated} updated, "
                f"{result.unchanged} unchanged."
            )
        )
