"""Every write to the skills taxonomy: create, update, aliases, and the bulk upsert behind the
default catalogue, `qiao load_skills` and the "skills" import.

Keyword-only, atomic, audited. Bad input raises a ValidationError naming the field and changes
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core.audit import audit_record, diff, snapshot
from qiao.core.types import Actor
from qiao.skills.models import Skill, SkillAlias
from qiao.skills.normalise import guess_language, normalise
from qiao.skills.tree import ParentMap

CATALOGUE = Path(__file__).parent / "data" / "catalogue.csv"
LABEL_MAX = 200
ALIAS_MAX = 200
# Path segments of the skills pages; a skill with such a code could not have a detail page.
RESERVED_CODES = frozenset({"new", "match"})
EDITABLE_FIELDS = (
    "label_en",
    "label_zh",
    "labels",
    "broader",
    "description",
    "description_zh",
    "uri",
    "is_active",
)
AUDIT_FIELDS = [
    "code",
    "broader_id",
    "label_en",
    "label_zh",
    "labels",
    "description",
    "description_zh",
    "uri",
    "is_active",
]
_TEXT_FIELDS = ("code", "label_en", "label_zh", "description", "description_zh", "uri")
# An alias is either its text (language guessed) or (text, language).
AliasInput = str | tuple[str, str]
_CHUNK = 500


@dataclass(frozen=True)
class SkillData:
    """One skill as a catalogue or an import file describes it. Empty strings mean "keep what
    is stored": a bulk load never erases a label, a description or a broader link."""

    code: str
    label_en: str
    label_zh: str = ""
    broader: str = ""
    aliases_en: tuple[str, ...] = ()
    aliases_zh: tuple[str, ...] = ()
    description: str = ""
    description_zh: str = ""
    uri: str = ""

    def aliases(self) -> list[tuple[str, str]]:
        return [(a, "en") for a in self.aliases_en] + [(a, "zh") for a in self.aliases_zh]


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    created_codes: list[str] = field(default_factory=list)
    updated_codes: list[str] = field(default_factory=list)


# --- Aliases -------------------------------------------------------------------------------------


def _alias_pairs(aliases: Iterable[AliasInput]) -> list[tuple[str, str]]:
    pairs = []
    for alias in aliases:
        text, language = (alias, "") if isinstance(alias, str) else alias
        text = " ".join(str(text).split())
        if text:
            pairs.append((text, language or guess_language(text)))
    return pairs


def alias_entries(
    *, code: str, labels: Iterable[str], aliases: Iterable[AliasInput]
) -> dict[str, tuple[str, str]]:
    """The aliases to store, keyed by normalised text: blanks dropped, whitespace collapsed,
    duplicates (after normalisation) kept once, and aliases equal to the code or a label
    dropped because the matcher finds those already."""
    taken = {normalise(code), *(normalise(label) for label in labels)}
    entries: dict[str, tuple[str, str]] = {}
    for text, language in _alias_pairs(aliases):
        key = normalise(text)
        if key and key not in taken and key not in entries:
            entries[key] = (text, language)
    return entries


def _alias_errors(aliases: Iterable[AliasInput]) -> list[str]:
    return [
        _("The alias “%(alias)s…” is too long (at most %(max)d characters).")
        % {"alias": text[:30], "max": ALIAS_MAX}
        for text, _language in _alias_pairs(aliases)
        if len(text) > ALIAS_MAX
    ]


def _aliases_replace(skill: Skill, aliases: Iterable[AliasInput]) -> bool:
    """Make the skill's aliases exactly `aliases`; True when anything changed. An alias given
    as plain text that is already stored keeps its stored language (the edit form sends text
    only; "U3D" may be a Chinese alias)."""
    stored = {a.normalised: a for a in skill.aliases.all()}
    aliases = [
        (alias, stored[normalise(alias)].language)
        if isinstance(alias, str) and normalise(alias) in stored
        else alias
        for alias in aliases
    ]
    wanted = alias_entries(
        code=skill.code, labels=(skill.label_en, skill.label_zh), aliases=aliases
    )
    changed = False
    gone = [a.pk for key, a in stored.items() if key not in wanted]
    if gone:
        SkillAlias.objects.filter(pk__in=gone).delete()
        changed = True
    for key, (text, language) in wanted.items():
        alias = stored.get(key)
        if alias is None:
            SkillAlias.objects.create(skill=skill, text=text, normalised=key, language=language)
            changed = True
        elif (alias.text, alias.language) != (text, language):
            alias.text, alias.language = text, language
            alias.save(update_fields=["text", "language"])
            changed = True
    return changed


