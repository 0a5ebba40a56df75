"""The JSON API: issue, revoke/suspend/unsuspend, lists scoped to the viewer, public verify."""

from __future__ import annotations

import json

import pytest

from qiao.credentials.models import Credential

pytestmark = pytest.mark.django_db

BASE = "/api/v1/credentials"


def post(client, url, data=None, **extra):
    return client.post(url, json.dumps(data or {}), content_type="application/json", **extra)


def test_issue_and_revoke_through_the_api(centre):
    client = centre.world.client("coordinator")
    response = post(
        client,
        f"{BASE}/credentials",
        {"achievement_id": centre.achievement.pk, "person_id": centre.world.people["student"].pk},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "active" and len(body["sha256"]) == 64
    pk = body["id"]
    detail = client.get(f"{BASE}/credentials/{pk}").json()
    assert detail["document"]["id"] == f"urn:uuid:{pk}"
    revoked = post(client, f"{BASE}/credentials/{pk}/revoke", {"reason": "error"})
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    again = post(client, f"{BASE}/credentials/{pk}/revoke", {"reason": "again"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


def test_suspend_and_unsuspend(centre):
    credential = centre.issue()
    client = centre.world.client("org_admin")
    url = f"{BASE}/credentials/{credential.pk}"
    assert post(client, f"{url}/suspend").json()["status"] == "suspended"
    assert post(client, f"{url}/unsuspend").json()["status"] == "active"
    assert post(client, f"{url}/unsuspend").status_code == 409


def test_issue_to_a_person_of_another_organisation(centre):
    body = {
        "achievement_id": centre.achievement.pk,
        "person_id": centre.world.people["other_student"].pk,
    }
    # The coordinator does not see the other school's student at all.
    assert post(centre.world.client("coordinator"), f"{BASE}/credentials", body).status_code == 404
    # The platform admin does, and the service refuses.
    response = post(centre.world.client("admin"), f"{BASE}/credentials", body)
    assert response.status_code == 422
    assert "not affiliated" in json.dumps(response.json())
    assert not Credential.objects.exists()


@pytest.mark.parametrize("persona", ["enterprise", "teacher", "student", "outsider"])
def test_non_managers_cannot_issue_or_revoke(centre, persona):
    credential = centre.issue()
    client = centre.world.client(persona)
    body = {"achievement_id": centre.achievement.pk, "person_id": centre.world.people["student"].pk}
    assert post(client, f"{BASE}/credentials", body).status_code == 404
    expected = 403 if persona == "student" else 404  # the holder sees it, may not revoke it
    assert post(client, f"{BASE}/credentials/{credential.pk}/revoke").status_code == expected


def test_lists_are_scoped_to_the_viewer(centre):
    credential = centre.issue()
    counts = {}
    for persona in ("admin", "coordinator", "student", "enterprise", "teacher", "outsider"):
        response = centre.world.client(persona).get(f"{BASE}/credentials")
        assert response.status_code == 200
        counts[persona] = response.json()["count"]
    assert counts == {
        "admin": 1,
        "coordinator": 1,
        "student": 1,
        "enterprise": 0,
        "teacher": 0,
        "outsider": 0,
    }
    other = centre.world.client("enterprise").get(f"{BASE}/credentials/{credential.pk}")
    assert other.status_code == 404
    issuers = centre.world.client("student").get(f"{BASE}/issuers").json()
    assert {i["is_alliance"] for i in issuers} == {True, False}
    assert all(i["keys"] for i in issuers)


def test_anonymous_gets_401_except_for_verify(centre):
    credential = centre.issue()
    client = centre.world.client("anonymous")
    assert client.get(f"{BASE}/credentials").status_code == 401
    response = client.post(f"{BASE}/verify", credential.document, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True and body["verdict"] == "valid"
    assert {c["id"] for c in body["checks"]} >= {"signature", "issuer", "status"}
    assert body["checks"][0]["text"]["en"]


def test_public_verify_with_bad_input(centre, settings):
    client = centre.world.client("anonymous")
    response = client.post(f"{BASE}/verify", "nope", content_type="application/json")
    assert response.status_code == 200 and response.json()["valid"] is False
    from qiao.credentials import conf

    big = "{" + " " * conf.VERIFY_MAX_BYTES + "}"
    response = client.post(f"{BASE}/verify", big, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_bad_ids_and_unknown_fields(centre):
    client = centre.world.client("coordinator")
    assert client.get(f"{BASE}/credentials/not-a-uuid").status_code == 404
    response = post(
        client,
        f"{BASE}/credentials",
        {"achievement_id": centre.achievement.pk, "person_id": 1, "extra": True},
    )
    assert response.status_code == 422
    assert client.get(f"{BASE}/credentials?bogus=1").status_code == 400


def test_a_naive_end_of_validity_is_taken_as_utc(centre):
    response = post(
        centre.world.client("coordinator"),
        f"{BASE}/credentials",
        {
            "achievement_id": centre.achievement.pk,
            "person_id": centre.world.people["student"].pk,
            "valid_until": "2031-01-01T00:00:00",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["valid_until"].startswith("2031-01-01T00:00:00")
