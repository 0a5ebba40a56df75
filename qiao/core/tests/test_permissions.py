"""Who may reach what: every persona against every core page and API endpoint, and proof that
what they may not see does not leak through lists, counts, exports or the API.

Read a row of the matrix as: "for this page, everyone gets <default>, except …". `LOGIN` means
a redirect to the log-in page. Objects outside a viewer's scope answer 404, not 403, so their
existence does not leak; visible objects the viewer may not change answer 403.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from qiao.conftest import World
from qiao.core.services import people as people_services
from qiao.core.tests import factories

pytestmark = pytest.mark.django_db

PERSONAS = (
    "admin",
    "coordinator",
    "org_admin",
    "enterprise",
    "teacher",
    "mentor",
    "student",
    "outsider",
    "other_coordinator",
    "anonymous",
)
LOGIN = "login"  # a 302 to the log-in page


def expect(default: int | str, **exceptions: int | str) -> dict[str, int | str]:
    """Expected answer per persona: `default` for all but the named exceptions. Anonymous
    visitors are sent to log in (pages) unless said otherwise."""
    unknown = set(exceptions) - set(PERSONAS)
    assert not unknown, unknown
    table: dict[str, int | str] = dict.fromkeys(PERSONAS, default)
    table["anonymous"] = LOGIN
    table.update(exceptions)
    return table


def api_expect(default: int, **exceptions: int) -> dict[str, int | str]:
    return expect(default, anonymous=401, **exceptions)


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Callable[[World], str]
    statuses: dict[str, int | str]
    body: Callable[[World], dict[str, Any]] | None = field(default=None)

    def __str__(self) -> str:
        return self.name


def page(name: str, *args: Callable[[World], Any]) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[a(w) for a in args])


def school(w: World) -> int:
    return w.school.pk


def dept(w: World) -> int:
    return w.school.departments.get().pk


def student(w: World) -> int:
    return w.people["student"].pk


def teacher(w: World) -> int:
    return w.people["teacher"].pk


PAGES = [
    Case("home", "get", page("core:home"), expect(200)),
    Case("account", "get", page("core:account"), expect(200)),
    Case("API tokens", "get", page("core:token_list"), expect(200)),
    Case("my jobs", "get", page("core:job_list"), expect(200)),
    Case("organisation list", "get", page("core:organisation_list"), expect(200, outsider=403)),
    Case(
        "organisation detail",
        "get",
        page("core:organisation_detail", school),
        expect(200, outsider=404),
    ),
    Case("organisation create", "get", page("core:organisation_create"), expect(403, admin=200)),
    Case(
        "organisation edit",
        "get",
        page("core:organisation_edit", school),
        expect(403, admin=200, org_admin=200, outsider=404),
    ),
    Case(
        "department create",
        "get",
        page("core:department_create", school),
        expect(403, admin=200, org_admin=200, coordinator=200, outsider=404),
    ),
    Case(
        "department edit",
        "get",
        page("core:department_edit", school, dept),
        expect(403, admin=200, org_admin=200, coordinator=200, outsider=404),
    ),
    Case(
        "department delete",
        "post",
        page("core:department_delete", school, dept),
        expect(403, admin=302, org_admin=302, coordinator=302, outsider=404),
    ),
    Case("person list", "get", page("core:person_list"), expect(200)),
    Case(
        "person detail: a student",
        "get",
        page("core:person_detail", student),
        expect(404, admin=200, coordinator=200, org_admin=200, student=200),
    ),
    Case(
        "person detail: a teacher",
        "get",
        page("core:person_detail", teacher),
        expect(404, admin=200, coordinator=200, org_admin=200, student=200, teacher=200),
    ),
    # Adding a person needs an organisation to act for, as its coordinator.
    Case(
        "person create",
        "get",
        page("core:person_create"),
        expect(403, coordinator=200, org_admin=200, enterprise=200, other_coordinator=200),
    ),
    Case(
        "person edit: a student",
        "get",
        page("core:person_edit", student),
        expect(404, admin=200, coordinator=200, org_admin=200, student=403),
    ),
    Case(
        "person edit: a teacher",
        "get",
        page("core:person_edit", teacher),
        expect(404, admin=200, coordinator=200, org_admin=200, student=403, teacher=403),
    ),
    Case(
        "person delete: a student",
        "post",
        page("core:person_delete", student),
        expect(404, admin=302, coordinator=302, org_admin=302, student=403),
    ),
    Case(
        "affiliation add: a student",
        "get",
        page("core:affiliation_add", student),
        expect(404, admin=403, coordinator=200, org_admin=200, student=403),
    ),
    Case("audit log", "get", page("core:audit_list"), expect(403, admin=200, org_admin=200)),
    Case("health", "get", page("core:health"), expect(403, admin=200)),
]


def api(path: str, *args: Callable[[World], Any]) -> Callable[[World], str]:
    return lambda w: "/api/v1" + path.format(*[a(w) for a in args])


MANAGE_DEPTS = {"admin": 0, "org_admin": 0, "coordinator": 0}

API = [
    Case("GET /me", "get", api("/me"), api_expect(200)),
    Case("GET /organisations", "get", api("/organisations"), api_expect(200, outsider=403)),
    Case(
        "GET /organisations/{id}",
        "get",
        api("/organisations/{}", school),
        api_expect(200, outsider=404),
    ),
    Case(
        "POST /organisations",
        "post",
        api("/organisations"),
        api_expect(403, admin=201),
        body=lambda w: {"kind": "enterprise", "name": "New Co", "country": "FR"},
    ),
    Case(
        "PATCH /organisations/{id}",
        "patch",
        api("/organisations/{}", school),
        api_expect(403, admin=200, org_admin=200, outsider=404),
        body=lambda w: {"city": "Guangzhou"},
    ),
    Case(
        "GET /organisations/{id}/departments",
        "get",
        api("/organisations/{}/departments", school),
        api_expect(200, outsider=404),
    ),
    Case(
        "POST /organisations/{id}/departments",
        "post",
        api("/organisations/{}/departments", school),
        api_expect(403, admin=201, org_admin=201, coordinator=201, outsider=404),
        body=lambda w: {"name": "School of Robotics"},
    ),
    Case(
        "PATCH /organisations/{id}/departments/{id}",
        "patch",
        api("/organisations/{}/departments/{}", school, dept),
        api_expect(403, admin=200, org_admin=200, coordinator=200, outsider=404),
        body=lambda w: {"code": "SCE"},
    ),
    Case(
        "DELETE /organisations/{id}/departments/{id}",
        "delete",
        api("/organisations/{}/departments/{}", school, dept),
        api_expect(403, admin=204, org_admin=204, coordinator=204, outsider=404),
    ),
    Case("GET /people", "get", api("/people"), api_expect(200)),
    Case(
        "GET /people/{id}: a student",
        "get",
        api("/people/{}", student),
        api_expect(404, admin=200, coordinator=200, org_admin=200, student=200),
    ),
    Case(
        "GET /people/{id}: a teacher",
        "get",
        api("/people/{}", teacher),
        api_expect(404, admin=200, coordinator=200, org_admin=200, student=200, teacher=200),
    ),
]


def _request(client: Client, case: Case, world: World) -> Any:
    url = case.url(world)
    if case.body is not None or (case.method in ("patch", "delete") and url.startswith("/api/")):
        body = json.dumps(case.body(world) if case.body else {})
        return getattr(client, case.method)(url, body, content_type="application/json")
    return getattr(client, case.method)(url)


def _outcome(response: Any) -> int | str:
    if response.status_code == 302 and reverse("core:login") in response["Location"]:
        return LOGIN
    return int(response.status_code)


@pytest.mark.parametrize("case", PAGES + API, ids=str)
def test_persona_matrix(world: World, case: Case) -> None:
    """Each persona in turn, each request rolled back so that a delete by one persona does
    not change what the next one finds."""
    wrong = {}
    for persona in PERSONAS:
        with transaction.atomic():
            response = _request(world.client(persona), case, world)
            transaction.set_rollback(True)
        got = _outcome(response)
        if got != case.statuses[persona]:
            wrong[persona] = f"expected {case.statuses[persona]}, got {got}"
        if case.url(world).startswith("/api/"):
            assert response["Content-Type"].startswith("application/json"), persona
            if response.status_code >= 400:
                assert set(response.json()["error"]) == {"code", "message", "details"}
    assert not wrong, f"{case.name}: {wrong}"


# --- Nothing leaks ------------------------------------------------------------------------------

# Who sees whom among the world's people (world.people keys, plus "classmate": another student
# of the school, added by the test).
VISIBLE_PEOPLE = {
    "admin": {"student", "classmate", "teacher", "mentor", "other_student"},
    "coordinator": {"student", "classmate", "teacher"},
    "org_admin": {"student", "classmate", "teacher"},
    "enterprise": {"mentor"},
    "teacher": {"teacher"},  # colleagues, not students
    "mentor": {"mentor"},
    "student": {"student", "teacher"},  # themselves and their teachers, not classmates
    "outsider": set(),
    "other_coordinator": {"other_student"},
}


def _ids_from_html(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/people/(\d+)/"', html)}


def _ids_from_csv(content: bytes) -> set[int]:
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    return {int(row["id"]) for row in rows}


def _ids_from_xlsx(content: bytes) -> set[int]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "id"
    return {int(row[0]) for row in rows[1:]}  # type: ignore[arg-type]


@pytest.mark.parametrize("persona", list(VISIBLE_PEOPLE))
def test_people_list_export_api_and_counts_show_only_whom_the_viewer_may_see(
    world: World, persona: str
) -> None:
    world.people["classmate"] = factories.student(
        world.school,
        number="S0002",
        family_name="Wang",
        given_name="Fang",
        native_name="王芳",
        date_of_birth=dt.date(2005, 11, 2),
    )
    expected = {world.people[key].pk for key in VISIBLE_PEOPLE[persona]}
    client = world.client(persona)

    html = client.get(reverse("core:person_list")).content.decode()
    assert _ids_from_html(html) == expected
    assert f"of {len(expected)} result" in html

    csv_response = client.get(reverse("core:person_list"), {"export": "csv"})
    assert _ids_from_csv(factories.body(csv_response)) == expected
    xlsx_response = client.get(reverse("core:person_list"), {"export": "xlsx"})
    assert _ids_from_xlsx(xlsx_response.content) == expected

    body = client.get("/api/v1/people", {"page_size": 100}).json()
    assert {item["id"] for item in body["items"]} == expected
    assert body["count"] == len(expected)

    home = client.get(reverse("core:home")).content.decode()
    if persona != "outsider":
        assert re.search(rf'People you can see</p><p class="display-6 mb-0">{len(expected)}<', home)

    exported = (html, csv_response_text(client), json.dumps(body, ensure_ascii=False))
    if "student" not in VISIBLE_PEOPLE[persona]:
        # Not the student's name, number or birthday, anywhere.
        for content in exported:
            assert "S0001" not in content
            assert "李华" not in content
            assert "2006-05-01" not in content
    if "classmate" not in VISIBLE_PEOPLE[persona]:
        for content in exported:
            assert "S0002" not in content
            assert "王芳" not in content
            assert "2005-11-02" not in content


def csv_response_text(client: Client) -> str:
    response = client.get(reverse("core:person_list"), {"export": "csv"})
    return factories.body(response).decode("utf-8-sig")


@pytest.mark.parametrize("persona", ["enterprise", "mentor", "teacher", "other_coordinator"])
def test_probing_filters_finds_no_student_of_the_school(world: World, persona: str) -> None:
    """Filtering by the school, by kind, cohort or a known student number returns nothing."""
    client = world.client(persona)
    probes: list[dict[str, Any]] = [
        {"organisation": world.school.pk, "kind": "student"},
        {"q": "S0001"},
        {"q": "Li"},
        {"cohort_year": 2024, "organisation": world.school.pk},
    ]
    for params in probes:
        html = client.get(reverse("core:person_list"), params).content.decode()
        assert world.people["student"].pk not in _ids_from_html(html), params
        body = client.get("/api/v1/people", params).json()
        assert world.people["student"].pk not in {p["id"] for p in body["items"]}, params
        exported = factories.body(
            client.get(reverse("core:person_list"), {**params, "export": "csv"})
        )
        assert b"S0001" not in exported


@pytest.mark.parametrize(
    ("persona", "sees_counts"),
    [
        ("admin", True),
        ("coordinator", True),
        ("org_admin", True),
        ("teacher", False),
        ("student", False),
        ("enterprise", False),
        ("mentor", False),
        ("other_coordinator", False),
    ],
)
def test_organisation_people_counts_only_for_its_coordinators(
    world: World, persona: str, sees_counts: bool
) -> None:
    html = world.client(persona).get(reverse("core:organisation_detail", args=[school(world)]))
    assert ("student: 1" in html.content.decode()) is sees_counts


def test_outsider_sees_no_organisation_anywhere(world: World) -> None:
    client = world.client("outsider")
    assert client.get(reverse("core:organisation_list")).status_code == 403
    assert client.get("/api/v1/organisations").status_code == 403
    for org in (world.school, world.enterprise):
        assert client.get(reverse("core:organisation_detail", args=[org.pk])).status_code == 404
        assert client.get(f"/api/v1/organisations/{org.pk}").status_code == 404
        assert client.get(f"/api/v1/organisations/{org.pk}/departments").status_code == 404
    # Not even as a choice in the people filter or a number on the home page.
    people_page = client.get(reverse("core:person_list")).content.decode()
    home = client.get(reverse("core:home")).content.decode()
    for name in ("Test Polytechnic", "深圳测试职业技术学院", "Test Telecom", "Other Institute"):
        assert name not in people_page
        assert name not in home


def test_student_affiliation_of_a_visible_person_stays_with_the_school(world: World) -> None:
    """The enterprise sees its mentor; that the mentor also studies at the school (number,
    cohort) is the school's record, not the enterprise's."""
    mentor = world.people["mentor"]
    people_services.affiliation_create(
        actor=None,
        person=mentor,
        organisation=world.school,
        kind="student",
        student_number="S0999",
        cohort_year=2025,
    )
    enterprise = world.client("enterprise")
    detail = enterprise.get(reverse("core:person_detail", args=[mentor.pk])).content.decode()
    assert "Engineer" in detail
    assert "S0999" not in detail
    body = enterprise.get(f"/api/v1/people/{mentor.pk}").json()
    assert [a["kind"] for a in body["affiliations"]] == ["mentor"]
    listing = enterprise.get("/api/v1/people").json()
    assert [a["kind"] for a in listing["items"][0]["affiliations"]] == ["mentor"]
    assert b"S0999" not in factories.body(
        enterprise.get(reverse("core:person_list"), {"export": "csv"})
    )
    # The school's coordinator sees both; the mentor sees their own.
    coordinator = world.client("coordinator").get(f"/api/v1/people/{mentor.pk}").json()
    assert sorted(a["kind"] for a in coordinator["affiliations"]) == ["mentor", "student"]
    own = world.client("mentor").get(f"/api/v1/people/{mentor.pk}").json()
    assert sorted(a["kind"] for a in own["affiliations"]) == ["mentor", "student"]


def test_a_coordinator_cannot_delete_a_person_another_organisation_also_holds(
    world: World,
) -> None:
    """Deleting a person erases every affiliation: the other school's coordinator, who sees
    the shared person, may edit but not delete them."""
    shared = world.people["other_student"]
    people_services.affiliation_create(
        actor=None, person=shared, organisation=world.school, kind="student", student_number="S7"
    )
    other = world.client("other_coordinator")
    assert other.get(reverse("core:person_edit", args=[shared.pk])).status_code == 200
    assert other.post(reverse("core:person_delete", args=[shared.pk])).status_code == 403
    assert "Delete this person" not in other.get(
        reverse("core:person_detail", args=[shared.pk])
    ).content.decode("utf-8")
    assert (
        world.client("admin").post(reverse("core:person_delete", args=[shared.pk])).status_code
        == 302
    )


def test_inactive_account_is_treated_as_anonymous(world: World) -> None:
    client = world.client("coordinator")
    user = world.users["coordinator"]
    user.is_active = False
    user.save()
    assert _outcome(client.get(reverse("core:person_list"))) == LOGIN
    assert client.get("/api/v1/me").status_code == 401
