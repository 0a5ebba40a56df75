"""Verifying a credential for people: qiao.vc's report, grouped into plain-language checks in
English and Chinese, with an overall verdict.

Keys and trust come from this instance's own published trust list (anchored to the alliance
key), exactly what an offline verifier would use; status comes from our own status lists read
from the database (never an HTTP request to ourselves). A status list that is not ours is not
fetched: the page says plainly that the status could not be checked.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qiao.credentials import conf
from qiao.credentials.models import Credential
from qiao.credentials.services import publishing
from qiao.vc import Check, TrustList, VcError, VerificationReport, load_trust_list, verify

OK, FAILED, UNKNOWN, SKIPPED = "ok", "failed", "unknown", "skipped"

# Failure codes with a plain explanation (the library's message is shown as detail).
REASONS: dict[str, Promise] = {
    "MALFORMED_JSON": _("This is not valid JSON."),
    "MALFORMED_DOCUMENT": _("This JSON is not a credential (it must be one JSON object)."),
    "INPUT_TOO_LARGE": _("The document is too large to be a credential."),
    "LIMIT_EXCEEDED": _("The document is too deeply nested or too complex to be a credential."),
    "PROOF_MISSING": _("The document carries no signature."),
    "PROOF_MALFORMED": _("The signature block is malformed."),
    "INVALID_MULTIBASE": _("The signature value is malformed."),
    "UNKNOWN_CRYPTOSUITE": _("The signature uses a method this verifier does not support."),
    "PROOF_PURPOSE_MISMATCH": _("The signature was not made to assert a credential."),
    "UNKNOWN_VERIFICATION_METHOD": _(
        "The signing key is not known to this alliance: the issuer is not one of its members."
    ),
    "INVALID_KEY": _("The signing key is malformed."),
    "INVALID_SIGNATURE": _(
        "The signature does not match: the credential was changed after it was signed."
    ),
    "DATA_LOSS_DETECTION_ERROR": _(
        "The credential contains data that the signature does not cover (added or renamed fields)."
    ),
    "CONTEXT_NOT_ALLOWED": _("The credential refers to vocabularies this verifier does not use."),
    "UNSUPPORTED_CHARACTERS": _("The credential contains control characters."),
    "ISSUER_NOT_CONTROLLER": _("The key that signed it does not belong to the named issuer."),
    "ISSUER_MISSING": _("The credential does not name its issuer."),
    "ISSUER_NOT_TRUSTED": _("The issuer is not on the alliance's trust list."),
    "NOT_YET_VALID": _("The credential is not valid yet."),
    "EXPIRED": _("The credential has expired."),
    "MALFORMED_DATE": _("A date in the credential is malformed."),
    "REVOKED": _("The issuer has revoked this credential."),
    "SUSPENDED": _("The issuer has suspended this credential."),
    "STATUS_VERIFICATION_ERROR": _("The issuer's status list could not be verified."),
    "STATUS_LIST_LENGTH_ERROR": _("The credential's status entry is outside its status list."),
    "PROOF_EXPIRED": _("The signature has expired."),
}


@dataclass(frozen=True)
class Group:
    key: str
    title: Promise
    ok: Promise
    checks: tuple[str, ...]
    unknown: Promise | None = None
    absent: Promise | None = None
    fields: tuple[str, ...] = ()  # document members whose absence means "nothing to check"


GROUPS = (
    Group(
        "readable",
        _("A signed credential"),
        _("The document is a credential with a well-formed signature."),
        ("input", "proof", "cryptosuite", "proof_purpose"),
    ),
    Group(
        "issuer",
        _("Issuer known and trusted"),
        _(
            "The issuer is a member of the alliance, listed on its trust list, and signed with "
            "one of its own keys."
        ),
        ("verification_method", "issuer_matches_controller", "issuer_trusted"),
    ),
    Group(
        "data",
        _("Nothing hidden or added"),
        _("Every field of the credential is covered by the signature."),
        ("canonicalization",),
    ),
    Group(
        "signature",
        _("Signature"),
        _("The credential is exactly as the issuer signed it."),
        ("signature", "proof_expires"),
    ),
    Group(
        "validity",
        _("Validity period"),
        _("The credential is within its validity period."),
        ("valid_from", "valid_until"),
        absent=_("The credential has no validity period."),
        fields=("validFrom", "validUntil"),
    ),
    Group(
        "status",
        _("Not revoked or suspended"),
        _("The issuer has neither revoked nor suspended it."),
        ("credential_status",),
        unknown=_(
            "The status could not be checked: the issuer's status list is not "
            "published by this alliance, and nothing is fetched from elsewhere."
        ),
        absent=_("The credential has no status entry, so it cannot be revoked."),
        fields=("credentialStatus",),
    ),
)


@dataclass(frozen=True)
class Bilingual:
    """A text in English and in Simplified Chinese; `main` is the reader's, `other` the other."""

    en: str
    zh: str

    @property
    def _reader_zh(self) -> bool:
        return (translation.get_language() or "en").lower().startswith("zh")

    @property
    def main(self) -> str:
        return self.zh if self._reader_zh else self.en

    @property
    def other(self) -> str:
        return self.en if self._reader_zh else self.zh

    @property
    def other_lang(self) -> str:
        return "en" if self._reader_zh else "zh-Hans"

    def to_json(self) -> dict[str, str]:
        return {"en": self.en, "zh-hans": self.zh}


