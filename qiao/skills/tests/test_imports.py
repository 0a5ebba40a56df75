from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from qiao.core.importexport.registry import ImportContext, get_import
from qiao.skills.imports import code_from_uri, header_map, read_skills_csv
from qiao.skills.models import Skill

pytestmark = pytest.mark.django_db

ESCO = "http://data.europa.eu/esco/skill/"
PYTHON = ESCO + "ccd0a1d9-afda-43d9-b901-96344886e14d"
ICT = ESCO + "0005c151-5b5a-4a66-8aac-60e734beb1ab"
JAVA = ESCO + "19a8293b-8e95-4de3-983f-77484079c389"


def esco_csv(rows: list[dict[str, str]]) -> str:
    """ESCO's skills_en.csv layout (a subset of its columns, plus its extra ones we ignore)."""
    header = [
        "conceptType",
        "conceptUri",
        "skillType",
        "reuseLevel",
        "preferredLabel",
        "altLabels",
        "hiddenLabels",
        "status",
        "modifiedDate",
        "scopeNote",
        "definition",
        "inScheme",
        "description",
        "broaderUri",
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    for row in rows:
        writer.writerow({"conceptType": "KnowledgeSkillCompetence", "status": "released", **row})
    return out.getvalue()


def rows_through_kind(text: str, user: Any) -> tuple[list[Any], list[Any], ImportContext]:
    """What the import framework does: map headers, validate every row, collect errors."""
    kind = get_import("skills")
    assert kind is not None
    ctx = ImportContext(actor=user, organisation=None)
    kind.prepare(ctx)
    reader = csv.DictReader(io.StringIO(text))
    mapping = header_map(list(reader.fieldnames or []))
    cleaned, errors = [], []
    for number, row in enumerate(reader, start=2):
        values = {name: row[header] for header, name in mapping.items()}
        item, row_errors = kind.validate_row(number, values, ctx)
        errors.extend(row_errors)
        if item is not None:
            cleaned.append(item)
    return cleaned, errors, ctx


def test_code_from_uri_is_stable():
    assert code_from_uri(ICT) == "ESCO-0005c151-5b5a"
    assert code_from_uri(ICT + "/") == "ESCO-0005c151-5b5a"
    assert code_from_uri(ICT.upper().replace("HTTP://DATA.EUROPA.EU/ESCO", ESCO[:-7])) == (
        "ESCO-0005c151-5b5a"
    )
    assert code_from_uri("http://data.europa.eu/esco/isco/C2512") == "ESCO-C2512"
    assert code_from_uri("https://example.org/skills/my skill!") == "my-skill"


def test_headers_of_both_layouts_map():
    assert header_map(["conceptUri", "preferredLabel", "altLabels", "description", "x"]) == {
        "conceptUri": "uri",
        "preferredLabel": "label_en",
        "altLabels": "aliases_en",
        "description": "description_en",
    }
    assert header_map(["Code", "Label EN", "label-zh", "ALIASES_ZH"]) == {
        "Code": "code",
        "Label EN": "label_en",
        "label-zh": "label_zh",
        "ALIASES_ZH": "aliases_zh",
    }


def test_the_kind_is_registered_for_platform_admins_only(world):
    kind = get_import("skills")
    assert kind is not None
    assert kind.allowed(world.users["admin"], None)
    for persona in ("coordinator", "org_admin", "enterprise", "teacher", "student", "outsider"):
        assert not kind.allowed(world.users[persona], world.school)


def test_esco_csv_imports_through_validate_row_and_commit(world):
    admin = world.users["admin"]
    text = esco_csv(
        [
            {
                "conceptUri": ICT,
                "preferredLabel": "ICT",
                "altLabels": "information and communication technology\ninformation technology",
                "description": "Skills of computing.",
            },
            {
                "conceptUri": PYTHON,
                "preferredLabel": "Python (computer programming)",
                "altLabels": "Python\npython programming\n",
                "description": "Python is a programming language.",
                "broaderUri": ICT,
            },
        ]
    )
    cleaned, errors, ctx = rows_through_kind(text, admin)
    assert errors == []
    kind = get_import("skills")
    assert kind is not None
    summary = kind.commit(cleaned, ctx)
    assert (summary.created, summary.updated, summary.unchanged) == (2, 0, 0)
    python = Skill.objects.get(code="ESCO-ccd0a1d9-afda")
    assert python.uri == PYTHON
    assert python.label_en == "Python (computer programming)"
    assert python.broader is not None and python.broader.code == "ESCO-0005c151-5b5a"
    assert python.description == "Python is a programming language."
    assert sorted(python.aliases.values_list("text", flat=True)) == [
        "Python",
        "python programming",
    ]

    # Again, with a new alternative label: updates, never duplicates.
    text = text.replace("python programming", "python programming\npython3")
    cleaned, errors, ctx = rows_through_kind(text, admin)
    assert errors == []
    summary = kind.commit(cleaned, ctx)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    assert Skill.objects.count() == 2
    assert python.aliases.count() == 3


def test_every_row_error_is_reported(world, catalogue):
    text = esco_csv(
        [
            {"conceptUri": "", "preferredLabel": "No code"},
            {"conceptUri": JAVA, "preferredLabel": ""},
            {"conceptUri": PYTHON, "preferredLabel": "Python", "broaderUri": ESCO + "unknown"},
            {"conceptUri": ICT, "preferredLabel": "x" * 201},
            {"conceptUri": ICT, "preferredLabel": "Twice"},
            {"conceptUri": "not a url", "preferredLabel": "Bad uri"},
        ]
    )
    cleaned, errors, _ctx = rows_through_kind(text, world.users["admin"])
    found = {(e.row, e.column) for e in errors}
    assert (2, "code") in found  # missing code and URI
    assert (3, "label_en") in found  # missing label
    assert (4, "broader") in found  # unknown broader
    assert (5, "label_en") in found  # over-long label
    assert (6, "code") in found  # duplicate code in the file
    assert (7, "uri") in found
    assert "row 5" in next(e.message for e in errors if e.row == 6)
    assert len(cleaned) == 0


def test_broader_must_come_earlier_and_cycles_are_refused(world, catalogue):
    text = (
        "code,broader,label_en\n"
        "NEW-B,NEW-A,Narrower first\n"  # NEW-A comes later: unknown here
        "NEW-A,,Broader\n"
        "SW,SW-PY,Software under Python\n"  # SW-PY is narrower than SW already
        "LOOP-1,,One\n"
        "LOOP-2,LOOP-1,Two\n"
        "LOOP-1,LOOP-2,Duplicate anyway\n"
        "SELF,SELF,Itself\n"
        "new,,Reserved for the URL of the create page\n"
    )
    _cleaned, errors, _ctx = rows_through_kind(text, world.users["admin"])
    by_row = {e.row: e for e in errors}
    assert by_row[2].column == "broader"
    assert by_row[4].column == "broader" and "loop" in by_row[4].message
    assert by_row[7].column == "code"
    assert by_row[8].column == "broader"
    assert by_row[9].column == "code"
    assert Skill.objects.get(code="SW").broader_id is None


def test_our_layout_round_trips_through_the_reader(catalogue):
    text = (
        "code,broader,label_en,label_zh,aliases_en\n"
        "SW-RUST,SW-PROG,Rust,Rust 程序设计,rustlang|rust lang\n"
    )
    items, errors = read_skills_csv(text)
    assert errors == []
    assert items[0].aliases_en == ("rustlang", "rust lang")
    items, errors = read_skills_csv("label_en\nx\n")
    assert [(e.row, e.column) for e in errors] == [(1, "code")]
    esco = "conceptUri,preferredLabel\n" + PYTHON + ",Python\n"
    items, errors = read_skills_csv(esco, fmt="esco")
    assert errors == [] and items[0].code == "ESCO-ccd0a1d9-afda"


def test_load_skills_command(tmp_path, db):
    call_command("load_skills")
    count = Skill.objects.count()
    assert count >= 150
    call_command("load_skills")
    assert Skill.objects.count() == count

    path = tmp_path / "skills_en.csv"
    path.write_text(
        esco_csv([{"conceptUri": PYTHON, "preferredLabel": "Python", "altLabels": "py3"}]),
        encoding="utf-8",
    )
    call_command("load_skills", "--file", str(path), "--format", "esco")
    assert Skill.objects.filter(code="ESCO-ccd0a1d9-afda").exists()

    bad = tmp_path / "bad.csv"
    bad.write_text("code,label_en\nOK,Fine\n,No code\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_skills", "--file", str(bad))
    assert not Skill.objects.filter(code="OK").exists()
    with pytest.raises(CommandError):
        call_command("load_skills", "--file", str(tmp_path / "missing.csv"))


def test_demo_loader_is_registered_and_idempotent(db):
    from qiao.core import demo
    from qiao.skills.apps import load_demo_skills

    assert any(name == "skills" and order == 10 for order, name, _l in demo._loaders)
    said: list[str] = []
    load_demo_skills(said.append)
    load_demo_skills(said.append)
    assert said[1].startswith("skills: 0 new, 0 updated")
    assert Skill.objects.count() >= 150


def test_the_import_framework_runs_an_esco_file_end_to_end(world, catalogue):
    """Through core's importer: ESCO's extra columns are skipped, rows checked, all or nothing."""
    from qiao.core.importexport.importer import run_import

    kind = get_import("skills")
    assert kind is not None
    admin = world.users["admin"]
    good = esco_csv(
        [
            {"conceptUri": ICT, "preferredLabel": "ICT", "altLabels": "IT\ninformatics"},
            {"conceptUri": PYTHON, "preferredLabel": "Python", "broaderUri": ICT},
        ]
    ).encode()
    result = run_import(
        kind, io.BytesIO(good), ImportContext(actor=admin, organisation=None), filename="e.csv"
    )
    assert result.ok, result.errors
    assert (result.created, result.updated) == (2, 0)
    assert Skill.objects.get(code="ESCO-ccd0a1d9-afda").broader.code == "ESCO-0005c151-5b5a"  # type: ignore[union-attr]

    count = Skill.objects.count()
    bad = esco_csv(
        [
            {"conceptUri": JAVA, "preferredLabel": "Java"},
            {"conceptUri": JAVA, "preferredLabel": "x" * 10_000},
        ]
    ).encode()
    result = run_import(
        kind, io.BytesIO(bad), ImportContext(actor=admin, organisation=None), filename="b.csv"
    )
    assert not result.ok
    assert {e.row for e in result.errors} == {3}
    assert Skill.objects.count() == count