def _snapshot(skill: Skill) -> dict[str, Any]:
    data = snapshot(skill, AUDIT_FIELDS)
    if skill.pk:
        data["aliases"] = sorted(skill.aliases.values_list("text", flat=True))
    return data


# --- Tree ---------------------------------------------------------------------------------------


def _creates_cycle(skill: Skill, broader: Skill | None) -> bool:
    if broader is None:
        return False
    if skill.pk is None:
        return False  # a new skill has no narrower skills yet
    current: int | None = broader.pk
    seen: set[int] = set()
    while current is not None and current not in seen:
        if current == skill.pk:
            return True
        seen.add(current)
        current = Skill.objects.filter(pk=current).values_list("broader_id", flat=True).first()
    return False


def _domain_id_for(broader: Skill | None) -> int | None:
    if broader is None:
        return None
    return broader.domain_id or broader.pk


def _subtree_domain_refresh(skill: Skill) -> None:
    """After a skill moves, every skill below it moves to the same domain."""
    below: list[int] = []
    level = [skill.pk]
    while level:
        level = list(
            Skill.objects.filter(broader_id__in=level)
            .exclude(pk__in=below)
            .values_list("pk", flat=True)
        )
        below.extend(level)
    if below:
        Skill.objects.filter(pk__in=below).update(domain_id=skill.domain_id or skill.pk)


def _domains_recompute() -> int:
    """Set every skill's domain from the tree (after a bulk load); returns how many changed."""
    rows = list(Skill.objects.values_list("pk", "broader_id", "domain_id"))
    parent = {pk: broader for pk, broader, _domain in rows}
    roots: dict[int, int] = {}

    def root(pk: int) -> int:
        path: list[int] = []
        current = pk
        while current not in roots:
            path.append(current)
            up = parent.get(current)
            if up is None or up in path:
                roots[current] = current
                break
            current = up
        top = roots[current]
        for seen in path:
            roots[seen] = top
        return top

    changed = []
    for pk, _broader, domain in rows:
        top = root(pk)
        wanted = None if top == pk else top
        if domain != wanted:
            changed.append(Skill(pk=pk, domain_id=wanted))
    Skill.objects.bulk_update(changed, ["domain"], batch_size=_CHUNK)
    return len(changed)


# --- Validation ---------------------------------------------------------------------------------


