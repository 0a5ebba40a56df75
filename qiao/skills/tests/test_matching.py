from __future__ import annotations

import string

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qiao.skills.matching import (
    SkillIndex,
    _match,
    _SkillInfo,
    skill_index,
    skill_match,
    skills_match_list,
)
from qiao.skills.models import SkillAlias
from qiao.skills.normalise import normalise, split_list
from qiao.skills.services import skill_create, skill_update

# --- The normaliser (pure) ----------------------------------------------------------------------

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
WORDY = st.text(
    alphabet=st.one_of(st.sampled_from(string.ascii_letters + string.digits + " -_.,/+#"), CJK),
    max_size=40,
)


def fullwidth(text: str) -> str:
    """ASCII to its full-width forms, as Chinese input methods often type it."""
    return "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in text
    )


@given(st.text(max_size=60))
def test_normalise_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once


@given(st.text(max_size=60))
def test_normalise_leaves_no_stray_spaces(text):
    result = normalise(text)
    assert result == result.strip()
    assert "  " not in result


@given(WORDY)
def test_normalise_ignores_case(text):
    assert normalise(text.upper()) == normalise(text.lower()) == normalise(text)


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40))
def test_normalise_ignores_width(text):
    assert normalise(fullwidth(text)) == normalise(text)


def test_normalise_examples():
    assert normalise("  Python３  Programming ") == "python3 programming"
    assert normalise("C++ / C#") == "c++ c#"
    assert normalise("云计算，运维") == "云计算 运维"
    assert normalise("Node.js") == "node js"
    assert normalise("ＰＹＴＨＯＮ") == "python"


def test_split_list():
    assert split_list("python, k8s；云计算、大数据，Java;\n go ,,") == [
        "python",
        "k8s",
        "云计算",
        "大数据",
        "Java",
        "go",
    ]


# --- The matcher over an in-memory index (pure property) --------------------------------------

LABEL = st.text(
    alphabet=st.one_of(st.sampled_from(string.ascii_lowercase + " "), CJK), min_size=1, max_size=20
)


@settings(max_examples=60, deadline=None)
@given(
    labels=st.lists(LABEL, min_size=1, max_size=12),
    aliases=st.lists(LABEL, min_size=1, max_size=12),
    data=st.data(),
)
def test_an_exact_alias_ranks_its_skill_first_with_full_confidence(labels, aliases, data):
    index = SkillIndex(key=())
    for number, label in enumerate(labels, start=1):
        index.skills[number] = _SkillInfo(f"S{number}", label, "", {})
        index.add(label, number, "label")
    for offset, alias in enumerate(aliases):
        index.add(alias, 1 + offset % len(labels), "alias")
    pick = data.draw(st.sampled_from(aliases))
    assume(normalise(pick))
    owners = {sid for sid, _kind in index.exact[normalise(pick)]}
    text = data.draw(st.sampled_from([pick, pick.upper(), f"  {pick} ", fullwidth(pick)]))
    found = _match(index, text, "en", limit=len(owners) + 3)
    assert found[0].confidence == 1.0
    assert owners <= {c.skill_id for c in found if c.confidence == 1.0}
    if len(owners) == 1:
        assert found[0].skill_id == next(iter(owners))
    assert all(c.confidence < 1.0 for c in found if c.skill_id not in owners)


# --- The matcher over the catalogue -----------------------------------------------------------


@pytest.mark.django_db
def test_every_catalogue_alias_finds_its_skill_first(catalogue):
    index = skill_index()
    for number, alias in enumerate(SkillAlias.objects.order_by("pk")):
        # Skills this text names exactly: usually one; a few aliases are shared or equal to
        # another skill's label, and then any of those may come first.
        owners = {sid for sid, _kind in index.exact[alias.normalised]}
        assert alias.skill_id in owners
        # Every alias as written; every seventh also shouted and typed full-width.
        variants = [alias.text]
        if number % 7 == 0:
            variants += [alias.text.upper(), fullwidth(alias.text)]
        for text in variants:
            # limit=1: exact hits fill it, so the (slower) fuzzy pass is skipped
            [first] = skill_match(text=text, limit=1)
            assert first.confidence == 1.0, text
            assert first.skill_id in owners, text
            if owners == {alias.skill_id}:
                assert first.skill_id == alias.skill_id, text
        if number % 25 == 0:  # with room for fuzzy candidates, exact ones still lead
            found = skill_match(text=alias.text, limit=len(owners) + 3)
            assert {c.skill_id for c in found[: len(owners)]} == owners
            assert all(c.confidence < 1.0 for c in found[len(owners) :])


@pytest.mark.django_db
def test_codes_labels_and_fuzzy_text(catalogue):
    [by_code] = skill_match(text="cld-k8s", limit=1)
    assert (by_code.code, by_code.matched_on, by_code.confidence) == ("CLD-K8S", "code", 1.0)
    by_label = skill_match(text="云计算", language="en")[0]
    assert (by_label.code, by_label.matched_on) == ("CLD", "label")
    assert by_label.label == "Cloud computing"
    assert skill_match(text="云计算", language="zh-hans")[0].label == "云计算"
    typo = skill_match(text="kubernets")[0]
    assert typo.code == "CLD-K8S" and typo.matched_on == "fuzzy" and 0 < typo.confidence < 1
    assert skill_match(text="pyton")[0].code == "SW-PY"
    assert skill_match(text="java")[0].code == "SW-JAVA"
    assert skill_match(text="嵌入式")[0].code.startswith("HW-EMB")
    assert skill_match(text="xyzzy plugh") == []
    assert skill_match(text="  ,, ") == []
    assert len(skill_match(text="cloud", limit=2)) == 2


@pytest.mark.django_db
def test_match_list_splits_on_commas_semicolons_and_chinese_marks(catalogue):
    groups = skills_match_list(text="python, k8s；云计算、大数据，python")
    assert [g.text for g in groups] == ["python", "k8s", "云计算", "大数据"]
    assert groups[0].candidates[0].code == "SW-PY"
    assert groups[1].candidates[0].code == "CLD-K8S"
    assert groups[2].candidates[0].code == "CLD"


@pytest.mark.django_db
def test_index_is_rebuilt_when_skills_change(db):
    skill = skill_create(actor=None, code="RUST", label_en="Rust programming")
    first = skill_index()
    assert skill_index() is first  # unchanged table: same index
    assert skill_match(text="rustlang") == [] or skill_match(text="rustlang")[0].confidence < 1
    skill_update(actor=None, skill=skill, aliases=["rustlang"])
    assert skill_index() is not first
    assert skill_match(text="rustlang")[0].matched_on == "alias"
    skill_update(actor=None, skill=skill, is_active=False)
    assert skill_match(text="rustlang") == []
