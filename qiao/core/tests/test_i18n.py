"""Simplified Chinese is complete, and the compiled catalogue matches its source."""

from __future__ import annotations

from pathlib import Path

import polib  # type: ignore[import-untyped]
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_has_a_chinese_translation():
    po = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:20]}"


def test_compiled_catalogue_matches_the_source():
    po = {
        e.msgid: (e.msgstr or e.msgstr_plural.get(0))
        for e in polib.pofile(str(LOCALE / "django.po"))
        if not e.obsolete
    }
    mo = {
        e.msgid: (e.msgstr or e.msgstr_plural.get(0))
        for e in polib.mofile(str(LOCALE / "django.mo"))
    }
    stale = sorted(k for k in po if mo.get(k) != po[k])
    assert not stale, f"run `make messages`: django.mo is stale for {stale[:10]}"


def test_placeholders_survive_translation():
    po = polib.pofile(str(LOCALE / "django.po"))
    import re

    pattern = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
    for entry in po:
        if entry.obsolete or not entry.msgstr:
            continue
        assert sorted(pattern.findall(entry.msgid)) == sorted(pattern.findall(entry.msgstr)), (
            entry.msgid
        )


def test_chinese_is_active_when_asked_for():
    with translation.override("zh-hans"):
        assert translation.gettext("Organisations") == "组织"
