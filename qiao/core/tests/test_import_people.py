"""The "people" import kind through the import service: create, update, validate, roll back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError

from qiao.core.importexport import importer
from qiao.core.importexport.kinds.people import PeopleImport
from qiao.core.importexport.registry import ImportContext, get_import
from qiao.core.models import Affiliation, AuditEntry, Organisation, Person
from qiao.core.services import organisations as organisation_services
from qiao.core.tests.fixtures_import import (
    as_rows,
    csv_upload,
    student,
    upload,
    xlsx_bytes,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db


def run(
    world: Any,
    rows: list[list[Any]],
    *,
    persona: str = "coordinator",
    org: Any = None,
    xlsx: bool = False,
    **options: Any,
) -> importer.ImportResult:
    ctx = ImportContext(actor=world.users[persona], organisation=org or world.school)
    kind = get_import("people")
    assert isinstance(kind, PeopleImport)
    file = xlsx_upload(rows) if xlsx else csv_upload(rows)
    return importer.run_import(kind, file, ctx, **options)


def counts() -> tuple[int, int, int]:
    return Person.objects.count(), Affiliation.objects.count(), AuditEntry.objects.count()


def test_students_teachers_and_mentors_are_created_with_their_affiliation(world):
    rows = as_rows(
        [
            student("2024001", phone="138 0013 8000", start="2024-09-01"),
            {
                "kind": "teacher",
                "given_name": "Fang",
                "family_name": "Wang",
                "title": "Lecturer",
                "email": "wang.fang@test.example",
                "department": "school of computer engineering",
            },
            {
                "kind": "企业导师",
                "given_name": "Sam",
                "email": "sam@test.example",
                "title": "Engineer",
            },
        ]
    )
    result = run(world, rows)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged, result.rows) == (3, 0, 0, 3)
    aff = Affiliation.objects.select_related("person", "major", "department").get(
        student_number="2024001"
    )
    assert aff.organisation == world.school and aff.kind == "student"
    assert aff.major is not None and aff.department is not None
    assert (aff.major.code, aff.department.name, aff.cohort_year) == (
        "510201",
        "School of Computer Engineering",
        2024,
    )
    assert aff.start == dt.date(2024, 9, 1)
    person = aff.person
    assert (person.native_name, person.nationality.code, person.date_of_birth) == (
        "张伟",
        "CN",
        dt.date(2006, 3, 9),
    )
    assert person.phone == "138 0013 8000"
    teacher = Affiliation.objects.get(person__email="wang.fang@test.example")
    assert teacher.department is not None
    assert (teacher.kind, teacher.title, teacher.department.name) == (
        "teacher",
        "Lecturer",
        "School of Computer Engineering",
    )
    assert Affiliation.objects.get(person__email="sam@test.example").kind == "mentor"
    entry = AuditEntry.objects.get(action="import.people")
    assert entry.actor == world.users["coordinator"] and entry.organisation == world.school
    assert entry.changes["created"] == 3 and entry.changes["file"] == "people.csv"


def test_reimporting_a_student_number_updates_that_student(world):
    assert run(world, as_rows([student("U1"), student("U2")])).ok
    person_ids = set(Person.objects.values_list("pk", flat=True))
    rows = as_rows(
        [
            student("U1", given_name="Renamed", cohort_year="2025"),
            student("U2"),
            {"kind": "student", "given_name": "Wei U2b", "student_number": "U3"},
        ]
    )
    result = run(world, rows)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    u1 = Affiliation.objects.select_related("person").get(student_number="U1")
    assert (u1.person.given_name, u1.cohort_year) == ("Renamed", 2025)
    assert u1.person.pk in person_ids
    assert Person.objects.count() == len(person_ids) + 1
    update = AuditEntry.objects.get(action="person.update", object_id=str(u1.person.pk))
    assert update.changes == {"given_name": ["Wei U1", "Renamed"]}
    assert AuditEntry.objects.get(action="affiliation.update", object_id=str(u1.pk)).changes == {
        "cohort_year": [2024, 2025]
    }


def test_empty_cells_leave_stored_values_alone(world):
    assert run(world, as_rows([student("E1", phone="12345")])).ok
    rows = as_rows([{"kind": "student", "given_name": "Wei E1", "student_number": "E1"}])
    result = run(world, rows)
    assert (result.updated, result.unchanged) == (0, 1)
    person = Affiliation.objects.get(student_number="E1").person
    assert (person.phone, person.native_name, person.nationality.code) == ("12345", "张伟", "CN")


def test_the_existing_student_of_the_world_is_matched_by_number(world):
    rows = as_rows(
        [
            {
                "kind": "student",
                "given_name": "Hua",
                "student_number": "S0001",
                "email": "li.hua@new.example",
            }
        ]
    )
    result = run(world, rows)
    assert (result.created, result.updated) == (0, 1)
    world.people["student"].refresh_from_db()
    assert world.people["student"].email == "li.hua@new.example"


def test_a_number_used_by_another_school_is_not_touched(world):
    rows = as_rows([{"kind": "student", "given_name": "New", "student_number": "K0001"}])
    result = run(world, rows)
    assert (result.created, result.updated) == (1, 0)
    assert Affiliation.objects.filter(student_number="K0001").count() == 2
    world.people["other_student"].refresh_from_db()
    assert world.people["other_student"].given_name == "Achieng"


def test_colleagues_are_matched_by_kind_and_email(world):
    rows = as_rows(
        [
            {
                "kind": "teacher",
                "given_name": "Teacher",
                "email": "TEACHER@test.example",
                "title": "Associate professor",
            }
        ]
    )
    result = run(world, rows)
    assert (result.created, result.updated) == (0, 1)
    aff = Affiliation.objects.get(person=world.people["teacher"], organisation=world.school)
    assert aff.title == "Associate professor"
    rows = as_rows([{"kind": "staff", "given_name": "Teacher", "email": "teacher@test.example"}])
    assert run(world, rows).created == 1


def test_one_bad_row_saves_nothing_and_names_row_and_column(world):
    before = counts()
    rows = as_rows([student("B1"), student("B2", nationality="XX"), student("B3")])
    result = run(world, rows)
    assert not result.ok and not result.committed
    assert [(e.row, e.column, e.value) for e in result.errors] == [(3, "nationality", "XX")]
    assert "country" in result.errors[0].message
    assert counts() == before


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"kind": "alumnus"}, "kind"),
        ({"given_name": ""}, "given_name"),
        ({"student_number": ""}, "student_number"),
        ({"email": "not-an-email"}, "email"),
        ({"phone": "call me"}, "phone"),
        ({"date_of_birth": "01/05/2006"}, "date_of_birth"),
        ({"date_of_birth": "2006-02-30"}, "date_of_birth"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"nationality": "Atlantis"}, "nationality"),
        ({"major": "999999"}, "major"),
        ({"department": "School of Magic"}, "department"),
        ({"cohort_year": "1900"}, "cohort_year"),
        ({"cohort_year": "next year"}, "cohort_year"),
        ({"start": "2024-09-01", "end": "2024-01-01"}, "end"),
        ({"start": "soon"}, "start"),
    ],
)
def test_row_validation(world, changes, column):
    before = counts()
    result = run(world, as_rows([student("V1", **changes)]))
    assert [(e.row, e.column) for e in result.errors] == [(2, column)], result.errors
    assert counts() == before


def test_student_only_fields_are_refused_for_others(world):
    rows = as_rows(
        [
            {
                "kind": "teacher",
                "given_name": "T",
                "student_number": "X9",
                "major": "510201",
                "cohort_year": "2024",
            }
        ]
    )
    result = run(world, rows)
    assert sorted(e.column for e in result.errors) == ["cohort_year", "major", "student_number"]


def test_duplicates_inside_the_file(world):
    rows = as_rows(
        [
            student("D1"),
            student("D1", given_name="Twin"),
            {"kind": "mentor", "given_name": "A", "email": "m@x.example"},
            {"kind": "mentor", "given_name": "B", "email": "M@x.example"},
        ]
    )
    result = run(world, rows)
    assert [(e.row, e.column) for e in result.errors] == [(3, "student_number"), (5, "email")]
    assert "row 2" in result.errors[0].message and "row 4" in result.errors[1].message


def test_only_schools_have_students(world):
    result = run(
        world,
        as_rows([student("Q1", major="", department="")]),
        persona="enterprise",
        org=world.enterprise,
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "kind")]


def test_lenient_values(world):
    rows = as_rows(
        [
            student("L1", kind="Student", nationality="chn", date_of_birth="2006/5/1"),
            student("L2", kind="学生", nationality="中国", date_of_birth="2006.12.31"),
            student("L3", nationality="Kenya", major="cloud computing"),
        ]
    )
    result = run(world, rows)
    assert result.ok, result.errors
    people = {a.student_number: a.person for a in Affiliation.objects.select_related("person")}
    assert people["L1"].date_of_birth == dt.date(2006, 5, 1)
    assert people["L2"].nationality.code == "CN"
    assert people["L3"].nationality.code == "KE"


def test_xlsx_numbers_and_dates(world):
    rows = as_rows([student("X1")])
    header = rows[0]
    rows[1][header.index("date_of_birth")] = dt.datetime(2005, 7, 8)
    rows[1][header.index("cohort_year")] = 2023
    rows[1][header.index("student_number")] = 20240001
    rows[1][header.index("phone")] = 13800138000
    rows[1][header.index("start")] = 45536  # an Excel date serial: 2024-09-01
    result = run(world, rows, xlsx=True)
    assert result.ok, result.errors
    aff = Affiliation.objects.select_related("person").get(student_number="20240001")
    assert (aff.person.date_of_birth, aff.cohort_year, aff.person.phone) == (
        dt.date(2005, 7, 8),
        2023,
        "13800138000",
    )
    assert aff.start == dt.date(2024, 9, 1)


def test_a_csv_day_number_is_not_a_date(world):
    result = run(world, as_rows([student("X2", start="45536")]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "start")]


def test_validate_only_counts_exactly_and_saves_nothing(world):
    assert run(world, as_rows([student("R1")])).ok
    before = counts()
    rows = as_rows([student("R1", given_name="Changed"), student("R2")])
    result = run(world, rows, dry_run=True)
    assert result.ok and result.dry_run and not result.committed
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    assert counts() == before
    assert Affiliation.objects.get(student_number="R1").person.given_name == "Wei R1"


def test_validate_only_reports_errors_too(world):
    result = run(world, as_rows([student("R3", email="x")]), dry_run=True)
    assert [(e.row, e.column) for e in result.errors] == [(2, "email")]


def test_stored_errors_are_capped_but_counted(world, monkeypatch):
    monkeypatch.setattr(importer, "MAX_STORED_ERRORS", 5)
    result = run(world, as_rows([student(f"C{i}", email="bad") for i in range(12)]))
    assert (result.error_count, result.error_rows, len(result.errors)) == (12, 12, 5)
    assert result.errors_truncated


def test_progress_is_reported_every_n_rows(world):
    calls: list[tuple[int, int, str]] = []
    rows = as_rows([student(f"P{i}") for i in range(7)])
    kind = get_import("people")
    assert kind is not None
    ctx = ImportContext(actor=world.users["coordinator"], organisation=world.school)
    result = importer.run_import(
        kind, csv_upload(rows), ctx, progress=lambda *a: calls.append(a), progress_every=3
    )
    assert result.ok
    assert [c[0] for c in calls] == [3, 6, 7, 7]
    assert all(total >= done for done, total, _message in calls)


def test_an_end_before_the_stored_start_is_caught_at_commit(world):
    assert run(world, as_rows([student("S9", start="2024-09-01")])).ok
    before = counts()
    result = run(
        world,
        as_rows(
            [
                {
                    "kind": "student",
                    "given_name": "Wei S9",
                    "student_number": "S9",
                    "end": "2024-01-31",
                }
            ]
        ),
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "end")]
    assert counts() == before


def test_a_database_refusal_rolls_everything_back(world, monkeypatch):
    def explode(self: Any, cleaned: Any, ctx: Any) -> Any:
        Person.objects.create(given_name="Half-written")
        raise IntegrityError("UNIQUE constraint failed")

    monkeypatch.setattr(PeopleImport, "commit", explode)
    before = counts()
    result = run(world, as_rows([student("Z1")]))
    assert not result.ok and "database refused" in result.errors[0].message
    assert counts() == before


def test_large_import_uses_few_queries(world, django_assert_max_num_queries):
    rows = as_rows([student(f"Q{i:04d}") for i in range(300)])
    file = upload(xlsx_bytes(rows), "many.xlsx")
    kind = get_import("people")
    assert kind is not None
    ctx = ImportContext(actor=world.users["coordinator"], organisation=world.school)
    with django_assert_max_num_queries(20):
        result = importer.run_import(kind, file, ctx)
    assert result.created == 300


def test_departments_and_majors_of_another_organisation_are_unknown(world):
    organisation_services.department_create(
        actor=None, organisation=world.other_school, name="Other Department"
    )
    result = run(world, as_rows([student("O1", department="Other Department")]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "department")]
    assert Organisation.objects.filter(pk=world.school.pk).exists()
