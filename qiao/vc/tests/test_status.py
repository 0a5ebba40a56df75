"""Bitstring Status List v1.0."""

from __future__ import annotations

import base64
import gzip
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qiao.vc import (
    MIN_ENTRIES,
    CredentialStatus,
    KeyPair,
    KeyResolver,
    StatusList,
    VcError,
    build_status_list_credential,
    check_status,
    sign,
    verify,
)
from qiao.vc.tests.conftest import NOW

Badge = Callable[..., dict[str, Any]]
LIST_URL = "https://college.example.edu/status/1"


def test_bit_order_is_left_most_first() -> None:
    status = StatusList()
    assert status.size == MIN_ENTRIES == 131_072
    status.set(0)
    status.set(9)
    raw = status.to_bytes()
    assert len(raw) == 16 * 1024
    assert raw[0] == 0b1000_0000
    assert raw[1] == 0b0100_0000
    assert status.get(0) and status.get(9) and not status.get(1)
    status.set(0, False)
    assert not status.get(0)


def test_encoding_is_multibase_base64url_gzip() -> None:
    status = StatusList()
    status.set(94567)
    encoded = status.encode()
    assert encoded.startswith("u") and "=" not in encoded and "+" not in encoded
    body = encoded[1:]
    raw = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    assert raw == status.to_bytes()
    assert StatusList.decode(encoded).get(94567)
    assert encoded == StatusList(bits=status.to_bytes()).encode()  # deterministic


def test_spec_example_list_decodes() -> None:
    # W3C Bitstring Status List v1.0, example "BitstringStatusListCredential": an empty list.
    empty = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
    decoded = StatusList.decode(empty)
    assert decoded.size == MIN_ENTRIES
    assert not any(decoded.to_bytes())


@settings(max_examples=100, deadline=None)
@given(st.sets(st.integers(min_value=0, max_value=MIN_ENTRIES - 1), max_size=50))
def test_set_bits_survive_encoding(indexes: set[int]) -> None:
    status = StatusList()
    for index in indexes:
        status.set(index)
    decoded = StatusList.decode(status.encode())
    raw = decoded.to_bytes()
    found = {
        i * 8 + 7 - bit for i, byte in enumerate(raw) if byte for bit in range(8) if byte >> bit & 1
    }
    assert found == indexes
    assert all(decoded.get(index) for index in indexes)


@pytest.mark.parametrize("size", [8, MIN_ENTRIES - 8, MIN_ENTRIES + 1])
def test_list_size_rules(size: int) -> None:
    with pytest.raises(ValueError):
        StatusList(size)


@pytest.mark.parametrize(
    "encoded",
    [
        "H4sI",  # no multibase prefix
        "u!!!",
        "u" + base64.urlsafe_b64encode(b"not gzip").decode().rstrip("="),
        "u" + base64.urlsafe_b64encode(gzip.compress(b"\x00" * 100, mtime=0)).decode().rstrip("="),
        # a gzip bomb: 64 MiB of zeros in a few kilobytes
        "u"
        + base64.urlsafe_b64encode(gzip.compress(b"\x00" * (64 * 1024 * 1024), mtime=0))
        .decode()
        .rstrip("="),
    ],
)
def test_bad_encoded_lists(encoded: str) -> None:
    with pytest.raises(VcError) as raised:
        StatusList.decode(encoded)
    assert raised.value.code == "STATUS_VERIFICATION_ERROR"


def test_index_out_of_range() -> None:
    with pytest.raises(VcError) as raised:
        StatusList().get(MIN_ENTRIES)
    assert raised.value.code == "STATUS_LIST_LENGTH_ERROR"


def make_list(
    key: KeyPair, revoked: list[int], purpose: str = "revocation", url: str = LIST_URL
) -> dict[str, Any]:
    status = StatusList()
    for index in revoked:
        status.set(index)
    credential = build_status_list_credential(
        id=url,
        issuer=key.controller,
        status_list=status,
        status_purpose=purpose,
        valid_from="2025-01-01T00:00:00Z",
    )
    return sign(credential, key)


