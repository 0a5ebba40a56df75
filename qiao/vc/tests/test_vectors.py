"""External oracles: the W3C vc-di-eddsa test vectors and the 1EdTech OB 3.0 example."""

from __future__ import annotations

import hashlib
import json

import base58
import pytest

from qiao.vc import (
    KeyPair,
    KeyResolver,
    VerificationMethod,
    decode_public_key_multibase,
    proof_artifacts,
    proof_configuration,
    sign,
    unsecured_document,
    verify,
)
from qiao.vc.tests.conftest import NOW, OB3, W3C, load

SUITES = [
    ("eddsa-rdfc-2022", "eddsa-rdfc-2022", "DataInt"),
    ("eddsa-jcs-2022", "eddsa-jcs-2022", "JCS"),
]
CREATED = "2023-02-24T23:36:38Z"


def text(path: str) -> str:
    return (W3C / path).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def w3c_key() -> KeyPair:
    return KeyPair.from_json(load(W3C / "keyPair.json"))


def test_w3c_key_pair_decodes(w3c_key: KeyPair) -> None:
    pair = load(W3C / "keyPair.json")
    assert w3c_key.public_key_multibase == pair["publicKeyMultibase"]
    assert w3c_key.secret_key_multibase == pair["privateKeyMultibase"]
    assert w3c_key.id == (
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
        "#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    )


@pytest.mark.parametrize(("suite", "folder", "suffix"), SUITES)
def test_w3c_proof_configuration(suite: str, folder: str, suffix: str, w3c_key: KeyPair) -> None:
    signed = sign(load(W3C / "unsigned.json"), w3c_key, cryptosuite=suite, created=CREATED)
    config = proof_configuration(signed["proof"], unsecured_document(signed))
    assert config == load(W3C / folder / f"proofConfig{suffix}.json")


@pytest.mark.parametrize(("suite", "folder", "suffix"), SUITES)
def test_w3c_intermediate_values(suite: str, folder: str, suffix: str, w3c_key: KeyPair) -> None:
    unsigned = load(W3C / "unsigned.json")
    artifacts = proof_artifacts(unsigned, load(W3C / folder / f"proofConfig{suffix}.json"))
    assert artifacts.canonical_document == text(f"{folder}/canonDoc{suffix}.txt")
    assert artifacts.canonical_proof_config == text(f"{folder}/proofCanon{suffix}.txt")
    assert artifacts.document_hash.hex() == text(f"{folder}/docHash{suffix}.txt").strip()
    assert artifacts.proof_config_hash.hex() == text(f"{folder}/proofHash{suffix}.txt").strip()
    assert artifacts.hash_data.hex() == text(f"{folder}/combinedHash{suffix}.txt").strip()
    signature = w3c_key.sign_bytes(artifacts.hash_data)
    assert signature.hex() == text(f"{folder}/sigHex{suffix}.txt").strip()
    assert (
        "z" + base58.b58encode(signature).decode() == text(f"{folder}/sigBTC58{suffix}.txt").strip()
    )


@pytest.mark.parametrize(("suite", "folder", "suffix"), SUITES)
def test_w3c_signed_document_is_reproduced_exactly(
    suite: str, folder: str, suffix: str, w3c_key: KeyPair
) -> None:
    signed = sign(load(W3C / "unsigned.json"), w3c_key, cryptosuite=suite, created=CREATED)
    assert signed == load(W3C / folder / f"signed{suffix}.json")
    # Same keys in the same order: the file's own text comes back byte for byte.
    assert json.dumps(signed, indent=2) == text(f"{folder}/signed{suffix}.json").rstrip("\n")
    assert signed["proof"]["proofValue"] == text(f"{folder}/sigBTC58{suffix}.txt").strip()


@pytest.mark.parametrize(("suite", "folder", "suffix"), SUITES)
def test_w3c_signed_document_verifies_signature_only(suite: str, folder: str, suffix: str) -> None:
    report = verify(load(W3C / folder / f"signed{suffix}.json"), signature_only=True, now=NOW)
    assert report.valid, report.to_json()
    assert report.cryptosuite == suite
    assert report.get("signature") is not None
    assert report.get("issuer_matches_controller") is None


@pytest.mark.parametrize(("suite", "folder", "suffix"), SUITES)
def test_w3c_vectors_fail_full_verification_on_controller(
    suite: str, folder: str, suffix: str
) -> None:
    # The vectors sign as a did:key for issuer https://vc.example/issuers/5678 on purpose.
    report = verify(load(W3C / folder / f"signed{suffix}.json"), now=NOW)
    assert not report.valid
    assert [check.id for check in report.failures] == ["issuer_matches_controller"]
    assert report.get("signature").ok  # type: ignore[union-attr]
    assert report.get("issuer_matches_controller").code == "ISSUER_NOT_CONTROLLER"  # type: ignore[union-attr]


# --------------------------------------------------------------------------- 1EdTech OB 3.0


@pytest.fixture(scope="module")
def ob3() -> dict[str, str]:
    return load(OB3 / "ob3-impl-guide-key-and-hashes.json")


@pytest.fixture(scope="module")
def ob3_key(ob3: dict[str, str]) -> KeyPair:
    signed = load(OB3 / "ob3-impl-guide-signed.json")
    return KeyPair.from_seed(
        bytes.fromhex(ob3["privateKeySeedHex"]),
        controller=signed["issuer"]["id"],
        key_id=signed["proof"]["verificationMethod"],
    )


def test_ob3_key_matches(ob3: dict[str, str], ob3_key: KeyPair) -> None:
    assert ob3_key.public_key.hex() == ob3["publicKeyHex"]
    assert ob3_key.public_key_multibase == ob3["publicKeyMultibase"]
    assert decode_public_key_multibase(ob3["publicKeyMultibase"]).hex() == ob3["publicKeyHex"]


def test_ob3_sign_unsigned_form_gives_exact_proof_value(
    ob3: dict[str, str], ob3_key: KeyPair
) -> None:
    published = load(OB3 / "ob3-impl-guide-signed.json")
    unsigned = unsecured_document(published)
    signed = sign(unsigned, ob3_key, created=published["proof"]["created"])
    assert signed["proof"]["proofValue"] == ob3["proofValue"]
    assert signed == published  # same proof options, same keys: the same document
    artifacts = proof_artifacts(unsigned, proof_configuration(signed["proof"], unsigned))
    assert artifacts.document_hash.hex() == ob3["documentHashHex"]
    assert artifacts.proof_config_hash.hex() == ob3["proofConfigHashHex"]
    assert ob3_key.sign_bytes(artifacts.hash_data).hex() == ob3["signatureHex"]
    assert (
        hashlib.sha256(artifacts.canonical_document.encode()).hexdigest() == ob3["documentHashHex"]
    )


def test_ob3_signed_form_verifies(ob3_key: KeyPair) -> None:
    published = load(OB3 / "ob3-impl-guide-signed.json")
    method = VerificationMethod(
        id=ob3_key.id, controller=ob3_key.controller, public_key=ob3_key.public_key
    )
    report = verify(published, resolver=KeyResolver(methods=[method]), now=NOW)
    assert report.valid, report.to_json()
    assert report.get("issuer_matches_controller").ok  # type: ignore[union-attr]


def test_ob3_signed_form_needs_its_key() -> None:
    # https://example.edu/…#z6Mk… is not a did:key: it is resolved only from what we are given.
    report = verify(load(OB3 / "ob3-impl-guide-signed.json"), now=NOW)
    assert not report.valid
    assert report.failures[0].id == "verification_method"
    assert report.failures[0].code == "UNKNOWN_VERIFICATION_METHOD"


def test_ob3_tampered_fails_on_signature(ob3_key: KeyPair) -> None:
    published = load(OB3 / "ob3-impl-guide-signed.json")
    published["credentialSubject"]["achievement"]["name"] = "Teamwork!"
    method = ob3_key.verification_method()
    report = verify(published, resolver=KeyResolver(methods=[method]), now=NOW)
    assert not report.valid
    assert [check.id for check in report.failures] == ["signature"]
