"""Import pages: explain, template, upload, result, report, background job, permissions."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from qiao.core.importexport import background, importer
from qiao.core.importexport.export import export_response
from qiao.core.importexport.registry import ImportContext, all_imports, get_import
from qiao.core.models import Affiliation, AuditEntry, JobProgress, Organisation, Person
from qiao.core.services import jobs as job_services
from qiao.core.tests.fixtures_import import (
    as_rows,
    csv_bytes,
    csv_upload,
    student,
    upload,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db

PEOPLE = reverse("core:import_start", args=["people"])
ORGANISATIONS = reverse("core:import_start", args=["organisations"])


def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def state() -> tuple[int, int, int, int, int]:
    return (
        Person.objects.count(),
        Affiliation.objects.count(),
        Organisation.objects.count(),
        AuditEntry.objects.count(),
        JobProgress.objects.count(),
    )


def post(client: Client, url: str, file: Any, *, follow: bool = False, **data: Any) -> Any:
    return client.post(url, {"file": file, "encoding": "utf-8", **data}, follow=follow)


def test_the_page_explains_columns_and_offers_templates(world):
    response = world.client("coordinator").get(PEOPLE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption>Columns of the file</caption>" in html
    assert '<th scope="row"><code>student_number</code></th>' in html
    assert 'enctype="multipart/form-data"' in html and "csrfmiddlewaretoken" in html
    assert reverse("core:import_template", args=["people", "xlsx"]) in html
    assert "Test Polytechnic" in html


def test_templates_download_as_csv_and_xlsx(world):
    client = world.client("coordinator")
    data = body(client.get(reverse("core:import_template", args=["people", "csv"])))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["kind", "family_name", "given_name"]
    assert rows[1][3] == "李华"
    response = client.get(reverse("core:import_template", args=["people", "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["kind", "family_name", "given_name"]
    assert client.get(reverse("core:import_template", args=["people", "pdf"])).status_code == 404


def test_the_template_imports_cleanly_as_validate_only(world):
    client = world.client("coordinator")
    template = body(client.get(reverse("core:import_template", args=["people", "xlsx"])))
    response = post(client, PEOPLE, upload(template, "template.xlsx"), validate_only="on")
    result = JobProgress.objects.get().result
    assert result["error_count"] == 0 and result["created"] == 3, result
    assert response.status_code == 302


@pytest.mark.parametrize("key", [kind.key for kind in all_imports()])
def test_every_kinds_template_passes_the_framework(world, key):
    """The contract every registered kind signs (registry.py): its template's header maps and
    its example rows pass the framework's checks. Core's own templates validate outright; other
    apps' examples may name records that only exist in a real alliance."""
    kind = get_import(key)
    assert kind is not None
    names = {c.name for c in kind.columns}
    assert all(set(row) <= names for row in kind.example_rows), "examples use unknown columns"
    data = body(
        export_response(
            columns=importer.template_columns(kind),
            rows=kind.example_rows,
            fmt="xlsx",
            filename="template",
        )
    )
    ctx = ImportContext(actor=world.users["admin"], organisation=world.school)
    result = importer.run_import(kind, upload(data, "template.xlsx"), ctx, dry_run=True)
    assert not result.file_error, result.file_error
    assert result.rows == len(kind.example_rows)
    if key in ("people", "organisations"):
        assert result.ok, result.errors


def test_upload_a_good_file(world):
    client = world.client("coordinator")
    response = post(client, PEOPLE, xlsx_upload(as_rows([student("W1"), student("W2")])))
    job = JobProgress.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:import_result", args=["people", job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Imported 2 rows: 2 created, 0 updated, 0 unchanged." in page
    assert set(
        Affiliation.objects.filter(
            organisation=world.school, student_number__in=["W1", "W2"]
        ).values_list("student_number", flat=True)
    ) == {"W1", "W2"}
    assert job.owner == world.users["coordinator"] and job.organisation == world.school
    assert job.state == "done" and job.result_url == response["Location"]


