"""``qiao vc``: generate keys, sign and verify credentials offline.

Exit codes: 0 success / valid, 1 signing failed / invalid credential, 2 unusable input (missing
or unreadable file, not JSON, bad key file, unusable trust list) or bad usage. Errors are
reported as text on stderr (and, for ``verify``, as a JSON report on stdout); never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from qiao.vc import errors
from qiao.vc.dates import parse_datetime
from qiao.vc.errors import VcError
from qiao.vc.keys import KeyPair, did_web_document_url
from qiao.vc.limits import DEFAULT_LIMITS, parse_json
from qiao.vc.proofs import CRYPTOSUITES, EDDSA_RDFC_2022, sign
from qiao.vc.resolver import KeyResolver
from qiao.vc.trust import TrustList, load_trust_list
from qiao.vc.verify import Check, VerificationReport, verify

EXIT_OK, EXIT_INVALID, EXIT_UNUSABLE = 0, 1, 2
_UNUSABLE_INPUT_CODES = {
    errors.MALFORMED_JSON,
    errors.MALFORMED_DOCUMENT,
    errors.INPUT_TOO_LARGE,
}


class _Unusable(Exception):
    """Input the command cannot work with (exit 2)."""

    def __init__(self, check_id: str, code: str, message: str) -> None:
        super().__init__(message)
        self.check_id = check_id
        self.code = code
        self.message = message


def build_parser() -> argparse.ArgumentParser:
    """The ``qiao vc`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="qiao vc",
        description="Open Badges 3.0 credentials with Data Integrity EdDSA proofs, offline.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    keygen = commands.add_parser("keygen", help="generate an Ed25519 key file (mode 0600)")
    keygen.add_argument("-o", "--output", required=True, metavar="KEYFILE")
    keygen.add_argument(
        "--did-web",
        metavar="DOMAIN",
        help="identify the key as did:web:DOMAIN#key-1 (default: did:key)",
    )
    keygen.add_argument("--force", action="store_true", help="overwrite an existing key file")

    sign_cmd = commands.add_parser("sign", help="sign a credential; prints the signed JSON")
    sign_cmd.add_argument("document", metavar="UNSIGNED.json", help="'-' reads stdin")
    sign_cmd.add_argument("--key", required=True, metavar="KEYFILE")
    sign_cmd.add_argument("--cryptosuite", choices=CRYPTOSUITES, default=EDDSA_RDFC_2022)
    sign_cmd.add_argument("--created", metavar="DATETIME", help="proof timestamp (default now)")
    sign_cmd.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")

    verify_cmd = commands.add_parser("verify", help="verify; prints a JSON report")
    verify_cmd.add_argument("document", metavar="SIGNED.json", help="'-' reads stdin")
    verify_cmd.add_argument("--trust", metavar="TRUSTLIST.json", help="signed trust list")
    verify_cmd.add_argument(
        "--trust-anchor",
        action="append",
        default=[],
        metavar="KEY",
        help="alliance key the trust list must be signed by: DID, method id or z6Mk… (repeatable)",
    )
    verify_cmd.add_argument(
        "--status-list",
        action="append",
        default=[],
        metavar="FILE",
        help="status list credential to check credentialStatus against (repeatable)",
    )
    verify_cmd.add_argument(
        "--controller-document",
        action="append",
        default=[],
        metavar="FILE",
        help="DID/controller document (e.g. a did:web did.json) to take keys from (repeatable)",
    )
    verify_cmd.add_argument(
        "--signature-only",
        action="store_true",
        help="check only that the key signed the document (no issuer, dates or status)",
    )
    verify_cmd.add_argument("--at", metavar="DATETIME", help="verify as of this time")
    return parser


def main(argv: list[str]) -> int:
    """Run ``qiao vc`` with ``argv`` (the arguments after ``vc``); return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help and on usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_UNUSABLE
    try:
        if args.command == "keygen":
            return _keygen(args)
        if args.command == "sign":
            return _sign(args)
        return _verify(args)
    except _Unusable as exc:
        _error(f"{exc.code}: {exc.message}")
        if args.command == "verify":
            report = VerificationReport()
            report.failed(exc.check_id, exc.code, exc.message)
            _print_json(report.to_json())
        return EXIT_UNUSABLE
    except BrokenPipeError:
        # Reader went away (e.g. `| head`): stop quietly, and keep the interpreter's final
        # flush of stdout from raising again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_INVALID
    except Exception as exc:  # never a traceback
        _error(f"unexpected {type(exc).__name__}: {exc}")
        return EXIT_UNUSABLE


def _error(message: str) -> None:
    print(f"qiao vc: {message}", file=sys.stderr)


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _read(path: str, check_id: str = "input") -> bytes:
    limit = DEFAULT_LIMITS.max_bytes
    try:
        if path == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(limit + 1)
    except OSError as exc:
        raise _Unusable(check_id, errors.FILE_UNREADABLE, f"{path}: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise _Unusable(check_id, errors.INPUT_TOO_LARGE, f"{path} is larger than {limit} bytes")
    return data


def _read_json(path: str, check_id: str = "input") -> Any:
    try:
        return parse_json(_read(path, check_id))
    except VcError as exc:
        raise _Unusable(check_id, exc.code, f"{path}: {exc.message}") from exc


def _load_key(path: str) -> KeyPair:
    try:
        return KeyPair.from_json(_read_json(path, "key"))
    except VcError as exc:
        raise _Unusable("key", exc.code, f"{path}: {exc.message}") from exc


def _keygen(args: argparse.Namespace) -> int:
    try:
        key = KeyPair.generate(did_web=args.did_web)
    except VcError as exc:
        raise _Unusable("key", exc.code, exc.message) from exc
    try:
        key.save(args.output, overwrite=args.force)
    except FileExistsError as exc:
        raise _Unusable("key", errors.FILE_EXISTS, f"{args.output} exists (use --force)") from exc
    except OSError as exc:
        raise _Unusable("key", errors.FILE_UNWRITABLE, f"{args.output}: {exc.strerror}") from exc
    public: dict[str, Any] = {
        "keyFile": str(Path(args.output)),
        "id": key.id,
        "controller": key.controller,
        "publicKeyMultibase": key.public_key_multibase,
    }
    if key.controller.startswith("did:web:"):
        public["controllerDocumentUrl"] = did_web_document_url(key.controller)
        public["controllerDocument"] = key.controller_document()
    _print_json(public)
    return EXIT_OK


def _sign(args: argparse.Namespace) -> int:
    document = _read_json(args.document)
    if not isinstance(document, dict):
        raise _Unusable("input", errors.MALFORMED_DOCUMENT, "the document must be a JSON object")
    key = _load_key(args.key)
    issuer = document.get("issuer")
    if issuer is None:
        document = _with_issuer(document, key.controller)
    elif isinstance(issuer, dict) and "id" not in issuer:
        document["issuer"] = {"id": key.controller, **issuer}
    else:
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        if issuer_id != key.controller:
            _error(
                f"warning: issuer {issuer_id} is not the key's controller {key.controller}; "
                "verifiers will report issuer_matches_controller as failed"
            )
    try:
        signed = sign(document, key, cryptosuite=args.cryptosuite, created=args.created)
    except VcError as exc:
        _error(f"cannot sign: {exc}")
        return EXIT_INVALID
    text = json.dumps(signed, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise _Unusable(
                "output", errors.FILE_UNWRITABLE, f"{args.output}: {exc.strerror}"
            ) from exc
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _with_issuer(document: dict[str, Any], issuer: str) -> dict[str, Any]:
    # Keep the usual reading order: issuer right after id/type.
    result: dict[str, Any] = {}
    placed = False
    for key, value in document.items():
        if not placed and key not in ("@context", "id", "type"):
            result["issuer"] = issuer
            placed = True
        result[key] = value
    if not placed:
        result["issuer"] = issuer
    return result


def _verify(args: argparse.Namespace) -> int:
    now = None
    if args.at:
        try:
            now = parse_datetime(args.at)
        except VcError as exc:
            raise _Unusable("input", exc.code, f"--at: {exc.message}") from exc
    resolver = KeyResolver()
    for path in args.controller_document:
        try:
            resolver.add_document(_read_json(path, "controller_document"))
        except VcError as exc:
            raise _Unusable("controller_document", exc.code, f"{path}: {exc.message}") from exc
    trust_list: TrustList | None = None
    trust_check: Check | None = None
    if args.trust:
        try:
            trust_list = load_trust_list(
                _read_json(args.trust, "trust_list"), anchors=args.trust_anchor, now=now
            )
        except VcError as exc:
            raise _Unusable("trust_list", exc.code, f"{args.trust}: {exc.message}") from exc
        anchoring = (
            "signed by a pinned alliance key"
            if trust_list.anchored
            else "not anchored: pass --trust-anchor to require a specific alliance key"
        )
        trust_check = Check(
            "trust_list",
            True,
            f"trust list {trust_list.id} by {trust_list.issuer} verified; {anchoring}",
        )
    status_lists = [_read_json(path, "credential_status") for path in args.status_list]
    data = _read(args.document)
    report = verify(
        data,
        resolver=resolver,
        trust_list=trust_list,
        status_lists=status_lists,
        now=now,
        signature_only=args.signature_only,
    )
    if trust_check is not None:
        report.checks.insert(0, trust_check)
    _print_json(report.to_json())
    first = report.get("input")
    if first is not None and not first.ok and first.code in _UNUSABLE_INPUT_CODES:
        return EXIT_UNUSABLE
    return EXIT_OK if report.valid else EXIT_INVALID
