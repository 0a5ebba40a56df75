"""Shared fixtures for qiao.vc tests: no Django, no database, no network."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from qiao.vc import (
    Achievement,
    Alignment,
    CredentialStatus,
    IssuerProfile,
    KeyPair,
    KeyResolver,
    build_open_badge,
)

VECTORS = Path(__file__).parent / "vectors"
W3C = VECTORS / "w3c-vc-di-eddsa"
OB3 = VECTORS / "1edtech-ob3"
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any attempt to open a connection fails the test: the library must work offline."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("qiao.vc tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield


@pytest.fixture(scope="session")
def college_key() -> KeyPair:
    return KeyPair.from_seed(bytes(range(32)), did_web="college.example.edu")


@pytest.fixture(scope="session")
def college_resolver(college_key: KeyPair) -> KeyResolver:
    return KeyResolver(documents=[college_key.controller_document()])


def make_badge(key: KeyPair, **overrides: Any) -> dict[str, Any]:
    """A realistic Open Badge from the college, unsigned."""
    fields: dict[str, Any] = {
        "id": "urn:uuid:3f1c5d7e-1111-4a4a-9b9b-123456789abc",
        "issuer": IssuerProfile(
            id=key.controller,
            name="Example Polytechnic 示例职业技术学院",
            url="https://college.example.edu",
            image="https://college.example.edu/logo.png",
        ),
        "achievement": Achievement(
            id="https://college.example.edu/achievements/hcia-datacom",
            achievement_type="Certification",
            name="HCIA-Datacom",
            description="Datacom associate certification, taught in the joint training centre.",
            criteria_narrative="Passed the HCIA-Datacom exam with at least 600/1000.",
            alignments=(
                Alignment(
                    target_name="IP routing",
                    target_url="https://skills.example.edu/skills/net-01",
                    target_code="NET-01",
                    target_framework="Qiao skills",
                ),
                Alignment(
                    target_name="Switching",
                    target_url="https://skills.example.edu/skills/net-02",
                    target_code="NET-02",
                    target_framework="Qiao skills",
                ),
            ),
            in_language="zh-CN",
        ),
        "valid_from": "2025-07-01T00:00:00Z",
        "valid_until": "2028-07-01T00:00:00Z",
        "recipient_email": "student@example.com",
        "salt": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "credential_status": CredentialStatus(
            status_list_credential="https://college.example.edu/status/1",
            status_list_index=94567,
        ),
    }
    fields.update(overrides)
    return build_open_badge(**fields)


@pytest.fixture
def badge_factory(college_key: KeyPair) -> Callable[..., dict[str, Any]]:
    return lambda **overrides: make_badge(college_key, **overrides)