def test_status_list_credential_shape(college_key: KeyPair) -> None:
    credential = make_list(college_key, [3])
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["credentialSubject"]["type"] == "BitstringStatusList"
    assert credential["credentialSubject"]["statusPurpose"] == "revocation"
    entry = CredentialStatus(LIST_URL, 3).to_json()
    assert entry == {
        "id": f"{LIST_URL}#3",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "3",
        "statusListCredential": LIST_URL,
    }
    assert check_status(entry, credential).is_set
    assert not check_status(CredentialStatus(LIST_URL, 4).to_json(), credential).is_set


@pytest.mark.parametrize(
    ("entry_changes", "list_purpose", "code"),
    [
        ({"statusPurpose": "suspension"}, "revocation", "STATUS_VERIFICATION_ERROR"),
        (
            {"statusListCredential": "https://other.example/status"},
            "revocation",
            "STATUS_VERIFICATION_ERROR",
        ),
        ({"statusListIndex": "many"}, "revocation", "STATUS_VERIFICATION_ERROR"),
        ({"statusListIndex": "-1"}, "revocation", "STATUS_LIST_LENGTH_ERROR"),
        ({"statusListIndex": str(MIN_ENTRIES)}, "revocation", "STATUS_LIST_LENGTH_ERROR"),
        ({"type": "StatusList2021Entry"}, "revocation", "STATUS_VERIFICATION_ERROR"),
    ],
)
def test_entry_mismatches(
    college_key: KeyPair, entry_changes: dict[str, Any], list_purpose: str, code: str
) -> None:
    entry = {**CredentialStatus(LIST_URL, 3).to_json(), **entry_changes}
    with pytest.raises(VcError) as raised:
        check_status(entry, make_list(college_key, [3], list_purpose))
    assert raised.value.code == code


def test_verify_with_status_lists(
    college_key: KeyPair, college_resolver: KeyResolver, badge_factory: Badge
) -> None:
    signed = sign(badge_factory(credential_status=CredentialStatus(LIST_URL, 94567)), college_key)
    clear = make_list(college_key, [1, 2])
    report = verify(signed, resolver=college_resolver, status_lists=[clear], now=NOW)
    assert report.valid
    assert report.get("credential_status").code == "OK"  # type: ignore[union-attr]
    revoked = make_list(college_key, [94567])
    report = verify(signed, resolver=college_resolver, status_lists={LIST_URL: revoked}, now=NOW)
    assert [(c.id, c.code) for c in report.failures] == [("credential_status", "REVOKED")]


def test_suspension(
    college_key: KeyPair, college_resolver: KeyResolver, badge_factory: Badge
) -> None:
    url = "https://college.example.edu/status/suspension/1"
    signed = sign(
        badge_factory(credential_status=CredentialStatus(url, 7, "suspension")), college_key
    )
    suspended = make_list(college_key, [7], "suspension", url)
    report = verify(signed, resolver=college_resolver, status_lists=[suspended], now=NOW)
    assert [(c.id, c.code) for c in report.failures] == [("credential_status", "SUSPENDED")]


def test_status_list_must_verify_and_come_from_the_issuer(
    college_key: KeyPair, college_resolver: KeyResolver, badge_factory: Badge
) -> None:
    signed = sign(badge_factory(credential_status=CredentialStatus(LIST_URL, 5)), college_key)
    forged = make_list(college_key, [])
    forged["credentialSubject"]["encodedList"] = (
        make_list(college_key, [5])["credentialSubject"]["encodedList"][:-2] + "AA"
    )
    report = verify(signed, resolver=college_resolver, status_lists=[forged], now=NOW)
    assert [(c.id, c.code) for c in report.failures] == [
        ("credential_status", "STATUS_VERIFICATION_ERROR")
    ]
    stranger = KeyPair.generate()
    other = make_list(stranger, [])
    report = verify(signed, resolver=college_resolver, status_lists=[other], now=NOW)
    assert [(c.id, c.code) for c in report.failures] == [
        ("credential_status", "STATUS_VERIFICATION_ERROR")
    ]
    assert "issued by" in report.failures[0].message
