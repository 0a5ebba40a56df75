"""Data Integrity EdDSA cryptosuites ``eddsa-rdfc-2022`` and ``eddsa-jcs-2022``: signing.

Both follow W3C Data Integrity EdDSA Cryptosuites v1.0: the document without its proof and the
proof configuration (the proof without ``proofValue``, with the document's ``@context``) are
canonicalised (RDFC-1.0 or JCS), each hashed with SHA-256, and the 64 bytes
``sha256(proof config) || sha256(document)`` are signed with Ed25519. ``proofValue`` is the
signature in multibase base58btc.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from qiao.vc.dates import to_datetime_string, utcnow
from qiao.vc.errors import (
    MALFORMED_DOCUMENT,
    PROOF_MALFORMED,
    UNKNOWN_CRYPTOSUITE,
    SigningError,
    VcError,
)
from qiao.vc.jcs import canonicalize as jcs_canonicalize
from qiao.vc.keys import KeyPair, encode_base58btc
from qiao.vc.limits import DEFAULT_LIMITS, Limits, check_structure
from qiao.vc.rdf import canonicalize_rdfc

EDDSA_RDFC_2022 = "eddsa-rdfc-2022"
EDDSA_JCS_2022 = "eddsa-jcs-2022"
CRYPTOSUITES = (EDDSA_RDFC_2022, EDDSA_JCS_2022)
PROOF_TYPE = "DataIntegrityProof"


@dataclass(frozen=True)
class ProofArtifacts:
    """Intermediate values of a proof, as the W3C test vectors list them."""

    cryptosuite: str
    canonical_document: str
    canonical_proof_config: str
    document_hash: bytes
    proof_config_hash: bytes

    @property
    def hash_data(self) -> bytes:
        """What Ed25519 signs: proof configuration hash followed by document hash."""
        return self.proof_config_hash + self.document_hash


def unsecured_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document without its ``proof``."""
    return {key: value for key, value in document.items() if key != "proof"}


def proof_configuration(proof: Mapping[str, Any], document: Mapping[str, Any]) -> dict[str, Any]:
    """The proof without ``proofValue``, carrying the document's ``@context`` if it has one."""
    config = {key: value for key, value in proof.items() if key != "proofValue"}
    if "@context" in document:
        config["@context"] = document["@context"]
    return config


def proof_artifacts(
    document: Mapping[str, Any],
    proof_config: Mapping[str, Any],
    *,
    limits: Limits = DEFAULT_LIMITS,
) -> ProofArtifacts:
    """Canonicalise and hash an unsecured document and a proof configuration.

    ``proof_config["cryptosuite"]`` selects the suite. Raises ``VcError`` (e.g.
    ``DATA_LOSS_DETECTION_ERROR``, ``UNKNOWN_CRYPTOSUITE``, ``LIMIT_EXCEEDED``).
    """
    cryptosuite = proof_config.get("cryptosuite")
    if cryptosuite == EDDSA_RDFC_2022:
        canonical_document = canonicalize_rdfc(dict(document), limits)
        canonical_config = canonicalize_rdfc(dict(proof_config), limits)
    elif cryptosuite == EDDSA_JCS_2022:
        check_structure(dict(document), limits, rdf=False)
        check_structure(dict(proof_config), limits, rdf=False)
        canonical_document = jcs_canonicalize(document).decode("utf-8")
        canonical_config = jcs_canonicalize(proof_config).decode("utf-8")
    else:
        raise VcError(UNKNOWN_CRYPTOSUITE, f"unknown cryptosuite {cryptosuite!r}")
    return ProofArtifacts(
        cryptosuite=cryptosuite,
        canonical_document=canonical_document,
        canonical_proof_config=canonical_config,
        document_hash=hashlib.sha256(canonical_document.encode("utf-8")).digest(),
        proof_config_hash=hashlib.sha256(canonical_config.encode("utf-8")).digest(),
    )


def sign(
    document: Mapping[str, Any],
    key: KeyPair,
    *,
    cryptosuite: str = EDDSA_RDFC_2022,
    created: datetime | str | None = None,
    proof_purpose: str = "assertionMethod",
    expires: datetime | str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """Return a copy of ``document`` with an embedded Data Integrity proof.

    ``created`` defaults to now (UTC, whole seconds). With ``eddsa-jcs-2022`` the proof carries
    the document's ``@context``, as the W3C vectors do. Raises ``SigningError`` whose ``code``
    says why, e.g. ``DATA_LOSS_DETECTION_ERROR`` when a term is not defined by any context.
    """
    if cryptosuite not in CRYPTOSUITES:
        raise SigningError(UNKNOWN_CRYPTOSUITE, f"unknown cryptosuite {cryptosuite!r}")
    if not isinstance(document, Mapping):
        raise SigningError(MALFORMED_DOCUMENT, "the document must be a JSON object")
    if "proof" in document:
        raise SigningError(PROOF_MALFORMED, "the document already has a proof")
    try:
        proof: dict[str, Any] = {
            "type": PROOF_TYPE,
            "cryptosuite": cryptosuite,
            "created": to_datetime_string(created if created is not None else utcnow()),
            "verificationMethod": key.id,
            "proofPurpose": proof_purpose,
        }
        if expires is not None:
            proof["expires"] = to_datetime_string(expires)
        config = proof_configuration(proof, document)
        artifacts = proof_artifacts(document, config, limits=limits)
    except SigningError:
        raise
    except VcError as exc:
        raise SigningError(exc.code, exc.message) from exc
    if cryptosuite == EDDSA_JCS_2022 and "@context" in config:
        proof["@context"] = config["@context"]
    proof["proofValue"] = encode_base58btc(key.sign_bytes(artifacts.hash_data))
    return {**document, "proof": proof}
