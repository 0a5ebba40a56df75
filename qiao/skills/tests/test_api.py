from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from qiao.skills.models import Skill

pytestmark = pytest.mark.django_db

API = "/api/v1/skills"
MEMBERS = ("coordinator", "org_admin", "enterprise", "teacher", "mentor", "student")


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(data), content_type="application/json")


def new_skill(**overrides: Any) -> dict[str, Any]:
    data = {
        "code": "SW-RUST",
        "label_en": "Rust programming",
        "label_zh": "Rust 程序设计",
        "broader": "SW-PROG",
        "aliases": ["rustlang", "Rust 编程"],
    }
    data.update(overrides)
    return data


# --- Reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["admin", *MEMBERS])
def test_members_list_and_filter(world, catalogue, persona):
    client = world.client(persona)
    body = client.get(API).json()
    assert body["count"] == Skill.objects.count()
    assert len(body["items"]) == 50
    ordered = list(Skill.objects.order_by("code", "pk").values_list("code", flat=True))
    assert [s["code"] for s in body["items"]] == ordered[:50]
    found = client.get(API, {"q": "k8s"}).json()["items"]
    assert [s["code"] for s in found] == ["CLD-K8S"]
    k8s = found[0]
    assert k8s["broader"] == "CLD-CNT" and k8s["domain"] == "CLD"
    assert {"text": "k8s", "language": "en"} in k8s["aliases"]
    cloud = client.get(API, {"domain": "CLD", "page_size": 100}).json()
    assert all(s["code"].startswith("CLD") for s in cloud["items"])
    assert client.get(API, {"has_aliases": "no"}).json()["count"] == 0
    page2 = client.get(API, {"page": 2}).json()["items"]
    assert [s["code"] for s in page2] == ordered[50:100]


def test_outsider_and_anonymous_are_refused(world, catalogue):
    outsider = world.client("outsider")
    for url in (API, f"{API}/CLD-K8S", f"{API}/match?text=k8s", f"{API}/match/list?text=k8s"):
        response = outsider.get(url)
        assert response.status_code == 403, url
        assert response.json()["error"]["code"] == "forbidden"
    assert Client().get(API).status_code == 401


def test_detail_by_code(world, catalogue):
    client = world.client("teacher")
    body = client.get(f"{API}/CLD-K8S").json()
    assert body["label_en"] == "Kubernetes container orchestration"
    assert body["label"] == "Kubernetes container orchestration"
    assert body["broader_chain"] == ["CLD", "CLD-CNT"]
    assert client.get(f"{API}/CLD").json()["narrower"]
    zh = client.get(f"{API}/CLD-K8S", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert zh["label"] == "Kubernetes 容器编排"
    missing = client.get(f"{API}/NO-SUCH")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_bad_filters_are_structured_errors(world, catalogue):
    client = world.client("teacher")
    response = client.get(API, {"domain": "NOPE"})
    assert response.status_code == 422
    assert "domain" in response.json()["error"]["details"]
    response = client.get(API, {"has_aliases": "maybe"})
    assert response.status_code == 422
    assert client.get(API, {"q": "x" * 101}).status_code == 422


# --- Matching -----------------------------------------------------------------------------------


def test_match_returns_candidates(world, catalogue):
    client = world.client("student")
    body = client.get(f"{API}/match", {"text": "k8s"}).json()
    assert body[0] == {
        "skill_id": Skill.objects.get(code="CLD-K8S").pk,
        "code": "CLD-K8S",
        "label": "Kubernetes container orchestration",
        "confidence": 1.0,
        "matched_on": "alias",
    }
    fuzzy = client.get(f"{API}/match", {"text": "kubernets", "limit": 1}).json()
    assert len(fuzzy) == 1 and fuzzy[0]["matched_on"] == "fuzzy" and fuzzy[0]["confidence"] < 1
    groups = client.get(f"{API}/match/list", {"text": "python, k8s、云计算"}).json()
    assert [g["text"] for g in groups] == ["python", "k8s", "云计算"]
    assert groups[2]["candidates"][0]["code"] == "CLD"


@pytest.mark.parametrize(
    "params", [{}, {"text": ""}, {"text": "x" * 2001}, {"text": "k8s", "limit": 0}]
)
def test_match_refuses_bad_input(world, catalogue, params):
    response = world.client("student").get(f"{API}/match", params)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert response.json()["error"]["details"]


# --- Writing ------------------------------------------------------------------------------------


def test_admin_creates_and_updates(world, catalogue):
    admin = world.client("admin")
    response = post(admin, API, new_skill())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == "SW-RUST" and body["broader_chain"] == ["SW", "SW-PROG"]
    assert {a["text"] for a in body["aliases"]} == {"rustlang", "Rust 编程"}

    response = patch(admin, f"{API}/SW-RUST", {"label_zh": "Rust 语言", "aliases": ["rs"]})
    assert response.status_code == 200
    assert response.json()["label_zh"] == "Rust 语言"
    assert [a["text"] for a in response.json()["aliases"]] == ["rs"]
    assert response.json()["label_en"] == "Rust programming"  # untouched

    response = patch(admin, f"{API}/SW-RUST", {"broader": None})
    assert response.json()["broader"] is None and response.json()["domain"] is None


@pytest.mark.parametrize("persona", [*MEMBERS, "outsider"])
def test_non_admins_cannot_write(world, catalogue, persona):
    client = world.client(persona)
    response = post(client, API, new_skill())
    assert response.status_code == 403
    response = patch(client, f"{API}/CLD-K8S", {"label_en": "Hijacked"})
    assert response.status_code == 403
    assert not Skill.objects.filter(code="SW-RUST").exists()
    assert Skill.objects.get(code="CLD-K8S").label_en == "Kubernetes container orchestration"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (new_skill(code=""), "code"),
        (new_skill(code="CLD-K8S"), "code"),
        (new_skill(code="bad code"), "code"),
        (new_skill(label_en="x" * 10_000), "label_en"),
        (new_skill(broader="NOPE"), "broader"),
        (new_skill(aliases=["a" * 201]), "aliases"),
        ({"label_en": "no code"}, "code"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(world, catalogue, payload, field):
    count = Skill.objects.count()
    response = post(world.client("admin"), API, payload)
    assert response.status_code == 422, response.json()
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert field in json.dumps(error["details"])
    assert Skill.objects.count() == count


def test_patch_refuses_cycles_and_nulls(world, catalogue):
    admin = world.client("admin")
    response = patch(admin, f"{API}/CLD", {"broader": "CLD-K8S"})
    assert response.status_code == 422
    assert "broader" in response.json()["error"]["details"]
    assert patch(admin, f"{API}/CLD", {"label_en": None}).status_code == 422
    assert Skill.objects.get(code="CLD").broader_id is None


def test_script_in_label_comes_back_as_text(world, catalogue):
    script = "<script>alert(1)</script>"
    response = post(world.client("admin"), API, new_skill(code="XSS", label_en=script))
    assert response.status_code == 201
    assert response.json()["label_en"] == script
    assert response["Content-Type"].startswith("application/json")
