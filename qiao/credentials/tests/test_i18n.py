"""The app's Simplified Chinese catalogue is complete, compiled, and keeps its placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import polib  # type: ignore[import-untyped]  # (no stubs installed; core has the same)
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def test_every_message_has_a_chinese_translation():
    po = polib.pofile(str(LOCALE / "django.po"))
    assert not [e.msgid for e in po.untranslated_entries()]
    assert not [e.msgid for e in po.fuzzy_entries()]


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
    assert not sorted(k for k in po if mo.get(k) != po[k])


def test_placeholders_survive_translation():
    for entry in polib.pofile(str(LOCALE / "django.po")):
        if entry.obsolete:
            continue
        text = entry.msgstr or entry.msgstr_plural.get(0, "")
        assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(text)), (
            entry.msgid
        )


def test_verification_texts_are_in_chinese():
    from qiao.credentials.verification import VERDICTS

    with translation.override("zh-hans"):
        assert str(VERDICTS["valid"]).startswith("有效")
