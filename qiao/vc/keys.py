"""Ed25519 keys as Multikey, did:key and did:web identifiers, controller documents, key files.

Multikey encodings (W3C Controlled Identifiers 1.0):
publicKeyMultibase = "z" + base58btc(0xed 0x01 + 32-byte public key)  -> "z6Mk…"
secretKeyMultibase = "z" + base58btc(0x80 0x26 + 32-byte seed)        -> "z3u2…"
"""

from __future__ import annotations

import base64
import json
import os
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from qiao.vc.errors import INVALID_KEY, INVALID_MULTIBASE, InvalidKeyError

ED25519_PUB_HEADER = b"\xed\x01"
ED25519_PRIV_HEADER = b"\x80\x26"
DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
KEY_FILE_TYPE = "QiaoKeyFile"
_VERIFICATION_RELATIONSHIPS = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
)


# --------------------------------------------------------------------------- multibase


def encode_base58btc(data: bytes) -> str:
    """Multibase base58btc: ``"z"`` + base58 (Bitcoin alphabet)."""
    return "z" + base58.b58encode(data).decode("ascii")


def decode_base58btc(value: str) -> bytes:
    """Decode a ``"z"`` multibase value; raise ``InvalidKeyError(INVALID_MULTIBASE)``."""
    if not isinstance(value, str) or not value.startswith("z") or len(value) < 2:
        raise InvalidKeyError(INVALID_MULTIBASE, f"{value!r} is not base58btc multibase ('z…')")
    try:
        return bytes(base58.b58decode(value[1:]))
    except ValueError as exc:
        raise InvalidKeyError(INVALID_MULTIBASE, f"{value!r} is not valid base58btc") from exc


def encode_base64url(data: bytes) -> str:
    """Multibase base64url without padding: ``"u"`` + base64url."""
    return "u" + base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def decode_base64url(value: str) -> bytes:
    """Decode a ``"u"`` multibase value; raise ``InvalidKeyError(INVALID_MULTIBASE)``."""
    if not isinstance(value, str) or not value.startswith("u"):
        raise InvalidKeyError(INVALID_MULTIBASE, "not base64url multibase ('u…')")
    body = value[1:]
    if not re.fullmatch(r"[A-Za-z0-9_-]*", body):
        raise InvalidKeyError(INVALID_MULTIBASE, "invalid character in base64url value")
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError as exc:
        raise InvalidKeyError(INVALID_MULTIBASE, "invalid base64url value") from exc


def encode_public_key_multibase(public_key: bytes) -> str:
    """Multikey ``publicKeyMultibase`` of a 32-byte Ed25519 public key."""
    if len(public_key) != 32:
        raise InvalidKeyError(INVALID_KEY, "an Ed25519 public key is 32 bytes")
    return encode_base58btc(ED25519_PUB_HEADER + public_key)


def decode_public_key_multibase(value: str) -> bytes:
    """32-byte Ed25519 public key from a Multikey ``publicKeyMultibase`` (``z6Mk…``)."""
    raw = decode_base58btc(value)
    if raw[:2] != ED25519_PUB_HEADER or len(raw) != 34:
        raise InvalidKeyError(
            INVALID_MULTIBASE,
            f"{value!r} is not an Ed25519 Multikey public key (0xed01 + 32 bytes)",
        )
    return raw[2:]


def encode_secret_key_multibase(seed: bytes) -> str:
    """Multikey ``secretKeyMultibase`` of a 32-byte Ed25519 seed."""
    if len(seed) != 32:
        raise InvalidKeyError(INVALID_KEY, "an Ed25519 seed is 32 bytes")
    return encode_base58btc(ED25519_PRIV_HEADER + seed)


def decode_secret_key_multibase(value: str) -> bytes:
    """32-byte Ed25519 seed from a Multikey ``secretKeyMultibase`` (``z3u2…``)."""
    raw = decode_base58btc(value)
    if raw[:2] != ED25519_PRIV_HEADER or len(raw) != 34:
        raise InvalidKeyError(
            INVALID_MULTIBASE, "not an Ed25519 Multikey secret key (0x8026 + 32-byte seed)"
        )
    return raw[2:]


