"""JSON-LD processing: pinned contexts only, no network, data-loss detection, limits."""

from __future__ import annotations

import hashlib
import json
import time
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld as pyld_jsonld

from qiao.vc import (
    KeyPair,
    Limits,
    SigningError,
    VcError,
    canonicalize_rdfc,
    document_loader,
    expand,
    sign,
    verify,
)
from qiao.vc.contexts import PINNED_CONTEXTS
from qiao.vc.rdf import _FAST_PATH, _Deadline, _expand_checked, pinned_context
from qiao.vc.tests.conftest import NOW, W3C, load, make_badge

SHARED_CONTEXTS = Path("/work/shared/vectors/contexts")
CTX = ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"]


def minimal(**extra: Any) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:subject"},
        **extra,
    }


def test_pinned_files_match_recorded_hashes() -> None:
    folder = resources.files("qiao.vc.contexts")
    for filename, digest in PINNED_CONTEXTS.values():
        data = folder.joinpath(filename).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest
        shared = SHARED_CONTEXTS / filename
        if shared.exists():  # byte-identical to the reference copy when it is around
            assert shared.read_bytes() == data


def test_fast_path_is_active() -> None:
    # If PyLD's internals change, the library falls back to the public API (slower): notice it.
    assert _FAST_PATH


def test_loader_serves_pinned_and_refuses_everything_else() -> None:
    remote = document_loader("https://www.w3.org/ns/credentials/v2", {})
    assert remote["document"]["@context"]["@protected"] is True
    with pytest.raises(VcError) as raised:
        document_loader("https://evil.example/context.jsonld", {})
    assert raised.value.code == "CONTEXT_NOT_ALLOWED"
    assert "nothing is fetched" in raised.value.message


def test_unpinned_context_in_document_is_refused_before_pyld() -> None:
    doc = minimal()
    doc["@context"] = ["https://www.w3.org/ns/credentials/v2", "https://evil.example/ctx"]
    with pytest.raises(VcError) as raised:
        canonicalize_rdfc(doc)
    assert raised.value.code == "CONTEXT_NOT_ALLOWED"


def test_unpinned_context_reaching_pyld_is_refused_by_the_loader() -> None:
    # Bypass the structural check to show the loader itself refuses, with the same code.
    doc = minimal()
    doc["@context"] = ["https://evil.example/ctx"]
    with pytest.raises(VcError) as raised:
        _expand_checked(doc, _Deadline(5))
    assert raised.value.code == "CONTEXT_NOT_ALLOWED"


@pytest.mark.parametrize(
    "context",
    [
        {"@vocab": "https://evil.example/#"},
        ["https://www.w3.org/ns/credentials/v2", {"name": "https://evil.example/name"}],
        [],
    ],
)
def test_inline_contexts_are_refused(context: Any) -> None:
    doc = minimal()
    doc["@context"] = context
    with pytest.raises(VcError) as raised:
        canonicalize_rdfc(doc)
    assert raised.value.code == "CONTEXT_NOT_ALLOWED"


def test_nested_context_must_be_pinned_too() -> None:
    doc = minimal(credentialSubject={"@context": {"x": "https://evil.example/x"}, "x": 1})
    with pytest.raises(VcError) as raised:
        canonicalize_rdfc(doc)
    assert raised.value.code == "CONTEXT_NOT_ALLOWED"


def test_pyld_default_loader_is_never_used(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def tripwire(url: str, options: Any = None) -> Any:
        calls.append(url)
        raise AssertionError("PyLD's default loader was used")

    monkeypatch.setattr(pyld_jsonld, "_default_document_loader", tripwire)
    pyld_jsonld.set_document_loader(tripwire)
    key = KeyPair.generate()
    signed = sign(make_badge(key), key)
    assert verify(signed, now=NOW).valid
    assert verify(load(W3C / "eddsa-rdfc-2022" / "signedDataInt.json"), signature_only=True).valid
    assert calls == []


def test_pinned_contexts_are_not_mutated_by_processing() -> None:
    key = KeyPair.generate()
    for _ in range(3):
        sign(make_badge(key), key)
    for url, (filename, _) in PINNED_CONTEXTS.items():
        original = json.loads(resources.files("qiao.vc.contexts").joinpath(filename).read_bytes())
        assert pinned_context(url) == original
        assert document_loader(url, {})["document"] is not pinned_context(url)


# --------------------------------------------------------------------------- data loss


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        (minimal(undefinedTerm="x"), "undefinedTerm"),
        (minimal(credentialSubject={"id": "did:example:s", "nickname": "x"}), "nickname"),
        (minimal(type=["VerifiableCredential", "MadeUpCredential"]), "MadeUpCredential"),
        (minimal(id="relative/path"), "relative/path"),
        (minimal(credentialSubject={"id": "not-absolute"}), "not-absolute"),
        (minimal(**{"@foo": "bar"}), "not a term"),
        (minimal(issuer="https://bad iri.example/"), "not allowed in an IRI"),
    ],
)
def test_data_loss_is_detected(doc: dict[str, Any], fragment: str) -> None:
    with pytest.raises(VcError) as raised:
        canonicalize_rdfc(doc)
    assert raised.value.code == "DATA_LOSS_DETECTION_ERROR"
    assert fragment in raised.value.message


