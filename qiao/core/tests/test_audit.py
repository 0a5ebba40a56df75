"""The audit log: every service write records who, when, which object and the field-level
change; an unchanged update records nothing; organisation admins see their own entries only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from qiao.conftest import World
from qiao.core.models import AuditEntry, Role
from qiao.core.services import accounts, organisations, people
from qiao.core.tests import factories

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Write:
    """One service call and the entry it must leave."""

    name: str
    run: Callable[[World, Any], Any]
    action: str
    object_type: str
    organisation: Callable[[World], Any]
    changes: dict[str, list[Any]]
    by: str = "admin"  # whose name the entry carries

    def __str__(self) -> str:
        return self.name


def _school(w: World) -> int:
    return w.school.pk


def _none(w: World) -> None:
    return None


def _dept(w: World) -> Any:
    return w.school.departments.get()


def _student_aff(w: World) -> Any:
    return w.people["student"].affiliations.get()


WRITES = [
    Write(
        "organisation_create",
        lambda w, a: organisations.organisation_create(
            actor=a, kind="university", name="Nile Tech", country="EG"
        ),
        "organisation.create",
        "core.organisation",
        lambda w: "self",
        {"name": [None, "Nile Tech"], "country": [None, "EG"], "kind": [None, "university"]},
    ),
    Write(
        "organisation_update",
        lambda w, a: organisations.organisation_update(
            actor=a, organisation=w.school, city="Guangzhou", name_en="Test Poly"
        ),
        "organisation.update",
        "core.organisation",
        _school,
        {"city": ["Shenzhen", "Guangzhou"], "name_en": ["Test Polytechnic", "Test Poly"]},
    ),
    Write(
        "department_create",
        lambda w, a: organisations.department_create(
            actor=a, organisation=w.school, name="School of Design", code="SD"
        ),
        "department.create",
        "core.department",
        _school,
        {"name": [None, "School of Design"], "code": [None, "SD"]},
    ),
    Write(
        "department_update",
        lambda w, a: organisations.department_update(actor=a, department=_dept(w), code="SCE"),
        "department.update",
        "core.department",
        _school,
        {"code": ["", "SCE"]},
    ),
    Write(
        "department_delete",
        lambda w, a: organisations.department_delete(actor=a, department=_dept(w)),
        "department.delete",
        "core.department",
        _school,
        {"name": ["School of Computer Engineering", None]},
    ),
    Write(
        "major_create",
        lambda w, a: organisations.major_create(
            actor=a, organisation=w.school, code="510202", name="Big Data"
        ),
        "major.create",
        "core.major",
        _school,
        {"code": [None, "510202"], "name": [None, "Big Data"]},
    ),
    Write(
        "person_create",
        lambda w, a: people.person_create(
            actor=a, organisation=w.school, given_name="Mei", family_name="Wang"
        ),
        "person.create",
        "core.person",
        _school,
        {"given_name": [None, "Mei"], "family_name": [None, "Wang"]},
    ),
    Write(
        "person_update",
        lambda w, a: people.person_update(
            actor=a, person=w.people["student"], phone="+86 755 0000", native_name="李 华"
        ),
        "person.update",
        "core.person",
        _school,
        {"phone": ["", "+86 755 0000"], "native_name": ["李华", "李 华"]},
    ),
    Write(
        "person_delete",
        lambda w, a: people.person_delete(actor=a, person=w.people["student"]),
        "person.delete",
        "core.person",
        _school,
        {"given_name": ["Hua", None], "date_of_birth": ["2006-05-01", None]},
    ),
    Write(
        "affiliation_create",
        lambda w, a: people.affiliation_create(
            actor=a,
            person=w.people["teacher"],
            organisation=w.enterprise,
            kind="mentor",
            title="Adviser",
        ),
        "affiliation.create",
        "core.affiliation",
        lambda w: w.enterprise.pk,
        {"kind": [None, "mentor"], "title": [None, "Adviser"]},
    ),
    Write(
        "affiliation_update",
        lambda w, a: people.affiliation_update(
            actor=a, affiliation=_student_aff(w), cohort_year=2025
        ),
        "affiliation.update",
        "core.affiliation",
        _school,
        {"cohort_year": [2024, 2025]},
    ),
    Write(
        "affiliation_end",
        lambda w, a: people.affiliation_end(
            actor=a, affiliation=_student_aff(w), on=dt.date(2027, 7, 1)
        ),
        "affiliation.update",
        "core.affiliation",
        _school,
        {"end": [None, "2027-07-01"]},
    ),
    Write(
        "user_create",
        lambda w, a: accounts.user_create(actor=a, email="New@Test.example", password="x-9-long"),
        "user.create",
        "core.user",
        _none,
        {"email": [None, "new@test.example"]},
    ),
    Write(
        "user_update",
        lambda w, a: accounts.user_update(
            actor=a, user=w.users["teacher"], display_name="Ms Teacher"
        ),
        "user.update",
        "core.user",
        _none,
        {"display_name": ["", "Ms Teacher"]},
    ),
    Write(
        "user_set_language",
        lambda w, a: accounts.user_set_language(user=w.users["teacher"], language="zh-hans"),
        "user.update",
        "core.user",
        _none,
        {"language": ["", "zh-hans"]},
        by="teacher",  # a preference the account sets for itself
    ),
    Write(
        "membership_set (new)",
        lambda w, a: accounts.membership_set(
            actor=a, user=w.users["outsider"], organisation=w.school, role=Role.MEMBER
        ),
        "membership.set",
        "core.membership",
        _school,
        {"role": [None, "member"], "user": [None, "outsider@test.example"]},
    ),
    Write(
        "membership_set (change)",
        lambda w, a: accounts.membership_set(
            actor=a, user=w.users["teacher"], organisation=w.school, role=Role.COORDINATOR
        ),
        "membership.set",
        "core.membership",
        _school,
        {"role": ["member", "coordinator"]},
    ),
    Write(
        "membership_remove",
        lambda w, a: accounts.membership_remove(
            actor=a, membership=w.users["teacher"].memberships.get()
        ),
        "membership.remove",
        "core.membership",
        _school,
        {"role": ["member", None]},
    ),
    Write(
        "api_token_create",
        lambda w, a: accounts.api_token_create(actor=w.users["admin"], name="ci"),
        "api_token.create",
        "core.apitoken",
        _none,
        {"name": [None, "ci"]},
    ),
    Write(
        "api_token_revoke",
        lambda w, a: accounts.api_token_revoke(
            actor=w.users["admin"],
            token=accounts.api_token_create(actor=w.users["admin"], name="ci")[0],
        ),
        "api_token.revoke",
        "core.apitoken",
        _none,
        {},
    ),
]


@pytest.mark.parametrize("write", WRITES, ids=str)
def test_every_service_write_is_audited_with_its_field_level_change(
    world: World, write: Write
) -> None:
    actor = world.users["admin"]
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    before = timezone.now()
    result = write.run(world, actor)
    entry = AuditEntry.objects.filter(id__gt=last, action=write.action).get()
    assert entry.actor == world.users[write.by]
    assert before <= entry.at <= timezone.now()
    assert entry.object_type == write.object_type
    assert entry.object_id
    assert entry.object_repr
    expected_org = write.organisation(world)
    if expected_org == "self":
        expected_org = result.pk
    assert entry.organisation_id == expected_org
    for field, change in write.changes.items():
        assert entry.changes.get(field) == change, (field, entry.changes)
    if write.action == "api_token.revoke":
        assert entry.changes["revoked_at"][0] is None
        assert entry.changes["revoked_at"][1]
    # The change is stored as plain JSON (dates as ISO text), never secrets.
    json.dumps(entry.changes)
    assert "password" not in entry.changes
    assert "token_hash" not in entry.changes


def test_writes_by_the_system_have_no_actor(world: World) -> None:
    organisations.organisation_update(actor=None, organisation=world.school, city="Zhuhai")
    entry = AuditEntry.objects.get(action="organisation.update")
    assert entry.actor is None


UNCHANGED = [
    (
        "organisation_update",
        lambda w: organisations.organisation_update(
            actor=None,
            organisation=w.school,
            city="Shenzhen",
            country="CN",
            name_en="Test Polytechnic",
        ),
    ),
    (
        "department_update",
        lambda w: organisations.department_update(
            actor=None, department=_dept(w), name="School of Computer Engineering"
        ),
    ),
    (
        "person_update",
        lambda w: people.person_update(
            actor=None,
            person=w.people["student"],
            given_name="Hua",
            date_of_birth=dt.date(2006, 5, 1),
            nationality="CN",
        ),
    ),
    (
        "person_update with a date as text",
        lambda w: people.person_update(
            actor=None, person=w.people["student"], date_of_birth="2006-05-01"
        ),
    ),
    (
        "affiliation_update",
        lambda w: people.affiliation_update(
            actor=None, affiliation=_student_aff(w), cohort_year=2024, student_number="S0001"
        ),
    ),
    (
        "membership_set",
        lambda w: accounts.membership_set(
            actor=None, user=w.users["teacher"], organisation=w.school, role=Role.MEMBER
        ),
    ),
    (
        "user_update",
        lambda w: accounts.user_update(actor=None, user=w.users["teacher"], language=""),
    ),
    (
        "user_set_language",
        lambda w: accounts.user_set_language(user=w.users["teacher"], language="xx"),
    ),
]


@pytest.mark.parametrize("run", [u[1] for u in UNCHANGED], ids=[u[0] for u in UNCHANGED])
def test_an_update_that_changes_nothing_records_nothing(world: World, run: Any) -> None:
    count = AuditEntry.objects.count()
    run(world)
    assert AuditEntry.objects.count() == count


def test_revoking_twice_records_once(world: World) -> None:
    token, _secret = accounts.api_token_create(actor=world.users["admin"], name="ci")
    accounts.api_token_revoke(actor=world.users["admin"], token=token)
    accounts.api_token_revoke(actor=world.users["admin"], token=token)
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1


def test_a_failed_write_records_nothing(world: World) -> None:
    from django.core.exceptions import ValidationError

    count = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        organisations.organisation_update(actor=None, organisation=world.school, country="ZZ")
    with pytest.raises(ValidationError):
        organisations.organisation_create(actor=None, kind="enterprise", name="", country="CN")
    assert AuditEntry.objects.count() == count


# --- Browsing: scope, filters, export -------------------------------------------------------------


@pytest.fixture
def two_schools(world: World) -> dict[str, Any]:
    """An admin for each school, and an audited change in each."""
    other_admin = factories.user("admin@other.example")
    accounts.membership_set(
        actor=None, user=other_admin, organisation=world.other_school, role=Role.ADMIN
    )
    organisations.organisation_update(
        actor=world.users["org_admin"], organisation=world.school, city="Dongguan"
    )
    organisations.organisation_update(
        actor=other_admin, organisation=world.other_school, city="Mombasa"
    )
    return {"other_admin": other_admin}


def _export_rows(client: Any, **params: Any) -> list[dict[str, str]]:
    response = client.get(reverse("core:audit_list"), {**params, "export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_org_admin_sees_only_their_organisations_entries(
    world: World, two_schools: dict[str, Any]
) -> None:
    client = world.client("org_admin")
    html = client.get(reverse("core:audit_list")).content.decode()
    assert "Dongguan" in html
    assert "Mombasa" not in html
    assert "Other Institute" not in html

    # Not by asking for the other school's object directly…
    probe = {"object_type": "core.organisation", "object_id": str(world.other_school.pk)}
    html = client.get(reverse("core:audit_list"), probe).content.decode()
    assert "Mombasa" not in html
    assert "No entries match these filters." in html
    # …by the other admin's email…
    assert (
        "Mombasa"
        not in client.get(
            reverse("core:audit_list"), {"actor": "admin@other.example"}
        ).content.decode()
    )
    # …nor in an export.
    rows = _export_rows(client)
    assert rows
    assert {row["object_id"] for row in rows if row["object_type"] == "core.organisation"} == {
        str(world.school.pk)
    }
    assert not _export_rows(client, **probe)
    assert all("Mombasa" not in json.dumps(row) for row in rows)


def test_the_other_schools_admin_sees_theirs_and_not_ours(
    world: World, two_schools: dict[str, Any]
) -> None:
    client = factories.client_for(two_schools["other_admin"])
    html = client.get(reverse("core:audit_list")).content.decode()
    assert "Mombasa" in html
    assert "Dongguan" not in html
    assert "S0001" not in html  # the school's student, created in the world


def test_platform_admin_sees_every_entry(world: World, two_schools: dict[str, Any]) -> None:
    rows = _export_rows(world.client("admin"), per_page=100)
    assert len(rows) == AuditEntry.objects.count()
    changes = json.dumps(rows)
    assert "Dongguan" in changes
    assert "Mombasa" in changes


def test_audit_filters_by_object_user_and_date(world: World, two_schools: dict[str, Any]) -> None:
    client = world.client("admin")
    by_object = _export_rows(
        client, object_type="core.organisation", object_id=str(world.school.pk)
    )
    assert {r["object_id"] for r in by_object} == {str(world.school.pk)}
    assert {r["action"] for r in by_object} == {"organisation.create", "organisation.update"}

    by_user = _export_rows(client, actor="orgadmin@test")
    assert [r["action"] for r in by_user] == ["organisation.update"]
    assert json.loads(by_user[0]["changes"]) == {"city": ["Shenzhen", "Dongguan"]}

    AuditEntry.objects.filter(actor=world.users["org_admin"]).update(
        at=timezone.now() - dt.timedelta(days=40)
    )
    today = timezone.localdate().isoformat()
    recent = _export_rows(client, date_from=today)
    assert "orgadmin@test.example" not in {r["actor"] for r in recent}
    old = _export_rows(client, date_to=(timezone.localdate() - dt.timedelta(days=30)).isoformat())
    assert {r["actor"] for r in old} == {"orgadmin@test.example"}


def test_bad_audit_filters_show_an_error_not_a_crash(world: World) -> None:
    client = world.client("admin")
    for params in ({"date_from": "yesterday"}, {"date_to": "2024-13-45"}, {"object_id": "x" * 500}):
        response = client.get(reverse("core:audit_list"), params)
        assert response.status_code == 200
        assert "No entries match these filters." in response.content.decode()


def test_changes_are_shown_field_by_field(world: World) -> None:
    organisations.organisation_update(
        actor=world.users["org_admin"], organisation=world.school, city="Dongguan"
    )
    html = world.client("org_admin").get(reverse("core:audit_list")).content.decode()
    assert "<strong>city</strong>: Shenzhen → Dongguan" in html


def test_page_writes_are_audited_with_the_acting_user(world: World) -> None:
    client = world.client("org_admin")
    url = reverse("core:organisation_edit", args=[world.school.pk])
    form = {
        "kind": "vocational_college",
        "name": world.school.name,
        "name_en": "Test Polytechnic",
        "name_local": "",
        "short_name": "",
        "country": "CN",
        "city": "Shenzhen",
        "website": "",
        "description": "",
        "is_active": "on",
    }
    client.post(url, form)  # unchanged
    assert not AuditEntry.objects.filter(action="organisation.update").exists()
    client.post(url, {**form, "short_name": "TP"})
    entry = AuditEntry.objects.get(action="organisation.update")
    assert entry.actor == world.users["org_admin"]
    assert entry.changes == {"short_name": ["", "TP"]}
