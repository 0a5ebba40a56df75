"""Plain sentences, in English or Chinese, from the engine's structured explanations.

The sentences are kept here as data in both languages (like the compliance rule messages),
so a student reads her result in Chinese whatever the state of the translation catalogue.

When hosts rank their applicants strictly (an explanation with ``"priority_mode":
"host_ranking"``, see `allocation_adapter`), a priority rank is a place in the host's order and a
score of 0 means the host did not rank the student: the sentences say so instead of quoting
priorities and scores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import get_language

_EN = {
    "placed": "You were placed at {opening} (your choice {choice}).",
    "unplaced": "You were not placed.",
    "below_cutoff": (
        "Not admitted at {opening} (choice {choice}): it was full; the last student admitted "
        "there had priority {cutoff}, yours was {yours}."
    ),
    "lottery": " Your scores were equal; the recorded lottery decided.",
    "quota_full": (
        "Not admitted at {opening} (choice {choice}): the places for your group were full; "
        "the last student of your group admitted had priority {cutoff}, yours was {yours}."
    ),
    "not_eligible": "Not admitted at {opening} (choice {choice}): you were not eligible.",
    "no_seats": "Not admitted at {opening} (choice {choice}): it had no seats left.",
    "score": "{rank} (score {score})",
    "reason": "{message} ({clause})",
    # Hosts rank their applicants: a rank is a place in the host's order.
    "order_below_cutoff": (
        "Not admitted at {opening} (choice {choice}): it was full; the last student admitted "
        "there had rank {cutoff} in the host's order, yours was {yours}."
    ),
    "order_below_cutoff_unranked": (
        "Not admitted at {opening} (choice {choice}): it was full; the last student admitted "
        "there had rank {cutoff} in the host's order, and the host did not rank you."
    ),
    "order_below_cutoff_lottery": (
        "Not admitted at {opening} (choice {choice}): it was full, and the host ranked neither "
        "you nor the last student admitted there; the recorded lottery decided."
    ),
    "order_quota_full": (
        "Not admitted at {opening} (choice {choice}): the places for your group were full; the "
        "last student of your group admitted had rank {cutoff} in the host's order, yours was "
        "{yours}."
    ),
    "order_quota_full_unranked": (
        "Not admitted at {opening} (choice {choice}): the places for your group were full; the "
        "last student of your group admitted had rank {cutoff} in the host's order, and the host "
        "did not rank you."
    ),
    "order_quota_full_lottery": (
        "Not admitted at {opening} (choice {choice}): the places for your group were full, and "
        "the host ranked neither you nor the last student of your group admitted; the recorded "
        "lottery decided."
    ),
}
_ZH = {
    "placed": "您被分配到{opening}（您的第{choice}志愿）。",
    "unplaced": "您本轮未被分配。",
    "below_cutoff": (
        "未被{opening}录取（第{choice}志愿）：该岗位已满；最后一名被录取学生的排序为{cutoff}，"
        "您的排序为{yours}。"
    ),
    "lottery": "分数相同，由已记录的抽签决定。",
    "quota_full": (
        "未被{opening}录取（第{choice}志愿）：您所在组别的名额已满；该组最后一名被录取学生的排序为"
        "{cutoff}，您的排序为{yours}。"
    ),
    "not_eligible": "未被{opening}录取（第{choice}志愿）：您不符合该岗位的条件。",
    "no_seats": "未被{opening}录取（第{choice}志愿）：该岗位已无名额。",
    "score": "{rank}（分数{score}）",
    "reason": "{message}（{clause}）",
    "order_below_cutoff": (
        "未被{opening}录取（第{choice}志愿）：该岗位已满；最后一名被录取学生在接收单位排序中"
        "位列第{cutoff}，您位列第{yours}。"
    ),
    "order_below_cutoff_unranked": (
        "未被{opening}录取（第{choice}志愿）：该岗位已满；最后一名被录取学生在接收单位排序中"
        "位列第{cutoff}，接收单位未将您列入排序。"
    ),
    "order_below_cutoff_lottery": (
        "未被{opening}录取（第{choice}志愿）：该岗位已满；接收单位未将您和最后一名被录取学生"
        "列入排序，由已记录的抽签决定。"
    ),
    "order_quota_full": (
        "未被{opening}录取（第{choice}志愿）：您所在组别的名额已满；该组最后一名被录取学生在"
        "接收单位排序中位列第{cutoff}，您位列第{yours}。"
    ),
    "order_quota_full_unranked": (
        "未被{opening}录取（第{choice}志愿）：您所在组别的名额已满；该组最后一名被录取学生在"
        "接收单位排序中位列第{cutoff}，接收单位未将您列入排序。"
    ),
    "order_quota_full_lottery": (
        "未被{opening}录取（第{choice}志愿）：您所在组别的名额已满；接收单位未将您和该组最后"
        "一名被录取学生列入排序，由已记录的抽签决定。"
    ),
}


# The same sentences as read by the school's staff reviewing a run: about the student, not to
# her. Only the sentences that address the student differ.
_EN_STAFF = {
    **_EN,
    "placed": "Placed at {opening} (choice {choice}).",
    "unplaced": "Not placed.",
    "below_cutoff": (
        "Not admitted at {opening} (choice {choice}): it was full; the last student admitted "
        "there had priority {cutoff}; this student had {yours}."
    ),
    "lottery": " Equal scores; the recorded lottery decided.",
    "quota_full": (
        "Not admitted at {opening} (choice {choice}): the places for the student's group were "
        "full; the last student of the group admitted had priority {cutoff}; this student had "
        "{yours}."
    ),
    "not_eligible": "Not admitted at {opening} (choice {choice}): not eligible.",
    "order_below_cutoff": (
        "Not admitted at {opening} (choice {choice}): it was full; the last student admitted "
        "there had rank {cutoff} in the host's order; this student had rank {yours}."
    ),
    "order_below_cutoff_unranked": (
        "Not admitted at {opening} (choice {choice}): it was full; the last student admitted "
        "there had rank {cutoff} in the host's order, and the host did not rank this student."
    ),
    "order_below_cutoff_lottery": (
        "Not admitted at {opening} (choice {choice}): it was full, and the host ranked neither "
        "this student nor the last student admitted there; the recorded lottery decided."
    ),
    "order_quota_full": (
        "Not admitted at {opening} (choice {choice}): the places for the student's group were "
        "full; the last student of the group admitted had rank {cutoff} in the host's order; "
        "this student had rank {yours}."
    ),
    "order_quota_full_unranked": (
        "Not admitted at {opening} (choice {choice}): the places for the student's group were "
        "full; the last student of the group admitted had rank {cutoff} in the host's order, "
        "and the host did not rank this student."
    ),
    "order_quota_full_lottery": (
        "Not admitted at {opening} (choice {choice}): the places for the student's group were "
        "full, and the host ranked neither this student nor the last student of the group "
        "admitted; the recorded lottery decided."
    ),
}
_ZH_STAFF = {
    **_ZH,
    "placed": "分配到{opening}（第{choice}志愿）。",
    "unplaced": "本轮未被分配。",
    "below_cutoff": (
        "未被{opening}录取（第{choice}志愿）：该岗位已满；最后一名被录取学生的排序为{cutoff}，"
        "该生的排序为{yours}。"
    ),
    "quota_full": (
        "未被{opening}录取（第{choice}志愿）：该生所在组别的名额已满；该组最后一名被录取学生的"
        "排序为{cutoff}，该生的排序为{yours}。"
    ),
    "not_eligible": "未被{opening}录取（第{choice}志愿）：该生不符合该岗位的条件。",
    "order_below_cutoff": (
        "未被{opening}录取（第{choice}志愿）：该岗位已满；最后一名被录取学生在接收单位排序中"
        "位列第{cutoff}，该生位列第{yours}。"
    ),
    "order_below_cutoff_unranked": (
        "未被{opening}录取（第{choice}志愿）：该岗位已满；最后一名被录取学生在接收单位排序中"
        "位列第{cutoff}，接收单位未将该生列入排序。"
    ),
    "order_below_cutoff_lottery": (
        "未被{opening}录取（第{choice}志愿）：该岗位已满；接收单位未将该生和最后一名被录取学生"
        "列入排序，由已记录的抽签决定。"
    ),
    "order_quota_full": (
        "未被{opening}录取（第{choice}志愿）：该生所在组别的名额已满；该组最后一名被录取学生在"
        "接收单位排序中位列第{cutoff}，该生位列第{yours}。"
    ),
    "order_quota_full_unranked": (
        "未被{opening}录取（第{choice}志愿）：该生所在组别的名额已满；该组最后一名被录取学生在"
        "接收单位排序中位列第{cutoff}，接收单位未将该生列入排序。"
    ),
    "order_quota_full_lottery": (
        "未被{opening}录取（第{choice}志愿）：该生所在组别的名额已满；接收单位未将该生和该组最后"
        "一名被录取学生列入排序，由已记录的抽签决定。"
    ),
}
STUDENT, STAFF = "student", "staff"


def _table(language: str | None, voice: str = STUDENT) -> Mapping[str, str]:
    zh = (language or get_language() or "en").lower().startswith("zh")
    if voice == STAFF:
        return _ZH_STAFF if zh else _EN_STAFF
    return _ZH if zh else _EN


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def _rank(t: Mapping[str, str], rank: Any, score: Any) -> str:
    if rank is None:
        return "—"
    if score is None:
        return str(rank)
    return t["score"].format(rank=rank, score=_num(score))


_CUTOFF_CODES = ("below_cutoff", "quota_full")


def _ranked(rank: Any, score: Any) -> bool:
    """In the host's order: a priority rank with a positive score (0 is "not ranked")."""
    return rank is not None and score is not None and score > 0


