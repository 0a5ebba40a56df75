"""Explanations: structured reasons (codes + numbers) and an English rendering for the CLI.

The UI renders the codes itself, in English and Chinese; :func:`sentence` is the reference
English wording.
"""

from __future__ import annotations

from . import _kernels as k
from .result import (
    ChoiceExplanation,
    GroupCutoff,
    OpeningExplanation,
    Result,
    StudentExplanation,
    score_at,
)

_NOT_FULL = int(k.NOT_FULL)


def _index(ids: dict[str, int], key: str | int, count: int, what: str) -> int:
    if isinstance(key, str):
        if key not in ids:
            raise KeyError(f'unknown {what} "{key}"')
        return ids[key]
    if not 0 <= key < count:
        raise KeyError(f"{what} index {key} out of range")
    return key


def explain_student(result: Result, student: str | int) -> StudentExplanation:
    """Reasons for every opening the student ranked above her assignment."""
    p = result.problem
    d = result.detail
    s = _index(p.student_index, student, p.n_students, "student")
    assigned = int(result.assignment[s])
    choice = int(result.choice[s])
    a = int(p.pref_offsets[s])
    stop = a + choice - 1 if choice > 0 else int(p.pref_offsets[s + 1])
    labels = p.group_members[p.group_offsets[s] : p.group_offsets[s + 1]].tolist()
    above: list[ChoiceExplanation] = []
    for j in range(a, stop):
        o = int(p.pref_openings[j])
        r = int(d.pairs[j] >> 32)
        capacity = int(p.capacities[o])
        seats_left = max(capacity - int(d.fill[o]), 0)
        base = {"opening": p.opening_ids[o], "choice": j - a + 1, "seats_left": seats_left}
        if r < 0:
            above.append(ChoiceExplanation(code="not_eligible", **base))  # type: ignore[arg-type]
            continue
        if capacity == 0:
            above.append(ChoiceExplanation(code="no_seats", your_rank=r + 1, **base))  # type: ignore[arg-type]
            continue
        threshold = int(d.cut[o])
        binding = -1
        for q in range(int(p.quota_offsets[o]), int(p.quota_offsets[o + 1])):
            # strictly smaller: on a tie the opening's own cutoff is the simpler reason
            if int(p.quota_groups[q]) in labels and int(d.quota_cut[q]) < threshold:
                threshold = int(d.quota_cut[q])
                binding = q
        if threshold == _NOT_FULL:
            code = "free_seat"
        elif r < threshold:
            code = "above_cutoff"
        elif binding >= 0:
            code = "quota_full"
        else:
            code = "below_cutoff"
        has_cutoff = code not in ("free_seat",) and threshold >= 0
        your_score = score_at(p, result.ranked_entry, o, r)
        cutoff_score = score_at(p, result.ranked_entry, o, threshold) if has_cutoff else None
        above.append(
            ChoiceExplanation(
                code=code,
                your_rank=r + 1,
                cutoff_rank=threshold + 1 if has_cutoff else None,
                your_score=your_score,
                cutoff_score=cutoff_score,
                lottery=your_score is not None and your_score == cutoff_score,
                group=p.group_labels[p.quota_groups[binding]] if binding >= 0 else None,
                quota=int(p.quota_limits[binding]) if binding >= 0 else None,
                **base,  # type: ignore[arg-type]
            )
        )
    return StudentExplanation(
        student=p.student_ids[s],
        assigned=p.opening_ids[assigned] if assigned >= 0 else None,
        choice=choice if choice > 0 else None,
        above=tuple(above),
    )


def explain_opening(result: Result, opening: str | int) -> OpeningExplanation:
    """Fill and cutoffs of one opening and of each of its quotas."""
    p = result.problem
    d = result.detail
    o = _index(p.opening_index, opening, p.n_openings, "opening")
    capacity = int(p.capacities[o])
    filled = int(d.fill[o])
    cut = int(d.cut[o])
    full = cut != _NOT_FULL
    groups = []
    for q in range(int(p.quota_offsets[o]), int(p.quota_offsets[o + 1])):
        qcut = int(d.quota_cut[q])
        qfull = qcut != _NOT_FULL
        groups.append(
            GroupCutoff(
                group=p.group_labels[p.quota_groups[q]],
                quota=int(p.quota_limits[q]),
                filled=int(d.quota_fill[q]),
                full=qfull,
                cutoff_rank=qcut + 1 if qfull and qcut >= 0 else None,
                cutoff_score=score_at(p, result.ranked_entry, o, qcut) if qfull else None,
            )
        )
    return OpeningExplanation(
        opening=p.opening_ids[o],
        capacity=capacity,
        filled=filled,
        seats_left=max(capacity - filled, 0),
        full=full,
        applicants=int(result.applicants[o]),
        eligible=int(p.prio_offsets[o + 1] - p.prio_offsets[o]),
        cutoff_rank=cut + 1 if full and cut >= 0 else None,
        cutoff_score=score_at(p, result.ranked_entry, o, cut) if full else None,
        groups=tuple(groups),
    )


def _score(x: float) -> str:
    return f"{x:g}"


def sentence(item: ChoiceExplanation | OpeningExplanation | StudentExplanation) -> str:
    """Plain English for the CLI (the UI renders the codes itself, in every language)."""
    if isinstance(item, StudentExplanation):
        if item.assigned is None:
            head = f"{item.student} was not placed."
        else:
            head = f"{item.student} was placed at {item.assigned} (choice {item.choice})."
        return " ".join([head, *(sentence(c) for c in item.above)])
    if isinstance(item, OpeningExplanation):
        text = f"{item.opening}: {item.filled} of {item.capacity} seats filled"
        if item.full and item.cutoff_rank is not None:
            text += f"; the last student admitted had priority rank {item.cutoff_rank}"
            if item.cutoff_score is not None:
                text += f" (score {_score(item.cutoff_score)})"
        elif not item.full:
            text += f"; {item.seats_left} free"
        for g in item.groups:
            text += f"; group {g.group}: {g.filled} of {g.quota}"
            if g.full and g.cutoff_rank is not None:
                text += f" (full, last admitted had rank {g.cutoff_rank})"
        return text + "."
    c = item
    where = f"Choice {c.choice}, {c.opening}"
    you = f"yours was {c.your_rank}"
    if c.your_score is not None:
        you += f" (score {_score(c.your_score)})"
    cutoff = f"priority rank {c.cutoff_rank}"
    if c.cutoff_score is not None:
        cutoff += f" (score {_score(c.cutoff_score)})"
    lottery = " Your scores were equal; the recorded lottery decided." if c.lottery else ""
    if c.code == "not_eligible":
        if c.seats_left:
            return f"{where}: had {c.seats_left} free seat(s) but you were not eligible."
        return f"{where}: you were not eligible."
    if c.code == "no_seats":
        return f"{where}: has no seats."
    if c.code == "below_cutoff":
        return f"{where}: full; the last student admitted had {cutoff}, {you}.{lottery}"
    if c.code == "quota_full":
        if c.cutoff_rank is None:
            return f"{where}: admits no students of group {c.group}."
        return (
            f"{where}: the quota for group {c.group} ({c.quota} seats) was full; the last "
            f"student of that group admitted had {cutoff}, {you}.{lottery}"
        )
    if c.code == "free_seat":
        return (
            f"{where}: had a free seat you were eligible for, but this allocation did not use it."
        )
    return (
        f"{where}: you ranked above its cutoff ({cutoff}, {you}), but this allocation placed "
        "someone else."
    )
