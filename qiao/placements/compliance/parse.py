"""Reading a rule-set document (validated, with the place of each problem), and the packaged
default set."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from qiao.placements.compliance.checks import (
    CHECKS_BY_SCOPE,
    PARAM_RANGES,
    PARAMS,
    PLACEHOLDERS,
    message_problem,
)
from qiao.placements.compliance.rules import (
    RULESET_FORMAT,
    SCOPES,
    SEVERITIES,
    Rule,
    RuleSet,
    RuleSetError,
)

# --- Reading a rule set -------------------------------------------------------------------------

_RULE_KEYS = {"id", "scope", "check", "severity", "message_en", "message_zh", "clause", "params"}
_RULE_OPTIONAL = {"kinds"}


def parse_ruleset(data: Mapping[str, Any]) -> RuleSet:
    """Validate a rule-set document and build it; raises RuleSetError naming the place."""
    if not isinstance(data, Mapping):
        raise RuleSetError("$", "must be an object")
    if data.get("format", RULESET_FORMAT) != RULESET_FORMAT:
        raise RuleSetError("format", f'must be "{RULESET_FORMAT}"')
    for key in ("code", "title_en", "title_zh"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise RuleSetError(key, "must be a non-empty string")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise RuleSetError("version", "must be an integer ≥ 1")
    rules_data = data.get("rules")
    if not isinstance(rules_data, list):
        raise RuleSetError("rules", "must be a list")
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, raw in enumerate(rules_data):
        rules.append(_parse_rule(f"rules[{i}]", raw, seen))
    return RuleSet(
        code=data["code"].strip(),
        version=version,
        title_en=data["title_en"],
        title_zh=data["title_zh"],
        rules=tuple(rules),
    )


def _parse_rule(place: str, raw: Any, seen: set[str]) -> Rule:
    if not isinstance(raw, Mapping):
        raise RuleSetError(place, "must be an object")
    unknown = set(raw) - _RULE_KEYS - _RULE_OPTIONAL
    if unknown:
        raise RuleSetError(f"{place}.{sorted(unknown)[0]}", "unknown field")
    for key in ("id", "scope", "check", "severity", "message_en", "message_zh", "clause"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise RuleSetError(f"{place}.{key}", "must be a non-empty string")
    if raw["id"] in seen:
        raise RuleSetError(f"{place}.id", f'"{raw["id"]}" appears twice')
    seen.add(raw["id"])
    if raw["scope"] not in SCOPES:
        raise RuleSetError(f"{place}.scope", f"must be one of {', '.join(SCOPES)}")
    if raw["check"] not in CHECKS_BY_SCOPE[raw["scope"]]:
        raise RuleSetError(f"{place}.check", f'unknown check "{raw["check"]}" for this scope')
    if raw["severity"] not in SEVERITIES:
        raise RuleSetError(f"{place}.severity", 'must be "blocks" or "warns"')
    params = raw.get("params", {})
    if not isinstance(params, Mapping):
        raise RuleSetError(f"{place}.params", "must be an object")
    for name, kind in PARAMS.get(raw["check"], {}).items():
        value = params.get(name)
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if kind is int:
            number = number and isinstance(value, int)
        if not number or not isinstance(value, int | float) or value < 0:
            raise RuleSetError(f"{place}.params.{name}", "must be a non-negative number")
        low, high = PARAM_RANGES.get(name, (0, None))
        if value < low or (high is not None and value > high):
            raise RuleSetError(f"{place}.params.{name}", f"must be between {low} and {high}")
    kinds = raw.get("kinds", [])
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        raise RuleSetError(f"{place}.kinds", "must be a list of opening kinds")
    allowed = PLACEHOLDERS.get((raw["scope"], raw["check"]))
    for key in ("message_en", "message_zh"):
        problem = message_problem(raw[key], allowed)
        if problem:
            raise RuleSetError(f"{place}.{key}", problem)
    return Rule(
        id=raw["id"],
        scope=raw["scope"],
        check=raw["check"],
        severity=raw["severity"],
        message_en=raw["message_en"],
        message_zh=raw["message_zh"],
        clause=raw["clause"],
        params=dict(params),
        kinds=frozenset(kinds),
    )


DEFAULT_RULESET_PATH = Path(__file__).resolve().parent.parent / "default_rules.json"


def default_ruleset_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEFAULT_RULESET_PATH.read_text(encoding="utf-8"))
    return data


def default_ruleset() -> RuleSet:
    """China's 2021 regulation on vocational-school student internships."""
    return parse_ruleset(default_ruleset_data())