def _validate(skill: Skill, *, aliases: Iterable[AliasInput] | None) -> None:
    errors: dict[str, list[str]] = {}
    try:
        skill.full_clean(exclude=["domain"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if skill.code.lower() in RESERVED_CODES:
        errors.setdefault("code", []).append(
            _("“%(code)s” is reserved; choose another code.") % {"code": skill.code}
        )
    if _creates_cycle(skill, skill.broader):
        errors.setdefault("broader", []).append(
            _("%(broader)s is narrower than %(skill)s; a skill cannot be its own ancestor.")
            % {"broader": skill.broader, "skill": skill.code}
        )
    if aliases is not None:
        alias_errors = _alias_errors(aliases)
        if alias_errors:
            errors.setdefault("aliases", []).extend(alias_errors)
    if errors:
        raise ValidationError(errors)


def _strip(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v.strip() if k in _TEXT_FIELDS and isinstance(v, str) else v for k, v in fields.items()
    }


# --- Single skills ------------------------------------------------------------------------------


@transaction.atomic
def skill_create(
    *,
    actor: Actor,
    code: str,
    label_en: str,
    label_zh: str = "",
    broader: Skill | None = None,
    aliases: Iterable[AliasInput] = (),
    description: str = "",
    description_zh: str = "",
    labels: dict[str, str] | None = None,
    uri: str = "",
    is_active: bool = True,
) -> Skill:
    """Create a skill with its aliases. Raises ValidationError (by field) on a bad or taken
    code, a missing or over-long label, an over-long alias."""
    aliases = list(aliases)
    values = _strip(
        {
            "code": code,
            "label_en": label_en,
            "label_zh": label_zh,
            "description": description,
            "description_zh": description_zh,
            "uri": uri,
        }
    )
    skill = Skill(broader=broader, labels=labels or {}, is_active=is_active, **values)
    _validate(skill, aliases=aliases)
    skill.domain_id = _domain_id_for(broader)
    skill.save()
    _aliases_replace(skill, aliases)
    audit_record(
        actor=actor, action="skill.create", instance=skill, changes=diff({}, _snapshot(skill))
    )
    return skill


@transaction.atomic
def skill_update(
    *,
    actor: Actor,
    skill: Skill,
    aliases: Iterable[AliasInput] | None = None,
    **fields: Any,
) -> Skill:
    """Change a skill's labels, description, broader skill, active flag and (when given) its
    aliases, which replace the stored ones. The code never changes: other systems keep it.
    Refuses a broader skill that is the skill itself or one of its narrower skills."""
    code = fields.pop("code", None)
    if code is not None and str(code).strip() != skill.code:
        raise ValidationError(
            {"code": _("The code of a skill never changes; create a new skill instead.")}
        )
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"skill_update() got unexpected fields {sorted(unknown)}")
    aliases = list(aliases) if aliases is not None else None
    before = _snapshot(skill)
    old_broader = skill.broader_id
    for name, value in _strip(fields).items():
        setattr(skill, name, value)
    if "labels" in fields and fields["labels"] is None:
        skill.labels = {}
    _validate(skill, aliases=aliases)
    moved = skill.broader_id != old_broader
    if moved:
        skill.domain_id = _domain_id_for(skill.broader)
    fields_changed = snapshot(skill, AUDIT_FIELDS) != {k: before[k] for k in AUDIT_FIELDS}
    aliases_changed = aliases is not None and _aliases_replace(skill, aliases)
    if not fields_changed and not aliases_changed:
        return skill
    skill.save()  # also when only aliases changed: updated_at keys the matcher's cache
    if moved:
        _subtree_domain_refresh(skill)
    audit_record(
        actor=actor, action="skill.update", instance=skill, changes=diff(before, _snapshot(skill))
    )
    return skill


# --- Bulk ---------------------------------------------------------------------------------------


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _structure_errors(items: Sequence[SkillData]) -> list[str]:
    """Duplicate codes, unknown broader skills, cycles: the checks that span rows."""
    tree = ParentMap.from_db()
    seen: set[str] = set()
    problems: list[str] = []
    for item in items:
        if item.code in seen:
            problems.append(_("%(code)s appears twice.") % {"code": item.code})
            continue
        seen.add(item.code)
        if not item.broader:
            if not tree.knows(item.code):
                tree.set(item.code, "")
        elif not tree.knows(item.broader):
            problems.append(
                _("%(code)s: the broader skill %(broader)s is unknown.")
                % {"code": item.code, "broader": item.broader}
            )
        elif tree.would_cycle(item.code, item.broader):
            problems.append(
                _("%(code)s: making %(broader)s its broader skill would close a loop.")
                % {"code": item.code, "broader": item.broader}
            )
        else:
            tree.set(item.code, item.broader)
    return problems


@transaction.atomic
def skills_upsert(
    *, actor: Actor, items: Sequence[SkillData], source: str = "import"
) -> UpsertResult:
    """Create or update many skills by code, in one transaction (the catalogue, an import).

    Idempotent: loading the same rows twice changes nothing the second time. Empty values keep
    what is stored and aliases are added, never removed, so re-importing ESCO keeps the Chinese
    labels and aliases people added by hand. Broader skills must exist already or come earlier
    in `items`. Writes one audit entry for the whole load.
    """
    items = list(items)
    problems = _structure_errors(items)
    if problems:
        raise ValidationError(problems)

    by_code: dict[str, Skill] = {s.code: s for s in Skill.objects.all()}
    now = timezone.now()
    created: list[Skill] = []
    touched: dict[str, Skill] = {}
    problems = []
    for item in items:
        existing = by_code.get(item.code)
        is_new = existing is None
        values = {
            "label_en": item.label_en,
            "label_zh": item.label_zh,
            "description": item.description,
            "description_zh": item.description_zh,
            "uri": item.uri,
        }
        if existing is None:
            skill = Skill(code=item.code, **values)
            created.append(skill)
            by_code[item.code] = skill
        else:
            skill = existing
            for name, value in values.items():
                if value and getattr(skill, name) != value:
                    setattr(skill, name, value)
                    touched[item.code] = skill
        if skill.code.lower() in RESERVED_CODES:
            problems.append(_("“%(code)s” is reserved; choose another code.") % {"code": item.code})
        problems.extend(f"{item.code}: {message}" for message in _alias_errors(item.aliases()))
        if is_new or item.code in touched:
            try:
                skill.full_clean(
                    exclude=["broader", "domain"], validate_unique=False, validate_constraints=False
                )
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    problems.extend(f"{item.code}: {name}: {m}" for m in messages)
    if problems:
        raise ValidationError(problems)

    # New skills go in generation by generation (a broader skill before its narrower ones), so
    # each gets its broader link and domain on insert instead of in a costly bulk update.
    broader_of = {item.code: item.broader for item in items}
    ids = {code: s.pk for code, s in by_code.items() if s.pk is not None}
    domains = {code: s.domain_id for code, s in by_code.items() if s.pk is not None}
    pending = created
    while pending:
        ready = [s for s in pending if not broader_of[s.code] or broader_of[s.code] in ids]
        if not ready:  # _structure_errors rules this out; never loop forever
            raise ValidationError(_("Some broader skills are missing."))
        for skill in ready:
            broader = broader_of[skill.code]
            if broader:
                skill.broader_id = ids[broader]
                skill.domain_id = domains[broader] or ids[broader]
        Skill.objects.bulk_create(ready, batch_size=_CHUNK)
        if any(s.pk is None for s in ready):  # backends that return no ids from bulk_create
            fetched = dict(
                Skill.objects.filter(code__in=[s.code for s in ready]).values_list("code", "pk")
            )
            for skill in ready:
                skill.pk = fetched[skill.code]
        for skill in ready:
            ids[skill.code] = skill.pk
            domains[skill.code] = skill.domain_id
        pending = [s for s in pending if s.code not in ids]
    created_codes = {s.code for s in created}
    moved = False
    for item in items:
        skill = by_code[item.code]
        stored_moves = item.code not in created_codes and item.broader
        if stored_moves and skill.broader_id != ids[item.broader]:
            skill.broader_id = ids[item.broader]
            touched[item.code] = skill
            moved = True

    # Aliases: add what is new (after normalisation), keep the rest.
    stored: set[tuple[int, str]] = set()
    existing_ids = [by_code[i.code].pk for i in items if i.code not in created_codes]
    for chunk in _chunks(existing_ids):
        stored.update(
            SkillAlias.objects.filter(skill_id__in=chunk).values_list("skill_id", "normalised")
        )
    new_aliases: list[SkillAlias] = []
    for item in items:
        skill = by_code[item.code]
        wanted = alias_entries(
            code=skill.code, labels=(skill.label_en, skill.label_zh), aliases=item.aliases()
        )
        for key, (text, language) in wanted.items():
            if (skill.pk, key) not in stored:
                stored.add((skill.pk, key))
                new_aliases.append(
                    SkillAlias(skill=skill, text=text, normalised=key, language=language)
                )
                if item.code not in created_codes:
                    touched[item.code] = skill
    SkillAlias.objects.bulk_create(new_aliases, batch_size=_CHUNK)

    changed = [s for code, s in touched.items() if code not in created_codes]
    for skill in changed:
        skill.updated_at = now  # bulk_update skips auto_now; the matcher's cache keys on it
    Skill.objects.bulk_update(
        changed,
        ["label_en", "label_zh", "description", "description_zh", "uri", "broader", "updated_at"],
        batch_size=_CHUNK,
    )
    if moved:  # a stored skill changed its broader skill: its subtree may change domain
        _domains_recompute()

    seen_codes = list(dict.fromkeys(i.code for i in items))
    result = UpsertResult(
        created=len(created),
        updated=len(changed),
        unchanged=len(seen_codes) - len(created) - len(changed),
        created_codes=sorted(created_codes),
        updated_codes=sorted(s.code for s in changed),
    )
    if result.created or result.updated:
        audit_record(
            actor=actor,
            action="skill.upsert",
            object_type="skills.skill",
            object_repr=f"{source}: {result.created} new, {result.updated} updated",
            changes={
                "source": source,
                "created": [0, result.created],
                "updated": [0, result.updated],
                # Codes for the audit trail; a whole ESCO load is summarised, not listed.
                "created_codes": result.created_codes[:1000],
                "updated_codes": result.updated_codes[:1000],
            },
        )
    return result


def catalogue_load(
    *, actor: Actor, path: Path | str | None = None, fmt: str = "qiao"
) -> UpsertResult:
    """Load a skills CSV (our layout, or ESCO's with fmt="esco"); the default catalogue when no
    path is given. Every row is checked as the "skills" import checks it; any error raises a
    ValidationError listing them all and nothing is written."""
    from qiao.skills.imports import read_skills_csv

    source = Path(path) if path is not None else CATALOGUE
    text = source.read_text(encoding="utf-8-sig")
    items, errors = read_skills_csv(text, fmt=fmt)
    if errors:
        raise ValidationError(
            [
                _("Row %(row)d, %(column)s: %(message)s")
                % {"row": e.row, "column": e.column or "-", "message": e.message}
                for e in errors
            ]
        )
    return skills_upsert(actor=actor, items=items, source=f"file:{source.name}")
