"""`qiao vc …`: in-process through qiao.vc.cli.main, and once as a real subprocess."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import qiao
from qiao.vc import (
    EDDSA_JCS_2022,
    KeyPair,
    StatusList,
    TrustedIssuer,
    build_status_list_credential,
    build_trust_list,
    sign,
)
from qiao.vc.cli import main
from qiao.vc.tests.conftest import W3C, make_badge

NOW = "2026-01-15T12:00:00Z"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def college(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, dict[str, Any]]:
    keyfile = tmp_path / "college.key"
    code, out, _ = run(capsys, "keygen", "-o", str(keyfile), "--did-web", "college.example.edu")
    assert code == 0
    return keyfile, json.loads(out)


def test_keygen_did_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keyfile = tmp_path / "k.json"
    code, out, _ = run(capsys, "keygen", "-o", str(keyfile))
    assert code == 0
    public = json.loads(out)
    assert public["controller"].startswith("did:key:z6Mk")
    assert "secretKeyMultibase" not in out
    assert stat.S_IMODE(os.stat(keyfile).st_mode) == 0o600
    stored = json.loads(keyfile.read_text())
    assert stored["secretKeyMultibase"].startswith("z3u2")
    assert stored["publicKeyMultibase"] == public["publicKeyMultibase"]
    code, _, err = run(capsys, "keygen", "-o", str(keyfile))
    assert code == 2 and "exists" in err
    assert run(capsys, "keygen", "-o", str(keyfile), "--force")[0] == 0


def test_keygen_did_web(college: tuple[Path, dict[str, Any]]) -> None:
    _, public = college
    assert public["id"] == "did:web:college.example.edu#key-1"
    assert public["controllerDocumentUrl"] == "https://college.example.edu/.well-known/did.json"
    assert public["controllerDocument"]["assertionMethod"] == ["did:web:college.example.edu#key-1"]


def test_sign_and_verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], college: tuple[Path, dict[str, Any]]
) -> None:
    keyfile, public = college
    unsigned = make_badge(KeyPair.load(keyfile))
    del unsigned["issuer"]  # filled from the key
    source = write(tmp_path / "unsigned.json", unsigned)
    code, out, _ = run(capsys, "sign", str(source), "--key", str(keyfile))
    assert code == 0
    signed = json.loads(out)
    assert signed["issuer"] == "did:web:college.example.edu"
    assert list(signed)[:4] == ["@context", "id", "type", "issuer"]
    signed_path = write(tmp_path / "signed.json", signed)
    did_doc = write(tmp_path / "did.json", public["controllerDocument"])

    code, out, _ = run(
        capsys, "verify", str(signed_path), "--controller-document", str(did_doc), "--at", NOW
    )
    report = json.loads(out)
    assert code == 0, report
    assert report["valid"] is True
    assert {"id", "ok", "message", "code"} == set(report["checks"][0])

    # did:web without its document: nothing is fetched, so the key is unknown
    code, out, _ = run(capsys, "verify", str(signed_path), "--at", NOW)
    assert code == 1
    assert json.loads(out)["checks"][-1]["code"] == "UNKNOWN_VERIFICATION_METHOD"

    signed["credentialSubject"]["achievement"]["name"] = "HCIA-Datacon"
    tampered = write(tmp_path / "tampered.json", signed)
    code, out, _ = run(
        capsys, "verify", str(tampered), "--controller-document", str(did_doc), "--at", NOW
    )
    assert code == 1
    failures = [c for c in json.loads(out)["checks"] if not c["ok"]]
    assert [(c["id"], c["code"]) for c in failures] == [("signature", "INVALID_SIGNATURE")]


def test_sign_jcs_and_refusals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keyfile = tmp_path / "k.json"
    KeyPair.generate().save(keyfile)
    doc = write(tmp_path / "minutes.json", {"type": "Minutes", "text": "会议纪要"})
    code, out, _ = run(
        capsys,
        "sign",
        str(doc),
        "--key",
        str(keyfile),
        "--cryptosuite",
        EDDSA_JCS_2022,
        "--created",
        "2025-01-01T00:00:00Z",
    )
    assert code == 0
    assert json.loads(out)["proof"]["created"] == "2025-01-01T00:00:00Z"

    bad = make_badge(KeyPair.load(keyfile))
    bad["credentialSubject"]["mood"] = "happy"
    code, out, err = run(
        capsys, "sign", str(write(tmp_path / "bad.json", bad)), "--key", str(keyfile)
    )
    assert code == 1 and out == ""
    assert "DATA_LOSS_DETECTION_ERROR" in err and "mood" in err

    assert run(capsys, "sign", str(tmp_path / "missing.json"), "--key", str(keyfile))[0] == 2
    (tmp_path / "nonjson.json").write_text("{oops")
    assert run(capsys, "sign", str(tmp_path / "nonjson.json"), "--key", str(keyfile))[0] == 2
    assert run(capsys, "sign", str(doc), "--key", str(tmp_path / "nokey.json"))[0] == 2
    (tmp_path / "badkey.json").write_text('{"secretKeyMultibase": "zzz"}')
    code, _, err = run(capsys, "sign", str(doc), "--key", str(tmp_path / "badkey.json"))
    assert code == 2 and "INVALID_MULTIBASE" in err
    code, _, err = run(
        capsys,
        "sign",
        str(doc),
        "--key",
        str(keyfile),
        "--cryptosuite",
        EDDSA_JCS_2022,
        "-o",
        str(tmp_path / "nodir" / "x"),
    )
    assert code == 2


def test_sign_warns_when_issuer_is_not_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keyfile = tmp_path / "k.json"
    KeyPair.generate().save(keyfile)
    code, _, err = run(capsys, "sign", str(W3C / "unsigned.json"), "--key", str(keyfile))
    assert code == 0
    assert "warning" in err and "https://vc.example/issuers/5678" in err


@pytest.mark.parametrize(
    ("content", "code_expected"), [("{oops", "MALFORMED_JSON"), ("[1]", "MALFORMED_DOCUMENT")]
)
def test_verify_unusable_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, code_expected: str
) -> None:
    path = tmp_path / "x.json"
    path.write_text(content)
    code, out, _ = run(capsys, "verify", str(path))
    assert code == 2
    assert json.loads(out)["checks"][0]["code"] == code_expected


def test_verify_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "verify", str(tmp_path / "nope.json"))
    assert code == 2
    report = json.loads(out)
    assert report["valid"] is False
    assert report["checks"][0]["code"] == "FILE_UNREADABLE"
    assert "Traceback" not in err


def test_verify_w3c_vector(capsys: pytest.CaptureFixture[str]) -> None:
    vector = str(W3C / "eddsa-rdfc-2022" / "signedDataInt.json")
    assert run(capsys, "verify", vector, "--signature-only")[0] == 0
    code, out, _ = run(capsys, "verify", vector)
    assert code == 1
    assert [c["id"] for c in json.loads(out)["checks"] if not c["ok"]] == [
        "issuer_matches_controller"
    ]


def test_verify_with_trust_list_and_status_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], college: tuple[Path, dict[str, Any]]
) -> None:
    keyfile, _ = college
    key = KeyPair.load(keyfile)
    alliance = KeyPair.generate(did_web="alliance.example")
    trust = build_trust_list(
        id="https://alliance.example/trust-list.json",
        name="Alliance",
        issuer=alliance.controller,
        issuer_methods=[alliance.verification_method()],
        issuers=[
            TrustedIssuer(
                id=key.controller, name="Example Polytechnic", methods=(key.verification_method(),)
            )
        ],
    )
    trust_path = write(tmp_path / "trust.json", sign(trust, alliance, cryptosuite=EDDSA_JCS_2022))
    signed_path = write(tmp_path / "signed.json", sign(make_badge(key), key))

    code, out, _ = run(capsys, "verify", str(signed_path), "--trust", str(trust_path), "--at", NOW)
    report = json.loads(out)
    assert code == 0, report
    assert report["checks"][0]["id"] == "trust_list"
    assert "not anchored" in report["checks"][0]["message"]

    code, out, _ = run(
        capsys,
        "verify",
        str(signed_path),
        "--trust",
        str(trust_path),
        "--trust-anchor",
        alliance.public_key_multibase,
        "--at",
        NOW,
    )
    assert code == 0
    assert "pinned alliance key" in json.loads(out)["checks"][0]["message"]

    code, out, _ = run(
        capsys,
        "verify",
        str(signed_path),
        "--trust",
        str(trust_path),
        "--trust-anchor",
        KeyPair.generate().controller,
        "--at",
        NOW,
    )
    assert code == 2
    assert json.loads(out)["checks"][0]["code"] == "TRUST_ANCHOR_MISMATCH"

    status = StatusList()
    status.set(94567)
    revoked = sign(
        build_status_list_credential(
            id="https://college.example.edu/status/1", issuer=key.controller, status_list=status
        ),
        key,
    )
    status_path = write(tmp_path / "status.json", revoked)
    code, out, _ = run(
        capsys,
        "verify",
        str(signed_path),
        "--trust",
        str(trust_path),
        "--status-list",
        str(status_path),
        "--at",
        NOW,
    )
    assert code == 1
    assert [c["code"] for c in json.loads(out)["checks"] if not c["ok"]] == ["REVOKED"]


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["frobnicate"]) == 2
    assert main(["sign", "x.json"]) == 2  # --key is required
    assert main(["verify", "x.json", "--at", "tomorrow"]) == 2
    assert main(["--help"]) == 0
    capsys.readouterr()


def test_subprocess_round_trip(tmp_path: Path) -> None:
    root = Path(qiao.__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}

    def qiao_vc(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "qiao.cli", "vc", *argv],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=120,
            check=False,
        )

    keygen = qiao_vc("keygen", "-o", "issuer.key")
    assert keygen.returncode == 0, keygen.stderr
    key = KeyPair.load(tmp_path / "issuer.key")
    write(tmp_path / "unsigned.json", make_badge(key))
    signed = qiao_vc("sign", "unsigned.json", "--key", "issuer.key")
    assert signed.returncode == 0, signed.stderr
    (tmp_path / "signed.json").write_text(signed.stdout)
    verified = qiao_vc("verify", "signed.json", "--at", NOW)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert json.loads(verified.stdout)["valid"] is True
    broken = qiao_vc("verify", "missing.json")
    assert broken.returncode == 2
    assert "Traceback" not in broken.stderr
