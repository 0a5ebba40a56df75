"""The "organisations" import kind through the import service."""

from __future__ import annotations

from typing import Any

import pytest

from qiao.core.importexport import importer
from qiao.core.importexport.registry import ImportContext, get_import
from qiao.core.models import AuditEntry, Organisation
from qiao.core.tests.fixtures_import import csv_upload, xlsx_upload

pytestmark = pytest.mark.django_db

HEADER = ["kind", "name", "name_en", "name_local", "short_name", "country", "city", "website"]


def run(world: Any, rows: list[list[Any]], *, xlsx: bool = False, **options: Any) -> Any:
    kind = get_import("organisations")
    assert kind is not None
    ctx = ImportContext(actor=world.users["admin"], organisation=None)
    file = xlsx_upload([HEADER, *rows], "orgs.xlsx") if xlsx else csv_upload([HEADER, *rows])
    return importer.run_import(kind, file, ctx, **options)


def test_create_and_update_by_name_and_country(world):
    rows = [
        ["enterprise", "Nairobi Cloud", "", "", "NC", "KE", "Nairobi", "www.nc.example"],
        ["职业院校", "曼谷技术学院", "Bangkok Tech", "", "", "Thailand", "Bangkok", ""],
        ["enterprise", "test telecom", "Test Telecom Ltd", "", "", "cn", "", ""],
    ]
    result = run(world, rows, xlsx=True)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (2, 1, 0)
    nairobi = Organisation.objects.get(name="Nairobi Cloud")
    assert (nairobi.kind, nairobi.country.code, nairobi.website) == (
        "enterprise",
        "KE",
        "https://www.nc.example",
    )
    assert Organisation.objects.get(name="曼谷技术学院").kind == "vocational_college"
    world.enterprise.refresh_from_db()
    assert (world.enterprise.name, world.enterprise.name_en, world.enterprise.city) == (
        "test telecom",
        "Test Telecom Ltd",
        "Shenzhen",
    )
    assert AuditEntry.objects.filter(action="organisation.create").count() >= 2
    assert AuditEntry.objects.filter(
        action="organisation.update", object_id=str(world.enterprise.pk)
    ).exists()
    assert AuditEntry.objects.get(action="import.organisations").changes["created"] == 2


def test_identical_rows_are_unchanged(world):
    rows = [["enterprise", "Test Telecom", "", "", "", "CN", "Shenzhen", ""]]
    result = run(world, rows)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (["factory", "A", "", "", "", "CN", "", ""], "kind"),
        (["enterprise", "A", "", "", "", "Narnia", "", ""], "country"),
        (["enterprise", "A", "", "", "", "CN", "", "not a url"], "website"),
        (["enterprise", "", "", "", "", "CN", "", ""], "name"),
        (["enterprise", "A", "", "", "X" * 41, "CN", "", ""], "short_name"),
    ],
)
def test_row_validation(world, row, column):
    before = Organisation.objects.count()
    result = run(world, [["enterprise", "Fine Ltd", "", "", "", "CN", "", ""], row])
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert Organisation.objects.count() == before


def test_duplicate_rows_in_the_file(world):
    rows = [
        ["enterprise", "Dup Ltd", "", "", "", "CN", "", ""],
        ["enterprise", "DUP LTD", "", "", "", "CN", "", ""],
        ["enterprise", "Dup Ltd", "", "", "", "KE", "", ""],
    ]
    result = run(world, rows)
    assert [(e.row, e.column) for e in result.errors] == [(3, "name")]
    assert "row 2" in result.errors[0].message


def test_validate_only(world):
    before = Organisation.objects.count()
    result = run(world, [["enterprise", "Dry Ltd", "", "", "", "CN", "", ""]], dry_run=True)
    assert result.ok and result.created == 1 and not result.committed
    assert Organisation.objects.count() == before
    assert not AuditEntry.objects.filter(action="import.organisations").exists()
