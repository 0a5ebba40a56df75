"""Free text to skills: "python, k8s, 云计算" → candidates with a confidence.

Exact matches on a code, a label (any language) or an alias score 1.0. Everything else goes
through rapidfuzz over an in-memory index of the normalised labels and aliases of active skills;
a fuzzy score is scaled to at most 0.95 so an exact match always ranks first.

The index is built once per process and rebuilt when the table changes: its key is the number
of skills and aliases, the highest id and the latest `updated_at` (the services bump it whenever
a skill or its aliases change), read with two cheap aggregate queries per call.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max
from django.utils.translation import get_language
from rapidfuzz import fuzz, process

from qiao.skills.models import Skill, SkillAlias
from qiao.skills.normalise import normalise, split_list

# Final fuzzy scores (0..100) below this are noise.
FUZZY_CUTOFF = 70.0
FUZZY_CEILING = 0.95
# rapidfuzz's WRatio shortlists choices quickly (C++); `_score` then ranks the shortlist.
SHORTLIST_CUTOFF = 55.0
MAX_TEXT = 2000
MAX_ITEMS = 100
_KIND_RANK = {"code": 0, "label": 1, "alias": 2, "fuzzy": 3}


@dataclass(frozen=True)
class SkillCandidate:
    """One skill a piece of text may mean, with how sure we are (0..1) and why."""

    skill_id: int
    code: str
    label: str
    confidence: float
    matched_on: str  # "code" | "label" | "alias" | "fuzzy"


@dataclass(frozen=True)
class SkillMatchGroup:
    """The candidates for one item of a list such as "python, k8s, 云计算"."""

    text: str
    candidates: list[SkillCandidate]


@dataclass
class _SkillInfo:
    code: str
    label_en: str
    label_zh: str
    labels: dict[str, str]

    def label(self, language: str) -> str:
        language = language.lower()
        if language.startswith("zh") and self.label_zh:
            return self.label_zh
        if language.startswith("en"):
            return self.label_en
        return str(self.labels.get(language.split("-")[0]) or self.label_en)


@dataclass
class SkillIndex:
    key: tuple[Any, ...]
    skills: dict[int, _SkillInfo] = field(default_factory=dict)
    # normalised text → [(skill id, "code"|"label"|"alias")]
    exact: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    # parallel lists for rapidfuzz: normalised label or alias, and whose it is
    choices: list[str] = field(default_factory=list)
    owners: list[int] = field(default_factory=list)

    def add(self, text: str, skill_id: int, kind: str, *, fuzzy: bool = True) -> None:
        key = normalise(text)
        if not key:
            return
        hits = self.exact.setdefault(key, [])
        if all(sid != skill_id for sid, _kind in hits):
            hits.append((skill_id, kind))
            if fuzzy:
                self.choices.append(key)
                self.owners.append(skill_id)


_lock = threading.Lock()
_index: SkillIndex | None = None


def _index_key() -> tuple[Any, ...]:
    skills = Skill.objects.aggregate(n=Count("pk"), top=Max("pk"), last=Max("updated_at"))
    aliases = SkillAlias.objects.aggregate(n=Count("pk"), top=Max("pk"))
    return (skills["n"], skills["top"], skills["last"], aliases["n"], aliases["top"])


def _build(key: tuple[Any, ...]) -> SkillIndex:
    index = SkillIndex(key=key)
    rows = Skill.objects.filter(is_active=True).values_list(
        "pk", "code", "label_en", "label_zh", "labels"
    )
    for pk, code, label_en, label_zh, stored_labels in rows:
        others = stored_labels if isinstance(stored_labels, dict) else {}
        index.skills[pk] = _SkillInfo(code, label_en, label_zh, others)
        index.add(code, pk, "code", fuzzy=False)  # codes are identifiers, not words
        for label in (label_en, label_zh, *others.values()):
            index.add(str(label), pk, "label")
    for skill_id, normalised in SkillAlias.objects.filter(skill__is_active=True).values_list(
        "skill_id", "normalised"
    ):
        index.add(normalised, skill_id, "alias")
    return index


def skill_index() -> SkillIndex:
    """The current index, rebuilt only when the skills changed since it was built."""
    global _index  # noqa: PLW0603 - one index per process, by design
    key = _index_key()
    current = _index
    if current is not None and current.key == key:
        return current
    with _lock:
        if _index is None or _index.key != key:
            _index = _build(key)
        return _index


def skill_index_clear() -> None:
    global _index  # noqa: PLW0603
    with _lock:
        _index = None


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _score(query: str, choice: str) -> float:
    """How well `query` names `choice` (both normalised), 0..100.

    WRatio alone rates any substring as 90, so "go" would match "al*go*rithms" and "python"
    would rate "data analysis with python" as high as "python programming". Here a substring
    counts only on word boundaries (any position in Chinese, which has no spaces), a match at the
    start and one covering more of the text count more, and a plain edit-distance ratio catches
    typos ("pyton" ~ "python3").
    """
    best = fuzz.ratio(query, choice)
    best = max(best, fuzz.token_sort_ratio(query, choice) * 0.95)  # "learning machine"
    short, long_ = (query, choice) if len(query) <= len(choice) else (choice, query)
    if short and len(short) < len(long_):
        found = fuzz.partial_ratio_alignment(short, long_)
        if found is not None:
            start, end = found.dest_start, found.dest_end
            starts = start == 0 or long_[start - 1] == " " or _is_han(long_[start])
            ends = end >= len(long_) or long_[end] == " " or _is_han(long_[end - 1])
            if starts and ends:
                # The more of the longer text the match covers, the more specific it is.
                weight = (0.85 if start == 0 else 0.8) + 0.1 * len(short) / len(long_)
            else:
                weight = 0.6
            if short is choice:  # the text says more than the skill: "python developer"
                weight -= 0.1
            best = max(best, found.score * weight)
    return best


def _match(index: SkillIndex, text: str, language: str, limit: int) -> list[SkillCandidate]:
    query = normalise(text[:MAX_TEXT])
    if not query or limit <= 0:
        return []
    best: dict[int, tuple[float, str]] = {}
    for skill_id, kind in index.exact.get(query, []):
        best[skill_id] = (1.0, kind)
    if len(best) < limit and index.choices:
        shortlist = process.extract(
            query,
            index.choices,
            scorer=fuzz.WRatio,
            limit=max(limit * 10, 50),
            score_cutoff=SHORTLIST_CUTOFF,
        )
        for choice, _rough, position in shortlist:
            score = _score(query, choice)
            if score < FUZZY_CUTOFF:
                continue
            skill_id = index.owners[position]
            confidence = round(score / 100 * FUZZY_CEILING, 3)
            if skill_id not in best or best[skill_id][0] < confidence:
                best[skill_id] = (confidence, "fuzzy")
    ranked = sorted(
        best.items(),
        key=lambda item: (-item[1][0], _KIND_RANK[item[1][1]], index.skills[item[0]].code),
    )
    return [
        SkillCandidate(
            skill_id=skill_id,
            code=index.skills[skill_id].code,
            label=index.skills[skill_id].label(language),
            confidence=confidence,
            matched_on=kind,
        )
        for skill_id, (confidence, kind) in ranked[:limit]
    ]


def skill_match(*, text: str, language: str | None = None, limit: int = 5) -> list[SkillCandidate]:
    """The skills `text` may mean, best first. Labels in `language` (default: the active one)."""
    return _match(skill_index(), text, language or get_language() or "en", limit)


def skills_match_list(
    *, text: str, language: str | None = None, limit: int = 3
) -> list[SkillMatchGroup]:
    """Split a list ("python, k8s；云计算、大数据") and match each item (at most 100)."""
    index = skill_index()
    language = language or get_language() or "en"
    items = list(dict.fromkeys(split_list(text[: MAX_TEXT * 5])))[:MAX_ITEMS]
    return [SkillMatchGroup(item, _match(index, item, language, limit)) for item in items]
