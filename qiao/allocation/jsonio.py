"""The JSON interchange format (documented in docs/allocation.md): reading problems, writing
results. Every error names the place in the document where it is."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .errors import ProblemError
from .options import Options
from .problem import Opening, Problem, Student
from .result import ENGINE_VERSION, ChoiceExplanation, Result

INPUT_FORMAT = "qiao-allocation/1"
OUTPUT_FORMAT = "qiao-allocation-result/1"
DEFAULT_MAX_BYTES = 512 * 1024 * 1024

_TOP_FIELDS = {"format", "students", "openings", "options"}
_STUDENT_FIELDS = {"id", "preferences", "groups"}
_OPENING_FIELDS = {"id", "capacity", "priority", "scores", "quotas"}
_OPTION_FIELDS = {"proposing", "objective", "tie_breaking", "seed", "unmatched_cost", "max_listed"}


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed input document."""

    problem: Problem
    options: Options


class _Object(dict[str, Any]):
    """A JSON object that remembers keys it saw twice (json keeps only the last silently)."""

    duplicates: list[str]


def _pairs(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object()
    obj.duplicates = []
    for key, value in pairs:
        if key in obj:
            obj.duplicates.append(key)
        obj[key] = value
    return obj


def _reject_constant(name: str) -> None:
    raise ProblemError("input", f"{name} is not valid JSON (numbers must be finite)")


def _jtype(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _got(value: Any) -> str:
    if isinstance(value, bool | int | float) or value is None:
        return json.dumps(value)
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"string {json.dumps(shown, ensure_ascii=False)}"
    return _jtype(value)


def parse_json(data: str | bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    """Parse JSON text, refusing oversized input, bad UTF-8, NaN/Infinity and deep nesting."""
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > max_bytes:
        raise ProblemError("input", f"is {size} bytes, over the limit of {max_bytes} bytes")
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise ProblemError("input", f"is not valid UTF-8 (byte {e.start})") from None
    else:
        text = data
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        raise ProblemError(f"line {e.lineno} column {e.colno}", f"invalid JSON: {e.msg}") from None
    except RecursionError:
        raise ProblemError("input", "is nested too deeply") from None


def _object(place: str, value: Any, allowed: set[str] | None = None) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ProblemError(place, f"must be an object, got {_got(value)}")
    duplicates = getattr(value, "duplicates", [])
    if duplicates:
        raise ProblemError(place, f'key "{duplicates[0]}" appears twice')
    if allowed is not None:
        for key in value:
            if key not in allowed:
                raise ProblemError(place, f'unknown field "{key}"')
    return value


def _required(place: str, obj: Mapping[str, Any], key: str) -> Any:
    if key not in obj:
        raise ProblemError(place, f'missing field "{key}"')
    return obj[key]


def _array(place: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ProblemError(place, f"must be an array, got {_got(value)}")
    return value


def _strings(place: str, value: Any) -> list[str]:
    items = _array(place, value)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise ProblemError(f"{place}[{i}]", f"must be a string, got {_got(item)}")
    return items


def _string(place: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ProblemError(place, f"must be a non-empty string, got {_got(value)}")
    return value


def _integer(place: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ProblemError(place, f"must be a non-negative integer, got {_got(value)}")
    return value


def read_document(
    data: str | bytes | Mapping[str, Any], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Document:
    """Read an input document (text, bytes, or already-parsed JSON) into a problem and options.

    Raises :class:`ProblemError` naming the place of the first problem found."""
    raw = parse_json(data, max_bytes=max_bytes) if isinstance(data, str | bytes) else data
    top = _object("input", raw, _TOP_FIELDS)
    if "format" in top and top["format"] != INPUT_FORMAT:
        raise ProblemError("format", f'must be "{INPUT_FORMAT}", got {_got(top["format"])}')
    students = []
    for i, item in enumerate(_array("students", _required("input", top, "students"))):
        place = f"students[{i}]"
        obj = _object(place, item, _STUDENT_FIELDS)
        students.append(
            Student(
                id=_string(f"{place}.id", _required(place, obj, "id")),
                preferences=_strings(f"{place}.preferences", _required(place, obj, "preferences")),
                groups=_strings(f"{place}.groups", obj.get("groups", [])),
            )
        )
    openings = []
    for i, item in enumerate(_array("openings", _required("input", top, "openings"))):
        place = f"openings[{i}]"
        obj = _object(place, item, _OPENING_FIELDS)
        opening_id = _string(f"{place}.id", _required(place, obj, "id"))
        capacity = _integer(f"{place}.capacity", _required(place, obj, "capacity"))
        if ("priority" in obj) == ("scores" in obj):
            raise ProblemError(place, 'give exactly one of "priority" or "scores"')
        priority = _strings(f"{place}.priority", obj["priority"]) if "priority" in obj else None
        scores = None
        if "scores" in obj:
            scores = dict(_object(f"{place}.scores", obj["scores"]))
            for sid, value in scores.items():
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ProblemError(
                        f'{place}.scores["{sid}"]', f"must be a number, got {_got(value)}"
                    )
        quotas = dict(_object(f"{place}.quotas", obj.get("quotas", {})))
        for label, limit in quotas.items():
            _integer(f'{place}.quotas["{label}"]', limit)
        openings.append(Opening(opening_id, capacity, priority, scores, quotas))
    opts = _object("options", top.get("options", {}), _OPTION_FIELDS)
    options = Options(**opts)
    problem = Problem.build(students, openings)
    return Document(problem, options)


def _choice_json(c: ChoiceExplanation) -> dict[str, Any]:
    return {
        key: value for key, value in asdict(c).items() if value is not None and value is not False
    }


def lottery_json(result: Result) -> list[str] | dict[str, list[str]] | None:
    """The lottery in ids: single, students in lottery order; multiple, per scored opening its
    eligible students in lottery order; ``None`` when no lottery was needed."""
    p = result.problem
    lot = result.lottery
    if lot.student_order is not None:
        return [p.student_ids[s] for s in lot.student_order.tolist()]
    if lot.entry_numbers is not None:
        out: dict[str, list[str]] = {}
        for o in np.flatnonzero(p.scored).tolist():
            a, b = int(p.prio_offsets[o]), int(p.prio_offsets[o + 1])
            order = a + np.argsort(lot.entry_numbers[a:b], kind="stable")
            out[p.opening_ids[o]] = [p.student_ids[s] for s in p.prio_students[order].tolist()]
        return out
    return None


def result_to_json(result: Result, *, explanations: bool = True) -> dict[str, Any]:
    """The output document. Deterministic: no timings, no dates."""
    p = result.problem
    m = result.metrics
    v = result.verification
    out: dict[str, Any] = {
        "format": OUTPUT_FORMAT,
        "assignments": result.assignments(),
        "unassigned": result.unassigned(),
        "metrics": {
            "students": m.students,
            "placed": m.placed,
            "unplaced": m.unplaced,
            "seats": m.seats,
            "seats_left": m.seats_left,
            "rank_counts": list(m.rank_counts),
            "first_choice_share": m.first_choice_share,
            "top_three_share": m.top_three_share,
            "mean_rank": m.mean_rank,
            "total_cost": m.total_cost,
            "unmatched_cost": m.unmatched_cost,
            "proposals": m.proposals,
            "groups": {
                g: {"students": f.students, "placed": f.placed} for g, f in m.groups.items()
            },
        },
        "verification": {
            "valid": v.valid,
            "stable": v.stable,
            "blocking_pairs": v.blocking_pairs,
            "blocking_pairs_listed": [
                {"student": s, "opening": o} for s, o in v.blocking_pairs_listed
            ],
            "violations": v.violation_count,
            "violations_listed": [
                {key: value for key, value in asdict(x).items() if value is not None}
                for x in v.violations
            ],
        },
    }
    if explanations:
        students = {}
        for s, sid in enumerate(p.student_ids):
            e = result.explain_student(s)
            students[sid] = {
                "assigned": e.assigned,
                "choice": e.choice,
                "above": [_choice_json(c) for c in e.above],
            }
        openings = {}
        for o, oid in enumerate(p.opening_ids):
            x = result.explain_opening(o)
            item = asdict(x)
            del item["opening"]
            openings[oid] = item
        out["explanations"] = {"students": students, "openings": openings}
    out["ineligible_choices"] = result.ineligible_choices()
    opts = result.options
    out["run"] = {
        "engine": ENGINE_VERSION,
        "proposing": opts.proposing,
        "objective": opts.objective,
        "tie_breaking": opts.tie_breaking,
        "seed": opts.seed,
        "lottery": lottery_json(result),
    }
    return out
