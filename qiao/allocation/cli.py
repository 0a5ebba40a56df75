"""``qiao allocate INPUT.json [-o OUTPUT.json]``: allocate from the interchange format.

Exit status: 0 on success, 2 on bad input or usage (with a message naming the place, never a
traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import NoReturn

from .engine import allocate
from .errors import AllocationError, ProblemError
from .explain import sentence
from .jsonio import DEFAULT_MAX_BYTES, read_document

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="qiao allocate",
        description=(
            "Allocate students to openings (stable matching or least rank cost) from a JSON "
            "document; see docs/allocation.md for the format."
        ),
    )
    parser.add_argument("input", metavar="INPUT.json", help='the problem ("-" reads stdin)')
    parser.add_argument(
        "-o", "--output", metavar="OUTPUT.json", help="write the result here (default: stdout)"
    )
    parser.add_argument(
        "--max-bytes",
        type=int,
        default=DEFAULT_MAX_BYTES,
        help=f"refuse inputs larger than this (default {DEFAULT_MAX_BYTES}, i.e. 512 MB)",
    )
    parser.add_argument(
        "--no-explanations",
        action="store_true",
        help="leave explanations out of the output (smaller, faster for large runs)",
    )
    parser.add_argument("--compact", action="store_true", help="write JSON without indentation")
    parser.add_argument(
        "--explain",
        metavar="STUDENT",
        action="append",
        default=[],
        help="also print, on stderr, why this student got what she got (repeatable)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    return parser


def _read(path: str, max_bytes: int) -> bytes:
    if path == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        try:
            size = os.stat(path).st_size
        except OSError as e:
            raise ProblemError(path, f"cannot read: {e.strerror}") from None
        if size > max_bytes:
            raise ProblemError(path, f"is {size} bytes, over the limit of {max_bytes} bytes")
        try:
            with open(path, "rb") as f:
                data = f.read(max_bytes + 1)
        except OSError as e:
            raise ProblemError(path, f"cannot read: {e.strerror}") from None
    if len(data) > max_bytes:
        raise ProblemError(path, f"is over the limit of {max_bytes} bytes")
    return data


def main(argv: list[str]) -> int:
    """Run ``qiao allocate`` with these arguments; returns the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, or a usage error (already printed)
        return int(e.code or 0) if not isinstance(e.code, str) else EXIT_BAD_INPUT
    prog = parser.prog
    if args.max_bytes <= 0:
        print(f"{prog}: error: --max-bytes: must be positive", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        data = _read(args.input, args.max_bytes)
        try:
            document = read_document(data, max_bytes=args.max_bytes)
        except ProblemError as e:
            if e.place == "input" or e.place.startswith("line "):
                e = ProblemError(f"{args.input}: {e.place}", e.message)
            raise e from None
        for sid in args.explain:
            if sid not in document.problem.student_index:
                raise ProblemError("--explain", f'unknown student "{sid}"')
        result = allocate(document.problem, document.options)
        payload = result.to_json(explanations=not args.no_explanations)
        text = json.dumps(payload, ensure_ascii=False, indent=None if args.compact else 2)
        if args.output:
            try:
                with open(args.output, "w", encoding="utf-8") as f:
                    f.write(text + "\n")
            except OSError as e:
                raise ProblemError(args.output, f"cannot write: {e.strerror}") from None
        else:
            sys.stdout.write(text + "\n")
    except (ProblemError, AllocationError) as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not args.quiet:
        m = result.metrics
        v = result.verification
        print(
            f"{prog}: placed {m.placed} of {m.students} students, {m.seats_left} seats left, "
            f"first choice {m.first_choice_share:.1%}, valid={v.valid}, "
            f"blocking pairs={v.blocking_pairs}",
            file=sys.stderr,
        )
    for sid in args.explain:
        print(sentence(result.explain_student(sid)), file=sys.stderr)
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
