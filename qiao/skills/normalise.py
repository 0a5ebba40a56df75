"""Normalising free text so that "Python３", "ＰＹＴＨＯＮ" and " python " compare equal.

Pure functions, no Django: the matcher, the alias table and the import all use them.
"""

from __future__ import annotations

import re
import unicodedata

# Punctuation and symbols become word breaks, except the few that carry meaning in skill names
# ("C++", "C#", "F#"). Everything else (letters, digits, CJK ideographs, marks) is kept as is, so
# Chinese needs no tokenisation: "云计算" stays "云计算".
_KEEP = frozenset("+#")
_SPACES = re.compile(r"\s+")
# Lists of skills are written with these between items: "python, k8s；云计算、大数据".
LIST_SEPARATORS = re.compile(r"[,;，；、\n\r]+")


def _break(ch: str) -> str:
    if ch in _KEEP:
        return ch
    category = unicodedata.category(ch)
    if category[0] in "PSZ" or category == "Cc":
        return " "
    if category == "Cf":  # zero-width joiners, soft hyphens: invisible, so dropped
        return ""
    return ch


def _once(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = unicodedata.normalize("NFKC", text)
    text = "".join(_break(ch) for ch in text)
    return _SPACES.sub(" ", text).strip()


def normalise(text: str) -> str:
    """NFKC, case-folded, punctuation and runs of whitespace collapsed to one space.

    Idempotent: a few rare code points (combining marks after a removed symbol, case folds that
    leave NFKC) change again on a second pass, so we apply the step until it settles.
    """
    result = _once(text or "")
    for _ in range(4):
        again = _once(result)
        if again == result:
            break
        result = again
    return result


def split_list(text: str) -> list[str]:
    """Split "python, k8s；云计算、大数据" into its items, dropping empty ones."""
    return [part.strip() for part in LIST_SEPARATORS.split(text or "") if part.strip()]


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def guess_language(text: str) -> str:
    """ "zh" when the text has Chinese characters, else "en": enough to tag an alias."""
    return "zh" if _HAN.search(text or "") else "en"
