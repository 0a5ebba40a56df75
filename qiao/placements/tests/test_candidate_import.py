"""The "round_candidates" import: grade averages and skills of a round's candidates, good files
and bad ones (all or nothing), who may run it, the round page's links and download, and the
scoring rule reading what was imported."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from qiao.conftest import World
from qiao.core.importexport import importer
from qiao.core.importexport.registry import ImportContext, ImportKind, get_import
from qiao.core.models import AuditEntry, JobProgress
from qiao.core.tests.fixtures_import import csv_upload, upload, xlsx_upload
from qiao.placements import allocation_adapter as adapter
from qiao.placements import services
from qiao.placements.imports import KEY, parse_grade
from qiao.placements.models import PlacementRound, PriorityMode, RoundCandidate
from qiao.placements.tests import factories as f
from qiao.skills import services as skill_services
from qiao.skills.matching import skill_index_clear
from qiao.skills.models import Skill

pytestmark = pytest.mark.django_db

HEADER = ["student_number", "email", "grade_average", "skills"]


@dataclass
class Setup:
    world: World
    round: PlacementRound
    me: RoundCandidate
    wang: RoundCandidate
    python: Skill
    cloud: Skill
    opening_id: int


@pytest.fixture
def setup(world: World) -> Setup:
    skill_index_clear()
    python = skill_services.skill_create(
        actor=None, code="SW-PY", label_en="Python programming", label_zh="Python编程"
    )
    cloud = skill_services.skill_create(
        actor=None,
        code="NET-CLOUD",
        label_en="Cloud computing",
        label_zh="云计算",
        aliases=["cloud ops"],
    )
    opening = f.opening(world, seats=2, skills=[(python, 3), (cloud, 3)])
    wang_person = f.student(world, "Wang")
    wang_person.email = "wang@test.example"
    wang_person.save()
    rnd = f.round_(
        world,
        [opening],
        priority_mode=PriorityMode.SCORING,
        weight_grades=Decimal(1),
        weight_skills=Decimal("0.5"),
    )
    me, wang = f.candidate(rnd, world.people["student"]), f.candidate(rnd, wang_person)
    for candidate in (me, wang):
        services.preference_add(actor=None, candidate=candidate, opening=opening)
    return Setup(world, rnd, me, wang, python, cloud, opening.pk)


def kind() -> ImportKind:
    found = get_import(KEY)
    assert found is not None
    return found


def run(
    setup: Setup,
    rows: list[list[Any]] | None = None,
    *,
    file: Any = None,
    persona: str = "coordinator",
    org: Any = None,
    **options: Any,
) -> importer.ImportResult:
    options.setdefault("round", setup.round.pk)
    ctx = ImportContext(
        actor=setup.world.users[persona],
        organisation=org or setup.world.school,
        options=options,
    )
    return importer.run_import(kind(), file or csv_upload(rows or [], name="grades.csv"), ctx)


def values(*candidates: RoundCandidate) -> list[tuple[Decimal | None, list[str]]]:
    out = []
    for c in candidates:
        c.refresh_from_db()
        out.append((c.grade_average, c.skill_codes))
    return out


def test_a_good_csv_sets_grades_and_skills_by_code_name_and_alias(setup: Setup) -> None:
    wang_number = setup.wang.student_number
    result = run(
        setup,
        [
            HEADER,
            ["S0001", "", "88.25", "SW-PY, 云计算"],
            ["", "WANG@test.example", "72", "python programming；cloud ops"],
        ],
    )
    assert result.ok and result.committed, result.errors
    assert (result.updated, result.unchanged) == (2, 0)
    assert values(setup.me, setup.wang) == [
        (Decimal("88.25"), ["NET-CLOUD", "SW-PY"]),
        (Decimal("72.00"), ["NET-CLOUD", "SW-PY"]),
    ]
    entry = AuditEntry.objects.get(action="placements.round.candidates_import")
    assert entry.object_id == str(setup.round.pk)
    assert entry.changes["candidates_updated"] == 2
    assert entry.changes["candidates"][str(setup.me.pk)]["grade_average"] == [None, "88.25"]
    assert AuditEntry.objects.filter(action=f"import.{KEY}").count() == 1
    # The same file again changes nothing.
    again = run(
        setup, [HEADER, [wang_number, "", "72.00", "Python编程; NET-CLOUD"], ["S0001", "", "", ""]]
    )
    assert again.ok and (again.updated, again.unchanged) == (0, 2), again.errors


def test_a_good_xlsx_with_numbers_and_chinese_headers(setup: Setup) -> None:
    file = xlsx_upload(
        [
            ["学号", "平均成绩", "技能"],
            ["S0001", 91.5, "云计算"],
            [setup.wang.student_number, 80, ""],
        ],
        name="grades.xlsx",
    )
    result = run(setup, file=file)
    assert result.ok and result.updated == 2, result.errors
    assert values(setup.me, setup.wang) == [
        (Decimal("91.50"), ["NET-CLOUD"]),
        (Decimal("80.00"), []),
    ]


def test_an_empty_cell_keeps_and_a_dash_clears(setup: Setup) -> None:
    RoundCandidate.objects.filter(pk=setup.me.pk).update(
        grade_average=Decimal(70), skill_codes=["SW-PY"]
    )
    RoundCandidate.objects.filter(pk=setup.wang.pk).update(
        grade_average=Decimal(60), skill_codes=["NET-CLOUD"]
    )
    result = run(setup, [HEADER, ["S0001", "", "-", ""], [setup.wang.student_number, "", "", "-"]])
    assert result.ok and result.updated == 2, result.errors
    assert values(setup.me, setup.wang) == [(None, ["SW-PY"]), (Decimal(60), [])]


def test_bad_rows_are_all_reported_and_nothing_changes(setup: Setup) -> None:
    RoundCandidate.objects.filter(pk=setup.me.pk).update(grade_average=Decimal(50))
    before = values(setup.me, setup.wang)
    other = f.student(setup.world, "NotInRound")  # a student of the school, not a candidate
    number = other.affiliations.get().student_number
    rows = [
        HEADER,
        ["S0001", "", "99", "SW-PY"],  # 2: fine on its own
        [number, "", "80", ""],  # 3: not a candidate
        ["K0001", "", "80", ""],  # 4: another school's student
        [setup.wang.student_number, "", "101", ""],  # 5: out of range
        [setup.wang.student_number, "", "80", ""],  # 6: Wang twice
        ["", "nobody@test.example", "abc", ""],  # 7: unknown email, not a number
        ["", "", "85.125", ""],  # 8: nobody named, three decimals
        ["S0001", "", "", ""],  # 9: twice
        ["S0001", "", "", "SW-PY; Basket weaving; 量子烹饪"],  # 10: twice, unknown skills
        ["S0001", "", "=cmd|' /C calc'!A0", ""],  # 11: a formula
        ["S0001", "", "", "x" * 5000],  # 12: oversized
        ["S0001", "wang@test.example", "", ""],  # 13: number and email disagree
        ["", "", "-5", ""],  # 14: negative
        ["", "", "NaN", ""],  # 15: not a number
    ]
    result = run(setup, rows)
    assert not result.ok and not result.committed
    found = {(e.row, e.column) for e in result.errors}
    assert found == {
        (3, "student_number"),
        (4, "student_number"),
        (5, "grade_average"),
        (6, "student_number"),
        (7, "email"),
        (7, "grade_average"),
        (8, "student_number"),
        (8, "grade_average"),
        (9, "student_number"),
        (10, "student_number"),
        (10, "skills"),
        (11, "grade_average"),
        (11, "student_number"),
        (12, "skills"),
        (12, "student_number"),
        (13, "email"),
        (14, "student_number"),
        (14, "grade_average"),
        (15, "student_number"),
        (15, "grade_average"),
    }, result.errors
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "No candidate of this round" in messages[(3, "student_number")]
    assert "from 0 to 100" in messages[(5, "grade_average")]
    assert "already in row 2" in messages[(9, "student_number")]
    assert "“Basket weaving”" in messages[(10, "skills")]
    assert "“量子烹饪”" in messages[(10, "skills")]
    assert "SW-PY" not in messages[(10, "skills")]
    assert "two decimals" in messages[(8, "grade_average")]
    assert "formula" in messages[(11, "grade_average")].lower()
    assert "5000" in messages[(12, "skills")]
    assert values(setup.me, setup.wang) == before
    assert not AuditEntry.objects.filter(action="placements.round.candidates_import").exists()


def test_parse_grade() -> None:
    assert parse_grade("85") == Decimal("85.00")
    assert parse_grade("85.50") == Decimal("85.50")
    assert parse_grade("85.500") == Decimal("85.50")
    assert parse_grade("0") == Decimal(0) and parse_grade("100") == Decimal(100)
    for bad in ("abc", "100.01", "-0.5", "85.555", "Infinity", "sNaN", "85%", "1e3"):
        with pytest.raises(ValueError):
            parse_grade(bad)


def test_an_ambiguous_name_asks_for_the_code(setup: Setup) -> None:
    skill_services.skill_create(actor=None, code="SW-PY2", label_en="Python programming")
    result = run(setup, [HEADER, ["S0001", "", "", "Python programming"]])
    assert not result.ok
    assert "Write the skill's code" in result.errors[0].message
    result = run(setup, [HEADER, ["S0001", "", "", "SW-PY2"]])
    assert result.ok, result.errors


def test_a_published_round_is_refused(setup: Setup) -> None:
    f.close(setup.round)
    services.run_publish(actor=None, run=f.run(setup.round, seed=1))
    before = values(setup.me, setup.wang)
    result = run(setup, [HEADER, ["S0001", "", "90", "SW-PY"], ["", "", "abc", ""]])
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(2, "")]
    assert "is published" in result.errors[0].message
    assert values(setup.me, setup.wang) == before


def test_publication_between_validation_and_commit_is_refused(
    setup: Setup, monkeypatch: Any
) -> None:
    """The round is locked and checked again when the rows are written."""
    real_prepare = kind().prepare

    def prepare_then_publish(ctx: ImportContext) -> None:
        real_prepare(ctx)
        PlacementRound.objects.filter(pk=setup.round.pk).update(status="published")

    monkeypatch.setattr(kind(), "prepare", prepare_then_publish)
    result = run(setup, [HEADER, ["S0001", "", "90", ""]])
    assert not result.ok and "is published" in result.errors[0].message
    assert values(setup.me)[0][0] is None


def test_a_draft_round_and_a_missing_round_are_explained(setup: Setup) -> None:
    draft = f.round_(setup.world, [f.opening(setup.world)], open_now=False)
    result = run(setup, [HEADER, ["S0001", "", "90", ""]], round=draft.pk)
    assert [e.message for e in result.errors] == [
        f"The round “{draft.name}” is a draft: its candidates are taken when it opens. Open it "
        "first, then import."
    ]
    for option in (None, "", "abc", 0, -3, "9" * 30):
        result = run(
            setup, [HEADER, ["S0001", "", "90", ""], ["S0001", "", "90", ""]], round=option
        )
        assert len(result.errors) == 1 and not result.file_error
        assert "does not know which round" in result.errors[0].message
    result = run(setup, [HEADER, ["S0001", "", "90", ""]], round=999_999)
    assert "No round you manage" in result.errors[0].message
    assert values(setup.me)[0][0] is None


def test_who_may_import(setup: Setup) -> None:
    world = setup.world
    assert kind().allowed(world.users["coordinator"], world.school)
    assert kind().allowed(world.users["org_admin"], world.school)
    assert kind().allowed(world.users["admin"], world.school)
    assert kind().allowed(world.users["admin"], None)
    for persona in ("student", "enterprise", "mentor", "teacher", "other_coordinator", "outsider"):
        assert not kind().allowed(world.users[persona], world.school), persona
        assert not kind().allowed(world.users[persona], None), persona
    assert not kind().allowed(world.users["enterprise"], world.enterprise)
    # Another school's coordinator, acting for her own school, cannot reach our round.
    result = run(
        setup,
        [HEADER, ["S0001", "", "90", ""]],
        persona="other_coordinator",
        org=world.other_school,
    )
    assert not result.ok and "No round you manage" in result.errors[0].message
    # A student or a host's manager is not even allowed to open the import page.
    for persona in ("student", "enterprise", "teacher"):
        response = world.client(persona).get(reverse("core:import_start", args=[KEY]))
        assert response.status_code == 403, persona
    assert values(setup.me)[0][0] is None


def test_acting_for_another_school_is_told_to_switch(setup: Setup) -> None:
    result = run(
        setup, [HEADER, ["S0001", "", "90", ""]], persona="admin", org=setup.world.other_school
    )
    assert "act for that school" in result.errors[0].message


def test_the_round_page_links_the_import_and_the_download(setup: Setup) -> None:
    client = setup.world.client("coordinator")
    url = reverse("placements:round_detail", args=[setup.round.pk])
    page = client.get(url).content.decode()
    import_url = f"{reverse('core:import_start', args=[KEY])}?round={setup.round.pk}"
    assert import_url in page and "Import grades and skills" in page
    assert f"{url}?export=xlsx" in page
    # The download, filled in and imported back.
    RoundCandidate.objects.filter(pk=setup.me.pk).update(
        grade_average=Decimal("64.5"), skill_codes=["SW-PY"]
    )
    download = client.get(f"{url}?export=xlsx")
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["student_number", "email", "name", "grade_average", "skills"]
    mine = next(r for r in rows if r[0] == "S0001")
    assert mine[1:] == ["student@test.example", str(setup.world.people["student"]), 64.5, "SW-PY"]
    assert len(rows) == 3
    mine[3] = 93
    buffer = io.BytesIO()
    download_book = openpyxl.Workbook()
    out = download_book.active
    assert out is not None
    for row in rows:
        out.append(row)
    download_book.save(buffer)
    result = run(setup, file=upload(buffer.getvalue(), "round.xlsx"))
    assert result.ok and (result.updated, result.unchanged) == (1, 1), result.errors
    assert values(setup.me) == [(Decimal(93), ["SW-PY"])]
    # Others never see the download: students and hosts are sent to their own pages.
    for persona in ("student", "enterprise"):
        response = setup.world.client(persona).get(f"{url}?export=xlsx")
        assert response.status_code == 302, persona


def test_the_links_are_gone_once_published(setup: Setup) -> None:
    f.close(setup.round)
    services.run_publish(actor=None, run=f.run(setup.round, seed=1))
    page = setup.world.client("coordinator").get(
        reverse("placements:round_detail", args=[setup.round.pk])
    )
    assert "Import grades and skills" not in page.content.decode()


def test_the_import_page_takes_the_round_from_the_link(setup: Setup) -> None:
    client = setup.world.client("coordinator")
    url = f"{reverse('core:import_start', args=[KEY])}?round={setup.round.pk}"
    page = client.get(url)
    assert page.status_code == 200 and setup.round.name in page.content.decode()
    # Another school's coordinator is not told the name of a round she does not manage.
    other = setup.world.client("other_coordinator").get(url)
    assert setup.round.name not in other.content.decode()
    client.post(
        url,
        {"file": csv_upload([HEADER, ["S0001", "", "77", ""]]), "encoding": "utf-8"},
    )
    job = JobProgress.objects.get()
    assert job.result["error_count"] == 0, job.result
    assert values(setup.me)[0][0] == Decimal(77)


def test_the_scoring_rule_uses_the_imported_values(setup: Setup) -> None:
    def priorities() -> dict[str, float]:
        document = adapter.build_input(setup.round, options={}).document
        scores = {o["id"]: o["scores"] for o in document["openings"]}
        return scores[adapter.opening_key(setup.opening_id)]

    me, wang = adapter.student_key(setup.me.pk), adapter.student_key(setup.wang.pk)
    assert priorities() == {me: 0.0, wang: 0.0}
    result = run(
        setup,
        [
            HEADER,
            ["S0001", "", "70", "SW-PY"],
            [setup.wang.student_number, "", "90.5", "Python编程; 云计算"],
        ],
    )
    assert result.ok, result.errors
    # weight_grades 1 × grade + weight_skills 0.5 × 100 × share of the opening's two skills
    assert priorities() == {me: 70 + 25.0, wang: 90.5 + 50.0}
    # A run made now records them in its input.
    f.close(setup.round)
    made = f.run(setup.round, seed=1)
    assert made.input_document is not None
    recorded = {o["id"]: o["scores"] for o in made.input_document["openings"]}
    assert recorded[adapter.opening_key(setup.opening_id)] == {me: 95.0, wang: 140.5}


def test_a_background_import_keeps_the_round(setup: Setup, settings: Any) -> None:
    from django.test import TestCase

    settings.IMPORT_BACKGROUND_ROWS = 1
    client = setup.world.client("coordinator")
    url = f"{reverse('core:import_start', args=[KEY])}?round={setup.round.pk}"
    rows = [HEADER, ["S0001", "", "66", ""], [setup.wang.student_number, "", "67", ""]]
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url, {"file": csv_upload(rows), "encoding": "utf-8"})
    job = JobProgress.objects.get()
    assert job.state == "done" and job.result["error_count"] == 0, job.result
    assert [g for g, _s in values(setup.me, setup.wang)] == [Decimal(66), Decimal(67)]
