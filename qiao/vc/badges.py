"""Building Open Badges 3.0 ``OpenBadgeCredential`` documents (unsigned; sign with ``sign``).

The shape follows the OB 3.0 specification and its context 3.0.3 on top of the W3C Verifiable
Credentials Data Model 2.0. A recipient is identified by a salted SHA-256 hash of their email
(an OB ``IdentityObject``) so the credential does not carry the address in the clear, and/or by
a DID in ``credentialSubject.id``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from qiao.vc.contexts import OB_V3, VC_V2
from qiao.vc.dates import to_datetime_string
from qiao.vc.status import CredentialStatus

# OB 3.0 AchievementType enumeration; "ext:…" values are the spec's extension mechanism.
ACHIEVEMENT_TYPES = frozenset(
    {
        "Achievement",
        "ApprenticeshipCertificate",
        "Assessment",
        "Assignment",
        "AssociateDegree",
        "Award",
        "Badge",
        "BachelorDegree",
        "Certificate",
        "CertificateOfCompletion",
        "Certification",
        "CoCurricular",
        "CommunityService",
        "Competency",
        "Course",
        "Degree",
        "Diploma",
        "DoctoralDegree",
        "Fieldwork",
        "GeneralEducationDevelopment",
        "JourneymanCertificate",
        "LearningProgram",
        "License",
        "Membership",
        "ProfessionalDoctorate",
        "QualityAssuranceCredential",
        "MasterCertificate",
        "MasterDegree",
        "MicroCredential",
        "ResearchDoctorate",
        "SecondarySchoolDiploma",
    }
)
IDENTITY_HASH_PREFIX = "sha256$"
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\]*$")


def _require_iri(value: str | None, field: str) -> None:
    if value is not None and not (isinstance(value, str) and _IRI.match(value)):
        raise ValueError(f"{field} must be an absolute IRI/URL, got {value!r}")


def _require_text(value: str | None, field: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{field} must be a non-empty string")


@dataclass(frozen=True)
class IssuerProfile:
    """The issuing organisation (an OB ``Profile``); ``id`` is its DID or URL."""

    id: str
    name: str
    url: str | None = None
    image: str | None = None
    email: str | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        _require_iri(self.id, "issuer.id")
        _require_text(self.name, "issuer.name")
        _require_iri(self.url, "issuer.url")
        _require_iri(self.image, "issuer.image")

    def to_json(self) -> dict[str, Any]:
        """The ``issuer`` object."""
        data: dict[str, Any] = {"id": self.id, "type": ["Profile"], "name": self.name}
        if self.url:
            data["url"] = self.url
        if self.image:
            data["image"] = {"id": self.image, "type": "Image"}
        if self.email:
            data["email"] = self.email
        if self.description:
            data["description"] = self.description
        return data


@dataclass(frozen=True)
class Alignment:
    """Alignment of an achievement to a skill or competency framework entry."""

    target_name: str
    target_url: str
    target_code: str | None = None
    target_framework: str | None = None
    target_description: str | None = None
    target_type: str | None = None

    def __post_init__(self) -> None:
        _require_text(self.target_name, "alignment.targetName")
        _require_iri(self.target_url, "alignment.targetUrl")

    def to_json(self) -> dict[str, Any]:
        """The ``Alignment`` object."""
        data: dict[str, Any] = {
            "type": ["Alignment"],
            "targetName": self.target_name,
            "targetUrl": self.target_url,
        }
        if self.target_code:
            data["targetCode"] = self.target_code
        if self.target_framework:
            data["targetFramework"] = self.target_framework
        if self.target_description:
            data["targetDescription"] = self.target_description
        if self.target_type:
            data["targetType"] = self.target_type
        return data


@dataclass(frozen=True)
class Achievement:
    """What was achieved: a certification, a course, … (OB ``Achievement``)."""

    id: str
    name: str
    description: str
    criteria_narrative: str
    achievement_type: str = "Certification"
    alignments: tuple[Alignment, ...] = ()
    in_language: str | None = None
    image: str | None = None
    human_code: str | None = None
    field_of_study: str | None = None
    criteria_id: str | None = None

    def __post_init__(self) -> None:
        _require_iri(self.id, "achievement.id")
        _require_text(self.name, "achievement.name")
        _require_text(self.description, "achievement.description")
        _require_text(self.criteria_narrative, "achievement.criteria.narrative")
        if self.achievement_type not in ACHIEVEMENT_TYPES and not (
            isinstance(self.achievement_type, str) and self.achievement_type.startswith("ext:")
        ):
            raise ValueError(
                f"achievementType {self.achievement_type!r} is not an OB 3.0 type (or 'ext:…')"
            )
        _require_iri(self.image, "achievement.image")
        _require_iri(self.criteria_id, "achievement.criteria.id")
        if self.in_language is not None and not re.fullmatch(
            r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", self.in_language
        ):
            raise ValueError(f"inLanguage {self.in_language!r} is not a BCP 47 language tag")

    def to_json(self) -> dict[str, Any]:
        """The ``achievement`` object."""
        criteria: dict[str, Any] = {"narrative": self.criteria_narrative}
        if self.criteria_id:
            criteria = {"id": self.criteria_id, **criteria}
        data: dict[str, Any] = {
            "id": self.id,
            "type": ["Achievement"],
            "achievementType": self.achievement_type,
            "name": self.name,
            "description": self.description,
            "criteria": criteria,
        }
        if self.alignments:
            data["alignment"] = [alignment.to_json() for alignment in self.alignments]
        if self.in_language:
            data["inLanguage"] = self.in_language
        if self.image:
            data["image"] = {"id": self.image, "type": "Image"}
        if self.human_code:
            data["humanCode"] = self.human_code
        if self.field_of_study:
            data["fieldOfStudy"] = self.field_of_study
        return data


def normalize_email(email: str) -> str:
    """Trimmed, lower-cased email: what Qiao hashes, so case does not break matching."""
    return email.strip().lower()


def hash_identity(identity: str, salt: str) -> str:
    """OB identity hash: ``"sha256$" + hex(sha256(identity + salt))``."""
    digest = hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()
    return IDENTITY_HASH_PREFIX + digest


def email_identity(email: str, *, salt: str | None = None) -> dict[str, Any]:
    """OB ``IdentityObject`` for an email: hashed with a random (or given) salt."""
    _require_text(email, "recipient email")
    salt = salt if salt is not None else secrets.token_hex(16)
    return {
        "type": "IdentityObject",
        "identityHash": hash_identity(normalize_email(email), salt),
        "identityType": "emailAddress",
        "hashed": True,
        "salt": salt,
    }


def identity_matches(identity: Mapping[str, Any], email: str) -> bool:
    """True if the ``IdentityObject`` identifies ``email``.

    Hashed identities are checked for the normalised email and, for credentials from issuers
    that do not normalise, the email as given; plaintext ones are compared case-insensitively.
    """
    if not isinstance(identity, Mapping) or identity.get("identityType") != "emailAddress":
        return False
    stored = identity.get("identityHash")
    if not isinstance(stored, str):
        return False
    if identity.get("hashed") is not True:
        return normalize_email(stored) == normalize_email(email)
    salt = identity.get("salt", "")
    if not isinstance(salt, str):
        return False
    candidates = {normalize_email(email), email}
    return any(
        hmac.compare_digest(hash_identity(candidate, salt).lower(), stored.lower())
        for candidate in candidates
    )


def build_open_badge(
    *,
    id: str,
    issuer: IssuerProfile,
    achievement: Achievement,
    valid_from: datetime | str,
    recipient_email: str | None = None,
    recipient_identity: Mapping[str, Any] | None = None,
    recipient_id: str | None = None,
    valid_until: datetime | str | None = None,
    credential_status: CredentialStatus | None = None,
    name: str | None = None,
    description: str | None = None,
    awarded_date: datetime | str | None = None,
    salt: str | None = None,
) -> dict[str, Any]:
    """An unsigned ``OpenBadgeCredential``.

    The recipient is ``recipient_email`` (hashed here, with ``salt`` or a random one), a
    prepared ``recipient_identity`` (from ``email_identity``), and/or ``recipient_id`` (a DID);
    at least one is required. ``name`` defaults to the achievement's name. Raises ``ValueError``
    naming the offending field.
    """
    _require_iri(id, "id")
    _require_iri(recipient_id, "recipient_id")
    if recipient_email is not None and recipient_identity is not None:
        raise ValueError("give recipient_email or recipient_identity, not both")
    identity = (
        email_identity(recipient_email, salt=salt)
        if recipient_email is not None
        else (dict(recipient_identity) if recipient_identity is not None else None)
    )
    if identity is None and recipient_id is None:
        raise ValueError("a recipient is required: recipient_email, recipient_identity or _id")
    subject: dict[str, Any] = {}
    if recipient_id:
        subject["id"] = recipient_id
    subject["type"] = ["AchievementSubject"]
    if identity is not None:
        subject["identifier"] = [identity]
    subject["achievement"] = achievement.to_json()
    credential: dict[str, Any] = {
        "@context": [VC_V2, OB_V3],
        "id": id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name if name is not None else achievement.name,
    }
    if description:
        credential["description"] = description
    credential["issuer"] = issuer.to_json()
    credential["validFrom"] = to_datetime_string(valid_from)
    if valid_until is not None:
        credential["validUntil"] = to_datetime_string(valid_until)
    if awarded_date is not None:
        credential["awardedDate"] = to_datetime_string(awarded_date)
    credential["credentialSubject"] = subject
    if credential_status is not None:
        credential["credentialStatus"] = credential_status.to_json()
    return credential
