"""The `qiao` console script: every manage.py command, plus the pure engines' tools.

`qiao allocate …` and `qiao vc …` run without Django (no database, no settings), so an
office can allocate or verify on a laptop with nothing but the package installed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

PURE_COMMANDS = {
    "allocate": "qiao.allocation.cli",
    "vc": "qiao.vc.cli",
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in PURE_COMMANDS:
        import importlib

        module = importlib.import_module(PURE_COMMANDS[args[0]])
        return int(module.main(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["qiao", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
