"""Core pages: list pages filter, sort, paginate and export the rows the viewer may see, with a
number of queries that does not grow with the rows; forms refuse bad input with a message on
the field and change nothing."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from qiao.conftest import World
from qiao.core.models import Affiliation, AuditEntry, Department, Organisation, Person
from qiao.core.tests import factories

pytestmark = pytest.mark.django_db


def csv_rows(response: Any) -> list[dict[str, str]]:
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_rows(response: Any) -> list[dict[str, Any]]:
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert sheet is not None
    header, *body = list(sheet.iter_rows(values_only=True))
    return [dict(zip([str(h) for h in header], row, strict=True)) for row in body]


def names_in(response: Any) -> list[str]:
    return [str(o) for o in response.context["object_list"]]


# --- Organisation list --------------------------------------------------------------------------


def test_organisation_list_filters(world: World) -> None:
    client = world.client("coordinator")
    url = reverse("core:organisation_list")
    assert len(names_in(client.get(url))) == 4
    assert set(names_in(client.get(url, {"kind": "enterprise"}))) == {"Other Cloud", "Test Telecom"}
    assert names_in(client.get(url, {"country": "KE"})) == ["Other Institute"]
    assert set(names_in(client.get(url, {"q": "shenzhen"}))) == {"Test Polytechnic", "Test Telecom"}
    assert names_in(client.get(url, {"q": "测试"})) == ["Test Polytechnic"]


def test_organisation_list_with_an_invalid_filter_shows_the_error_and_no_rows(world: World) -> None:
    response = world.client("coordinator").get(reverse("core:organisation_list"), {"country": "ZZ"})
    assert response.status_code == 200
    assert names_in(response) == []
    assert "Select a valid choice" in response.content.decode()


def test_organisation_list_sorts(world: World) -> None:
    client = world.client("coordinator")
    url = reverse("core:organisation_list")
    factories.department(world.enterprise)
    factories.department(world.enterprise)
    by_name = names_in(client.get(url, {"sort": "name"}))
    assert names_in(client.get(url, {"sort": "-name"})) == list(reversed(by_name))
    by_country = [
        o.country.code for o in client.get(url, {"sort": "country"}).context["object_list"]
    ]
    assert by_country == sorted(by_country)
    most_departments = names_in(client.get(url, {"sort": "-departments"}))
    assert most_departments[0] == "Test Telecom"
    # An unknown sort falls back to the default rather than failing.
    assert names_in(client.get(url, {"sort": "password"})) == by_name


def test_organisation_list_paginates(world: World) -> None:
    for i in range(30):
        factories.organisation(name=f"Bulk {i:02d}")
    client = world.client("coordinator")
    url = reverse("core:organisation_list")
    first = client.get(url)
    assert len(first.context["object_list"]) == 25
    assert "1–25 of 34 results" in first.content.decode()
    second = client.get(url, {"page": 2})
    assert len(second.context["object_list"]) == 9
    assert set(names_in(first)).isdisjoint(names_in(second))
    assert len(client.get(url, {"per_page": 50}).context["object_list"]) == 34
    # Nonsense page numbers and sizes fall back instead of failing.
    for params in ({"page": "abc"}, {"page": 999}, {"per_page": 7}, {"per_page": "lots"}):
        assert client.get(url, params).status_code == 200


def test_organisation_export_is_filtered_like_the_page(world: World) -> None:
    client = world.client("coordinator")
    url = reverse("core:organisation_list")
    rows = csv_rows(client.get(url, {"kind": "enterprise", "export": "csv"}))
    assert [r["name"] for r in rows] == ["Other Cloud", "Test Telecom"]
    assert list(rows[0]) == [
        "id",
        "kind",
        "name",
        "name_en",
        "name_local",
        "short_name",
        "country",
        "city",
        "website",
    ]
    assert rows[1]["country"] == "CN"
    sheet = xlsx_rows(client.get(url, {"country": "CN", "export": "xlsx"}))
    assert {r["name"] for r in sheet} == {"深圳测试职业技术学院", "Test Telecom"}


def test_export_neutralises_spreadsheet_formulas(world: World) -> None:
    factories.organisation(name="=HYPERLINK(evil)", city="+cmd")
    rows = csv_rows(
        world.client("admin").get(
            reverse("core:organisation_list"), {"q": "HYPER", "export": "csv"}
        )
    )
    assert rows[0]["name"] == "'=HYPERLINK(evil)"
    assert rows[0]["city"] == "'+cmd"


def test_organisation_list_queries_do_not_grow_with_rows(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = world.client("coordinator")
    url = reverse("core:organisation_list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(30):
        org = factories.organisation(name=f"Bulk {i:02d}")
        factories.department(org)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url, {"per_page": 50})
    assert len(response.context["object_list"]) == 34


# --- People list --------------------------------------------------------------------------------


def test_person_list_filters(world: World) -> None:
    client = world.client("admin")
    url = reverse("core:person_list")

    def ids(**params: Any) -> set[int]:
        return {p.pk for p in client.get(url, params).context["object_list"]}

    p = world.people
    assert ids(kind="student") == {p["student"].pk, p["other_student"].pk}
    assert ids(organisation=world.school.pk) == {p["student"].pk, p["teacher"].pk}
    assert ids(organisation=world.school.pk, kind="teacher") == {p["teacher"].pk}
    assert ids(nationality="KE") == {p["other_student"].pk}
    assert ids(cohort_year=2024) == {p["student"].pk, p["other_student"].pk}
    assert ids(q="S0001") == {p["student"].pk}
    assert ids(q="mentor@test") == {p["mentor"].pk}
    assert ids(q="李") == {p["student"].pk}


@pytest.mark.parametrize(
    "params",
    [
        {"organisation": "abc"},
        {"organisation": "9" * 30},
        {"cohort_year": "1e400"},
        {"cohort_year": "nan"},
        {"nationality": "ZZ"},
        {"kind": "alien"},
        {"q": "a\x00b"},
    ],
    ids=["org text", "org huge", "cohort huge", "cohort nan", "bad country", "bad kind", "NUL"],
)
def test_person_list_survives_nonsense_filters(world: World, params: dict[str, str]) -> None:
    client = world.client("coordinator")
    response = client.get(reverse("core:person_list"), params)
    assert response.status_code == 200
    assert list(response.context["object_list"]) == []
    assert csv_rows(client.get(reverse("core:person_list"), {**params, "export": "csv"})) == []


def test_person_list_sorts_and_paginates(world: World) -> None:
    for i in range(30):
        factories.student(world.school, family_name=f"Zz{i:02d}", given_name="Bulk")
    client = world.client("coordinator")
    url = reverse("core:person_list")
    first = client.get(url)
    assert len(first.context["object_list"]) == 25
    assert "of 32 results" in first.content.decode()
    ascending = [p.family_name for p in client.get(url, {"per_page": 100}).context["object_list"]]
    assert ascending == sorted(ascending)
    descending = [
        p.family_name
        for p in client.get(url, {"per_page": "100", "sort": "-name"}).context["object_list"]
    ]
    assert descending == sorted(ascending, reverse=True)
    assert len(client.get(url, {"page": 2}).context["object_list"]) == 7


def test_person_export_has_the_affiliation_columns(world: World) -> None:
    client = world.client("coordinator")
    url = reverse("core:person_list")
    [row] = csv_rows(client.get(url, {"kind": "student", "export": "csv"}))
    assert row["student_number"] == "S0001"
    assert row["native_name"] == "李华"
    assert row["organisation"] == "深圳测试职业技术学院"
    assert row["major"] == "510201"
    assert row["cohort_year"] == "2024"
    assert row["date_of_birth"] == "2006-05-01"
    [sheet_row] = xlsx_rows(client.get(url, {"kind": "student", "export": "xlsx"}))
    assert sheet_row["student_number"] == "S0001"
    assert sheet_row["id"] == world.people["student"].pk


def test_person_list_queries_do_not_grow_with_rows(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = world.client("coordinator")
    url = reverse("core:person_list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"per_page": 50})
    dept = world.school.departments.get()
    major = world.school.majors.get()
    for _ in range(30):
        p = factories.person(nationality="CN")
        factories.affiliation(
            p, world.school, "student", student_number=f"B{p.pk}", department=dept, major=major
        )
        factories.affiliation(p, world.enterprise, "mentor", title="Intern mentor")
    with django_assert_max_num_queries(len(few)):
        response = client.get(url, {"per_page": 50})
    assert len(response.context["object_list"]) == 32
    with django_assert_max_num_queries(len(few)):
        client.get(url, {"per_page": "50", "export": "xlsx"})


# --- Forms: bad input changes nothing -----------------------------------------------------------


def org_form(**changes: Any) -> dict[str, Any]:
    data = {
        "kind": "enterprise",
        "name": "Pearl River Robotics",
        "name_en": "",
        "name_local": "",
        "short_name": "",
        "country": "CN",
        "city": "Guangzhou",
        "website": "",
        "description": "",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_platform_admin_creates_an_organisation_on_the_page(world: World) -> None:
    response = world.client("admin").post(reverse("core:organisation_create"), org_form())
    org = Organisation.objects.get(name="Pearl River Robotics")
    assert response["Location"] == reverse("core:organisation_detail", args=[org.pk])


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"kind": "castle"}, "kind"),
        ({"country": "ZZ"}, "country"),
        ({"website": "ftp//nope"}, "website"),
        ({"name": "Test Telecom", "country": "CN"}, None),
    ],
    ids=["missing name", "name too long", "bad kind", "bad country", "bad website", "duplicate"],
)
def test_organisation_form_refuses_bad_input(
    world: World, changes: dict[str, Any], field: str | None
) -> None:
    count = Organisation.objects.count()
    response = world.client("admin").post(reverse("core:organisation_create"), org_form(**changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    if field:
        assert field in form.errors
    else:
        assert "already exists" in response.content.decode()
    assert Organisation.objects.count() == count


def test_department_form_refuses_a_duplicate_and_saves_a_new_one(world: World) -> None:
    client = world.client("coordinator")
    url = reverse("core:department_create", args=[world.school.pk])
    response = client.post(url, {"name": "School of Computer Engineering"})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Department.objects.filter(organisation=world.school).count() == 1
    response = client.post(url, {"name": "School of Design", "code": "SD"})
    assert response.status_code == 302
    assert Department.objects.filter(organisation=world.school).count() == 2


def test_department_edit_and_delete_pages(world: World) -> None:
    client = world.client("coordinator")
    dept = world.school.departments.get()
    url = reverse("core:department_edit", args=[world.school.pk, dept.pk])
    assert client.post(url, {"name": dept.name, "code": "SCE"}).status_code == 302
    dept.refresh_from_db()
    assert dept.code == "SCE"
    # A department of another organisation is not reachable through this one.
    other = factories.department(world.other_school)
    assert (
        client.get(reverse("core:department_edit", args=[world.school.pk, other.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("core:department_delete", args=[world.school.pk, other.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("core:department_delete", args=[world.school.pk, dept.pk])).status_code
        == 302
    )
    assert not Department.objects.filter(pk=dept.pk).exists()
    assert Department.objects.filter(pk=other.pk).exists()


def person_form(**aff: Any) -> dict[str, Any]:
    data = {
        "person-family_name": "Zhang",
        "person-given_name": "Wei",
        "person-native_name": "张伟",
        "person-email": "zhang.wei@test.example",
        "person-nationality": "CN",
        "aff-kind": "student",
        "aff-student_number": "S0100",
        "aff-cohort_year": "2025",
    }
    data.update({f"aff-{k}": v for k, v in aff.items()})
    return data


def test_coordinator_adds_a_student_on_the_page(world: World) -> None:
    response = world.client("coordinator").post(reverse("core:person_create"), person_form())
    person = Person.objects.get(email="zhang.wei@test.example")
    assert response["Location"] == reverse("core:person_detail", args=[person.pk])
    aff = person.affiliations.get()
    assert (aff.organisation, aff.student_number, aff.cohort_year) == (world.school, "S0100", 2025)
    assert AuditEntry.objects.filter(
        action="person.create", actor=world.users["coordinator"]
    ).exists()


@pytest.mark.parametrize(
    ("aff", "field", "message"),
    [
        ({"student_number": ""}, "student_number", "A student needs a student number."),
        ({"student_number": "S0001"}, "student_number", "already has this student number"),
        ({"start": "2025-09-01", "end": "2025-01-01"}, "end", "The end comes before the start."),
        ({"cohort_year": "1800"}, "cohort_year", None),
        ({"kind": "teacher", "cohort_year": "2025"}, "cohort_year", "Only students"),
        ({"start": "2025-02-30"}, "start", None),
    ],
    ids=[
        "no number",
        "duplicate number",
        "end before start",
        "bad cohort",
        "teacher with cohort",
        "bad date",
    ],
)
def test_person_form_refuses_bad_affiliations_and_creates_nobody(
    world: World, aff: dict[str, Any], field: str, message: str | None
) -> None:
    before = (Person.objects.count(), Affiliation.objects.count(), AuditEntry.objects.count())
    response = world.client("coordinator").post(reverse("core:person_create"), person_form(**aff))
    assert response.status_code == 200
    errors = response.context["aff_form"].errors
    assert field in errors, errors
    if message:
        assert message in " ".join(errors[field])
    assert (
        Person.objects.count(),
        Affiliation.objects.count(),
        AuditEntry.objects.count(),
    ) == before


def test_person_form_refuses_a_department_of_another_organisation(world: World) -> None:
    other = factories.department(world.other_school)
    response = world.client("coordinator").post(
        reverse("core:person_create"), person_form(department=other.pk)
    )
    assert response.status_code == 200
    assert "department" in response.context["aff_form"].errors
    assert not Person.objects.filter(email="zhang.wei@test.example").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"person-given_name": ""}, "given_name"),
        ({"person-given_name": "x" * 101}, "given_name"),
        ({"person-email": "nope"}, "email"),
        ({"person-nationality": "ZZ"}, "nationality"),
        ({"person-date_of_birth": "yesterday"}, "date_of_birth"),
    ],
)
def test_person_form_refuses_bad_person_fields(
    world: World, changes: dict[str, Any], field: str
) -> None:
    count = Person.objects.count()
    response = world.client("coordinator").post(
        reverse("core:person_create"), {**person_form(), **changes}
    )
    assert field in response.context["form"].errors
    assert Person.objects.count() == count


def test_person_edit_saves_changes_and_records_nothing_when_unchanged(world: World) -> None:
    client = world.client("coordinator")
    student = world.people["student"]
    url = reverse("core:person_edit", args=[student.pk])
    form = {
        "person-family_name": "Li",
        "person-given_name": "Hua",
        "person-native_name": "李华",
        "person-email": "student@test.example",
        "person-phone": "",
        "person-date_of_birth": "2006-05-01",
        "person-nationality": "CN",
    }
    assert client.post(url, form).status_code == 302
    assert not AuditEntry.objects.filter(action="person.update").exists()
    assert client.post(url, {**form, "person-phone": "+86 1"}).status_code == 302
    entry = AuditEntry.objects.get(action="person.update")
    assert entry.changes == {"phone": ["", "+86 1"]}


def test_affiliation_add_page(world: World) -> None:
    client = world.client("coordinator")
    teacher = world.people["teacher"]
    url = reverse("core:affiliation_add", args=[teacher.pk])
    response = client.post(url, {"kind": "staff", "title": "Dean"})
    assert response.status_code == 302
    assert teacher.affiliations.filter(kind="staff", title="Dean").exists()
    duplicate = client.post(url, {"kind": "student", "student_number": "S0001"})
    assert duplicate.status_code == 200
    assert "student_number" in duplicate.context["form"].errors


def test_person_detail_shows_the_native_name_and_affiliations(world: World) -> None:
    html = (
        world.client("coordinator")
        .get(reverse("core:person_detail", args=[world.people["student"].pk]))
        .content.decode()
    )
    assert "李华" in html
    assert "S0001" in html
    assert "Cloud Computing" in html


def test_organisation_detail_lists_departments_and_majors(world: World) -> None:
    html = (
        world.client("teacher")
        .get(reverse("core:organisation_detail", args=[world.school.pk]))
        .content.decode()
    )
    assert "School of Computer Engineering" in html
    assert "510201" in html
