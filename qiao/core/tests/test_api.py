"""The JSON API: authentication (tokens and session + CSRF) and the organisation, department
and people endpoints. Structured errors for bad input: test_api_errors.py."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from qiao.conftest import World
from qiao.core.models import ApiToken, AuditEntry, Organisation
from qiao.core.services import accounts
from qiao.core.tests import factories

pytestmark = pytest.mark.django_db

API = "/api/v1"


def token_for(world: World, persona: str, **kwargs: Any) -> tuple[ApiToken, str]:
    return accounts.api_token_create(actor=world.users[persona], name="script", **kwargs)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["message"]
    if code is not None:
        assert error["code"] == code
    return error


# --- Authentication ---------------------------------------------------------------------------


def test_bearer_token_authenticates_as_its_owner(world: World) -> None:
    token, secret = token_for(world, "coordinator")
    assert secret.startswith("qiao_")
    response = Client().get(f"{API}/me", headers=bearer(secret))
    assert response.status_code == 200
    assert response.json()["email"] == "coordinator@test.example"
    assert response.json()["memberships"] == [
        {
            "organisation_id": world.school.pk,
            "organisation_name": "Test Polytechnic",
            "role": "coordinator",
        }
    ]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_x_api_token_header_authenticates_too(world: World) -> None:
    _token, secret = token_for(world, "student")
    response = Client().get(f"{API}/me", headers={"X-API-Token": secret})
    assert response.status_code == 200
    assert response.json()["person_id"] == world.people["student"].pk


def test_only_a_hash_of_the_token_is_stored(world: World) -> None:
    token, secret = token_for(world, "coordinator")
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in (stored.token_hash, stored.prefix, stored.name)
    assert secret.startswith(stored.prefix)


@pytest.mark.parametrize(
    "header",
    [
        {"Authorization": "Bearer qiao_not-a-real-token"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer " + "qiao_" + "x" * 5000},
        {"Authorization": "Bearer not-even-our-prefix"},
        {"X-API-Token": "qiao_wrong"},
    ],
    ids=["unknown", "empty", "huge", "foreign", "x-api-token"],
)
def test_a_bad_token_is_refused_with_401(world: World, header: dict[str, str]) -> None:
    assert_error(Client().get(f"{API}/me", headers=header), 401, "invalid_token")


def test_no_credentials_is_401(world: World) -> None:
    assert_error(Client().get(f"{API}/me"), 401, "unauthenticated")
    assert_error(Client().get(f"{API}/organisations"), 401, "unauthenticated")
    assert_error(
        Client().post(f"{API}/organisations", "{}", content_type="application/json"),
        401,
        "unauthenticated",
    )
    # Another scheme is not ours: not a token, so no credentials at all.
    assert_error(Client().get(f"{API}/me", headers={"Authorization": "Basic Zm9vOmJhcg=="}), 401)


def test_revoked_token_stops_working_at_once(world: World) -> None:
    token, secret = token_for(world, "coordinator")
    client = Client()
    assert client.get(f"{API}/me", headers=bearer(secret)).status_code == 200
    accounts.api_token_revoke(actor=world.users["coordinator"], token=token)
    assert_error(client.get(f"{API}/me", headers=bearer(secret)), 401, "invalid_token")


def test_revoked_token_does_not_fall_back_to_the_session(world: World) -> None:
    token, secret = token_for(world, "coordinator")
    accounts.api_token_revoke(actor=world.users["coordinator"], token=token)
    assert_error(world.client("coordinator").get(f"{API}/me", headers=bearer(secret)), 401)


def test_expired_token_is_refused(world: World) -> None:
    token, secret = token_for(world, "coordinator", expires_in_days=1)
    assert Client().get(f"{API}/me", headers=bearer(secret)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert_error(Client().get(f"{API}/me", headers=bearer(secret)), 401, "invalid_token")


def test_token_of_a_deactivated_account_is_refused(world: World) -> None:
    _token, secret = token_for(world, "coordinator")
    user = world.users["coordinator"]
    user.is_active = False
    user.save()
    assert_error(Client().get(f"{API}/me", headers=bearer(secret)), 401, "invalid_token")


def test_token_carries_its_owners_permissions_not_more(world: World) -> None:
    _token, secret = token_for(world, "enterprise")
    client = Client()
    assert (
        client.get(f"{API}/people/{world.people['student'].pk}", headers=bearer(secret)).status_code
        == 404
    )
    response = client.post(
        f"{API}/organisations",
        json.dumps({"kind": "enterprise", "name": "X", "country": "CN"}),
        content_type="application/json",
        headers=bearer(secret),
    )
    assert_error(response, 403, "forbidden")


def test_session_writes_need_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["org_admin"])
    url = f"{API}/organisations/{world.school.pk}"
    body = json.dumps({"city": "Guangzhou"})
    assert_error(client.patch(url, body, content_type="application/json"), 403, "csrf_failed")
    world.school.refresh_from_db()
    assert world.school.city == "Shenzhen"
    # Reads need no token.
    assert client.get(url).status_code == 200
    # With the token from the page (cookie + header) the write goes through.
    page = client.get("/").content.decode()
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert csrf is not None
    response = client.patch(
        url, body, content_type="application/json", headers={"X-CSRFToken": csrf.group(1)}
    )
    assert response.status_code == 200
    assert response.json()["city"] == "Guangzhou"


def test_token_writes_need_no_csrf_token(world: World) -> None:
    _token, secret = token_for(world, "org_admin")
    client = Client(enforce_csrf_checks=True)
    response = client.patch(
        f"{API}/organisations/{world.school.pk}",
        json.dumps({"city": "Guangzhou"}),
        content_type="application/json",
        headers=bearer(secret),
    )
    assert response.status_code == 200


# --- Organisations ------------------------------------------------------------------------------


def test_organisation_list_filters_and_paginates(world: World) -> None:
    client = world.client("coordinator")
    everything = client.get(f"{API}/organisations").json()
    assert everything["count"] == 4
    assert everything["page"] == 1
    assert [o["name"] for o in everything["items"]] == sorted(
        o["name"] for o in everything["items"]
    )

    enterprises = client.get(f"{API}/organisations", {"kind": "enterprise"}).json()
    assert {o["name"] for o in enterprises["items"]} == {"Test Telecom", "Other Cloud"}
    kenya = client.get(f"{API}/organisations", {"country": "ke"}).json()
    assert [o["name"] for o in kenya["items"]] == ["Other Institute"]
    search = client.get(f"{API}/organisations", {"q": "polytechnic"}).json()
    assert [o["id"] for o in search["items"]] == [world.school.pk]
    both = client.get(f"{API}/organisations", {"kind": "enterprise", "country": "EG"}).json()
    assert [o["name"] for o in both["items"]] == ["Other Cloud"]

    page1 = client.get(f"{API}/organisations", {"page_size": 3}).json()
    page2 = client.get(f"{API}/organisations", {"page_size": 3, "page": 2}).json()
    assert (len(page1["items"]), len(page2["items"])) == (3, 1)
    assert page1["count"] == page2["count"] == 4
    beyond = client.get(f"{API}/organisations", {"page": 50}).json()
    assert beyond["items"] == []


def test_organisation_get(world: World) -> None:
    body = world.client("teacher").get(f"{API}/organisations/{world.school.pk}").json()
    assert body["name"] == "深圳测试职业技术学院"
    assert body["name_en"] == "Test Polytechnic"
    assert body["country"] == "CN"
    assert body["kind"] == "vocational_college"


def test_platform_admin_creates_an_organisation(world: World) -> None:
    response = world.client("admin").post(
        f"{API}/organisations",
        json.dumps(
            {"kind": "university", "name": "  Nile Tech  ", "country": "eg", "city": "Cairo"}
        ),
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    org = Organisation.objects.get(pk=body["id"])
    assert (org.name, org.country.code, org.kind) == ("Nile Tech", "EG", "university")
    entry = AuditEntry.objects.get(action="organisation.create", object_id=str(org.pk))
    assert entry.actor == world.users["admin"]
    assert entry.changes["name"] == [None, "Nile Tech"]


def test_org_admin_patches_only_the_fields_sent(world: World) -> None:
    client = world.client("org_admin")
    response = client.patch(
        f"{API}/organisations/{world.school.pk}",
        json.dumps({"city": "Guangzhou", "website": "https://example.edu.cn"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    world.school.refresh_from_db()
    assert (world.school.city, world.school.name_en) == ("Guangzhou", "Test Polytechnic")
    entry = AuditEntry.objects.filter(action="organisation.update").get()
    assert entry.changes == {
        "city": ["Shenzhen", "Guangzhou"],
        "website": ["", "https://example.edu.cn"],
    }
    # The same patch again changes nothing and records nothing.
    client.patch(
        f"{API}/organisations/{world.school.pk}",
        json.dumps({"city": "Guangzhou"}),
        content_type="application/json",
    )
    assert AuditEntry.objects.filter(action="organisation.update").count() == 1


# --- Departments --------------------------------------------------------------------------------


def test_department_crud(world: World) -> None:
    client = world.client("coordinator")
    base = f"{API}/organisations/{world.school.pk}/departments"
    created = client.post(
        base,
        json.dumps({"name": "School of Robotics", "code": "ROB"}),
        content_type="application/json",
    )
    assert created.status_code == 201
    dept_id = created.json()["id"]
    assert created.json()["organisation_id"] == world.school.pk
    names = [d["name"] for d in client.get(base).json()]
    assert "School of Robotics" in names

    duplicate = client.post(
        base, json.dumps({"name": "School of Robotics"}), content_type="application/json"
    )
    assert_error(duplicate, 422, "invalid_input")

    patched = client.patch(
        f"{base}/{dept_id}", json.dumps({"name_en": "Robotics"}), content_type="application/json"
    )
    assert patched.json()["name_en"] == "Robotics"
    assert client.delete(f"{base}/{dept_id}").status_code == 204
    assert_error(client.delete(f"{base}/{dept_id}"), 404)


def test_a_department_of_another_organisation_is_not_found_through_this_one(world: World) -> None:
    other_dept = factories.department(world.other_school)
    client = world.client("coordinator")
    url = f"{API}/organisations/{world.school.pk}/departments/{other_dept.pk}"
    assert_error(client.patch(url, json.dumps({"code": "X"}), content_type="application/json"), 404)
    assert_error(client.delete(url), 404)
    other_dept.refresh_from_db()
    assert other_dept.code == ""


# --- People -------------------------------------------------------------------------------------


def test_people_list_filters(world: World) -> None:
    client = world.client("admin")

    def ids(**params: Any) -> set[int]:
        response = client.get(f"{API}/people", params)
        assert response.status_code == 200, response.content
        return {p["id"] for p in response.json()["items"]}

    p = world.people
    assert ids() == {p["student"].pk, p["teacher"].pk, p["mentor"].pk, p["other_student"].pk}
    assert ids(kind="student") == {p["student"].pk, p["other_student"].pk}
    assert ids(organisation=world.enterprise.pk) == {p["mentor"].pk}
    assert ids(nationality="KE") == {p["other_student"].pk}
    assert ids(cohort_year=2024, organisation=world.school.pk) == {p["student"].pk}
    assert ids(q="S0001") == {p["student"].pk}
    assert ids(q="李华") == {p["student"].pk}


def test_person_get_includes_visible_affiliations(world: World) -> None:
    body = world.client("coordinator").get(f"{API}/people/{world.people['student'].pk}").json()
    assert body["native_name"] == "李华"
    assert body["nationality"] == "CN"
    [aff] = body["affiliations"]
    assert (aff["kind"], aff["student_number"], aff["cohort_year"]) == ("student", "S0001", 2024)


def test_people_list_query_count_does_not_grow_with_rows(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        factories.student(world.school)
    client = world.client("coordinator")
    client.get(f"{API}/people")  # warm the session
    with django_assert_max_num_queries(10):
        body = client.get(f"{API}/people").json()
    assert body["count"] == 32


def test_me_for_a_session(world: World) -> None:
    body = world.client("admin").get(f"{API}/me").json()
    assert body["is_platform_admin"] is True
    assert body["memberships"] == []


# --- OpenAPI and the docs page ------------------------------------------------------------------


def test_openapi_json_of_the_whole_api_loads(world: World) -> None:
    """Every app's router must produce a schema (a router whose parameter models cannot be
    built breaks the whole document)."""
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/organisations" in response.json()["paths"]


def test_openapi_schema_describes_the_core_endpoints() -> None:
    from ninja import NinjaAPI

    from qiao.api import api
    from qiao.core.api import router

    # The core router alone, mounted as in qiao/api.py, with the same authentication.
    alone = NinjaAPI(urls_namespace="core-schema-test", auth=api.auth)
    alone.add_router("/", router)
    schema = alone.get_openapi_schema(path_prefix="/api/v1/")
    paths = schema["paths"]
    for path in (
        "/api/v1/me",
        "/api/v1/organisations",
        "/api/v1/organisations/{pk}",
        "/api/v1/organisations/{pk}/departments",
        "/api/v1/organisations/{pk}/departments/{dept_pk}",
        "/api/v1/people",
        "/api/v1/people/{pk}",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/organisations/{pk}"]) == {"get", "patch"}
    assert "ErrorOut" in schema["components"]["schemas"]
    schemes = schema["components"]["securitySchemes"]
    assert {"TokenAuth", "TokenHeaderAuth", "SessionAuth"} <= set(schemes)


def test_docs_page_loads_swagger_from_our_static_files_under_the_csp(world: World) -> None:
    response = Client().get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in sources
    assert "/static/ninja/swagger-ui.css" in sources
    assert all(s.startswith("/static/") for s in sources), sources
    for host in ("jsdelivr", "unpkg", "cdnjs", "googleapis", "//"):
        assert not any(host in s for s in sources), sources
    # No inline script to run: the only inline <script> is a JSON data block.
    for attrs, _body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        assert "src=" in attrs or 'type="application/json"' in attrs
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    # The validator badge would fetch an image from validator.swagger.io.
    assert '"validatorUrl": null' in html


def test_swagger_assets_are_served(world: World) -> None:
    from django.contrib.staticfiles import finders

    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert finders.find(asset), asset
