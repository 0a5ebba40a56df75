"""Keys, Multikey encodings, did:key / did:web, controller documents, key files."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from qiao.vc import (
    InvalidKeyError,
    KeyPair,
    KeyResolver,
    VcError,
    decode_public_key_multibase,
    did_web_document_url,
    did_web_from_domain,
    methods_from_controller_document,
    resolve_did_key,
)
from qiao.vc.keys import decode_base58btc, decode_base64url, encode_base64url


def test_generated_did_key_round_trips() -> None:
    key = KeyPair.generate()
    assert key.controller.startswith("did:key:z6Mk")
    multibase = key.controller.removeprefix("did:key:")
    assert key.id == f"{key.controller}#{multibase}"
    assert key.public_key_multibase == multibase
    assert key.secret_key_multibase.startswith("z3u2")
    method = resolve_did_key(key.id)
    assert method.public_key == key.public_key
    assert method.controller == key.controller
    signature = key.sign_bytes(b"hello")
    assert method.verify(signature, b"hello")
    assert not method.verify(signature, b"hellO")


def test_did_web_identifiers() -> None:
    assert did_web_from_domain("example.org") == "did:web:example.org"
    assert did_web_from_domain("https://Example.org/") == "did:web:example.org"
    assert (
        did_web_from_domain("example.org:8443/issuers/a") == "did:web:example.org%3A8443:issuers:a"
    )
    assert did_web_document_url("did:web:example.org") == "https://example.org/.well-known/did.json"
    assert (
        did_web_document_url("did:web:example.org%3A8443:issuers:a")
        == "https://example.org:8443/issuers/a/did.json"
    )
    with pytest.raises(InvalidKeyError):
        did_web_from_domain("not a domain")


def test_did_web_key_and_controller_document() -> None:
    key = KeyPair.generate(did_web="example.org")
    assert key.controller == "did:web:example.org"
    assert key.id == "did:web:example.org#key-1"
    document = key.controller_document()
    assert document["id"] == "did:web:example.org"
    assert document["assertionMethod"] == ["did:web:example.org#key-1"]
    assert document["verificationMethod"][0] == {
        "id": "did:web:example.org#key-1",
        "type": "Multikey",
        "controller": "did:web:example.org",
        "publicKeyMultibase": key.public_key_multibase,
    }
    (method,) = methods_from_controller_document(document)
    assert method.public_key == key.public_key
    assert "assertionMethod" in method.purposes
    assert KeyResolver(documents={"did:web:example.org": document}).resolve(key.id) == method


def test_controller_document_relative_ids_and_purposes() -> None:
    key = KeyPair.generate(did_web="example.org")
    document = {
        "id": "did:web:example.org",
        "verificationMethod": [
            {"id": "#key-1", "type": "Multikey", "publicKeyMultibase": key.public_key_multibase},
            {"id": "#other", "type": "JsonWebKey", "publicKeyJwk": {}},
        ],
        "authentication": ["#key-1"],
    }
    (method,) = methods_from_controller_document(document)
    assert method.id == "did:web:example.org#key-1"
    assert method.purposes == frozenset({"authentication"})


def test_controller_document_cannot_speak_for_another_controller() -> None:
    key = KeyPair.generate(did_web="a.example")
    document = key.controller_document()
    document["verificationMethod"][0]["id"] = "did:web:b.example#key-1"
    document["verificationMethod"][0]["controller"] = "did:web:b.example"
    with pytest.raises(InvalidKeyError):
        methods_from_controller_document(document)
    document = key.controller_document()
    document["verificationMethod"][0]["controller"] = "did:web:b.example"
    with pytest.raises(InvalidKeyError):
        methods_from_controller_document(document)


def test_resolver_never_resolves_did_web_by_itself() -> None:
    with pytest.raises(VcError) as raised:
        KeyResolver().resolve("did:web:example.org#key-1")
    assert raised.value.code == "UNKNOWN_VERIFICATION_METHOD"
    assert "nothing is fetched" in raised.value.message


def test_resolver_rejects_mismatched_document_mapping() -> None:
    key = KeyPair.generate(did_web="example.org")
    with pytest.raises(InvalidKeyError):
        KeyResolver(documents={"did:web:evil.example": key.controller_document()})


def test_key_file_round_trip_and_mode(tmp_path: Path) -> None:
    key = KeyPair.generate(did_web="college.example.edu")
    path = tmp_path / "issuer.key.json"
    key.save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    data = json.loads(path.read_text())
    assert data["type"] == "QiaoKeyFile"
    assert data["controllerDocumentUrl"] == "https://college.example.edu/.well-known/did.json"
    loaded = KeyPair.load(path)
    assert loaded == key
    assert loaded.sign_bytes(b"x") == key.sign_bytes(b"x")
    with pytest.raises(FileExistsError):
        key.save(path)
    KeyPair.generate().save(path, overwrite=True)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_key_file_with_wrong_public_key_is_refused() -> None:
    data = KeyPair.generate().to_json()
    data["publicKeyMultibase"] = KeyPair.generate().public_key_multibase
    with pytest.raises(InvalidKeyError):
        KeyPair.from_json(data)


@pytest.mark.parametrize(
    "value",
    ["", "z", "6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "z0OIl", "zzzz", "uAAAA", 12],
)
def test_bad_public_key_multibase(value: object) -> None:
    with pytest.raises(InvalidKeyError) as raised:
        decode_public_key_multibase(value)  # type: ignore[arg-type]
    assert raised.value.code == "INVALID_MULTIBASE"


def test_did_key_with_wrong_fragment_or_codec() -> None:
    key = KeyPair.generate()
    other = KeyPair.generate()
    with pytest.raises(InvalidKeyError):
        resolve_did_key(f"{key.controller}#{other.public_key_multibase}")
    with pytest.raises(InvalidKeyError) as raised:
        resolve_did_key("did:key:" + key.secret_key_multibase)
    assert raised.value.code == "INVALID_MULTIBASE"


def test_multibase_helpers() -> None:
    assert decode_base58btc("z" + "1") == b"\x00"
    assert decode_base64url(encode_base64url(b"\x00\xff\x10")) == b"\x00\xff\x10"
    with pytest.raises(InvalidKeyError):
        decode_base64url("uA+/=")
