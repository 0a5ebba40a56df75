"""The JSON API's structured errors: every kind of bad input gets a clear 4xx in one shape and
changes nothing; an unexpected error is a JSON 500, logged."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings

from qiao.conftest import World
from qiao.core.models import AuditEntry, Organisation
from qiao.core.tests.test_api import API, assert_error

pytestmark = pytest.mark.django_db


# --- Structured errors for bad input ------------------------------------------------------------


def _org_url(world: World) -> str:
    return f"{API}/organisations/{world.school.pk}"


BAD_REQUESTS: list[tuple[str, str, str, Any, int, str]] = [
    # (id, method, path, body, status, code); "{org}" is the school's id.
    ("malformed JSON", "post", "/organisations", "{not json", 400, "bad_request"),
    ("JSON not an object", "post", "/organisations", "[1, 2]", 422, "invalid_input"),
    ("JSON null", "post", "/organisations", "null", 422, "invalid_input"),
    ("empty body", "post", "/organisations", "", 422, "invalid_input"),
    ("not UTF-8", "post", "/organisations", b"\xff\xfe\xfa", 400, "bad_request"),
    ("deeply nested", "post", "/organisations", "[" * 100_000, 400, "bad_request"),
    (
        "missing required",
        "post",
        "/organisations",
        {"name": "No Kind"},
        422,
        "invalid_input",
    ),
    (
        "wrong type",
        "post",
        "/organisations",
        {"kind": "enterprise", "name": 42, "country": "CN"},
        422,
        "invalid_input",
    ),
    (
        "unknown field",
        "post",
        "/organisations",
        {"kind": "enterprise", "name": "X", "country": "CN", "colour": "red"},
        422,
        "invalid_input",
    ),
    (
        "unknown kind",
        "post",
        "/organisations",
        {"kind": "pirate ship", "name": "X", "country": "CN"},
        422,
        "invalid_input",
    ),
    (
        "invalid country",
        "post",
        "/organisations",
        {"kind": "enterprise", "name": "X", "country": "ZZ"},
        422,
        "invalid_input",
    ),
    (
        "too long",
        "post",
        "/organisations",
        {"kind": "enterprise", "name": "x" * 201, "country": "CN"},
        422,
        "invalid_input",
    ),
    (
        "invalid URL",
        "post",
        "/organisations",
        {"kind": "enterprise", "name": "X", "country": "CN", "website": "javascript:alert(1)"},
        422,
        "invalid_input",
    ),
    (
        "duplicate",
        "post",
        "/organisations",
        {"kind": "enterprise", "name": "Test Telecom", "country": "CN"},
        422,
        "invalid_input",
    ),
    ("patch null", "patch", "/organisations/{org}", {"name": None}, 422, "invalid_input"),
    ("patch empty name", "patch", "/organisations/{org}", {"name": ""}, 422, "invalid_input"),
    (
        "patch bad bool",
        "patch",
        "/organisations/{org}",
        {"is_active": "perhaps"},
        422,
        "invalid_input",
    ),
    ("patch bad country", "patch", "/organisations/{org}", {"country": "XX"}, 422, "invalid_input"),
    ("patch read-only", "patch", "/organisations/{org}", {"id": 7}, 422, "invalid_input"),
    ("id not a number", "get", "/organisations/abc", None, 422, "invalid_input"),
    ("id zero", "get", "/organisations/0", None, 422, "invalid_input"),
    ("id negative", "get", "/organisations/-1", None, 422, "invalid_input"),
    ("id huge", "get", "/organisations/99999999999999999999999", None, 422, "invalid_input"),
    ("id unknown", "get", "/organisations/987654321", None, 404, "not_found"),
    ("person id huge", "get", "/people/1" + "0" * 30, None, 422, "invalid_input"),
    (
        "dept id huge",
        "patch",
        "/organisations/{org}/departments/" + "9" * 30,
        {},
        422,
        "invalid_input",
    ),
    ("page not a number", "get", "/organisations?page=abc", None, 422, "invalid_input"),
    ("page zero", "get", "/organisations?page=0", None, 422, "invalid_input"),
    ("page huge", "get", "/organisations?page=" + "9" * 30, None, 422, "invalid_input"),
    ("page size huge", "get", "/people?page_size=100000", None, 422, "invalid_input"),
    ("unknown filter", "get", "/organisations?colour=red", None, 400, "bad_request"),
    ("unknown people filter", "get", "/people?organization=1", None, 400, "bad_request"),
    ("invalid kind filter", "get", "/organisations?kind=pirate", None, 422, "invalid_input"),
    ("invalid country filter", "get", "/organisations?country=ZZ", None, 422, "invalid_input"),
    ("country filter too long", "get", "/organisations?country=CHN", None, 422, "invalid_input"),
    ("search too long", "get", "/organisations?q=" + "x" * 101, None, 422, "invalid_input"),
    ("NUL in search", "get", "/people?q=a%00b", None, 422, "invalid_input"),
    ("invalid nationality", "get", "/people?nationality=ZZ", None, 422, "invalid_input"),
    ("organisation not a number", "get", "/people?organisation=x", None, 422, "invalid_input"),
    ("organisation huge", "get", "/people?organisation=" + "9" * 30, None, 422, "invalid_input"),
    ("organisation unknown", "get", "/people?organisation=987654", None, 422, "invalid_input"),
    ("cohort out of range", "get", "/people?cohort_year=1800", None, 422, "invalid_input"),
    ("cohort not a number", "get", "/people?cohort_year=1e400", None, 422, "invalid_input"),
    ("unknown endpoint", "get", "/no-such-thing", None, 404, "not_found"),
    ("unknown endpoint, POST", "post", "/no-such-thing", {}, 404, "not_found"),
    ("API root", "get", "/", None, 404, "not_found"),
    ("wrong method", "put", "/organisations", {}, 405, "method_not_allowed"),
    ("wrong method on /me", "delete", "/me", None, 405, "method_not_allowed"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [case[1:] for case in BAD_REQUESTS],
    ids=[case[0] for case in BAD_REQUESTS],
)
def test_bad_input_gets_a_structured_4xx_and_changes_nothing(
    world: World, method: str, path: str, body: Any, status: int, code: str
) -> None:
    client = world.client("admin")
    before = (Organisation.objects.count(), AuditEntry.objects.count())
    url = API + path.replace("{org}", str(world.school.pk))
    if body is None:
        response = getattr(client, method)(url)
    else:
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        response = getattr(client, method)(url, data, content_type="application/json")
    assert_error(response, status, code)
    assert (Organisation.objects.count(), AuditEntry.objects.count()) == before


def test_validation_errors_name_the_field(world: World) -> None:
    client = world.client("admin")
    response = client.post(
        f"{API}/organisations",
        json.dumps({"kind": "enterprise", "name": "X", "country": "ZZ"}),
        content_type="application/json",
    )
    assert "country" in assert_error(response, 422)["details"]
    response = client.post(
        f"{API}/organisations",
        json.dumps({"kind": "enterprise", "name": "X", "country": "CN", "colour": "red"}),
        content_type="application/json",
    )
    details = assert_error(response, 422)["details"]
    assert details == [
        {"loc": ["body", "payload", "colour"], "msg": details[0]["msg"], "type": "extra_forbidden"}
    ]


def test_a_huge_body_is_413_not_a_crash(world: World) -> None:
    body = json.dumps({"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = world.client("admin").post(
        f"{API}/organisations", body, content_type="application/json"
    )
    assert_error(response, 413, "too_large")


def test_too_many_query_parameters_is_400_not_a_crash(world: World) -> None:
    query = "&".join(f"q{i}=x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = world.client("admin").get(f"{API}/people?{query}")
    assert_error(response, 400, "bad_request")


def test_an_unexpected_error_is_a_json_500_and_logged(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from qiao.core import selectors

    def broken(**_kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "organisation_get", broken)
    response = world.client("admin").get(f"{API}/organisations/{world.school.pk}")
    error = assert_error(response, 500, "server_error")
    assert "boom" not in json.dumps(error)
    assert "boom" in caplog.text