def both(text: Any) -> Bilingual:
    """The text in English and in Simplified Chinese."""
    with translation.override("en"):
        en = str(text)
    with translation.override("zh-hans"):
        zh = str(text)
    return Bilingual(en, zh)


@dataclass
class GroupResult:
    key: str
    state: str
    title: Bilingual
    text: Bilingual
    checks: list[Check] = field(default_factory=list)


@dataclass
class Outcome:
    """What the verification page and the API show."""

    verdict: str  # "valid", "valid_unchecked" (valid, status not checked), "invalid"
    groups: list[GroupResult]
    report: VerificationReport
    document: dict[str, Any] | None = None
    credential: Credential | None = None

    @property
    def valid(self) -> bool:
        return self.verdict != "invalid"

    @property
    def verdict_text(self) -> Bilingual:
        return both(VERDICTS[self.verdict])

    @property
    def summary(self) -> dict[str, Any]:
        """Name, issuer, dates read from the document (only shown after verification)."""
        doc = self.document or {}
        subject = doc.get("credentialSubject") if isinstance(doc, dict) else None
        achievement = subject.get("achievement") if isinstance(subject, dict) else None
        issuer = doc.get("issuer")
        return {
            "name": _text(doc.get("name")),
            "achievement": _text(achievement.get("name")) if isinstance(achievement, dict) else "",
            "achievement_type": _text(achievement.get("achievementType"))
            if isinstance(achievement, dict)
            else "",
            "issuer": _text(issuer.get("name")) if isinstance(issuer, dict) else _text(issuer),
            "issuer_id": self.report.issuer or "",
            "valid_from": _text(doc.get("validFrom")),
            "valid_until": _text(doc.get("validUntil")),
            "id": _text(doc.get("id")),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "verdict": self.verdict,
            "verdict_text": self.verdict_text.to_json(),
            "checks": [
                {
                    "id": g.key,
                    "state": g.state,
                    "title": g.title.to_json(),
                    "text": g.text.to_json(),
                    "details": [c.to_json() for c in g.checks],
                }
                for g in self.groups
            ],
            "report": self.report.to_json(),
        }


VERDICTS: dict[str, Promise] = {
    "valid": _("Valid: this credential is genuine, unchanged, from a trusted issuer and in force."),
    "valid_unchecked": _(
        "Genuine and unchanged, from a trusted issuer; its revocation status could not be checked."
    ),
    "invalid": _("Not valid: see the checks below."),
}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _trust_list() -> TrustList | None:
    try:
        return load_trust_list(
            publishing.trust_list_current(), anchors=publishing.alliance_anchors()
        )
    except VcError:
        return None


def _status_lists(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, Mapping):
        return []
    entries = document.get("credentialStatus")
    entries = entries if isinstance(entries, list) else [entries]
    lists = []
    for entry in entries[:4]:
        if isinstance(entry, Mapping):
            found = publishing.status_list_for_url(entry.get("statusListCredential", ""))
            if found is not None:
                lists.append(found)
    return lists


def _group(group: Group, report: VerificationReport, document: Any) -> GroupResult:
    checks = [c for c in report.checks if c.id in group.checks]
    failures = [c for c in checks if not c.ok]
    absent = (
        group.absent is not None
        and isinstance(document, Mapping)
        and not any(name in document for name in group.fields)
    )
    if failures:
        reasons = [REASONS.get(c.code) for c in failures]
        text: Any = next((r for r in reasons if r is not None), _("This check failed."))
        state = FAILED
    elif not checks:
        if absent and report.get("signature") is not None and group.absent is not None:
            state, text = OK, group.absent
        else:
            state, text = SKIPPED, _("Not checked, because an earlier check failed.")
    elif any(c.code == "STATUS_NOT_CHECKED" for c in checks):
        state, text = UNKNOWN, group.unknown or group.ok
    else:
        state, text = OK, group.ok
    return GroupResult(group.key, state, both(group.title), both(text), checks)


def parse_limited(data: bytes | str) -> tuple[Any, str]:
    """Refuse oversized input before parsing; returns (parsed JSON or None, error code)."""
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > conf.VERIFY_MAX_BYTES:
        return None, "INPUT_TOO_LARGE"
    try:
        return json.loads(data), ""
    except (ValueError, RecursionError):
        return None, "MALFORMED_JSON"


def verify_credential(
    data: bytes | str | Mapping[str, Any], *, now: datetime | None = None
) -> Outcome:
    """Verify a credential given as JSON text/bytes or parsed; never raises."""
    document: Any = data
    report = VerificationReport()
    if isinstance(data, bytes | str):
        document, error = parse_limited(data)
        if error:
            report.failed("input", error, str(REASONS[error]))
    if not report.checks:
        trust_list = _trust_list()
        report = verify(
            data if isinstance(data, bytes | str) else document,
            trust_list=trust_list,
            status_lists=_status_lists(document),
            now=now,
        )
    groups = [_group(group, report, document) for group in GROUPS]
    if not report.valid:
        verdict = "invalid"
    elif any(g.state == UNKNOWN for g in groups):
        verdict = "valid_unchecked"
    else:
        verdict = "valid"
    parsed = document if isinstance(document, dict) and report.get("input") else None
    return Outcome(verdict=verdict, groups=groups, report=report, document=parsed)


def verify_stored(credential: Credential) -> Outcome:
    """Verify a credential of ours from its stored text (as a verifier would see it)."""
    outcome = verify_credential(credential.document)
    outcome.credential = credential
    return outcome
