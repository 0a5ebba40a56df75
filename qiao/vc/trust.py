"""Trust lists: which issuers an alliance vouches for, and with which keys.

A trust list is a plain JSON document (no JSON-LD context), signed with ``eddsa-jcs-2022`` by
an alliance key, so it can be verified with nothing but this library::

    {
      "type": "QiaoTrustList",
      "version": 1,
      "id": "https://alliance.example/trust-list.json",
      "name": "Example vocational education alliance",
      "issuer": {"id": "did:web:alliance.example", "name": "…",
                 "verificationMethod": [{"id": "did:web:alliance.example#key-1",
                                         "type": "Multikey",
                                         "controller": "did:web:alliance.example",
                                         "publicKeyMultibase": "z6Mk…"}]},
      "validFrom": "2025-01-01T00:00:00Z",
      "validUntil": "2026-01-01T00:00:00Z",
      "issuers": [
        {"id": "did:web:college.example.edu", "name": "Example Polytechnic",
         "url": "https://college.example.edu",
         "verificationMethod": [{"id": "did:web:college.example.edu#key-1", "type": "Multikey",
                                 "controller": "did:web:college.example.edu",
                                 "publicKeyMultibase": "z6Mk…"}]},
        {"id": "did:key:z6Mk…", "name": "Example Telecom Academy"}
      ],
      "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", …}
    }

``issuer`` is the alliance; it may be a did:key string, or an object embedding the alliance's
own verification methods (needed for did:web, since nothing is fetched). Because the list
carries the key that signed it, the signature alone proves integrity, not authority: pin the
alliance key with ``anchors`` (a DID, verification method id or publicKeyMultibase) to get
authority. A did:key issuer may be listed without methods: its DID is its key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from qiao.vc.dates import to_datetime_string
from qiao.vc.errors import TRUST_ANCHOR_MISMATCH, TRUST_LIST_INVALID, VcError
from qiao.vc.keys import VerificationMethod, decode_public_key_multibase
from qiao.vc.limits import DEFAULT_LIMITS, Limits, parse_json
from qiao.vc.resolver import KeyResolver
from qiao.vc.verify import verify

TRUST_LIST_TYPE = "QiaoTrustList"
TRUST_LIST_VERSION = 1


@dataclass(frozen=True)
class TrustedIssuer:
    """An issuer on a trust list, with the keys it may sign with."""

    id: str
    name: str
    url: str | None = None
    methods: tuple[VerificationMethod, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The entry as it appears in the list's ``issuers``."""
        data: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.url:
            data["url"] = self.url
        if self.methods:
            data["verificationMethod"] = [method.to_json() for method in self.methods]
        return data


def build_trust_list(
    *,
    id: str,
    name: str,
    issuer: str,
    issuers: Iterable[TrustedIssuer],
    issuer_name: str | None = None,
    issuer_methods: Iterable[VerificationMethod] = (),
    valid_from: datetime | str | None = None,
    valid_until: datetime | str | None = None,
) -> dict[str, Any]:
    """An unsigned trust list; sign it with ``sign(doc, alliance_key,
    cryptosuite="eddsa-jcs-2022")``.

    ``issuer`` is the alliance's DID; give ``issuer_methods`` (the alliance key's public
    half) unless it is a did:key.
    """
    methods = [method.to_json() for method in issuer_methods]
    alliance: str | dict[str, Any] = issuer
    if methods or issuer_name:
        alliance = {"id": issuer}
        if issuer_name:
            alliance["name"] = issuer_name
        if methods:
            alliance["verificationMethod"] = methods
    document: dict[str, Any] = {
        "type": TRUST_LIST_TYPE,
        "version": TRUST_LIST_VERSION,
        "id": id,
        "name": name,
        "issuer": alliance,
    }
    if valid_from is not None:
        document["validFrom"] = to_datetime_string(valid_from)
    if valid_until is not None:
        document["validUntil"] = to_datetime_string(valid_until)
    document["issuers"] = [entry.to_json() for entry in issuers]
    return document


class TrustList:
    """A verified trust list: resolves the listed keys and answers "is this issuer trusted?"."""

    def __init__(
        self,
        *,
        id: str,
        name: str,
        issuer: str,
        signed_by: str,
        anchored: bool,
        issuers: Iterable[TrustedIssuer],
    ) -> None:
        self.id = id
        self.name = name
        self.issuer = issuer
        self.signed_by = signed_by
        self.anchored = anchored
        self.issuers = {entry.id: entry for entry in issuers}
        self._resolver = KeyResolver(
            methods=[method for entry in self.issuers.values() for method in entry.methods]
        )

    def resolver(self) -> KeyResolver:
        """Resolver for every key on the list (and did:key)."""
        return self._resolver

    def trusted_issuer(self, issuer_id: str, method_id: str) -> TrustedIssuer | None:
        """The entry for ``issuer_id`` if the list allows it to sign with ``method_id``."""
        entry = self.issuers.get(issuer_id)
        if entry is None:
            return None
        if entry.methods:
            return entry if any(method.id == method_id for method in entry.methods) else None
        # A did:key issuer listed without methods: its own key, and only that, is trusted.
        if issuer_id.startswith("did:key:") and method_id.split("#", 1)[0] == issuer_id:
            return entry
        return None