def _in_host_order(
    t: Mapping[str, str], c: Mapping[str, Any], base: Mapping[str, Any]
) -> str | None:
    """A below-cutoff or quota sentence when the host ranked its applicants strictly; None
    when the numbers do not fit that reading (the general sentence is used then)."""
    code = "order_" + c["code"]
    cutoff_rank, yours_rank = c.get("cutoff_rank"), c.get("your_rank")
    cutoff_in = _ranked(cutoff_rank, c.get("cutoff_score"))
    yours_in = _ranked(yours_rank, c.get("your_score"))
    if cutoff_in and yours_in:
        return t[code].format(cutoff=cutoff_rank, yours=yours_rank, **base)
    if cutoff_in:
        return t[code + "_unranked"].format(cutoff=cutoff_rank, **base)
    if not yours_in and cutoff_rank is not None and c.get("lottery"):
        return t[code + "_lottery"].format(**base)
    return None


def sentences(
    explanation: Mapping[str, Any],
    ineligible: Sequence[Mapping[str, Any]],
    names: Mapping[int, str],
    language: str | None = None,
    voice: str = STUDENT,
) -> list[str]:
    """Sentences for one student's outcome: where she was placed, then why not at each opening
    she ranked higher, with the compliance reason when she was not eligible. `voice` is
    STUDENT (addressed to her) or STAFF (about her, for the school reviewing a run)."""
    t = _table(language, voice)
    zh = t is _ZH or t is _ZH_STAFF
    host_order = explanation.get("priority_mode") == "host_ranking"
    reasons = {i["opening"]: i.get("reasons", []) for i in ineligible}
    out = []
    if explanation.get("assigned") is not None:
        out.append(
            t["placed"].format(
                opening=names.get(explanation["assigned"], "?"), choice=explanation["choice"]
            )
        )
    else:
        out.append(t["unplaced"])
    for c in explanation.get("above", []):
        code = c.get("code", "not_eligible")
        base = {"opening": names.get(c["opening"], "?"), "choice": c.get("choice")}
        ordered = _in_host_order(t, c, base) if host_order and code in _CUTOFF_CODES else None
        if ordered is not None:
            text = ordered
        elif code in _CUTOFF_CODES:
            text = t[code].format(
                cutoff=_rank(t, c.get("cutoff_rank"), c.get("cutoff_score")),
                yours=_rank(t, c.get("your_rank"), c.get("your_score")),
                **base,
            )
            if c.get("lottery"):
                text += t["lottery"]
        else:
            text = t.get(code, t["not_eligible"]).format(**base)
        for r in reasons.get(c["opening"], []):
            message = r.get("message_zh") if zh else r.get("message_en")
            text += " " + t["reason"].format(
                message=message or r.get("message_en"), clause=r["clause"]
            )
        out.append(text)
    return out