# --------------------------------------------------------------------------- DIDs


def did_key_from_public_key(public_key: bytes) -> str:
    """``did:key:z6Mk…`` for an Ed25519 public key."""
    return "did:key:" + encode_public_key_multibase(public_key)


def did_web_from_domain(domain: str) -> str:
    """did:web identifier for a host (``example.org``, ``example.org:8443``) with optional path.

    ``example.org`` -> ``did:web:example.org``; ``example.org:8443/issuers/a`` ->
    ``did:web:example.org%3A8443:issuers:a`` (the port's colon is percent-encoded).
    """
    domain = domain.strip()
    if domain.startswith(("http://", "https://")):
        domain = domain.split("://", 1)[1]
    host, _, path = domain.strip("/").partition("/")
    if not host or not re.fullmatch(r"[A-Za-z0-9.\-]+(:[0-9]+)?", host):
        raise InvalidKeyError(INVALID_KEY, f"{domain!r} is not a host name for did:web")
    segments = [urllib.parse.quote(s, safe="") for s in path.split("/") if s]
    return ":".join(["did", "web", host.lower().replace(":", "%3A"), *segments])


def did_web_document_url(did: str) -> str:
    """HTTPS URL where the controller document of a did:web identifier is published."""
    if not did.startswith("did:web:"):
        raise InvalidKeyError(INVALID_KEY, f"{did!r} is not a did:web identifier")
    host, *segments = did[len("did:web:") :].split(":")
    host = urllib.parse.unquote(host)
    path = "/".join(urllib.parse.unquote(s) for s in segments)
    return f"https://{host}/{path}/did.json" if path else f"https://{host}/.well-known/did.json"


@dataclass(frozen=True)
class VerificationMethod:
    """A resolved public key: its id, its controller and what it may be used for."""

    id: str
    controller: str
    public_key: bytes
    purposes: frozenset[str] = field(default_factory=lambda: frozenset(_VERIFICATION_RELATIONSHIPS))

    @property
    def public_key_multibase(self) -> str:
        """Multikey encoding of the public key."""
        return encode_public_key_multibase(self.public_key)

    def to_json(self) -> dict[str, Any]:
        """Multikey verification method object."""
        return {
            "id": self.id,
            "type": "Multikey",
            "controller": self.controller,
            "publicKeyMultibase": self.public_key_multibase,
        }

    def verify(self, signature: bytes, message: bytes) -> bool:
        """True if ``signature`` is a valid Ed25519 signature of ``message`` by this key."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


def resolve_did_key(verification_method_id: str) -> VerificationMethod:
    """Resolve ``did:key:z6Mk…#z6Mk…`` (or the bare DID) to its key, without any network."""
    did, _, fragment = verification_method_id.partition("#")
    if not did.startswith("did:key:"):
        raise InvalidKeyError(INVALID_KEY, f"{verification_method_id!r} is not a did:key")
    multibase = did[len("did:key:") :]
    if fragment and fragment != multibase:
        raise InvalidKeyError(
            INVALID_KEY, "a did:key verification method's fragment must repeat the key"
        )
    public_key = decode_public_key_multibase(multibase)
    return VerificationMethod(id=f"{did}#{multibase}", controller=did, public_key=public_key)


