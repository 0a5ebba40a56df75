"""Forms of the rule-set pages: the list filter, a new version edited from a stored one, and an
uploaded JSON document. Both ways to a new version end in `document_problems`, which runs the
engine's `parse_ruleset` and the checks only the platform knows (opening kinds, field lengths)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qiao.core.forms import StyledFormMixin
from qiao.placements.compliance import (
    BLOCKS,
    PARAMS,
    PLACEHOLDERS,
    RULESET_FORMAT,
    WARNS,
    RuleSetError,
    parse_ruleset,
    unknown_placeholders,
)
from qiao.placements.models import ComplianceRuleSet, OpeningKind

MAX_UPLOAD_BYTES = 256 * 1024
# A rule set is four levels deep (document → rules → rule → params); anything much deeper is
# not a rule set, and refusing it before json.loads keeps the parser's recursion bounded.
MAX_DEPTH = 8
# Lengths the database and the violation rows can hold.
MAX_CODE = 80
MAX_TITLE = 200
MAX_RULE_ID = 64
MAX_CLAUSE = 200
MAX_MESSAGE = 2000
DOCUMENT_KEYS = {"format", "code", "version", "title_en", "title_zh", "rules"}
SEVERITY_CHOICES = [(BLOCKS, _("Blocks")), (WARNS, _("Warns"))]
_PLACE = re.compile(r"^rules\[(\d+)\](?:\.(\w+))?(?:\.(.+))?$")


# --- Checking a document ------------------------------------------------------------------------


def _too_long(place: str, value: str, limit: int) -> tuple[str, str] | None:
    if len(value) > limit:
        return place, gettext("at most %(limit)d characters") % {"limit": limit}
    return None


def document_problems(document: Any) -> list[tuple[str, str]]:
    """Why a document cannot be stored as a rule set, as (place, message) pairs; empty if it
    can. The engine names the first structural problem; then every rule is checked for what
    only the platform knows: opening kinds and the lengths the database holds."""
    if not isinstance(document, dict):
        return [
            (
                "$",
                gettext("The document must be a JSON object (a rule set), not a list or a value."),
            )
        ]
    unknown = sorted(set(document) - DOCUMENT_KEYS)
    if unknown:
        return [(unknown[0], gettext("unknown field"))]
    try:
        ruleset = parse_ruleset(document)
    except RuleSetError as exc:
        return [(exc.place, exc.message)]
    problems: list[tuple[str, str] | None] = [
        _too_long("code", ruleset.code, MAX_CODE),
        _too_long("title_en", ruleset.title_en, MAX_TITLE),
        _too_long("title_zh", ruleset.title_zh, MAX_TITLE),
    ]
    if not ruleset.rules:
        problems.append(("rules", gettext("A rule set needs at least one rule.")))
    kinds = set(OpeningKind.values)
    for i, rule in enumerate(ruleset.rules):
        place = f"rules[{i}]"
        problems.append(_too_long(f"{place}.id", rule.id, MAX_RULE_ID))
        problems.append(_too_long(f"{place}.clause", rule.clause, MAX_CLAUSE))
        problems.append(_too_long(f"{place}.message_en", rule.message_en, MAX_MESSAGE))
        problems.append(_too_long(f"{place}.message_zh", rule.message_zh, MAX_MESSAGE))
        for kind in sorted(rule.kinds - kinds):
            problems.append(
                (f"{place}.kinds", gettext("unknown opening kind “%(kind)s”") % {"kind": kind})
            )
    return [p for p in problems if p is not None]


# --- A new version from a stored one ------------------------------------------------------------


@dataclass
class _Param:
    name: str
    field: str  # the form field, or "" when the value is kept as it is (not editable here)
    kind: str  # int, decimal, bool, list, text, kept


def _params(rule: dict[str, Any]) -> dict[str, Any]:
    params = rule.get("params")
    return params if isinstance(params, dict) else {}


def _param_kind(check: str, name: str, value: Any) -> str:
    declared = PARAMS.get(check, {}).get(name)
    if declared is int:
        return "int"
    if declared is float:
        return "decimal"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "decimal"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "list"
    if isinstance(value, str):
        return "text"
    return "kept"


def _param_field(kind: str, name: str) -> forms.Field:
    label = gettext("Parameter “%(name)s”") % {"name": name}
    if kind == "int":
        return forms.IntegerField(label=label, min_value=0, max_value=10**6, required=False)
    if kind == "decimal":
        return forms.DecimalField(
            label=label,
            min_value=0,
            max_value=10**6,
            max_digits=12,
            decimal_places=4,
            required=False,
        )
    if kind == "bool":
        return forms.BooleanField(label=label, required=False)
    if kind == "list":
        return forms.CharField(
            label=label,
            required=False,
            max_length=1000,
            help_text=_("Separate the values with commas."),
        )
    return forms.CharField(label=label, required=False, max_length=1000)


def _param_initial(kind: str, value: Any) -> Any:
    if kind == "list":
        return ", ".join(value) if isinstance(value, list) else ""
    if kind == "decimal" and isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


def _param_value(kind: str, value: Any) -> Any:
    """A cleaned field value as the document stores it (JSON numbers, lists, text)."""
    if kind == "decimal" and isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if kind == "list":
        return [v.strip() for v in str(value or "").split(",") if v.strip()]
    return value


def _placeholder_error(bad: list[str], allowed: frozenset[str] | None) -> str:
    values = {
        "bad": ", ".join(bad),
        "names": ", ".join("{" + n + "}" for n in sorted(allowed or ())),
    }
    if allowed is None:
        message = gettext("Unknown placeholder %(bad)s. Write a placeholder as a bare name.")
    elif allowed:
        message = gettext("Unknown placeholder %(bad)s. This check fills only: %(names)s.")
    else:
        message = gettext("Unknown placeholder %(bad)s. This check fills no placeholders.")
    return message % values


class RuleSetEditForm(StyledFormMixin, forms.Form):
    """Titles, and per rule: kept or left out, severity, parameters, kinds, messages and
    clause. Rule ids, scopes and checks stay as they are; the version number is the next free
    one of the code."""

    document: dict[str, Any]
    title_en = forms.CharField(label=_("English title"), max_length=MAX_TITLE)
    title_zh = forms.CharField(label=_("Chinese title"), max_length=MAX_TITLE)
    confirm = forms.BooleanField(
        label=_(
            "I understand that schools using an older version keep it until they choose this one."
        ),
        required=True,
    )

    def __init__(self, *args: Any, source: ComplianceRuleSet, **kwargs: Any) -> None:
        self.source = source
        document = source.document if isinstance(source.document, dict) else {}
        self.source_rules = [r for r in document.get("rules", []) if isinstance(r, dict)]
        self.params: list[list[_Param]] = []
        super().__init__(*args, **kwargs)
        self.fields["title_en"].initial = document.get("title_en", "")
        self.fields["title_zh"].initial = document.get("title_zh", "")
        for i, rule in enumerate(self.source_rules):
            self._add_rule(i, rule)
        # Keep the confirmation last on the page.
        self.fields["confirm"] = self.fields.pop("confirm")
        # StyledFormMixin ran before the rule fields existed.
        for name, fld in self.fields.items():
            widget = fld.widget
            if "class" in widget.attrs:
                continue
            if isinstance(
                widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect
            ):
                widget.attrs["class"] = "form-check-input"
            else:
                widget.attrs["class"] = "form-control"
            if fld.help_text:
                widget.attrs["aria-describedby"] = f"id_{name}_help"

    def _add_rule(self, i: int, rule: dict[str, Any]) -> None:
        p = f"r{i}_"
        self.fields[p + "enabled"] = forms.BooleanField(
            label=_("Keep this rule"), required=False, initial=True
        )
        self.fields[p + "severity"] = forms.ChoiceField(
            label=_("Severity"),
            choices=SEVERITY_CHOICES,
            required=False,
            initial=rule.get("severity"),
            widget=forms.RadioSelect,
        )
        params = []
        for j, (name, value) in enumerate(_params(rule).items()):
            kind = _param_kind(str(rule.get("check")), str(name), value)
            if kind == "kept":
                params.append(_Param(str(name), "", kind))
                continue
            fname = f"{p}p{j}"
            self.fields[fname] = _param_field(kind, str(name))
            self.fields[fname].initial = _param_initial(kind, value)
            params.append(_Param(str(name), fname, kind))
        self.params.append(params)
        self.fields[p + "kinds"] = forms.MultipleChoiceField(
            label=_("Opening kinds"),
            choices=OpeningKind.choices,
            required=False,
            initial=rule.get("kinds") or [],
            widget=forms.CheckboxSelectMultiple,
            help_text=_("None ticked: the rule applies to every kind of opening."),
        )
        allowed = PLACEHOLDERS.get((str(rule.get("scope")), str(rule.get("check"))))
        names = ", ".join("{" + n + "}" for n in sorted(allowed or ()))
        hint = ""
        if names:
            hint = gettext("Placeholders this check fills: %(names)s.") % {"names": names}
        elif allowed is not None:
            hint = gettext("This check fills no placeholders.")
        for key, label in (
            ("message_en", _("Message (English)")),
            ("message_zh", _("Message (Chinese)")),
        ):
            self.fields[p + key] = forms.CharField(
                label=label,
                max_length=MAX_MESSAGE,
                required=False,
                initial=rule.get(key, ""),
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=hint,
            )
        self.fields[p + "clause"] = forms.CharField(
            label=_("Clause"), max_length=MAX_CLAUSE, required=False, initial=rule.get("clause")
        )

    # -- rendering --

    def rule_rows(self) -> list[dict[str, Any]]:
        """Per rule: what stays as it is, and the bound fields to edit (for the template)."""
        rows = []
        for i, rule in enumerate(self.source_rules):
            p = f"r{i}_"
            rows.append(
                {
                    "index": i,
                    "rule": rule,
                    "enabled": self[p + "enabled"],
                    "severity": self[p + "severity"],
                    "params": [self[x.field] for x in self.params[i] if x.field],
                    "kept": [
                        {"name": x.name, "value": json.dumps(_params(rule)[x.name])}
                        for x in self.params[i]
                        if not x.field
                    ],
                    "kinds": self[p + "kinds"],
                    "message_en": self[p + "message_en"],
                    "message_zh": self[p + "message_zh"],
                    "clause": self[p + "clause"],
                }
            )
        return rows

    # -- validation --

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Every rule is checked even when a field (or the confirmation) is wrong, so the page
        # names all the problems at once.
        rules, where = [], []
        for i, rule in enumerate(self.source_rules):
            p = f"r{i}_"
            if not data.get(p + "enabled"):
                continue
            built = self._rule(i, rule, data)
            if built is not None:
                rules.append(built)
                where.append(i)
        if any(name != "confirm" for name in self.errors):
            return data
        if not rules:
            raise ValidationError(
                _("Keep at least one rule: a rule set without rules checks nothing.")
            )
        document = {
            "format": RULESET_FORMAT,
            "code": self.source.code,
            "version": self.source.version,
            "title_en": data["title_en"],
            "title_zh": data["title_zh"],
            "rules": rules,
        }
        for place, message in document_problems(document):
            self._add_problem(place, message, where)
        if not self.errors:
            self.document = document
        return data

    def _rule(self, i: int, rule: dict[str, Any], data: dict[str, Any]) -> dict[str, Any] | None:
        p = f"r{i}_"
        ok = True
        if any(name.startswith(p) for name in self.errors):
            ok = False  # a field of this rule is already refused (a bad choice, a bad number)
        for key in ("severity", "message_en", "message_zh", "clause"):
            if p + key in self.errors:
                continue
            if not str(data.get(p + key) or "").strip():
                self.add_error(p + key, gettext("This field is required."))
                ok = False
        allowed = PLACEHOLDERS.get((str(rule.get("scope")), str(rule.get("check"))))
        for key in ("message_en", "message_zh"):
            if p + key in self.errors:
                continue
            text = str(data.get(p + key) or "")
            try:
                bad = unknown_placeholders(text, allowed)
            except ValueError:
                self.add_error(
                    p + key,
                    gettext("A brace is not closed: write {{ and }} for literal braces."),
                )
                ok = False
                continue
            if bad:
                self.add_error(p + key, _placeholder_error(bad, allowed))
                ok = False
        params: dict[str, Any] = {}
        source_params = _params(rule)
        for param in self.params[i]:
            if not param.field:
                params[param.name] = source_params[param.name]
                continue
            if param.field in self.errors:
                continue
            value = data.get(param.field)
            if param.kind in ("int", "decimal") and value is None:
                self.add_error(param.field, gettext("This field is required."))
                ok = False
                continue
            params[param.name] = _param_value(param.kind, value)
        if not ok:
            return None
        return {
            "id": rule.get("id"),
            "scope": rule.get("scope"),
            "check": rule.get("check"),
            "params": params,
            "kinds": list(data.get(p + "kinds") or []),
            "severity": data[p + "severity"],
            "message_en": data[p + "message_en"].strip(),
            "message_zh": data[p + "message_zh"].strip(),
            "clause": data[p + "clause"].strip(),
        }

    def _add_problem(self, place: str, message: str, where: list[int]) -> None:
        """Show a problem of the built document on the field it comes from."""
        match = _PLACE.match(place)
        if place in ("title_en", "title_zh"):
            self.add_error(place, message)
            return
        if match is None or int(match.group(1)) >= len(where):
            self.add_error(None, f"{place}: {message}")
            return
        i = where[int(match.group(1))]
        key, rest = match.group(2) or "", match.group(3) or ""
        target = None
        if key in ("severity", "message_en", "message_zh", "clause", "kinds"):
            target = f"r{i}_{key}"
        elif key == "params":
            target = next((x.field for x in self.params[i] if x.name == rest and x.field), None)
        if target is None:
            rule_id = self.source_rules[i].get("id")
            self.add_error(None, f"{rule_id}: {place}: {message}")
        else:
            self.add_error(target, message)


# --- An uploaded document -----------------------------------------------------------------------


def _depth_exceeds(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than `limit` (a linear scan, no recursion)."""
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(
                gettext("the key “%(key)s” appears twice in one object") % {"key": key}
            )
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise ValueError(gettext("%(name)s is not a number a rule set may hold") % {"name": name})


