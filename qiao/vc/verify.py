"""Verifying Data Integrity proofs and credentials into a structured report.

``verify()`` never raises: every problem, including malformed or hostile input and internal
errors, becomes a failed check with a stable code. A report is valid when it has checks and all
of them passed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from qiao.vc import errors
from qiao.vc.dates import parse_datetime, utcnow
from qiao.vc.errors import VcError
from qiao.vc.keys import VerificationMethod, decode_base58btc
from qiao.vc.limits import DEFAULT_LIMITS, Limits, check_structure, parse_json
from qiao.vc.proofs import (
    CRYPTOSUITES,
    PROOF_TYPE,
    ProofArtifacts,
    proof_artifacts,
    proof_configuration,
    unsecured_document,
)
from qiao.vc.resolver import KeyResolver
from qiao.vc.status import check_status

if TYPE_CHECKING:
    from qiao.vc.trust import TrustList


@dataclass(frozen=True)
class Check:
    """One verification step: ``id`` names it, ``code`` says why it failed (``OK`` if not)."""

    id: str
    ok: bool
    message: str
    code: str = errors.OK

    def to_json(self) -> dict[str, Any]:
        """``{"id", "ok", "message", "code"}``."""
        return {"id": self.id, "ok": self.ok, "message": self.message, "code": self.code}


@dataclass
class VerificationReport:
    """Result of ``verify()``: the checks run, in order, and what was learnt on the way."""

    checks: list[Check] = field(default_factory=list)
    issuer: str | None = None
    verification_method: str | None = None
    controller: str | None = None
    cryptosuite: str | None = None

    @property
    def valid(self) -> bool:
        """True when at least one check ran and every check passed."""
        return bool(self.checks) and all(check.ok for check in self.checks)

    @property
    def failures(self) -> list[Check]:
        """The checks that failed."""
        return [check for check in self.checks if not check.ok]

    def get(self, check_id: str) -> Check | None:
        """The check named ``check_id``, if it ran."""
        return next((check for check in self.checks if check.id == check_id), None)

    def passed(self, check_id: str, message: str) -> None:
        """Record a passed check."""
        self.checks.append(Check(check_id, True, message))

    def failed(self, check_id: str, code: str, message: str) -> None:
        """Record a failed check."""
        self.checks.append(Check(check_id, False, message, code))

    def to_json(self) -> dict[str, Any]:
        """JSON form printed by ``qiao vc verify``."""
        return {
            "valid": self.valid,
            "issuer": self.issuer,
            "verificationMethod": self.verification_method,
            "controller": self.controller,
            "cryptosuite": self.cryptosuite,
            "checks": [check.to_json() for check in self.checks],
        }


class _Stop(Exception):
    """Internal: a check failed that later checks depend on."""


def verify(
    document: Mapping[str, Any] | bytes | str,
    *,
    resolver: KeyResolver | None = None,
    trust_list: TrustList | None = None,
    status_lists: Mapping[str, Mapping[str, Any]] | Iterable[Mapping[str, Any]] | None = None,
    now: datetime | None = None,
    proof_purpose: str = "assertionMethod",
    signature_only: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> VerificationReport:
    """Verify a signed document (a parsed object, or JSON text/bytes) and report every check.

    Keys come from ``resolver`` (did:key is always resolved by itself) and from ``trust_list``;
    nothing is fetched. Credential checks (issuer is the key's controller, trusted issuer,
    ``validFrom``/``validUntil`` at ``now``, status) are skipped with ``signature_only``, which
    only establishes that the key signed the document, as the W3C vectors need. Status lists
    are status list credentials, given as a list or as a mapping URL -> credential.

    Never raises.
    """
    report = VerificationReport()
    try:
        _verify(
            report,
            document,
            resolver=resolver or KeyResolver(),
            trust_list=trust_list,
            status_lists=_index_status_lists(status_lists),
            now=_aware(now),
            proof_purpose=proof_purpose,
            signature_only=signature_only,
            limits=limits,
        )
    except _Stop:
        pass
    except Exception as exc:  # the promise is a report, never a traceback
        report.failed("internal", errors.INTERNAL_ERROR, f"unexpected {type(exc).__name__}: {exc}")
    return report


def _aware(now: datetime | None) -> datetime:
    if now is None:
        return utcnow()
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


def _index_status_lists(
    status_lists: Mapping[str, Mapping[str, Any]] | Iterable[Mapping[str, Any]] | None,
) -> dict[str, Mapping[str, Any]]:
    if status_lists is None:
        return {}
    if isinstance(status_lists, Mapping):
        return {str(url): credential for url, credential in status_lists.items()}
    indexed: dict[str, Mapping[str, Any]] = {}
    for credential in status_lists:
        if isinstance(credential, Mapping) and isinstance(credential.get("id"), str):
            indexed[credential["id"]] = credential
    return indexed


def _verify(
    report: VerificationReport,
    document: Mapping[str, Any] | bytes | str,
    *,
    resolver: KeyResolver,
    trust_list: TrustList | None,
    status_lists: dict[str, Mapping[str, Any]],
    now: datetime,
    proof_purpose: str,
    signature_only: bool,
    limits: Limits,
) -> None:
    doc = _check_input(report, document, limits)
    proof, signature = _check_proof(report, doc)
    _check_cryptosuite(report, proof)
    purpose_ok = _check_proof_purpose(report, proof, proof_purpose)
    method = _check_verification_method(report, proof, resolver, trust_list, proof_purpose)
    artifacts = _check_canonicalization(report, doc, proof, limits)
    signature_ok = method.verify(signature, artifacts.hash_data)
    if signature_ok:
        report.passed("signature", f"Ed25519 signature by {method.id} is valid")
    else:
        report.failed(
            "signature",
            errors.INVALID_SIGNATURE,
            "the signature does not match the document: it was altered after signing, or "
            "signed by another key",
        )
    _check_proof_dates(report, proof, now)
    if signature_only:
        return
    _check_issuer(report, doc, method, trust_list)
    _check_validity(report, doc, now)
    if signature_ok and purpose_ok:
        _check_status(report, doc, resolver, trust_list, status_lists, now, limits)


def _check_input(
    report: VerificationReport, document: Mapping[str, Any] | bytes | str, limits: Limits
) -> dict[str, Any]:
    try:
        parsed = parse_json(document, limits) if isinstance(document, bytes | str) else document
        if not isinstance(parsed, Mapping):
            raise VcError(errors.MALFORMED_DOCUMENT, "the document must be a JSON object")
        doc = dict(parsed)
        check_structure(doc, limits, rdf=False)
    except VcError as exc:
        report.failed("input", exc.code, exc.message)
        raise _Stop from exc
    report.passed("input", "a JSON object within the size and depth limits")
    return doc


def _check_proof(report: VerificationReport, doc: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    def fail(code: str, message: str) -> _Stop:
        report.failed("proof", code, message)
        return _Stop()

    if "proof" not in doc:
        raise fail(errors.PROOF_MISSING, "the document has no proof")
    proof = doc["proof"]
    if isinstance(proof, list):
        if len(proof) != 1:
            raise fail(errors.PROOF_MALFORMED, "proof sets and chains are not supported")
        proof = proof[0]
        doc["proof"] = proof
    if not isinstance(proof, dict):
        raise fail(errors.PROOF_MALFORMED, "the proof is not an object")
    if proof.get("type") != PROOF_TYPE:
        raise fail(errors.PROOF_MALFORMED, f"proof type {proof.get('type')!r} is not {PROOF_TYPE}")
    for name in ("cryptosuite", "verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(proof.get(name), str):
            raise fail(errors.PROOF_MALFORMED, f"proof.{name} is missing or not a string")
    try:
        signature = decode_base58btc(proof["proofValue"])
    except VcError as exc:
        raise fail(exc.code, f"proofValue: {exc.message}") from exc
    if len(signature) != 64:
        raise fail(errors.INVALID_MULTIBASE, "proofValue does not hold a 64-byte signature")
    for name in ("created", "expires"):
        if name in proof:
            try:
                parse_datetime(proof[name])
            except VcError as exc:
                raise fail(errors.PROOF_MALFORMED, f"proof.{name}: {exc.message}") from exc
    if "@context" in proof:
        # Data Integrity: the document's @context must start with the proof's.
        proof_ctx = _as_list(proof["@context"])
        doc_ctx = _as_list(doc.get("@context"))
        if doc_ctx[: len(proof_ctx)] != proof_ctx:
            raise fail(
                errors.PROOF_MALFORMED, "the proof's @context is not a prefix of the document's"
            )
    report.passed("proof", "one DataIntegrityProof with a well-formed proofValue")
    return proof, signature


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _check_cryptosuite(report: VerificationReport, proof: dict[str, Any]) -> None:
    suite = proof["cryptosuite"]
    if suite not in CRYPTOSUITES:
        report.failed(
            "cryptosuite",
            errors.UNKNOWN_CRYPTOSUITE,
            f"cryptosuite {suite!r} is not supported (supported: {', '.join(CRYPTOSUITES)})",
        )
        raise _Stop
    report.cryptosuite = suite
    report.passed("cryptosuite", f"{suite} is supported")


def _check_proof_purpose(report: VerificationReport, proof: dict[str, Any], expected: str) -> bool:
    if proof["proofPurpose"] != expected:
        report.failed(
            "proof_purpose",
            errors.PROOF_PURPOSE_MISMATCH,
            f"proofPurpose is {proof['proofPurpose']!r}; expected {expected!r}",
        )
        return False
    report.passed("proof_purpose", f"proofPurpose is {expected}")
    return True


def _check_verification_method(
    report: VerificationReport,
    proof: dict[str, Any],
    resolver: KeyResolver,
    trust_list: TrustList | None,
    proof_purpose: str,
) -> VerificationMethod:
    method_id = proof["verificationMethod"]
    report.verification_method = method_id
    try:
        try:
            method = resolver.resolve(method_id)
        except VcError as exc:
            if trust_list is None or exc.code != errors.UNKNOWN_VERIFICATION_METHOD:
                raise
            method = trust_list.resolver().resolve(method_id)
    except VcError as exc:
        report.failed("verification_method", exc.code, exc.message)
        raise _Stop from exc
    report.controller = method.controller
    if proof_purpose not in method.purposes:
        report.failed(
            "verification_method",
            errors.PROOF_PURPOSE_MISMATCH,
            f"{method_id} is not authorised for {proof_purpose} by its controller",
        )
        raise _Stop
    report.passed("verification_method", f"{method_id} resolved (controller {method.controller})")
    return method


def _check_canonicalization(
    report: VerificationReport, doc: dict[str, Any], proof: dict[str, Any], limits: Limits
) -> ProofArtifacts:
    unsecured = unsecured_document(doc)
    if "@context" in proof:
        unsecured["@context"] = proof["@context"]
    try:
        artifacts = proof_artifacts(unsecured, proof_configuration(proof, unsecured), limits=limits)
    except VcError as exc:
        report.failed("canonicalization", exc.code, exc.message)
        raise _Stop from exc
    if proof["cryptosuite"] == "eddsa-rdfc-2022":
        how = "RDFC-1.0 with pinned contexts; every term defined, no data loss"
    else:
        how = "JCS (RFC 8785)"
    report.passed("canonicalization", f"canonicalised with {how}")
    return artifacts


def _check_proof_dates(report: VerificationReport, proof: dict[str, Any], now: datetime) -> None:
    if "expires" in proof:
        expires = parse_datetime(proof["expires"])
        if expires < now:
            report.failed(
                "proof_expires", errors.PROOF_EXPIRED, f"the proof expired at {proof['expires']}"
            )
        else:
            report.passed("proof_expires", f"the proof is valid until {proof['expires']}")


def issuer_id(document: Mapping[str, Any]) -> str | None:
    """The issuer's id: ``issuer`` as a string, or ``issuer.id``."""
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _check_issuer(
    report: VerificationReport,
    doc: dict[str, Any],
    method: VerificationMethod,
    trust_list: TrustList | None,
) -> None:
    issuer = issuer_id(doc)
    report.issuer = issuer
    if issuer is None:
        report.failed(
            "issuer_matches_controller", errors.ISSUER_MISSING, "the document has no issuer id"
        )
        return
    if issuer != method.controller:
        report.failed(
            "issuer_matches_controller",
            errors.ISSUER_NOT_CONTROLLER,
            f"issuer {issuer} is not the controller of the signing key ({method.controller})",
        )
    else:
        report.passed("issuer_matches_controller", f"issuer {issuer} controls the signing key")
    if trust_list is not None:
        entry = trust_list.trusted_issuer(issuer, method.id)
        if entry is None:
            report.failed(
                "issuer_trusted",
                errors.ISSUER_NOT_TRUSTED,
                f"{issuer} with key {method.id} is not on trust list {trust_list.id}",
            )
        else:
            report.passed(
                "issuer_trusted", f"{entry.name} ({issuer}) is on trust list {trust_list.id}"
            )