def methods_from_controller_document(document: Mapping[str, Any]) -> list[VerificationMethod]:
    """Ed25519 Multikey verification methods of a controller (DID) document, with purposes.

    A method's purposes are the verification relationships (``assertionMethod``, …) that list it
    by id or embed it. Methods of other types are ignored; a Multikey method that is not the
    document's own (``<id>#…``, controlled by ``<id>``) raises ``InvalidKeyError``.
    """
    if not isinstance(document, Mapping) or not isinstance(document.get("id"), str):
        raise InvalidKeyError(INVALID_KEY, "a controller document is an object with an 'id'")
    controller_id = document["id"]
    declared: dict[str, Mapping[str, Any]] = {}
    for item in _as_list(document.get("verificationMethod")):
        if isinstance(item, Mapping) and isinstance(item.get("id"), str):
            declared[_absolute(item["id"], controller_id)] = item
    purposes: dict[str, set[str]] = {}
    for relationship in _VERIFICATION_RELATIONSHIPS:
        for ref in _as_list(document.get(relationship)):
            if isinstance(ref, str):
                purposes.setdefault(_absolute(ref, controller_id), set()).add(relationship)
            elif isinstance(ref, Mapping) and isinstance(ref.get("id"), str):
                method_id = _absolute(ref["id"], controller_id)
                declared.setdefault(method_id, ref)
                purposes.setdefault(method_id, set()).add(relationship)
    methods = []
    for method_id, item in declared.items():
        if item.get("type") != "Multikey" or not isinstance(item.get("publicKeyMultibase"), str):
            continue
        # A document speaks for its own keys only: otherwise did:web:a's did.json could hand
        # out a key "controlled" by did:web:b and make a's key sign as b.
        if (
            not method_id.startswith(controller_id + "#")
            or item.get("controller", controller_id) != controller_id
        ):
            raise InvalidKeyError(
                INVALID_KEY, f"{method_id} is not a key of {controller_id} in its own document"
            )
        methods.append(
            VerificationMethod(
                id=method_id,
                controller=controller_id,
                public_key=decode_public_key_multibase(item["publicKeyMultibase"]),
                purposes=frozenset(purposes.get(method_id, set())),
            )
        )
    return methods


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _absolute(ref: str, controller_id: str) -> str:
    return controller_id + ref if ref.startswith("#") else ref


# --------------------------------------------------------------------------- key pairs


