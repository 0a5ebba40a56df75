"""qiao.vc: Open Badges 3.0 verifiable credentials with Data Integrity EdDSA proofs.

Pure library: no Django, no other qiao module, no network. Contexts are pinned in
``qiao/vc/contexts``; did:web keys come only from what the caller supplies. See
docs/credentials-library.md.

    key = KeyPair.generate(did_web="college.example.edu")
    credential = build_open_badge(id=..., issuer=..., achievement=..., valid_from=...,
                                  recipient_email="student@example.com")
    signed = sign(credential, key)                       # eddsa-rdfc-2022
    report = verify(signed, resolver=KeyResolver(documents=[key.controller_document()]))
    report.valid, report.to_json()
"""

from __future__ import annotations

from qiao.vc.badges import (
    ACHIEVEMENT_TYPES,
    Achievement,
    Alignment,
    IssuerProfile,
    build_open_badge,
    email_identity,
    hash_identity,
    identity_matches,
)
from qiao.vc.errors import InvalidKeyError, SigningError, VcError
from qiao.vc.jcs import canonicalize as jcs_canonicalize
from qiao.vc.keys import (
    KeyPair,
    VerificationMethod,
    controller_document,
    decode_public_key_multibase,
    did_key_from_public_key,
    did_web_document_url,
    did_web_from_domain,
    encode_public_key_multibase,
    methods_from_controller_document,
    resolve_did_key,
)
from qiao.vc.limits import DEFAULT_LIMITS, Limits
from qiao.vc.proofs import (
    CRYPTOSUITES,
    EDDSA_JCS_2022,
    EDDSA_RDFC_2022,
    ProofArtifacts,
    proof_artifacts,
    proof_configuration,
    sign,
    unsecured_document,
)
from qiao.vc.rdf import canonicalize_rdfc, document_loader, expand
from qiao.vc.resolver import KeyResolver
from qiao.vc.status import (
    MIN_ENTRIES,
    CredentialStatus,
    StatusList,
    StatusResult,
    build_status_list_credential,
    check_status,
)
from qiao.vc.trust import TrustedIssuer, TrustList, build_trust_list, load_trust_list
from qiao.vc.verify import Check, VerificationReport, issuer_id, verify

__all__ = [
    "ACHIEVEMENT_TYPES",
    "CRYPTOSUITES",
    "DEFAULT_LIMITS",
    "EDDSA_JCS_2022",
    "EDDSA_RDFC_2022",
    "MIN_ENTRIES",
    "Achievement",
    "Alignment",
    "Check",
    "CredentialStatus",
    "InvalidKeyError",
    "IssuerProfile",
    "KeyPair",
    "KeyResolver",
    "Limits",
    "ProofArtifacts",
    "SigningError",
    "StatusList",
    "StatusResult",
    "TrustList",
    "TrustedIssuer",
    "VcError",
    "VerificationMethod",
    "VerificationReport",
    "build_open_badge",
    "build_status_list_credential",
    "build_trust_list",
    "canonicalize_rdfc",
    "check_status",
    "controller_document",
    "decode_public_key_multibase",
    "did_key_from_public_key",
    "did_web_document_url",
    "did_web_from_domain",
    "document_loader",
    "email_identity",
    "encode_public_key_multibase",
    "expand",
    "hash_identity",
    "identity_matches",
    "issuer_id",
    "jcs_canonicalize",
    "load_trust_list",
    "methods_from_controller_document",
    "proof_artifacts",
    "proof_configuration",
    "resolve_did_key",
    "sign",
    "unsecured_document",
    "verify",
]
