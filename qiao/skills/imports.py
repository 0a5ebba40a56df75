"""The "skills" import kind: our catalogue layout and ESCO's skills CSV, one set of checks.

Our layout: code, broader, label_en, label_zh, aliases_en, aliases_zh, description_en,
description_zh (aliases separated by "|").
ESCO's layout (skills_en.csv): conceptUri, preferredLabel, altLabels (one per line inside the
cell), description, and optionally broaderUri. ESCO has no codes, so a code is derived from the
concept URI: "ESCO-" and the first two groups of the UUID ("ESCO-0005c151-5b5a", see
docs/decisions/0006-skills.md for why not just eight characters).

`qiao load_skills` and `catalogue_load` read files with `read_skills_csv`; the generic import
pages (core) read CSV/XLSX themselves and call the same `validate_row` and `commit`.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiao.core import permissions as perms
from qiao.core.importexport.registry import (
    ImportColumn,
    ImportContext,
    ImportKind,
    ImportSummary,
    RowError,
)
from qiao.core.models import Organisation, User
from qiao.skills.models import CODE_VALIDATOR
from qiao.skills.services import (
    ALIAS_MAX,
    LABEL_MAX,
    RESERVED_CODES,
    SkillData,
    skills_upsert,
)
from qiao.skills.tree import ParentMap

CODE_MAX = 64
URI_MAX = 300
TEXT_MAX = 20000

COLUMNS = (
    ImportColumn(
        "code",
        help=gettext_lazy("Stable code, e.g. SW-PY. Derived from the URI when empty (ESCO)."),
        aliases=("skill_code",),
        max_length=CODE_MAX,
    ),
    ImportColumn(
        "uri",
        help=gettext_lazy("Source URI; ESCO's conceptUri."),
        aliases=("conceptUri", "concept_uri", "source_uri"),
        max_length=URI_MAX,
    ),
    ImportColumn(
        "broader",
        help=gettext_lazy(
            "Code or ESCO URI of the broader skill. It must exist already or come in an "
            "earlier row. Empty keeps the stored broader skill."
        ),
        aliases=("broaderUri", "broader_code", "broader_uri"),
        max_length=URI_MAX,
    ),
    ImportColumn(
        "label_en",
        required=True,
        help=gettext_lazy("English label; ESCO's preferredLabel."),
        aliases=("preferredLabel", "label", "name_en"),
        max_length=LABEL_MAX,
    ),
    ImportColumn(
        "label_zh",
        help=gettext_lazy("Chinese label."),
        aliases=("preferredLabel_zh", "name_zh"),
        max_length=LABEL_MAX,
    ),
    ImportColumn(
        "aliases_en",
        help=gettext_lazy("Other names, separated by | or one per line (ESCO's altLabels)."),
        aliases=("altLabels", "aliases", "alt_labels"),
        max_length=TEXT_MAX,
    ),
    ImportColumn(
        "aliases_zh",
        help=gettext_lazy("Other Chinese names, separated by | or one per line."),
        aliases=("altLabels_zh",),
        max_length=TEXT_MAX,
    ),
    ImportColumn(
        "description_en",
        help=gettext_lazy("Description in English."),
        aliases=("description",),
        max_length=TEXT_MAX,
    ),
    ImportColumn(
        "description_zh",
        help=gettext_lazy("Description in Chinese."),
        max_length=TEXT_MAX,
    ),
)

# Headers that must be present, per layout (after alias mapping).
REQUIRED_HEADERS = {"qiao": ("code", "label_en"), "esco": ("uri", "label_en")}
FORMATS = tuple(REQUIRED_HEADERS)

_UUID = re.compile(r"([0-9a-f]{8})-([0-9a-f]{4})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
_NOT_CODE = re.compile(r"[^A-Za-z0-9._-]+")
_ALIAS_SPLIT = re.compile(r"[|\r\n]+")
_url = URLValidator(schemes=["http", "https"])


def code_from_uri(uri: str) -> str:
    """A stable code for a concept URI. ESCO UUIDs give "ESCO-" + the first 8 and next 4 hex
    digits; other URIs give their last path segment, made URL-safe."""
    segment = uri.strip().rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    prefix = "ESCO-" if "/esco/" in uri else ""
    match = _UUID.fullmatch(segment)
    if match:
        return f"{prefix}{match.group(1).lower()}-{match.group(2).lower()}"
    cleaned = _NOT_CODE.sub("-", segment).strip("-._")
    return (prefix + cleaned)[:CODE_MAX] if cleaned else ""


def split_aliases(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in _ALIAS_SPLIT.split(text or "") if part.strip())


def _header_key(header: str) -> str:
    return re.sub(r"[\s_-]+", "", header or "").casefold()


def header_map(headers: list[str]) -> dict[str, str]:
    """File header → column name, matching names and aliases without case, spaces, hyphens or
    underscores (as the import framework does). Unknown headers are left out."""
    keys: dict[str, str] = {}
    for column in COLUMNS:
        for name in (column.name, *column.aliases):
            keys.setdefault(_header_key(name), column.name)
    mapping: dict[str, str] = {}
    for header in headers:
        target = keys.get(_header_key(header))
        if target and target not in mapping.values():
            mapping[header] = target
    return mapping


class SkillRowChecker:
    """Checks rows one by one, remembering codes and broader links of earlier rows."""

    def __init__(self, tree: ParentMap | None = None) -> None:
        self.tree = tree if tree is not None else ParentMap.from_db()
        self.first_row: dict[str, int] = {}

    def check(self, row: int, values: dict[str, Any]) -> tuple[SkillData | None, list[RowError]]:
        def get(name: str) -> str:
            return str(values.get(name) or "").strip()

        errors: list[RowError] = []

        def error(column: str, message: str, value: str = "") -> None:
            errors.append(RowError(row=row, column=column, message=message, value=value[:100]))

        uri, code = get("uri"), get("code")
        if not code and uri:
            code = code_from_uri(uri)
        code_ok = False
        if not code:
            error("code", _("A code is required (or, for ESCO, a conceptUri)."))
        elif len(code) > CODE_MAX:
            error(
                "code",
                _("The code is too long (at most %(max)d characters).") % {"max": CODE_MAX},
                code,
            )
        elif code.lower() in RESERVED_CODES:
            error("code", _("“%(code)s” is reserved; choose another code.") % {"code": code}, code)
        else:
            try:
                CODE_VALIDATOR(code)
            except ValidationError as exc:
                error("code", " ".join(exc.messages), code)
            else:
                code_ok = True
        if code_ok and code in self.first_row:
            error(
                "code",
                _("The code %(code)s already appears in row %(row)d.")
                % {"code": code, "row": self.first_row[code]},
                code,
            )
            code_ok = False

        label_en, label_zh = get("label_en"), get("label_zh")
        if not label_en:
            error("label_en", _("An English label is required."))
        for name, label in (("label_en", label_en), ("label_zh", label_zh)):
            if len(label) > LABEL_MAX:
                error(
                    name,
                    _("The label is too long: %(length)d characters, at most %(max)d.")
                    % {"length": len(label), "max": LABEL_MAX},
                    label,
                )
        aliases_en, aliases_zh = split_aliases(get("aliases_en")), split_aliases(get("aliases_zh"))
        for name, aliases in (("aliases_en", aliases_en), ("aliases_zh", aliases_zh)):
            for alias in aliases:
                if len(alias) > ALIAS_MAX:
                    error(
                        name,
                        _("An alias is too long: %(length)d characters, at most %(max)d.")
                        % {"length": len(alias), "max": ALIAS_MAX},
                        alias,
                    )
        if uri:
            try:
                if len(uri) > URI_MAX:
                    raise ValidationError("too long")
                _url(uri)
            except ValidationError:
                error("uri", _("The URI is not a valid web address."), uri)

        broader = get("broader")
        if "://" in broader:
            broader = code_from_uri(broader)
        if code_ok:
            self.first_row[code] = row
            if broader and not self.tree.knows(broader):
                error(
                    "broader",
                    _(
                        "The broader skill %(broader)s is neither in Qiao nor in an earlier row; "
                        "put broader skills before narrower ones."
                    )
                    % {"broader": broader},
                    broader,
                )
                self.tree.parents.setdefault(code, "")
            elif broader and self.tree.would_cycle(code, broader):
                error(
                    "broader",
                    _("Making %(broader)s the broader skill of %(code)s would close a loop.")
                    % {"broader": broader, "code": code},
                    broader,
                )
                self.tree.parents.setdefault(code, "")
            elif broader:
                self.tree.set(code, broader)
            else:
                self.tree.parents.setdefault(code, "")
        if errors:
            return None, errors
        return (
            SkillData(
                code=code,
                label_en=label_en,
                label_zh=label_zh,
                broader=broader,
                aliases_en=aliases_en,
                aliases_zh=aliases_zh,
                description=get("description_en"),
                description_zh=get("description_zh"),
                uri=uri,
            ),
            [],
        )


class SkillImport(ImportKind):
    key = "skills"
    label = gettext_lazy("Skills")
    description = gettext_lazy(
        "Our catalogue layout or ESCO's skills CSV (conceptUri, preferredLabel, altLabels, "
        "description, broaderUri). Re-importing updates skills by code and never duplicates "
        "them; empty cells keep what is stored and aliases are added, never removed. A broader "
        "skill must exist already or come in an earlier row."
    )
    columns = COLUMNS
    # ESCO files carry many columns we do not use (conceptType, status, scopeNote…).
    ignore_unknown_columns = True
    example_rows = (
        {
            "code": "SW-PY",
            "broader": "SW-PROG",
            "label_en": "Python programming",
            "label_zh": "Python 程序设计",
            "aliases_en": "py|python3",
            "aliases_zh": "Python 编程",
            "description_en": "Writing and debugging Python programs.",
            "description_zh": "编写和调试 Python 程序。",
        },
        {
            "uri": "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d",
            "label_en": "Python (computer programming)",
            "aliases_en": "python",
        },
    )

    def allowed(self, user: User, organisation: Organisation | None) -> bool:
        return perms.can_manage_skills(user)

    def prepare(self, ctx: ImportContext) -> None:
        ctx.state["checker"] = SkillRowChecker()

    def validate_row(
        self, row_number: int, values: dict[str, str], ctx: ImportContext
    ) -> tuple[Any, list[RowError]]:
        checker = ctx.state.get("checker")
        if checker is None:
            checker = ctx.state["checker"] = SkillRowChecker()
        return checker.check(row_number, values)

    def commit(self, cleaned: list[Any], ctx: ImportContext) -> ImportSummary:
        result = skills_upsert(actor=ctx.actor, items=cleaned, source="import")
        return ImportSummary(
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            details={
                "created_codes": result.created_codes[:100],
                "updated_codes": result.updated_codes[:100],
            },
        )


def read_skills_csv(text: str, *, fmt: str = "qiao") -> tuple[list[SkillData], list[RowError]]:
    """Parse and check a whole CSV (our layout or ESCO's). Row numbers are as a spreadsheet
    shows them: the header is row 1."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}; expected one of {FORMATS}.")
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    headers = next(reader, [])
    mapping = header_map(headers)
    present = set(mapping.values())
    missing = [name for name in REQUIRED_HEADERS[fmt] if name not in present]
    if missing:
        return [], [
            RowError(row=1, column=name, message=_("This column is missing.")) for name in missing
        ]
    index = {name: headers.index(header) for header, name in mapping.items()}
    checker = SkillRowChecker()
    items: list[SkillData] = []
    errors: list[RowError] = []
    for row_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {name: cells[i] if i < len(cells) else "" for name, i in index.items()}
        item, row_errors = checker.check(row_number, values)
        errors.extend(row_errors)
        if item is not None:
            items.append(item)
    return items, errors
