"""The "exam_results" import kind: good files, bad rows, all or nothing, the import page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from qiao.core.importexport import importer
from qiao.core.importexport.registry import ImportContext, get_import
from qiao.core.tests.fixtures_import import csv_upload
from qiao.credentials.models import ExamResult
from qiao.credentials.services import assessment, issuance
from qiao.credentials.tests.conftest import student

pytestmark = pytest.mark.django_db


def run(centre, rows, *, persona="coordinator", org=None, **options):
    ctx = ImportContext(
        actor=centre.world.users[persona],
        organisation=org or centre.world.school,
        options=dict(options),
    )
    kind = get_import("exam_results")
    assert kind is not None
    return importer.run_import(kind, csv_upload(rows), ctx)


def test_a_good_file_records_scores_and_registers_candidates(centre):
    student(centre.world, "S0002", "wang@test.example")
    rows = [
        ["session_code", "student_number", "email", "score"],
        ["CLOUD-2026-01", "S0001", "", "82"],
        ["cloud-2026-01", "", "WANG@test.example", "59.5"],
    ]
    result = run(centre, rows)
    assert result.ok and result.committed, result.errors
    assert result.created == 2
    passed = dict(ExamResult.objects.values_list("person__email", "passed"))
    assert passed == {"student@test.example": True, "wang@test.example": False}
    assert centre.session.registrations.count() == 2
    again = run(centre, rows)
    assert again.ok and again.unchanged == 2


def test_session_can_come_from_the_options(centre):
    rows = [["student_number", "score"], ["S0001", "70"]]
    result = run(centre, rows, session=centre.session.pk)
    assert result.ok, result.errors
    assert ExamResult.objects.get().score == Decimal(70)


def test_bad_rows_are_all_reported_and_nothing_is_saved(centre):
    student(centre.world, "S0002")
    rows = [
        ["session_code", "student_number", "email", "score"],
        ["CLOUD-2026-01", "S0001", "", "82"],
        ["NOPE", "S0002", "", "50"],
        ["CLOUD-2026-01", "K0001", "", "50"],
        ["CLOUD-2026-01", "S0002", "", "abc"],
        ["CLOUD-2026-01", "S0002", "", "101"],
        ["CLOUD-2026-01", "S0001", "", "90"],
        ["CLOUD-2026-01", "", "", "50"],
        ["", "S0002", "", "50"],
    ]
    result = run(centre, rows)
    assert not result.ok and not result.committed
    found = {(e.row, e.column) for e in result.errors}
    assert found == {
        (3, "session_code"),
        (4, "student_number"),
        (5, "score"),
        (6, "score"),
        (7, "student_number"),
        (8, "student_number"),
        (9, "session_code"),
    }
    assert not ExamResult.objects.exists()


def test_capacity_is_checked_row_by_row(centre):
    people = [student(centre.world, f"S5{i:03d}") for i in range(6)]
    rows = [["session_code", "student_number", "score"]] + [
        ["CLOUD-2026-01", p.affiliations.get().student_number, "70"] for p in people
    ]
    result = run(centre, rows)
    assert [(e.row, e.column) for e in result.errors] == [(7, "session_code")]
    assert "full" in result.errors[0].message
    assert not ExamResult.objects.exists()


def test_an_issued_result_cannot_be_changed_by_import(centre):
    assessment.result_record(
        actor=None, session=centre.session, person=centre.world.people["student"], score="80"
    )
    issuance.session_issue(actor=None, session=centre.session)
    result = run(
        centre, [["session_code", "student_number", "score"], ["CLOUD-2026-01", "S0001", "30"]]
    )
    assert not result.ok
    assert "revoke it" in result.errors[0].message
    assert ExamResult.objects.get().score == Decimal(80)


def test_only_managers_of_the_organisation_may_import(centre):
    kind = get_import("exam_results")
    assert kind is not None
    world = centre.world
    assert kind.allowed(world.users["coordinator"], world.school)
    assert kind.allowed(world.users["admin"], world.school)
    for persona in ("teacher", "student", "enterprise", "other_coordinator", "outsider"):
        assert not kind.allowed(world.users[persona], world.school), persona
    assert not kind.allowed(world.users["coordinator"], None)
    # Another school's coordinator importing for their own school does not see our sessions.
    result = run(
        centre,
        [["session_code", "student_number", "score"], ["CLOUD-2026-01", "S0001", "70"]],
        persona="other_coordinator",
        org=world.other_school,
    )
    assert not result.ok


def test_the_import_page(centre):
    client = centre.world.client("coordinator")
    page = client.get(reverse("core:import_start", args=["exam_results"]))
    assert page.status_code == 200
    assert b"session_code" in page.content
    template = client.get(reverse("core:import_template", args=["exam_results", "csv"]))
    assert template.status_code == 200
    assert (
        centre.world.client("teacher")
        .get(reverse("core:import_start", args=["exam_results"]))
        .status_code
        == 403
    )
