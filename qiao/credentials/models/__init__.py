"""Credentials: issuers and keys, achievements and assessments, issued credentials."""

from qiao.credentials.models.achievements import (
    OB_ACHIEVEMENT_TYPES,
    Achievement,
    AchievementKind,
    CertificationScheme,
    ExamCandidate,
    ExamResult,
    ExamSession,
)
from qiao.credentials.models.credentials import (
    IMMUTABLE_COLUMNS,
    STATUS_FIELDS,
    Credential,
    CredentialState,
    ImmutableCredentialError,
    ShareLink,
)
from qiao.credentials.models.issuers import (
    Issuer,
    PublishedDocument,
    SigningKey,
    StatusList,
    StatusPurpose,
)

__all__ = [
    "IMMUTABLE_COLUMNS",
    "OB_ACHIEVEMENT_TYPES",
    "STATUS_FIELDS",
    "Achievement",
    "AchievementKind",
    "CertificationScheme",
    "Credential",
    "CredentialState",
    "ExamCandidate",
    "ExamResult",
    "ExamSession",
    "ImmutableCredentialError",
    "Issuer",
    "PublishedDocument",
    "ShareLink",
    "SigningKey",
    "StatusList",
    "StatusPurpose",
]