@dataclass(frozen=True)
class KeyPair:
    """An Ed25519 signing key with the identifiers it signs under.

    ``controller`` is the DID (or URL) of the issuer; ``id`` the verification method id that goes
    into proofs (``did:key:z6Mk…#z6Mk…`` or ``did:web:example.org#key-1``).
    """

    seed: bytes = field(repr=False)
    controller: str
    id: str
    _private: Ed25519PrivateKey = field(init=False, repr=False, compare=False)
    _public: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.seed, bytes) or len(self.seed) != 32:
            raise InvalidKeyError(INVALID_KEY, "an Ed25519 seed is 32 bytes")
        # Derived once: deriving the public key is a scalar multiplication per call otherwise.
        private = Ed25519PrivateKey.from_private_bytes(self.seed)
        object.__setattr__(self, "_private", private)
        object.__setattr__(
            self, "_public", private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        )

    @classmethod
    def generate(cls, *, did_web: str | None = None, key_name: str = "key-1") -> KeyPair:
        """New random key: a did:key, or a did:web key when ``did_web`` names a domain."""
        return cls.from_seed(os.urandom(32), did_web=did_web, key_name=key_name)

    @classmethod
    def from_seed(
        cls,
        seed: bytes,
        *,
        did_web: str | None = None,
        key_name: str = "key-1",
        controller: str | None = None,
        key_id: str | None = None,
    ) -> KeyPair:
        """Key pair from a 32-byte seed.

        By default it is identified as did:key; ``did_web`` (a domain or a ``did:web:`` DID)
        gives ``did:web:…#key_name``; ``controller``/``key_id`` set arbitrary identifiers (e.g.
        the 1EdTech example's ``https://example.edu/issuers/565049#z6Mk…``).
        """
        public = _public_key(seed)
        if controller is not None or key_id is not None:
            if controller is None or key_id is None:
                raise InvalidKeyError(INVALID_KEY, "give both controller and key_id")
            return cls(seed=seed, controller=controller, id=key_id)
        if did_web is not None:
            did = did_web if did_web.startswith("did:web:") else did_web_from_domain(did_web)
            return cls(seed=seed, controller=did, id=f"{did}#{key_name}")
        did = did_key_from_public_key(public)
        return cls(seed=seed, controller=did, id=f"{did}#{encode_public_key_multibase(public)}")

    @property
    def public_key(self) -> bytes:
        """Raw 32-byte Ed25519 public key."""
        return self._public

    @property
    def public_key_multibase(self) -> str:
        """Multikey ``publicKeyMultibase`` (``z6Mk…``)."""
        return encode_public_key_multibase(self.public_key)

    @property
    def secret_key_multibase(self) -> str:
        """Multikey ``secretKeyMultibase`` (``z3u2…``)."""
        return encode_secret_key_multibase(self.seed)

    def sign_bytes(self, message: bytes) -> bytes:
        """Raw 64-byte Ed25519 signature."""
        return self._private.sign(message)

    def verification_method(self) -> VerificationMethod:
        """The public half as a resolved verification method."""
        return VerificationMethod(
            id=self.id, controller=self.controller, public_key=self.public_key
        )

    def controller_document(self) -> dict[str, Any]:
        """DID/controller document listing this key (publish it for did:web at
        ``did_web_document_url(controller)``)."""
        return controller_document(self.controller, [self.verification_method()])

    def to_json(self) -> dict[str, Any]:
        """Key file content: the Multikey forms plus the identifiers. Contains the secret."""
        data: dict[str, Any] = {
            "type": KEY_FILE_TYPE,
            "version": 1,
            "id": self.id,
            "controller": self.controller,
            "publicKeyMultibase": self.public_key_multibase,
            "secretKeyMultibase": self.secret_key_multibase,
        }
        if self.controller.startswith("did:web:"):
            data["controllerDocument"] = self.controller_document()
            data["controllerDocumentUrl"] = did_web_document_url(self.controller)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> KeyPair:
        """Load a key file's content (also accepts the W3C vectors' ``privateKeyMultibase``)."""
        if not isinstance(data, Mapping):
            raise InvalidKeyError(INVALID_KEY, "a key file is a JSON object")
        secret = data.get("secretKeyMultibase", data.get("privateKeyMultibase"))
        if not isinstance(secret, str):
            raise InvalidKeyError(INVALID_KEY, "the key file has no secretKeyMultibase")
        seed = decode_secret_key_multibase(secret)
        public = _public_key(seed)
        declared = data.get("publicKeyMultibase")
        if declared is not None and declared != encode_public_key_multibase(public):
            raise InvalidKeyError(INVALID_KEY, "publicKeyMultibase does not match the secret key")
        controller, key_id = data.get("controller"), data.get("id")
        if isinstance(controller, str) and isinstance(key_id, str):
            return cls.from_seed(seed, controller=controller, key_id=key_id)
        return cls.from_seed(seed)

    def save(self, path: str | Path, *, overwrite: bool = False) -> None:
        """Write the key file with mode 0600 (refuses to overwrite unless asked)."""
        flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
        fd = os.open(path, flags, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self.to_json(), handle, indent=2)
            handle.write("\n")
        os.chmod(path, 0o600)  # O_CREAT's mode does not apply to an existing file

    @classmethod
    def load(cls, path: str | Path) -> KeyPair:
        """Read a key file written by ``save`` (or by ``qiao vc keygen``)."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except ValueError as exc:
            raise InvalidKeyError(INVALID_KEY, f"{path}: not a JSON key file") from exc
        return cls.from_json(data)


def _public_key(seed: bytes) -> bytes:
    if len(seed) != 32:
        raise InvalidKeyError(INVALID_KEY, "an Ed25519 seed is 32 bytes")
    key = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def controller_document(controller: str, methods: list[VerificationMethod]) -> dict[str, Any]:
    """A DID/controller document for ``controller`` with Multikey methods.

    Every method is listed under ``assertionMethod`` (what credential proofs use) and
    ``authentication``.
    """
    return {
        "@context": list(DID_CONTEXTS),
        "id": controller,
        "verificationMethod": [method.to_json() for method in methods],
        "assertionMethod": [method.id for method in methods],
        "authentication": [method.id for method in methods],
    }
