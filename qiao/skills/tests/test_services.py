from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from qiao.core.models import AuditEntry
from qiao.skills.models import Skill, SkillAlias
from qiao.skills.services import (
    SkillData,
    alias_entries,
    catalogue_load,
    skill_create,
    skill_update,
    skills_upsert,
)

pytestmark = pytest.mark.django_db


def make(code: str, label: str = "", broader: Skill | None = None, **extra: Any) -> Skill:
    return skill_create(
        actor=None, code=code, label_en=label or code.title(), broader=broader, **extra
    )


# --- Create / update -----------------------------------------------------------------------------


def test_create_writes_skill_aliases_and_audit():
    sw = make("SW", "Software")
    py = skill_create(
        actor=None,
        code=" SW-PY ",
        label_en="Python programming",
        label_zh="Python 程序设计",
        broader=sw,
        aliases=["py", "Python3", ("Python 编程", "zh"), "  py  ", "", "python programming"],
    )
    assert py.code == "SW-PY"
    assert py.domain_id == sw.pk
    aliases = {(a.text, a.normalised, a.language) for a in py.aliases.all()}
    # Duplicates after normalisation and the label itself are dropped; language is guessed.
    assert aliases == {
        ("py", "py", "en"),
        ("Python3", "python3", "en"),
        ("Python 编程", "python 编程", "zh"),
    }
    entry = AuditEntry.objects.get(action="skill.create", object_id=str(py.pk))
    assert entry.changes["code"] == [None, "SW-PY"]
    assert sorted(entry.changes["aliases"][1]) == ["Python 编程", "Python3", "py"]


def test_alias_entries_normalise_and_guess_language():
    entries = alias_entries(
        code="CLD-K8S",
        labels=["Kubernetes"],
        aliases=["K8S", "ｋ８ｓ", "kubernetes", "cld-k8s", "容器 编排", "容器　编排", "  "],
    )
    assert entries == {"k8s": ("K8S", "en"), "容器 编排": ("容器 编排", "zh")}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": "", "label_en": "x"}, "code"),
        ({"code": "has space", "label_en": "x"}, "code"),
        ({"code": "a/b", "label_en": "x"}, "code"),
        ({"code": "new", "label_en": "x"}, "code"),
        ({"code": "OK", "label_en": ""}, "label_en"),
        ({"code": "OK", "label_en": "x" * 10_000}, "label_en"),
        ({"code": "OK", "label_en": "x", "label_zh": "长" * 201}, "label_zh"),
        ({"code": "OK", "label_en": "x", "aliases": ["a" * 201]}, "aliases"),
    ],
)
def test_create_refuses_bad_input_and_changes_nothing(fields, field):
    with pytest.raises(ValidationError) as excinfo:
        skill_create(actor=None, **fields)
    assert field in excinfo.value.message_dict
    assert not Skill.objects.exists()
    assert not AuditEntry.objects.filter(action="skill.create").exists()


def test_duplicate_code_is_refused():
    make("SW")
    with pytest.raises(ValidationError) as excinfo:
        make("SW", "Another")
    assert "code" in excinfo.value.message_dict
    assert Skill.objects.count() == 1


def test_script_in_label_is_stored_as_text():
    skill = make("XSS", "<script>alert(1)</script>")
    assert Skill.objects.get(pk=skill.pk).label_en == "<script>alert(1)</script>"


def test_update_changes_labels_and_replaces_aliases():
    skill = make("SW-PY", "Python", aliases=["py", "python3"])
    skill_update(actor=None, skill=skill, label_zh="Python 程序设计", aliases=["py", "cpython"])
    skill.refresh_from_db()
    assert skill.label_zh == "Python 程序设计"
    assert sorted(skill.aliases.values_list("text", flat=True)) == ["cpython", "py"]
    entry = AuditEntry.objects.get(action="skill.update")
    assert entry.changes["label_zh"] == ["", "Python 程序设计"]
    assert entry.changes["aliases"] == [["py", "python3"], ["cpython", "py"]]


def test_plain_text_aliases_keep_their_stored_language():
    skill = make("XR-UNITY", "Unity development", aliases=[("U3D", "zh"), ("unity3d", "en")])
    skill_update(actor=None, skill=skill, aliases=["U3D", "unity3d", "unity engine"])
    languages = dict(skill.aliases.values_list("text", "language"))
    assert languages == {"U3D": "zh", "unity3d": "en", "unity engine": "en"}


def test_update_without_changes_writes_nothing():
    skill = make("SW")
    stamp = skill.updated_at
    skill_update(actor=None, skill=skill, label_en="Sw", aliases=[])
    skill.refresh_from_db()
    assert skill.updated_at == stamp
    assert not AuditEntry.objects.filter(action="skill.update").exists()