def read_document(raw: bytes) -> Any:
    """Parse uploaded bytes as JSON, safely; raises ValidationError with a clear message."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            gettext("The file is larger than %(limit)s.")
            % {"limit": filesizeformat(MAX_UPLOAD_BYTES)}
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(gettext("The file is not UTF-8 text.")) from None
    if _depth_exceeds(text, MAX_DEPTH):
        raise ValidationError(
            gettext("The document nests more than %(depth)d levels deep; a rule set never does.")
            % {"depth": MAX_DEPTH}
        )
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            gettext("The file is not valid JSON (line %(line)d, column %(column)d: %(reason)s).")
            % {"line": exc.lineno, "column": exc.colno, "reason": exc.msg}
        ) from None
    except (ValueError, RecursionError) as exc:
        raise ValidationError(
            gettext("The file is not valid JSON: %(reason)s.") % {"reason": exc}
        ) from None


class RuleSetUploadForm(StyledFormMixin, forms.Form):
    document: dict[str, Any]
    file = forms.FileField(
        label=_("Rule-set document (JSON)"),
        help_text=_("A JSON document in the format “qiao-compliance/1”, at most 256 KB."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that schools using an older version keep it until they choose this one."
        ),
        required=True,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                gettext("The file is larger than %(limit)s.")
                % {"limit": filesizeformat(MAX_UPLOAD_BYTES)}
            )
        document = read_document(upload.read(MAX_UPLOAD_BYTES + 1))
        problems = document_problems(document)
        if problems:
            raise ValidationError(
                [message if place == "$" else f"{place}: {message}" for place, message in problems]
            )
        self.document = document
        return upload