def _check_validity(report: VerificationReport, doc: dict[str, Any], now: datetime) -> None:
    for name, check_id in (("validFrom", "valid_from"), ("validUntil", "valid_until")):
        if name not in doc:
            continue
        try:
            moment = parse_datetime(doc[name])
        except VcError as exc:
            report.failed(check_id, exc.code, f"{name}: {exc.message}")
            continue
        if name == "validFrom" and moment > now:
            report.failed(check_id, errors.NOT_YET_VALID, f"not valid before {doc[name]}")
        elif name == "validUntil" and moment < now:
            report.failed(check_id, errors.EXPIRED, f"expired at {doc[name]}")
        else:
            report.passed(check_id, f"{name} {doc[name]} holds at {now.isoformat()}")


def _check_status(
    report: VerificationReport,
    doc: dict[str, Any],
    resolver: KeyResolver,
    trust_list: TrustList | None,
    status_lists: dict[str, Mapping[str, Any]],
    now: datetime,
    limits: Limits,
) -> None:
    entries = _as_list(doc.get("credentialStatus"))
    # One verification per list, however many entries point at it.
    list_reports: dict[str, VerificationReport] = {}
    for entry in entries:
        if not isinstance(entry, Mapping):
            report.failed(
                "credential_status",
                errors.STATUS_VERIFICATION_ERROR,
                "credentialStatus is not an object",
            )
            continue
        url = entry.get("statusListCredential")
        if "BitstringStatusListEntry" not in _as_list(entry.get("type")):
            report.checks.append(
                Check(
                    "credential_status",
                    True,
                    f"not checked: status type {entry.get('type')!r} is not supported",
                    errors.STATUS_NOT_CHECKED,
                )
            )
            continue
        list_credential = status_lists.get(url) if isinstance(url, str) else None
        if list_credential is None:
            report.checks.append(
                Check(
                    "credential_status",
                    True,
                    f"not checked: status list {url} was not supplied (nothing is fetched)",
                    errors.STATUS_NOT_CHECKED,
                )
            )
            continue
        list_report = list_reports.get(url) if isinstance(url, str) else None
        if list_report is None:
            list_report = verify(
                list_credential,
                resolver=resolver,
                trust_list=trust_list,
                now=now,
                limits=limits,
            )
            list_reports[str(url)] = list_report
        if not list_report.valid:
            reasons = "; ".join(f"{c.id}: {c.code}" for c in list_report.failures)
            report.failed(
                "credential_status",
                errors.STATUS_VERIFICATION_ERROR,
                f"status list {url} does not verify ({reasons})",
            )
            continue
        if list_report.issuer != report.issuer:
            report.failed(
                "credential_status",
                errors.STATUS_VERIFICATION_ERROR,
                f"status list {url} is issued by {list_report.issuer}, not by {report.issuer}",
            )
            continue
        try:
            result = check_status(entry, list_credential)
        except VcError as exc:
            report.failed("credential_status", exc.code, exc.message)
            continue
        if result.is_set:
            code = errors.REVOKED if result.status_purpose == "revocation" else errors.SUSPENDED
            report.failed(
                "credential_status",
                code,
                f"{'revoked' if code == errors.REVOKED else 'suspended'} "
                f"(entry {result.index} of {url})",
            )
        else:
            report.passed(
                "credential_status",
                f"not {'revoked' if result.status_purpose == 'revocation' else 'suspended'} "
                f"(entry {result.index} of {url})",
            )