def test_code_never_changes():
    skill = make("SW")
    with pytest.raises(ValidationError) as excinfo:
        skill_update(actor=None, skill=skill, code="SOFT")
    assert "code" in excinfo.value.message_dict
    skill_update(actor=None, skill=skill, code="SW", label_en="Software")  # same code is fine
    assert Skill.objects.get(pk=skill.pk).code == "SW"


def test_update_refuses_cycles():
    a = make("A")
    b = make("B", broader=a)
    c = make("C", broader=b)
    for broader in (a, b, c):
        target = Skill.objects.get(code="A")
        with pytest.raises(ValidationError) as excinfo:
            skill_update(actor=None, skill=target, broader=broader)
        assert "broader" in excinfo.value.message_dict
    assert Skill.objects.get(code="A").broader_id is None
    assert c.broader_id == b.pk


def test_moving_a_skill_moves_its_subtree_to_the_new_domain():
    a, x = make("A"), make("X")
    b = make("B", broader=a)
    c = make("C", broader=b)
    assert (b.domain_id, c.domain_id) == (a.pk, a.pk)
    skill_update(actor=None, skill=b, broader=x)
    assert set(Skill.objects.filter(code__in=["B", "C"]).values_list("domain_id", flat=True)) == {
        x.pk
    }
    skill_update(actor=None, skill=Skill.objects.get(code="B"), broader=None)
    b.refresh_from_db()
    c.refresh_from_db()
    assert (b.domain_id, c.domain_id) == (None, b.pk)


# --- Bulk upsert and the catalogue ------------------------------------------------------------


def test_catalogue_loads_at_least_150_bilingual_skills(catalogue):
    assert catalogue.created >= 150
    assert Skill.objects.count() == catalogue.created
    assert not Skill.objects.filter(label_en="").exists()
    assert not Skill.objects.filter(label_zh="").exists()
    k8s = Skill.objects.get(code="CLD-K8S")
    assert k8s.broader is not None and k8s.broader.code == "CLD-CNT"
    assert k8s.domain is not None and k8s.domain.code == "CLD"
    assert "k8s" in set(k8s.aliases.values_list("normalised", flat=True))
    assert AuditEntry.objects.filter(action="skill.upsert").count() == 1


def test_catalogue_load_is_idempotent(catalogue):
    skills = Skill.objects.count()
    aliases = SkillAlias.objects.count()
    again = catalogue_load(actor=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, skills)
    assert Skill.objects.count() == skills
    assert SkillAlias.objects.count() == aliases
    assert AuditEntry.objects.filter(action="skill.upsert").count() == 1


def test_upsert_updates_keeps_blank_fields_and_adds_aliases():
    make("SW", "Software", label_zh="软件", aliases=["coding"])
    result = skills_upsert(
        actor=None,
        items=[
            SkillData(code="SW", label_en="Software development", aliases_en=("programming",)),
            SkillData(code="SW-PY", label_en="Python", broader="SW"),
        ],
    )
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    sw = Skill.objects.get(code="SW")
    assert (sw.label_en, sw.label_zh) == ("Software development", "软件")
    assert sorted(sw.aliases.values_list("text", flat=True)) == ["coding", "programming"]
    py = Skill.objects.get(code="SW-PY")
    assert (py.broader_id, py.domain_id) == (sw.pk, sw.pk)


@pytest.mark.parametrize(
    "items",
    [
        [SkillData(code="A", label_en="A"), SkillData(code="A", label_en="again")],
        [SkillData(code="B", label_en="B", broader="NOPE")],
        [SkillData(code="C", label_en="C", broader="D"), SkillData(code="D", label_en="D")],
        [SkillData(code="E", label_en="x" * 10_000)],
        [SkillData(code="bad code", label_en="x")],
    ],
)
def test_upsert_is_all_or_nothing(items):
    with pytest.raises(ValidationError):
        skills_upsert(actor=None, items=[SkillData(code="OK", label_en="fine"), *items])
    assert not Skill.objects.exists()


def test_upsert_refuses_a_cycle_through_stored_skills():
    a = make("A")
    make("B", broader=a)
    with pytest.raises(ValidationError) as excinfo:
        skills_upsert(actor=None, items=[SkillData(code="A", label_en="A", broader="B")])
    assert "loop" in " ".join(excinfo.value.messages)
    assert Skill.objects.get(code="A").broader_id is None


def test_upsert_moving_a_stored_skill_moves_its_subtree():
    a, x = make("A"), make("X")
    b = make("B", broader=a)
    make("C", broader=b)
    result = skills_upsert(
        actor=None,
        items=[
            SkillData(code="B", label_en="B", broader="X"),
            SkillData(code="D", label_en="D", broader="C"),
        ],
    )
    assert (result.created, result.updated) == (1, 1)
    domains = dict(Skill.objects.values_list("code", "domain__code"))
    assert domains == {"A": None, "X": None, "B": "X", "C": "X", "D": "X"}
    assert a.narrower.count() == 0 and x.narrower.count() == 1
