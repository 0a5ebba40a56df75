"""`qiao worker`: the database task worker, with a heartbeat the health page reads."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from qiao.core.services.jobs import worker_heartbeat, worker_stopped


class Command(DbWorkerCommand):
    help = "Run a background task worker (database queue) and report its heartbeat."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        # Reloading forks a child the heartbeat would not follow; off unless asked for.
        parser.set_defaults(reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = options["worker_id"]
        stop = threading.Event()
        started_at = timezone.now()

        def beat() -> None:
            try:
                while not stop.is_set():
                    try:
                        worker_heartbeat(worker_id=worker_id, started_at=started_at)
                    except Exception:  # a missed beat must never stop the worker
                        self.stderr.write("heartbeat failed; will retry")
                    stop.wait(settings.WORKER_HEARTBEAT_SECONDS)
            finally:
                connection.close()

        thread = threading.Thread(target=beat, name="qiao-heartbeat", daemon=True)
        thread.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            thread.join(timeout=5)
            worker_stopped(worker_id=worker_id)
