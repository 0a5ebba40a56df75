"""The data migration that makes the packaged rule set (v3) the default on a database that
had v2: schools that chose a version keep it; a v3 written in the editor is not overwritten."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from qiao.conftest import World
from qiao.placements.compliance import default_ruleset_data
from qiao.placements.models import ComplianceRuleSet, SchoolRuleSet

pytestmark = pytest.mark.django_db

migration = importlib.import_module("qiao.placements.migrations.0006_default_ruleset_v3")


def _as_v2() -> ComplianceRuleSet:
    """The database as 0002 left it before v3: one default row, version 2, without the two
    rules v3 adds."""
    ComplianceRuleSet.objects.all().delete()
    doc = default_ruleset_data()
    doc["version"] = 2
    doc["rules"] = [
        r for r in doc["rules"] if r["check"] not in ("minor_protection", "not_first_year")
    ]
    return ComplianceRuleSet.objects.create(
        code=doc["code"],
        version=2,
        title_en=doc["title_en"],
        title_zh=doc["title_zh"],
        document=doc,
        is_default=True,
    )


def test_v3_becomes_the_default_and_chosen_versions_stay(world: World) -> None:
    v2 = _as_v2()
    SchoolRuleSet.objects.create(school=world.other_school, ruleset=v2)
    migration.load(apps, None)
    default = ComplianceRuleSet.objects.get(is_default=True)
    assert default.version == 3 and default.document["rules"] == default_ruleset_data()["rules"]
    assert SchoolRuleSet.objects.get(school=world.other_school).ruleset == v2
    migration.load(apps, None)  # twice: nothing new
    assert ComplianceRuleSet.objects.count() == 2


def test_a_v3_written_in_the_editor_is_kept(world: World) -> None:
    v2 = _as_v2()
    edited = {**v2.document, "version": 3}
    mine = ComplianceRuleSet.objects.create(
        code=v2.code, version=3, title_en="Ours", title_zh="我们的", document=edited
    )
    migration.load(apps, None)
    default = ComplianceRuleSet.objects.get(is_default=True)
    assert default.version == 4 and default.document["version"] == 4
    mine.refresh_from_db()
    assert mine.document == edited and not mine.is_default
