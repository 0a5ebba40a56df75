"""Trust lists: building, signing, loading, anchoring, and their use in verification."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from qiao.vc import (
    EDDSA_JCS_2022,
    KeyPair,
    TrustedIssuer,
    VcError,
    build_trust_list,
    load_trust_list,
    sign,
    verify,
)
from qiao.vc.tests.conftest import NOW, make_badge

Badge = Callable[..., dict[str, Any]]


@pytest.fixture(scope="module")
def alliance_key() -> KeyPair:
    return KeyPair.from_seed(bytes([7]) * 32, did_web="alliance.example")


def make_trust_list(alliance: KeyPair, *entries: TrustedIssuer, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": "https://alliance.example/trust-list.json",
        "name": "Example vocational education alliance",
        "issuer": alliance.controller,
        "issuer_name": "Alliance secretariat",
        "issuer_methods": [alliance.verification_method()],
        "issuers": entries,
        "valid_from": "2025-01-01T00:00:00Z",
        "valid_until": "2027-01-01T00:00:00Z",
    }
    fields.update(overrides)
    return sign(build_trust_list(**fields), alliance, cryptosuite=EDDSA_JCS_2022)


def college_entry(key: KeyPair, name: str = "Example Polytechnic") -> TrustedIssuer:
    return TrustedIssuer(
        id=key.controller,
        name=name,
        url="https://college.example.edu",
        methods=(key.verification_method(),),
    )


def test_trust_list_document_format(alliance_key: KeyPair, college_key: KeyPair) -> None:
    document = make_trust_list(alliance_key, college_entry(college_key))
    assert document["type"] == "QiaoTrustList"
    assert document["version"] == 1
    assert document["issuer"]["id"] == "did:web:alliance.example"
    assert document["issuers"][0]["verificationMethod"][0]["publicKeyMultibase"].startswith("z6Mk")
    assert document["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert "@context" not in document


def test_trusted_did_web_issuer_verifies_offline(
    alliance_key: KeyPair, college_key: KeyPair, badge_factory: Badge
) -> None:
    trust = load_trust_list(
        make_trust_list(alliance_key, college_entry(college_key)),
        anchors=[alliance_key.public_key_multibase],
        now=NOW,
    )
    assert trust.anchored
    assert trust.signed_by == "did:web:alliance.example#key-1"
    signed = sign(badge_factory(), college_key)
    report = verify(signed, trust_list=trust, now=NOW)  # no resolver: keys come from the list
    assert report.valid, report.to_json()
    assert "Example Polytechnic" in report.get("issuer_trusted").message  # type: ignore[union-attr]


def test_issuer_not_on_the_list(alliance_key: KeyPair, college_key: KeyPair) -> None:
    trust = load_trust_list(make_trust_list(alliance_key, college_entry(college_key)), now=NOW)
    assert not trust.anchored
    stranger = KeyPair.generate()
    report = verify(sign(make_badge(stranger), stranger), trust_list=trust, now=NOW)
    assert [(c.id, c.code) for c in report.failures] == [("issuer_trusted", "ISSUER_NOT_TRUSTED")]


def test_did_key_issuer_listed_without_methods(alliance_key: KeyPair) -> None:
    academy = KeyPair.generate()
    trust = load_trust_list(
        make_trust_list(alliance_key, TrustedIssuer(id=academy.controller, name="Telecom Academy")),
        now=NOW,
    )
    assert verify(sign(make_badge(academy), academy), trust_list=trust, now=NOW).valid


def test_listed_issuer_with_an_unlisted_key(alliance_key: KeyPair, college_key: KeyPair) -> None:
    trust = load_trust_list(make_trust_list(alliance_key, college_entry(college_key)), now=NOW)
    rogue = KeyPair.from_seed(bytes([9]) * 32, did_web="college.example.edu", key_name="key-2")
    report = verify(sign(make_badge(rogue), rogue), trust_list=trust, now=NOW)
    assert report.failures[0].id == "verification_method"


def test_anchor_mismatch(alliance_key: KeyPair, college_key: KeyPair) -> None:
    document = make_trust_list(alliance_key, college_entry(college_key))
    with pytest.raises(VcError) as raised:
        load_trust_list(document, anchors=[KeyPair.generate().public_key_multibase], now=NOW)
    assert raised.value.code == "TRUST_ANCHOR_MISMATCH"
    assert load_trust_list(document, anchors=["did:web:alliance.example"], now=NOW).anchored


def test_self_made_list_cannot_pass_an_anchor(alliance_key: KeyPair, college_key: KeyPair) -> None:
    # Someone copies the list, adds themselves and re-signs with their own "alliance" key.
    forger = KeyPair.from_seed(bytes([8]) * 32, did_web="alliance.example")
    forged = make_trust_list(
        forger, college_entry(college_key), college_entry(KeyPair.generate(), "Fake")
    )
    assert load_trust_list(forged, now=NOW)  # integrity holds…
    with pytest.raises(VcError) as raised:  # …authority does not
        load_trust_list(forged, anchors=[alliance_key.public_key_multibase], now=NOW)
    assert raised.value.code == "TRUST_ANCHOR_MISMATCH"


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d["issuers"][0].__setitem__("name", "Someone else"),
        lambda d: d["issuers"].append({"id": "did:key:z6Mkfake", "name": "x"}),
        lambda d: d.__setitem__("validUntil", "2099-01-01T00:00:00Z"),
        lambda d: d.pop("proof"),
        lambda d: d.__setitem__("type", "TrustList"),
    ],
)
def test_tampered_lists_are_refused(
    alliance_key: KeyPair, college_key: KeyPair, mutate: Callable[[dict[str, Any]], Any]
) -> None:
    document = copy.deepcopy(make_trust_list(alliance_key, college_entry(college_key)))
    mutate(document)
    with pytest.raises(VcError) as raised:
        load_trust_list(document, now=NOW)
    assert raised.value.code == "TRUST_LIST_INVALID"


def test_expired_list_is_refused(alliance_key: KeyPair, college_key: KeyPair) -> None:
    document = make_trust_list(
        alliance_key, college_entry(college_key), valid_until="2025-06-01T00:00:00Z"
    )
    with pytest.raises(VcError) as raised:
        load_trust_list(document, now=NOW)
    assert raised.value.code == "TRUST_LIST_INVALID"
    assert "EXPIRED" in raised.value.message


def test_entry_keys_must_belong_to_the_entry(alliance_key: KeyPair, college_key: KeyPair) -> None:
    other = KeyPair.generate(did_web="other.example")
    entry = TrustedIssuer(
        id=college_key.controller, name="C", methods=(other.verification_method(),)
    )
    with pytest.raises(VcError) as raised:
        load_trust_list(make_trust_list(alliance_key, entry), now=NOW)
    assert raised.value.code == "TRUST_LIST_INVALID"
    assert "controlled by another party" in raised.value.message
