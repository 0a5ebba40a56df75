"""The Open Badges 3.0 builder and recipient identity hashing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest

from qiao.vc import (
    Achievement,
    Alignment,
    IssuerProfile,
    KeyPair,
    build_open_badge,
    canonicalize_rdfc,
    email_identity,
    hash_identity,
    identity_matches,
)

Badge = Callable[..., dict[str, Any]]


def test_shape(badge_factory: Badge) -> None:
    badge = badge_factory()
    assert badge["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert badge["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert badge["issuer"]["type"] == ["Profile"]
    assert badge["issuer"]["image"] == {
        "id": "https://college.example.edu/logo.png",
        "type": "Image",
    }
    subject = badge["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["achievementType"] == "Certification"
    assert achievement["criteria"] == {
        "narrative": "Passed the HCIA-Datacom exam with at least 600/1000."
    }
    assert achievement["alignment"][0] == {
        "type": ["Alignment"],
        "targetName": "IP routing",
        "targetUrl": "https://skills.example.edu/skills/net-01",
        "targetCode": "NET-01",
        "targetFramework": "Qiao skills",
    }
    assert achievement["inLanguage"] == "zh-CN"
    assert badge["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert badge["name"] == "HCIA-Datacom"


def test_every_term_is_defined_by_the_contexts(badge_factory: Badge) -> None:
    # Canonicalisation refuses undefined terms, so this proves the builder stays in vocabulary.
    badge = badge_factory(
        recipient_id="did:example:learner",
        description="Awarded by the joint certification centre",
        awarded_date="2025-07-01T00:00:00Z",
        achievement=Achievement(
            id="https://college.example.edu/achievements/course-5g",
            achievement_type="Course",
            name="5G basics",
            description="Co-developed course",
            criteria_narrative="Attend and pass",
            criteria_id="https://college.example.edu/achievements/course-5g/criteria",
            image="https://college.example.edu/5g.png",
            human_code="5G-101",
            field_of_study="Telecommunications",
            alignments=(
                Alignment(
                    "Radio",
                    "https://skills.example.edu/radio",
                    target_description="d",
                    target_type="CFItem",
                ),
            ),
        ),
        issuer=IssuerProfile(
            id="did:web:college.example.edu",
            name="C",
            url="https://c.example",
            email="office@college.example.edu",
            description="A college",
        ),
    )
    assert "identityHash" in canonicalize_rdfc(badge)


def test_identity_hash() -> None:
    identity = email_identity("Student@Example.com ", salt="pepper")
    expected = hashlib.sha256(b"student@example.compepper").hexdigest()
    assert identity == {
        "type": "IdentityObject",
        "identityHash": f"sha256${expected}",
        "identityType": "emailAddress",
        "hashed": True,
        "salt": "pepper",
    }
    assert hash_identity("student@example.com", "pepper") == f"sha256${expected}"
    assert identity_matches(identity, "student@example.com")
    assert identity_matches(identity, " STUDENT@example.COM")
    assert not identity_matches(identity, "other@example.com")


def test_identity_from_an_issuer_that_does_not_normalise() -> None:
    identity = {
        "type": "IdentityObject",
        "identityType": "emailAddress",
        "hashed": True,
        "salt": "s",
        "identityHash": hash_identity("Mixed@Example.com", "s"),
    }
    assert identity_matches(identity, "Mixed@Example.com")
    plain = {
        "type": "IdentityObject",
        "identityType": "emailAddress",
        "hashed": False,
        "identityHash": "Someone@Example.com",
    }
    assert identity_matches(plain, "someone@example.com")
    assert not identity_matches({"identityType": "name", "hashed": False, "identityHash": "x"}, "x")


def test_random_salts_differ() -> None:
    first, second = email_identity("a@example.com"), email_identity("a@example.com")
    assert first["salt"] != second["salt"]
    assert first["identityHash"] != second["identityHash"]


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (lambda: IssuerProfile(id="college", name="C"), "issuer.id"),
        (lambda: IssuerProfile(id="did:web:c.example", name=" "), "issuer.name"),
        (lambda: Alignment("x", "not a url"), "targetUrl"),
        (
            lambda: Achievement(
                id="urn:a",
                name="n",
                description="d",
                criteria_narrative="c",
                achievement_type="Trophy",
            ),
            "achievementType",
        ),
        (
            lambda: Achievement(
                id="urn:a",
                name="n",
                description="d",
                criteria_narrative="c",
                in_language="chinese please",
            ),
            "inLanguage",
        ),
        (
            lambda: Achievement(id="urn:a", name="n", description="", criteria_narrative="c"),
            "description",
        ),
    ],
)
def test_validation_names_the_field(factory: Callable[[], Any], field: str) -> None:
    with pytest.raises(ValueError, match=field):
        factory()


def test_extension_achievement_type() -> None:
    assert (
        Achievement(
            id="urn:a",
            name="n",
            description="d",
            criteria_narrative="c",
            achievement_type="ext:OrderClass",
        ).to_json()["achievementType"]
        == "ext:OrderClass"
    )


def test_recipient_is_required(college_key: KeyPair, badge_factory: Badge) -> None:
    with pytest.raises(ValueError, match="recipient"):
        badge_factory(recipient_email=None)
    with pytest.raises(ValueError, match="not both"):
        badge_factory(recipient_identity=email_identity("a@example.com"))
    badge = badge_factory(recipient_email=None, recipient_id="did:example:learner")
    assert badge["credentialSubject"]["id"] == "did:example:learner"
    assert "identifier" not in badge["credentialSubject"]


def test_build_with_prepared_identity(college_key: KeyPair) -> None:
    identity = email_identity("a@example.com", salt="x")
    badge = build_open_badge(
        id="urn:uuid:1",
        issuer=IssuerProfile(id=college_key.controller, name="C"),
        achievement=Achievement(id="urn:a", name="n", description="d", criteria_narrative="c"),
        valid_from="2025-01-01T00:00:00Z",
        recipient_identity=identity,
    )
    assert badge["credentialSubject"]["identifier"] == [identity]
    assert "validUntil" not in badge and "credentialStatus" not in badge