def test_one_bad_row_creates_nothing_and_the_report_names_row_and_column(world):
    client = world.client("coordinator")
    before = state()
    rows = as_rows([student("E1"), student("E2", email="<b>bold</b>"), student("E3")])
    response = post(client, PEOPLE, csv_upload(rows), follow=True)
    page = response.content.decode()
    assert "Nothing was imported." in page
    assert '<th scope="row">3</th>' in page and "<code>email</code>" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold</b>" not in page
    assert state()[:4] == before[:4]
    job = JobProgress.objects.get()
    report = body(client.get(reverse("core:import_report", args=["people", job.pk, "csv"])))
    rows_out = list(csv.reader(io.StringIO(report.decode("utf-8-sig"))))
    assert rows_out[0] == ["row", "column", "value", "message"]
    assert rows_out[1][:3] == ["3", "email", "<b>bold</b>"]
    response = client.get(reverse("core:import_report", args=["people", job.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).worksheets[0]
    assert [c.value for c in sheet[2]][:2] == [3, "email"]


def test_report_values_that_look_like_formulas_are_neutralised(world):
    client = world.client("coordinator")
    post(client, PEOPLE, csv_upload(as_rows([student("F1", email="=cmd|' /C calc'!A0")])))
    job = JobProgress.objects.get()
    report = body(client.get(reverse("core:import_report", args=["people", job.pk, "csv"])))
    assert "'=cmd" in report.decode("utf-8-sig")
    response = client.get(reverse("core:import_report", args=["people", job.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).worksheets[0]
    assert sheet["C2"].data_type == "s" and str(sheet["C2"].value).startswith("'=")


def test_validate_only_creates_nothing(world):
    client = world.client("coordinator")
    before = state()
    response = post(client, PEOPLE, csv_upload(as_rows([student("V1")])), validate_only="on")
    page = client.get(response["Location"]).content.decode()
    assert "Validation passed." in page and "Nothing was saved." in page
    assert state()[:4] == before[:4]


def test_a_file_that_cannot_be_read_stays_on_the_form(world):
    client = world.client("coordinator")
    before = state()
    data = csv_bytes(as_rows([student("G1")]), encoding="gbk")
    response = post(client, PEOPLE, upload(data, "gbk.csv"))
    assert response.status_code == 200
    assert "GB18030" in response.content.decode()
    assert state() == before


def test_wrong_columns_are_listed_on_the_form(world):
    rows = [["kind", "given", "student_number"], ["student", "Lei", "X"]]
    response = post(world.client("coordinator"), PEOPLE, csv_upload(rows))
    page = response.content.decode()
    assert "Unknown column “given” (column B)." in page
    assert "The required column “given_name” is missing." in page
    assert not JobProgress.objects.exists()


def test_gbk_with_the_encoding_chosen(world):
    data = csv_bytes(as_rows([student("G2")]), encoding="gbk")
    response = world.client("coordinator").post(
        PEOPLE, {"file": upload(data, "gbk.csv"), "encoding": "gb18030"}
    )
    assert response.status_code == 302
    assert Affiliation.objects.get(student_number="G2").person.native_name == "张伟"


def test_formulas_refused_through_the_page(world):
    rows = as_rows([student("F2", given_name="=SUM(1,2)")])
    response = post(world.client("coordinator"), PEOPLE, xlsx_upload(rows), follow=True)
    assert "formula" in response.content.decode()
    assert not Affiliation.objects.filter(student_number="F2").exists()


def test_html_in_cells_is_escaped_on_output(world):
    client = world.client("coordinator")
    post(client, PEOPLE, csv_upload(as_rows([student("H1", given_name="<script>x()</script>")])))
    person = Affiliation.objects.get(student_number="H1").person
    html = client.get(reverse("core:person_detail", args=[person.pk])).content.decode()
    assert "&lt;script&gt;x()&lt;/script&gt;" in html and "<script>x()" not in html


def test_large_files_run_in_the_background(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 2
    settings.MEDIA_ROOT = tmp_path
    client = world.client("coordinator")
    rows = as_rows([student(f"BG{i}") for i in range(5)])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(client, PEOPLE, xlsx_upload(rows, "big.xlsx"))
    assert len(callbacks) == 1
    job = JobProgress.objects.get()
    assert response["Location"] == reverse("core:import_result", args=["people", job.pk])
    assert job.state == "done" and job.task_id
    assert (job.done, job.total) == (5, 5)
    assert Affiliation.objects.filter(student_number__startswith="BG").count() == 5
    assert not any(tmp_path.rglob("*.xlsx")), "the uploaded file is deleted after the import"
    page = client.get(response["Location"]).content.decode()
    assert "Imported 5 rows" in page
    status = client.get(reverse("core:job_status", args=[job.pk])).json()
    assert status["state"] == "done" and status["result_url"] == response["Location"]


def test_large_file_with_errors_in_the_background(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 2
    settings.MEDIA_ROOT = tmp_path
    client = world.client("coordinator")
    rows = as_rows([student(f"BE{i}", cohort_year="2024" if i != 3 else "x") for i in range(5)])
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, PEOPLE, csv_upload(rows, "big.csv"))
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was imported." in page and '<th scope="row">5</th>' in page
    assert not Affiliation.objects.filter(student_number__startswith="BE").exists()


def test_a_running_job_shows_the_progress_bar(world):
    job = job_services.job_create(
        owner=world.users["coordinator"],
        kind="import:people",
        label="Import people: x.xlsx",
        organisation=world.school,
        total=10_000,
    )
    job_services.job_progress(job_id=job.pk, done=2500, total=10_000, message="Checking rows…")
    page = (
        world.client("coordinator")
        .get(reverse("core:import_result", args=["people", job.pk]))
        .content.decode()
    )
    assert f'data-job-url="{reverse("core:job_status", args=[job.pk])}"' in page
    assert "data-job-reload" in page and 'aria-valuenow="25"' in page
    assert "Checking rows…" in page


def test_the_worker_refuses_a_job_whose_owner_lost_the_right(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.storage import default_storage

    job = job_services.job_create(
        owner=world.users["teacher"], kind="import:people", organisation=world.school
    )
    path = default_storage.save(f"imports/{job.pk}/x.csv", io.BytesIO(b"kind\n"))
    background.import_job_run(job_id=str(job.pk), kind="people", path=path, filename="x.csv")
    job.refresh_from_db()
    assert job.state == "failed" and "no longer" in job.message
    assert not default_storage.exists(path)


# --- Permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    ["coordinator", "org_admin", "enterprise", "teacher", "mentor", "student", "outsider"],
)
def test_only_platform_admins_import_organisations(world, persona):
    client = world.client(persona)
    before = state()
    assert client.get(ORGANISATIONS).status_code == 403
    rows = [["kind", "name", "country"], ["enterprise", "Sneaky Ltd", "CN"]]
    assert post(client, ORGANISATIONS, csv_upload(rows, "orgs.csv")).status_code == 403
    url = reverse("core:import_template", args=["organisations", "csv"])
    assert client.get(url).status_code == 403
    assert state() == before


def test_platform_admin_imports_organisations(world):
    client = world.client("admin")
    rows = [["kind", "name", "country"], ["enterprise", "Admin Ltd", "CN"]]
    response = post(client, ORGANISATIONS, csv_upload(rows, "orgs.csv"))
    assert response.status_code == 302
    assert Organisation.objects.filter(name="Admin Ltd").exists()


@pytest.mark.parametrize("persona", ["teacher", "mentor", "student", "outsider", "admin"])
def test_people_import_needs_a_coordinator_of_the_organisation_acted_for(world, persona):
    """Admin too: platform admins belong to no organisation here, and a people import always
    goes into the organisation the user acts for."""
    client = world.client(persona)
    before = state()
    assert client.get(PEOPLE).status_code == 403
    assert post(client, PEOPLE, csv_upload(as_rows([student("P1")]))).status_code == 403
    assert state() == before


def test_people_go_into_the_organisation_acted_for_only(world):
    client = world.client("other_coordinator")
    response = post(client, PEOPLE, csv_upload(as_rows([student("K2", major="", department="")])))
    assert response.status_code == 302
    aff = Affiliation.objects.get(student_number="K2")
    assert aff.organisation == world.other_school


def test_enterprise_coordinator_imports_mentors(world):
    rows = as_rows([{"kind": "mentor", "given_name": "Ming", "email": "ming@telecom.example"}])
    response = post(world.client("enterprise"), PEOPLE, csv_upload(rows))
    assert response.status_code == 302
    assert Affiliation.objects.get(person__email="ming@telecom.example").organisation == (
        world.enterprise
    )


def test_anonymous_is_sent_to_login(world):
    response = Client().get(PEOPLE)
    assert response.status_code == 302 and reverse("core:login") in response["Location"]


def test_unknown_kind_is_404(world):
    assert world.client("admin").get("/import/nothing/").status_code == 404
    url = reverse("core:import_template", args=["nothing", "csv"])
    assert world.client("admin").get(url).status_code == 404


def test_someone_elses_result_and_report_are_404(world):
    client = world.client("coordinator")
    post(client, PEOPLE, csv_upload(as_rows([student("S1", email="bad")])))
    job = JobProgress.objects.get()
    other = world.client("org_admin")
    assert other.get(reverse("core:import_result", args=["people", job.pk])).status_code == 404
    url = reverse("core:import_report", args=["people", job.pk, "csv"])
    assert other.get(url).status_code == 404
    wrong_kind = reverse("core:import_result", args=["organisations", job.pk])
    assert client.get(wrong_kind).status_code == 404


def test_posts_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["coordinator"])
    before = state()
    response = client.post(PEOPLE, {"file": csv_upload(as_rows([student("C1")]))})
    assert response.status_code == 403
    assert state() == before


def test_get_only_pages_refuse_post(world):
    client = world.client("coordinator")
    url = reverse("core:import_template", args=["people", "csv"])
    assert client.post(url).status_code == 405
