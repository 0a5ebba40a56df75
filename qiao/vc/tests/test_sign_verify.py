"""Signing and verifying: round trips, tampering, and every kind of bad input."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qiao.vc import (
    EDDSA_JCS_2022,
    EDDSA_RDFC_2022,
    KeyPair,
    KeyResolver,
    Limits,
    SigningError,
    VerificationReport,
    sign,
    verify,
)
from qiao.vc.tests.conftest import NOW

Badge = Callable[..., dict[str, Any]]
SUITES = [EDDSA_RDFC_2022, EDDSA_JCS_2022]


def failed(report: VerificationReport) -> list[tuple[str, str]]:
    return [(check.id, check.code) for check in report.failures]


@pytest.mark.parametrize("suite", SUITES)
def test_round_trip(
    suite: str, college_key: KeyPair, college_resolver: KeyResolver, badge_factory: Badge
) -> None:
    signed = sign(badge_factory(), college_key, cryptosuite=suite, created="2025-07-01T08:00:00Z")
    assert signed["proof"]["cryptosuite"] == suite
    assert signed["proof"]["verificationMethod"] == "did:web:college.example.edu#key-1"
    report = verify(signed, resolver=college_resolver, now=NOW)
    assert report.valid, report.to_json()
    assert [check.id for check in report.checks] == [
        "input",
        "proof",
        "cryptosuite",
        "proof_purpose",
        "verification_method",
        "canonicalization",
        "signature",
        "issuer_matches_controller",
        "valid_from",
        "valid_until",
        "credential_status",
    ]
    assert report.get("credential_status").code == "STATUS_NOT_CHECKED"  # type: ignore[union-attr]
    assert report.issuer == report.controller == "did:web:college.example.edu"
    # JSON text in, same answer
    assert verify(json.dumps(signed), resolver=college_resolver, now=NOW).valid
    assert verify(json.dumps(signed).encode(), resolver=college_resolver, now=NOW).valid


def test_signing_is_deterministic(college_key: KeyPair, badge_factory: Badge) -> None:
    created = "2025-07-01T08:00:00Z"
    assert sign(badge_factory(), college_key, created=created) == sign(
        badge_factory(), college_key, created=created
    )


def test_signature_does_not_depend_on_key_order(
    college_key: KeyPair, college_resolver: KeyResolver, badge_factory: Badge
) -> None:
    signed = sign(badge_factory(), college_key)
    shuffled = json.loads(json.dumps(signed, sort_keys=True))
    assert verify(shuffled, resolver=college_resolver, now=NOW).valid


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize(
    "path",
    [
        ("name",),
        ("credentialSubject", "achievement", "name"),
        ("credentialSubject", "achievement", "criteria", "narrative"),
        ("credentialSubject", "identifier", 0, "identityHash"),
        ("credentialSubject", "achievement", "alignment", 1, "targetCode"),
        ("issuer", "name"),
        ("validUntil",),
        ("credentialStatus", "statusListIndex"),
    ],
)
def test_one_changed_character_breaks_the_signature(
    suite: str,
    path: tuple[Any, ...],
    college_key: KeyPair,
    college_resolver: KeyResolver,
    badge_factory: Badge,
) -> None:
    signed = sign(badge_factory(), college_key, cryptosuite=suite)
    tampered = copy.deepcopy(signed)
    parent = tampered
    for step in path[:-1]:
        parent = parent[step]
    value = parent[path[-1]]
    parent[path[-1]] = value[:-1] + ("0" if value[-1] != "0" else "1")
    report = verify(tampered, resolver=college_resolver, now=NOW)
    assert not report.valid
    assert ("signature", "INVALID_SIGNATURE") in failed(report)


def test_signature_by_another_key(college_key: KeyPair, badge_factory: Badge) -> None:
    signed = sign(badge_factory(), college_key)
    impostor = KeyPair.generate(did_web="college.example.edu")
    report = verify(
        signed, resolver=KeyResolver(documents=[impostor.controller_document()]), now=NOW
    )
    assert failed(report) == [("signature", "INVALID_SIGNATURE")]


def test_issuer_must_control_the_key(badge_factory: Badge) -> None:
    stranger = KeyPair.generate()
    signed = sign(badge_factory(), stranger)  # issuer is the college, key is someone's did:key
    report = verify(signed, now=NOW)
    assert failed(report) == [("issuer_matches_controller", "ISSUER_NOT_CONTROLLER")]
    assert verify(signed, now=NOW, signature_only=True).valid


def test_missing_issuer(college_key: KeyPair) -> None:
    key = KeyPair.generate()
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:s"},
    }
    report = verify(sign(doc, key), now=NOW)
    assert failed(report) == [("issuer_matches_controller", "ISSUER_MISSING")]


def test_expired_and_not_yet_valid(
    college_key: KeyPair, college_resolver: KeyResolver, badge_factory: Badge
) -> None:
    expired = sign(
        badge_factory(valid_from="2020-01-01T00:00:00Z", valid_until="2021-01-01T00:00:00Z"),
        college_key,
    )
    assert failed(verify(expired, resolver=college_resolver, now=NOW)) == [
        ("valid_until", "EXPIRED")
    ]
    future = sign(
        badge_factory(valid_from="2030-01-01T00:00:00Z", valid_until="2031-01-01T00:00:00Z"),
        college_key,
    )
    assert failed(verify(future, resolver=college_resolver, now=NOW)) == [
        ("valid_from", "NOT_YET_VALID")
    ]
    assert verify(future, resolver=college_resolver, now=NOW, signature_only=True).valid


def test_proof_expiry(
    college_key: KeyPair, college_resolver: KeyResolver, badge_factory: Badge
) -> None:
    signed = sign(badge_factory(), college_key, expires="2025-12-31T00:00:00Z")
    assert failed(verify(signed, resolver=college_resolver, now=NOW)) == [
        ("proof_expires", "PROOF_EXPIRED")
    ]


def test_wrong_proof_purpose(
    college_key: KeyPair, college_resolver: KeyResolver, badge_factory: Badge
) -> None:
    signed = sign(badge_factory(), college_key, proof_purpose="authentication")
    report = verify(signed, resolver=college_resolver, now=NOW)
    assert ("proof_purpose", "PROOF_PURPOSE_MISMATCH") in failed(report)
    # The key must also be authorised for the purpose asked for.
    document = college_key.controller_document()
    document["assertionMethod"] = []
    report = verify(
        sign(badge_factory(), college_key), resolver=KeyResolver(documents=[document]), now=NOW
    )
    assert failed(report) == [("verification_method", "PROOF_PURPOSE_MISMATCH")]


def mutate_proof(signed: dict[str, Any], **changes: Any) -> dict[str, Any]:
    result = copy.deepcopy(signed)
    for key, value in changes.items():
        if value is None:
            del result["proof"][key]
        else:
            result["proof"][key] = value
    return result


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"cryptosuite": "ecdsa-rdfc-2019"}, ("cryptosuite", "UNKNOWN_CRYPTOSUITE")),
        ({"type": "Ed25519Signature2020"}, ("proof", "PROOF_MALFORMED")),
        ({"proofValue": None}, ("proof", "PROOF_MALFORMED")),
        ({"proofValue": "not-multibase"}, ("proof", "INVALID_MULTIBASE")),
        ({"proofValue": "z0OIl"}, ("proof", "INVALID_MULTIBASE")),
        ({"proofValue": "zabc"}, ("proof", "INVALID_MULTIBASE")),
        ({"proofValue": 42}, ("proof", "PROOF_MALFORMED")),
        ({"created": "yesterday"}, ("proof", "PROOF_MALFORMED")),
        (
            {"verificationMethod": "did:key:zNotAKey#zNotAKey"},
            ("verification_method", "INVALID_MULTIBASE"),
        ),
        (
            {"verificationMethod": "did:web:unknown.example#key-1"},
            ("verification_method", "UNKNOWN_VERIFICATION_METHOD"),
        ),
        ({"verificationMethod": ["x"]}, ("proof", "PROOF_MALFORMED")),
    ],
)
def test_bad_proofs(
    changes: dict[str, Any],
    expected: tuple[str, str],
    college_key: KeyPair,
    college_resolver: KeyResolver,
    badge_factory: Badge,
) -> None:
    signed = sign(badge_factory(), college_key)
    report = verify(mutate_proof(signed, **changes), resolver=college_resolver, now=NOW)
    assert not report.valid
    assert failed(report) == [expected]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (b"{not json", ("input", "MALFORMED_JSON")),
        ("", ("input", "MALFORMED_JSON")),
        (b"\xff\xfe\x00", ("input", "MALFORMED_JSON")),
        ("[1, 2]", ("input", "MALFORMED_DOCUMENT")),
        ('"a string"', ("input", "MALFORMED_DOCUMENT")),
        ('{"a": NaN}', ("input", "MALFORMED_JSON")),
        ('{"a": 1, "a": 2}', ("input", "MALFORMED_JSON")),
        ("[" * 100_000 + "]" * 100_000, ("input", "MALFORMED_JSON")),
        ({"name": "no proof"}, ("proof", "PROOF_MISSING")),
        ({"proof": "yes"}, ("proof", "PROOF_MALFORMED")),
        ({"proof": [{}, {}]}, ("proof", "PROOF_MALFORMED")),
        ({"proof": None}, ("proof", "PROOF_MALFORMED")),
        ({1: "non-string key"}, ("input", "MALFORMED_DOCUMENT")),
        ({"x": {1, 2}}, ("input", "MALFORMED_DOCUMENT")),
        ({"x": float("inf")}, ("input", "MALFORMED_DOCUMENT")),
    ],
)
def test_hostile_inputs_become_reports(document: Any, expected: tuple[str, str]) -> None:
    report = verify(document, now=NOW)
    assert not report.valid
    assert failed(report) == [expected]


def test_too_large_input() -> None:
    report = verify("{" + '"a": "' + "x" * 2_000_000 + '"}')
    assert failed(report) == [("input", "INPUT_TOO_LARGE")]
    report = verify({"a": "x" * 5000}, limits=Limits(max_bytes=1000))
    assert failed(report) == [("input", "INPUT_TOO_LARGE")]


def test_deeply_nested_input(college_key: KeyPair) -> None:
    deep: Any = "leaf"
    for _ in range(200):
        deep = [deep]
    assert failed(verify({"proof": {}, "x": deep})) == [("input", "LIMIT_EXCEEDED")]


def test_wrong_types_in_a_credential(
    college_key: KeyPair, college_resolver: KeyResolver, badge_factory: Badge
) -> None:
    badge = badge_factory()
    badge["validFrom"] = 20250701
    signed = sign(badge, college_key)
    report = verify(signed, resolver=college_resolver, now=NOW)
    assert failed(report) == [("valid_from", "MALFORMED_DATE")]


def test_sign_refuses_bad_documents(college_key: KeyPair, badge_factory: Badge) -> None:
    with pytest.raises(SigningError) as raised:
        sign(badge_factory(), college_key, cryptosuite="rsa-2048")
    assert raised.value.code == "UNKNOWN_CRYPTOSUITE"
    with pytest.raises(SigningError) as raised:
        sign(sign(badge_factory(), college_key), college_key)
    assert raised.value.code == "PROOF_MALFORMED"
    with pytest.raises(SigningError) as raised:
        sign([1, 2], college_key)  # type: ignore[arg-type]
    assert raised.value.code == "MALFORMED_DOCUMENT"
    with pytest.raises(SigningError) as raised:
        sign(badge_factory(), college_key, created="soon")
    assert raised.value.code == "MALFORMED_DATE"


def test_jcs_signs_documents_without_context(college_key: KeyPair) -> None:
    doc = {"type": "Minutes", "issuer": college_key.controller, "items": [1, 2.5, "三"], "ok": True}
    signed = sign(doc, college_key, cryptosuite=EDDSA_JCS_2022)
    assert "@context" not in signed["proof"]
    resolver = KeyResolver(documents=[college_key.controller_document()])
    assert verify(signed, resolver=resolver, now=NOW).valid
    signed["items"][1] = 2.50000001
    assert failed(verify(signed, resolver=resolver, now=NOW)) == [
        ("signature", "INVALID_SIGNATURE")
    ]


def test_jcs_proof_context_must_prefix_document_context(
    college_key: KeyPair, college_resolver: KeyResolver, badge_factory: Badge
) -> None:
    signed = sign(badge_factory(), college_key, cryptosuite=EDDSA_JCS_2022)
    signed["proof"]["@context"] = ["https://www.w3.org/ns/credentials/examples/v2"]
    assert failed(verify(signed, resolver=college_resolver, now=NOW)) == [
        ("proof", "PROOF_MALFORMED")
    ]


def test_single_proof_in_a_list_is_accepted(
    college_key: KeyPair, college_resolver: KeyResolver, badge_factory: Badge
) -> None:
    signed = sign(badge_factory(), college_key)
    signed["proof"] = [signed["proof"]]
    assert verify(signed, resolver=college_resolver, now=NOW).valid


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.sampled_from(
                [
                    "@context",
                    "proof",
                    "type",
                    "id",
                    "issuer",
                    "cryptosuite",
                    "proofValue",
                    "verificationMethod",
                    "proofPurpose",
                    "x",
                ]
            )
            | st.text(max_size=5),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_verify_never_raises_on_arbitrary_json(value: Any) -> None:
    report = verify(value, now=NOW)
    assert not report.valid
    assert all(check.code for check in report.checks)
    json.dumps(report.to_json())
    assert report.get("internal") is None, report.to_json()


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=200)
    | st.text(max_size=200)
    | st.text(st.characters(categories=["Cs", "Cc", "Ll", "Po"]), max_size=50).map(
        lambda text: '{"proof": "' + text + '"}'
    )
)
def test_verify_never_raises_on_arbitrary_text(value: bytes | str) -> None:
    report = verify(value, now=NOW)
    assert not report.valid
    assert report.get("internal") is None


def test_naive_now_is_taken_as_utc(
    college_key: KeyPair, college_resolver: KeyResolver, badge_factory: Badge
) -> None:
    signed = sign(badge_factory(), college_key)
    assert verify(signed, resolver=college_resolver, now=NOW.replace(tzinfo=None)).valid


def test_many_status_entries_share_one_list_verification(
    college_key: KeyPair, college_resolver: KeyResolver, badge_factory: Badge
) -> None:
    from qiao.vc import CredentialStatus, StatusList, build_status_list_credential

    url = "https://college.example.edu/status/1"
    badge = badge_factory()
    badge["credentialStatus"] = [CredentialStatus(url, i).to_json() for i in range(40)]
    signed = sign(badge, college_key)
    status = StatusList()
    status.set(39)
    status_list = sign(
        build_status_list_credential(id=url, issuer=college_key.controller, status_list=status),
        college_key,
    )
    report = verify(signed, resolver=college_resolver, status_lists=[status_list], now=NOW)
    statuses = [check for check in report.checks if check.id == "credential_status"]
    assert len(statuses) == 40
    assert [check.code for check in report.failures] == ["REVOKED"]


def test_lone_surrogates_are_malformed_not_internal_errors() -> None:
    for value in ('{"a": "\ud800"}', '{"a": "\\ud800"}', {"a": "\udfff"}, {"\ud800": 1}):
        report = verify(value, now=NOW)
        assert [(c.id, c.code) for c in report.failures] == [("input", "MALFORMED_DOCUMENT")]