def test_pyld_alone_would_silently_drop_the_term() -> None:
    # The reason for the check: plain PyLD canonicalises as if the term were not there.
    with_term = minimal(undefinedTerm="signed? no")
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": document_loader,
    }
    assert pyld_jsonld.normalize(with_term, options) == pyld_jsonld.normalize(minimal(), options)


def test_undefined_term_in_an_open_badge_fails_signing_and_verification() -> None:
    key = KeyPair.generate()
    badge = make_badge(key)
    badge["credentialSubject"]["achievement"]["difficulty"] = "hard"
    with pytest.raises(SigningError) as raised:
        sign(badge, key)
    assert raised.value.code == "DATA_LOSS_DETECTION_ERROR"
    assert "difficulty" in raised.value.message
    # A signer that does not check (plain PyLD drops the term) produces a valid-looking proof…
    signed = sign(make_badge(key), key)
    signed["credentialSubject"]["achievement"]["difficulty"] = "hard"
    report = verify(signed, now=NOW, signature_only=True)
    # …which the verifier refuses instead of reporting the unsigned term as verified.
    assert not report.valid
    assert report.failures[0].id == "canonicalization"
    assert report.failures[0].code == "DATA_LOSS_DETECTION_ERROR"


def test_expand_public_helper() -> None:
    expanded = expand(minimal())
    assert expanded[0]["@id"] == "urn:uuid:00000000-0000-4000-8000-000000000001"
    with pytest.raises(VcError):
        expand(minimal(oops=1))


# --------------------------------------------------------------------------- limits


def clique(n: int) -> dict[str, Any]:
    """n blank nodes that all know each other: every one looks alike to RDFC-1.0."""
    return {
        "@context": CTX,
        "@graph": [
            {"@id": f"_:n{i}", "knows": [{"@id": f"_:n{j}"} for j in range(n) if j != i]}
            for i in range(n)
        ],
    }


def test_poison_graph_hits_the_deadline_promptly() -> None:
    started = time.monotonic()
    with pytest.raises(VcError) as raised:
        canonicalize_rdfc(clique(9), Limits(canonicalization_seconds=0.2))
    assert raised.value.code == "CANONICALIZATION_TIMEOUT"
    assert time.monotonic() - started < 1.0


def test_small_symmetric_graph_still_canonicalises() -> None:
    nquads = canonicalize_rdfc(clique(3))
    assert nquads.count("\n") == 6
    assert "_:c14n2" in nquads


def test_large_document_hits_the_deadline_during_expansion() -> None:
    doc = {
        "@context": CTX,
        "id": "urn:x",
        "credentialSubject": {"id": "urn:s", **{f"p{i}": "v" * 30 for i in range(20_000)}},
    }
    started = time.monotonic()
    with pytest.raises(VcError) as raised:
        canonicalize_rdfc(doc, Limits(canonicalization_seconds=0.2))
    assert raised.value.code == "CANONICALIZATION_TIMEOUT"
    assert time.monotonic() - started < 1.5


def test_blank_node_limit() -> None:
    doc = {"@context": CTX, "id": "urn:x", "items": [{"n": i} for i in range(40)]}
    with pytest.raises(VcError) as raised:
        canonicalize_rdfc(doc, Limits(max_blank_nodes=20))
    assert raised.value.code == "LIMIT_EXCEEDED"
    assert "blank nodes" in raised.value.message
    assert canonicalize_rdfc(doc, Limits(max_blank_nodes=40))


def test_quad_limit() -> None:
    doc = {"@context": CTX, "id": "urn:x", "items": [f"v{i}" for i in range(50)]}
    with pytest.raises(VcError) as raised:
        canonicalize_rdfc(doc, Limits(max_quads=10))
    assert raised.value.code == "LIMIT_EXCEEDED"


def test_size_and_depth_limits() -> None:
    with pytest.raises(VcError) as raised:
        canonicalize_rdfc(minimal(description="x" * 2000), Limits(max_bytes=1000))
    assert raised.value.code == "INPUT_TOO_LARGE"
    deep: dict[str, Any] = {"id": "did:example:s"}
    for _ in range(40):
        deep = {"alumniOf": deep}
    with pytest.raises(VcError) as raised:
        canonicalize_rdfc({"@context": CTX, "id": "urn:x", "credentialSubject": deep})
    assert raised.value.code == "LIMIT_EXCEEDED"


def test_unportable_control_characters_are_refused() -> None:
    with pytest.raises(VcError) as raised:
        canonicalize_rdfc(minimal(name="bell\x07"))
    assert raised.value.code == "UNSUPPORTED_CHARACTERS"
    # TAB, LF and CR are escaped the same way everywhere and are fine.
    assert "\\t" in canonicalize_rdfc(minimal(name="a\tb\nc"))