def _parse_methods(value: Any, controller: str, where: str) -> tuple[VerificationMethod, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise VcError(TRUST_LIST_INVALID, f"{where}.verificationMethod must be a list")
    methods = []
    for i, item in enumerate(value):
        path = f"{where}.verificationMethod[{i}]"
        if not isinstance(item, Mapping) or item.get("type") != "Multikey":
            raise VcError(TRUST_LIST_INVALID, f"{path} is not a Multikey object")
        method_id, key = item.get("id"), item.get("publicKeyMultibase")
        if not isinstance(method_id, str) or not isinstance(key, str):
            raise VcError(TRUST_LIST_INVALID, f"{path} needs id and publicKeyMultibase")
        if item.get("controller", controller) != controller or not method_id.startswith(
            controller + "#"
        ):
            raise VcError(TRUST_LIST_INVALID, f"{path} is controlled by another party")
        try:
            public_key = decode_public_key_multibase(key)
        except VcError as exc:
            raise VcError(TRUST_LIST_INVALID, f"{path}: {exc.message}") from exc
        methods.append(
            VerificationMethod(
                id=method_id,
                controller=controller,
                public_key=public_key,
                purposes=frozenset({"assertionMethod"}),
            )
        )
    return tuple(methods)


def load_trust_list(
    document: Mapping[str, Any] | bytes | str,
    *,
    anchors: Iterable[str] = (),
    now: datetime | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> TrustList:
    """Verify and parse a trust list.

    The list's proof must verify, be by a key its ``issuer`` controls, and the list must be
    within its validity period at ``now``. With ``anchors`` (DIDs, verification method ids or
    publicKeyMultibase values of alliance keys), the signing key must be one of them; without,
    the returned list has ``anchored = False``. Raises ``VcError`` (``TRUST_LIST_INVALID``,
    ``TRUST_ANCHOR_MISMATCH``).
    """
    parsed = parse_json(document, limits) if isinstance(document, bytes | str) else document
    if not isinstance(parsed, Mapping) or parsed.get("type") != TRUST_LIST_TYPE:
        raise VcError(TRUST_LIST_INVALID, f"not a trust list (type must be {TRUST_LIST_TYPE!r})")
    alliance = parsed.get("issuer")
    alliance_id = alliance.get("id") if isinstance(alliance, Mapping) else alliance
    if not isinstance(alliance_id, str):
        raise VcError(TRUST_LIST_INVALID, "the trust list has no issuer id")
    alliance_methods = (
        _parse_methods(alliance.get("verificationMethod"), alliance_id, "issuer")
        if isinstance(alliance, Mapping)
        else ()
    )
    report = verify(parsed, resolver=KeyResolver(methods=alliance_methods), now=now, limits=limits)
    if not report.valid:
        reasons = "; ".join(f"{c.id}: {c.code} ({c.message})" for c in report.failures)
        raise VcError(TRUST_LIST_INVALID, f"the trust list does not verify: {reasons}")
    method_id = report.verification_method or ""
    anchor_set = set(anchors)
    anchored = False
    if anchor_set:
        method = KeyResolver(methods=alliance_methods).resolve(method_id)
        if not anchor_set & {method.id, method.controller, method.public_key_multibase}:
            raise VcError(
                TRUST_ANCHOR_MISMATCH,
                f"the trust list is signed by {method_id}, which is not a pinned alliance key",
            )
        anchored = True
    entries = parsed.get("issuers")
    if not isinstance(entries, list):
        raise VcError(TRUST_LIST_INVALID, "issuers must be a list")
    issuers = []
    for i, entry in enumerate(entries):
        where = f"issuers[{i}]"
        if not isinstance(entry, Mapping):
            raise VcError(TRUST_LIST_INVALID, f"{where} is not an object")
        entry_id, name, url = entry.get("id"), entry.get("name"), entry.get("url")
        if not isinstance(entry_id, str) or not isinstance(name, str):
            raise VcError(TRUST_LIST_INVALID, f"{where} needs a string id and name")
        if url is not None and not isinstance(url, str):
            raise VcError(TRUST_LIST_INVALID, f"{where}.url must be a string")
        issuers.append(
            TrustedIssuer(
                id=entry_id,
                name=name,
                url=url,
                methods=_parse_methods(entry.get("verificationMethod"), entry_id, where),
            )
        )
    list_id, list_name = parsed.get("id"), parsed.get("name")
    return TrustList(
        id=list_id if isinstance(list_id, str) else "",
        name=list_name if isinstance(list_name, str) else "",
        issuer=alliance_id,
        signed_by=method_id,
        anchored=anchored,
        issuers=issuers,
    )
