"""Reads of the rule-set pages: stored versions, the schools using one, what changed since the
previous version of the same code, the document as a download. Writes go through
`services.ruleset_create` / `services.school_ruleset_set`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from qiao.core.models import Organisation
from qiao.placements import permissions as pp
from qiao.placements.compliance import BLOCKS, RULESET_FORMAT
from qiao.placements.models import ComplianceRuleSet, OpeningKind, SchoolRuleSet

# The fields of a rule a new version may change, in the order the diff shows them.
RULE_FIELDS = (
    "scope",
    "check",
    "severity",
    "params",
    "kinds",
    "message_en",
    "message_zh",
    "clause",
)


def ruleset_list(*, viewer: Any) -> QuerySet[ComplianceRuleSet]:
    """Every stored version with `school_count` (schools that chose it), newest first."""
    if not pp.can_read_rulesets(viewer):
        return ComplianceRuleSet.objects.none()
    chosen = (
        SchoolRuleSet.objects.filter(ruleset=OuterRef("pk"))
        .order_by()
        .values("ruleset")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return ComplianceRuleSet.objects.annotate(
        school_count=Coalesce(Subquery(chosen, output_field=IntegerField()), Value(0))
    ).order_by("-created_at", "-pk")


def ruleset_get(*, viewer: Any, pk: int) -> ComplianceRuleSet | None:
    return ruleset_list(viewer=viewer).filter(pk=pk).first()


def ruleset_codes() -> list[str]:
    return list(
        ComplianceRuleSet.objects.order_by("code").values_list("code", flat=True).distinct()
    )


def rule_count(ruleset: ComplianceRuleSet) -> int:
    return len(_rules(ruleset.document))


def _rules(document: Any) -> list[dict[str, Any]]:
    rules = document.get("rules", []) if isinstance(document, dict) else []
    return [r for r in rules if isinstance(r, dict)] if isinstance(rules, list) else []


def shown(name: str, value: Any) -> str:
    """A rule field as the pages show it: kinds by their labels, parameters as name = value."""
    if name == "kinds":
        labels = dict(OpeningKind.choices)
        kinds = value if isinstance(value, list) else []
        return ", ".join(str(labels.get(k, k)) for k in kinds) or str(_("every kind"))
    if name == "params":
        params = value if isinstance(value, dict) else {}
        return ", ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in params.items())
    return "" if value is None else str(value)


@dataclass(frozen=True)
class RuleRow:
    id: str
    scope: str
    check: str
    severity: str
    params: str
    kinds: str
    clause: str
    message_en: str
    message_zh: str

    @property
    def blocks(self) -> bool:
        return self.severity == BLOCKS


def _row(rule: dict[str, Any]) -> RuleRow:
    return RuleRow(
        id=shown("id", rule.get("id")),
        scope=shown("scope", rule.get("scope")),
        check=shown("check", rule.get("check")),
        severity=shown("severity", rule.get("severity")),
        params=shown("params", rule.get("params")),
        kinds=shown("kinds", rule.get("kinds")),
        clause=shown("clause", rule.get("clause")),
        message_en=shown("message_en", rule.get("message_en")),
        message_zh=shown("message_zh", rule.get("message_zh")),
    )


def ruleset_rules(ruleset: ComplianceRuleSet) -> list[RuleRow]:
    """The rules of a stored version, in document order, ready to show."""
    return [_row(r) for r in _rules(ruleset.document)]


@dataclass
class SchoolsUsing:
    """Schools that chose a version: those the viewer may see by name, and how many in all.
    `default_for_others`: the version is the default, so schools without a choice use it too."""

    visible: list[Organisation]
    total: int
    default_for_others: bool

    @property
    def hidden(self) -> int:
        return self.total - len(self.visible)


def ruleset_schools(*, viewer: Any, ruleset: ComplianceRuleSet) -> SchoolsUsing:
    """A coordinator sees by name only her own schools among those using the version."""
    chosen = Organisation.objects.filter(
        pk__in=SchoolRuleSet.objects.filter(ruleset=ruleset).values("school_id")
    ).order_by("name")
    allowed = pp.compliance_school_ids(viewer)
    visible = chosen if allowed is None else chosen.filter(pk__in=allowed)
    return SchoolsUsing(
        visible=list(visible), total=chosen.count(), default_for_others=ruleset.is_default
    )


def ruleset_previous(*, ruleset: ComplianceRuleSet) -> ComplianceRuleSet | None:
    """The version stored before this one under the same code."""
    return (
        ComplianceRuleSet.objects.filter(code=ruleset.code, version__lt=ruleset.version)
        .order_by("-version")
        .first()
    )


@dataclass(frozen=True)
class FieldChange:
    name: str
    old: Any
    new: Any

    @property
    def old_shown(self) -> str:
        return shown(self.name, self.old)

    @property
    def new_shown(self) -> str:
        return shown(self.name, self.new)


@dataclass(frozen=True)
class RuleChange:
    rule_id: str
    fields: tuple[FieldChange, ...]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


@dataclass
class RuleSetDiff:
    added: list[RuleRow] = field(default_factory=list)
    removed: list[RuleRow] = field(default_factory=list)
    changed: list[RuleChange] = field(default_factory=list)
    titles: list[FieldChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.titles)


def _comparable(name: str, value: Any) -> Any:
    if name == "kinds":
        return sorted(value) if isinstance(value, list) else []
    if name == "params":
        return value if isinstance(value, dict) else {}
    return value


def document_diff(old: Any, new: Any) -> RuleSetDiff:
    """Which rules `new` adds, removes or changes (and in which fields) against `old`, by rule
    id. Kinds compare as sets; params compare by value (8 and 8.0 are the same limit)."""
    diff = RuleSetDiff()
    old = old if isinstance(old, dict) else {}
    new = new if isinstance(new, dict) else {}
    for key in ("title_en", "title_zh"):
        if old.get(key) != new.get(key):
            diff.titles.append(FieldChange(key, old.get(key), new.get(key)))
    old_rules = {r.get("id"): r for r in _rules(old)}
    new_rules = {r.get("id"): r for r in _rules(new)}
    for rule_id, rule in new_rules.items():
        before = old_rules.get(rule_id)
        if before is None:
            diff.added.append(_row(rule))
            continue
        changes = []
        for name in RULE_FIELDS:
            a, b = _comparable(name, before.get(name)), _comparable(name, rule.get(name))
            if a != b:
                changes.append(FieldChange(name, before.get(name), rule.get(name)))
        if changes:
            diff.changed.append(RuleChange(str(rule_id), tuple(changes)))
    diff.removed = [_row(r) for rule_id, r in old_rules.items() if rule_id not in new_rules]
    return diff


def ruleset_diff(*, ruleset: ComplianceRuleSet) -> tuple[ComplianceRuleSet | None, RuleSetDiff]:
    """The previous version of the same code and what this version changed since it."""
    previous = ruleset_previous(ruleset=ruleset)
    if previous is None:
        return None, RuleSetDiff()
    return previous, document_diff(previous.document, ruleset.document)


def ruleset_document(ruleset: ComplianceRuleSet) -> dict[str, Any]:
    """The stored document, with its format and version, as an upload would take it back."""
    return {"format": RULESET_FORMAT, **ruleset.document, "version": ruleset.version}


def ruleset_json(ruleset: ComplianceRuleSet) -> str:
    return json.dumps(ruleset_document(ruleset), ensure_ascii=False, indent=2) + "\n"


def ruleset_filename(ruleset: ComplianceRuleSet) -> str:
    """A safe download name: the code reduced to letters, digits, dots and hyphens."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", ruleset.code).strip("-.") or "ruleset"
    return f"{name}-v{ruleset.version}.json"
