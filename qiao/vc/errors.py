"""Error type and the stable error codes the library reports.

Codes are part of the public contract: the verification report, the CLI and the Django app all
carry them, so a client can react to ``EXPIRED`` without parsing an English message.
"""

from __future__ import annotations

# Input
MALFORMED_JSON = "MALFORMED_JSON"
MALFORMED_DOCUMENT = "MALFORMED_DOCUMENT"
INPUT_TOO_LARGE = "INPUT_TOO_LARGE"
CONTEXT_NOT_ALLOWED = "CONTEXT_NOT_ALLOWED"
UNSUPPORTED_CHARACTERS = "UNSUPPORTED_CHARACTERS"
# Canonicalisation (the first code is the one Data Integrity names)
DATA_LOSS_DETECTION_ERROR = "DATA_LOSS_DETECTION_ERROR"
LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
CANONICALIZATION_TIMEOUT = "CANONICALIZATION_TIMEOUT"
JSONLD_ERROR = "JSONLD_ERROR"
JCS_ERROR = "JCS_ERROR"
# Proof
PROOF_MISSING = "PROOF_MISSING"
PROOF_MALFORMED = "PROOF_MALFORMED"
PROOF_EXPIRED = "PROOF_EXPIRED"
UNKNOWN_CRYPTOSUITE = "UNKNOWN_CRYPTOSUITE"
PROOF_PURPOSE_MISMATCH = "PROOF_PURPOSE_MISMATCH"
INVALID_MULTIBASE = "INVALID_MULTIBASE"
INVALID_KEY = "INVALID_KEY"
UNKNOWN_VERIFICATION_METHOD = "UNKNOWN_VERIFICATION_METHOD"
INVALID_SIGNATURE = "INVALID_SIGNATURE"
# Credential
ISSUER_MISSING = "ISSUER_MISSING"
ISSUER_NOT_CONTROLLER = "ISSUER_NOT_CONTROLLER"
ISSUER_NOT_TRUSTED = "ISSUER_NOT_TRUSTED"
MALFORMED_DATE = "MALFORMED_DATE"
NOT_YET_VALID = "NOT_YET_VALID"
EXPIRED = "EXPIRED"
# Status (the STATUS_* codes are the ones Bitstring Status List v1.0 names)
REVOKED = "REVOKED"
SUSPENDED = "SUSPENDED"
STATUS_NOT_CHECKED = "STATUS_NOT_CHECKED"
STATUS_RETRIEVAL_ERROR = "STATUS_RETRIEVAL_ERROR"
STATUS_VERIFICATION_ERROR = "STATUS_VERIFICATION_ERROR"
STATUS_LIST_LENGTH_ERROR = "STATUS_LIST_LENGTH_ERROR"
# Trust list
TRUST_LIST_INVALID = "TRUST_LIST_INVALID"
TRUST_ANCHOR_MISMATCH = "TRUST_ANCHOR_MISMATCH"
# Command line
FILE_UNREADABLE = "FILE_UNREADABLE"
FILE_UNWRITABLE = "FILE_UNWRITABLE"
FILE_EXISTS = "FILE_EXISTS"
# A bug, reported instead of raised by verify()
INTERNAL_ERROR = "INTERNAL_ERROR"
# Success
OK = "OK"


class VcError(Exception):
    """Any failure of the library, with a stable ``code`` from this module."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class SigningError(VcError):
    """The document cannot be signed (data loss, limits, malformed input or key)."""


class InvalidKeyError(VcError):
    """A key, multibase value or key file is malformed."""
