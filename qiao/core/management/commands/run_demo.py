"""`qiao run_demo`: the web server and a task worker together; Ctrl-C stops both."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand

from qiao.core.demo import DEMO_PASSWORD, demo_logins


def _wait_for_port(host: str, port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.3)
    return False


class Command(BaseCommand):
    help = "Run the development web server and a task worker together (for `make demo`)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        python = sys.executable
        # Children get their own session: a Ctrl-C in the terminal reaches only this command,
        # which then stops the worker gently (it finishes the job in hand) and the server.
        worker = subprocess.Popen(  # noqa: S603
            [python, "-m", "qiao.cli", "worker", "--interval", "1"], start_new_session=True
        )
        web = subprocess.Popen(  # noqa: S603
            [python, "-m", "qiao.cli", "runserver", f"{host}:{port}", "--noreload"],
            start_new_session=True,
        )
        procs = [(web, signal.SIGTERM), (worker, signal.SIGINT)]

        def stop() -> None:
            for proc, sig in procs:
                if proc.poll() is None:
                    proc.send_signal(sig)
            deadline = time.monotonic() + 15
            for proc, _sig in procs:
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    proc.kill()

        def on_term(*_args: Any) -> None:
            stop()
            sys.exit(0)

        signal.signal(signal.SIGTERM, on_term)
        try:
            if not _wait_for_port(host, port, timeout=60):
                self.stderr.write(f"The web server did not start on {host}:{port}.")
                return
            address = f"http://{host}:{port}/"
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS(f"Qiao is running at {address}"))
            self.stdout.write(f"Demo logins (the password of each is {DEMO_PASSWORD}):")
            for role, email in demo_logins():
                self.stdout.write(f"  {role:<30} {email}")
            self.stdout.write("Press Ctrl-C to stop the web server and the worker.\n")
            while all(proc.poll() is None for proc, _sig in procs):
                time.sleep(0.5)
            self.stderr.write("A process stopped; stopping the other.")
        except KeyboardInterrupt:
            self.stdout.write("\nStopping the web server and the worker…")
        finally:
            stop()
            self.stdout.write("Stopped.")
