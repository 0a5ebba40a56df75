"""Done means: a credential issued by the app, downloaded as JSON with the published trust list,
verifies with `qiao vc verify` in another process that cannot open a network connection; the
same file with one character changed fails, and the report names the failed check."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from qiao.credentials.services import publishing

pytestmark = pytest.mark.django_db

# Runs the CLI with every socket refused: any attempt to reach the network fails loudly.
NO_NETWORK = """
import socket, sys
def refuse(*args, **kwargs):
    raise RuntimeError("network access attempted")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from qiao.cli import main
sys.exit(main(sys.argv[1:]))
"""


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", NO_NETWORK, "vc", "verify", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_issued_credential_verifies_offline_with_the_published_trust_list(centre, tmp_path: Path):
    credential = centre.issue()
    holder = centre.world.client("student")
    downloaded = holder.get(reverse("credentials:credential_json", args=[credential.pk])).content
    trust = centre.world.client("anonymous").get(reverse("credentials:trust_list")).content
    (tmp_path / "certificate.json").write_bytes(downloaded)
    (tmp_path / "trust-list.json").write_bytes(trust)
    anchor = publishing.alliance_anchors()[0]

    ok = cli(
        str(tmp_path / "certificate.json"),
        "--trust",
        str(tmp_path / "trust-list.json"),
        "--trust-anchor",
        anchor,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    report = json.loads(ok.stdout)
    assert report["valid"] is True
    assert {c["id"] for c in report["checks"]} >= {"trust_list", "signature", "issuer_trusted"}

    # One character changed in the achievement's name.
    text = downloaded.decode("utf-8")
    position = text.index("Cloud Computing Associate")
    tampered = text[:position] + "K" + text[position + 1 :]
    assert len(tampered) == len(text)
    (tmp_path / "tampered.json").write_text(tampered, encoding="utf-8")
    bad = cli(str(tmp_path / "tampered.json"), "--trust", str(tmp_path / "trust-list.json"))
    assert bad.returncode == 1, bad.stdout + bad.stderr
    failed = [c for c in json.loads(bad.stdout)["checks"] if not c["ok"]]
    assert [(c["id"], c["code"]) for c in failed] == [("signature", "INVALID_SIGNATURE")]


def test_the_controller_document_alone_also_verifies(centre, tmp_path: Path):
    credential = centre.issue()
    did = centre.world.client("anonymous").get(
        reverse("credentials_public:issuer_did", args=[credential.issuer.slug])
    )
    (tmp_path / "c.json").write_text(credential.document, encoding="utf-8")
    (tmp_path / "did.json").write_bytes(did.content)
    result = cli(str(tmp_path / "c.json"), "--controller-document", str(tmp_path / "did.json"))
    assert result.returncode == 0, result.stdout + result.stderr
