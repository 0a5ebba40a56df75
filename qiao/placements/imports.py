"""The "round_candidates" import kind: grade averages and skills of the candidates of one round.

A round takes a snapshot of its candidates when it opens (`services.rounds.round_open`); the
scoring rule (`allocation_adapter`) weighs their grade average and skills. This kind lets the
school load both from a spreadsheet, one candidate a row, for ONE round, named by the import
option `round` (a round id) that the round page passes (`ctx.options["round"]`); there is no
round column.

Rules (also in the kind's description, shown on the import page):
- A row names a candidate of the round by student number (the one in the round's snapshot) or
  email; a student who is not a candidate, or a candidate named twice, is a row error.
- `grade_average` is a number from 0 to 100 with at most two decimals; `skills` lists skill
  codes or names (any language, or an alias) separated by ";", ",", "、" or a new line. Names
  are matched exactly after the skills app's normalisation (`qiao.skills.normalise`), never
  fuzzily: a name that is no skill, or that names several, is a row error.
- An empty cell keeps the stored value; a cell holding only "-" clears it.
- Only who manages the round's school may import, and only before the round is published
  (open or closed: a draft round has no candidates yet).
- All or nothing (the framework): nothing is saved unless every row is right. One audit entry
  records the import with each candidate's change (old and new values, the first
  AUDITED_CHANGES candidates; the count always).

`candidate_export_columns` / `candidate_export_rows` give the round page's download, in the
same columns, so a file can be downloaded, filled in and imported back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiao.core import permissions as perms
from qiao.core.audit import audit_record
from qiao.core.importexport.export import Column
from qiao.core.importexport.registry import (
    ImportColumn,
    ImportContext,
    ImportKind,
    ImportRowsError,
    ImportSummary,
    RowError,
)
from qiao.core.models import Organisation, User
from qiao.placements import permissions as pp
from qiao.placements.models import PlacementRound, RoundCandidate, RoundStatus
from qiao.skills.matching import SkillIndex, skill_index
from qiao.skills.normalise import normalise, split_list

KEY = "round_candidates"
# The value that clears a stored grade average or skills list.
CLEAR = "-"
GRADE_MAX = Decimal(100)
GRADE_STEP = Decimal("0.01")
# One import's audit entry lists at most this many candidates' changes (always the count).
AUDITED_CHANGES = 1000
SKILLS_SEPARATOR = "; "


@dataclass(frozen=True)
class CandidateRow:
    """A validated row: which candidate, and what to set (`None` for "keep")."""

    row: int
    candidate_id: int
    grade: Decimal | None = None
    set_grade: bool = False
    skills: tuple[str, ...] = ()
    set_skills: bool = False


@dataclass
class _State:
    placement_round: PlacementRound | None
    refusal: str = ""
    refusal_reported: bool = False
    by_number: dict[str, list[int]] = field(default_factory=dict)
    by_email: dict[str, list[int]] = field(default_factory=dict)
    email_of: dict[int, str] = field(default_factory=dict)
    seen: dict[int, int] = field(default_factory=dict)
    skills: SkillIndex | None = None


def _round_id(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    # Ids are positive 64-bit integers; anything else names no round (and no query is made).
    return number if 0 < number < 2**63 else None


def parse_grade(text: str) -> Decimal:
    """A grade average from 0 to 100 with at most two decimals; ValueError with the reason."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValueError(_("Write the grade average as a number from 0 to 100, e.g. 85 or 85.5."))
    if not Decimal(0) <= value <= GRADE_MAX:
        raise ValueError(_("The grade average must be from 0 to 100."))
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and value != value.quantize(GRADE_STEP):
        raise ValueError(_("At most two decimals: round the grade average, e.g. 85.33."))
    return value.quantize(GRADE_STEP)


def resolve_skills(index: SkillIndex, text: str) -> tuple[list[str], list[str], list[str]]:
    """(codes, unknown items, ambiguous items) of a list such as "SW-PY; 云计算、k8s".

    Each item is matched exactly, after normalisation, on a code, a label in any language or
    an alias of an active skill; when an item is the code of one skill and the name of another,
    the code wins."""
    codes: list[str] = []
    unknown: list[str] = []
    ambiguous: list[str] = []
    for item in dict.fromkeys(split_list(text)):
        hits = index.exact.get(normalise(item), [])
        ids = list(dict.fromkeys(sid for sid, _kind in hits))
        if len(ids) > 1:
            by_code = [sid for sid, kind in hits if kind == "code"]
            ids = by_code if len(by_code) == 1 else ids
        if not ids:
            unknown.append(item)
        elif len(ids) > 1:
            ambiguous.append(item)
        else:
            code = index.skills[ids[0]].code
            if code not in codes:
                codes.append(code)
    return codes, unknown, ambiguous


def _quoted(items: Iterable[str]) -> str:
    return ", ".join(f"“{item}”" for item in items)


class RoundCandidatesImport(ImportKind):
    key = KEY
    label = gettext_lazy("grade averages and skills of round candidates")
    description = gettext_lazy(
        "One row is one candidate of the round you opened this import from: name her by student "
        "number or email. The grade average is a number from 0 to 100 with at most two "
        "decimals; skills are skill codes or names, separated by “;”, “,” or “、”. An empty "
        "cell keeps the stored value; a cell holding only “-” clears it. The name column is "
        "for your reference and is not imported. Only possible before the round is published; "
        "allocation runs already made keep the values they used, so run the allocation again."
    )
    page_options = ("round",)
    columns = (
        ImportColumn(
            "student_number",
            max_length=40,
            help=gettext_lazy("The candidate's student number, as the round lists it."),
            aliases=("student_no", "number", "学号"),
        ),
        ImportColumn(
            "email",
            max_length=254,
            help=gettext_lazy("Or the candidate's email, when there is no student number."),
            aliases=("e_mail", "邮箱"),
        ),
        ImportColumn(
            "name",
            max_length=200,
            help=gettext_lazy("Not imported: the candidate's name, for your reference."),
            aliases=("姓名",),
        ),
        ImportColumn(
            "grade_average",
            max_length=20,
            help=gettext_lazy(
                "From 0 to 100, at most two decimals, e.g. 85.5. Empty: keep; “-”: clear."
            ),
            aliases=("grade", "average_grade", "average", "平均成绩", "平均分", "成绩"),
        ),
        ImportColumn(
            "skills",
            max_length=1000,
            help=gettext_lazy(
                "Skill codes or names, separated by “;”, “,” or “、”, e.g. SW-PY; 云计算. "
                "Empty: keep; “-”: clear."
            ),
            aliases=("skill", "skill_codes", "技能"),
        ),
    )
    example_rows = (
        {"student_number": "SZPT20240001", "grade_average": "86.5", "skills": "SW-PY; NET-CLOUD"},
        {"email": "li.hua@example.edu", "grade_average": "78", "skills": ""},
        {"student_number": "SZPT20240003", "grade_average": "", "skills": "-"},
    )

    def allowed(self, user: User, organisation: Organisation | None) -> bool:
        if organisation is None:
            return perms.is_platform_admin(user)
        return organisation.is_school and pp.can_manage_school(user, organisation.pk)

    def options_label(self, user: Any, options: dict[str, str]) -> str | None:
        round_id = _round_id(options.get("round"))
        rnd = PlacementRound.objects.filter(pk=round_id).first() if round_id else None
        if rnd is None or not pp.can_manage_round(user, rnd):
            return None
        return _("Into the round “%(round)s”.") % {"round": rnd.name}

    def prepare(self, ctx: ImportContext) -> None:
        state = _State(placement_round=None)
        ctx.state[KEY] = state
        round_id = _round_id(ctx.options.get("round"))
        if round_id is None:
            state.refusal = _(
                "This import does not know which round to update: open it from the round's "
                "page with “Import grades and skills”."
            )
            return
        rnd = PlacementRound.objects.select_related("school").filter(pk=round_id).first()
        org = ctx.organisation
        if rnd is None or not pp.can_manage_round(ctx.actor, rnd):
            state.refusal = _("No round you manage has this id: %(id)d.") % {"id": round_id}
            return
        if org is not None and rnd.school_id != org.pk:
            state.refusal = _(
                "The round “%(round)s” belongs to %(school)s: act for that school (switch "
                "organisation) to import into it."
            ) % {"round": rnd.name, "school": rnd.school}
            return
        refusal = _status_refusal(rnd)
        if refusal:
            state.refusal = refusal
            return
        state.placement_round = rnd
        by_number: dict[str, list[int]] = defaultdict(list)
        by_email: dict[str, list[int]] = defaultdict(list)
        for pk, number, email in RoundCandidate.objects.filter(round=rnd).values_list(
            "pk", "student_number", "person__email"
        ):
            if number:
                by_number[number.strip().casefold()].append(pk)
            if email:
                by_email[email.strip().casefold()].append(pk)
                state.email_of[pk] = email.strip().casefold()
        state.by_number = dict(by_number)
        state.by_email = dict(by_email)
        state.skills = skill_index()

    def validate_row(
        self, row_number: int, values: dict[str, str], ctx: ImportContext
    ) -> tuple[Any, list[RowError]]:
        state: _State = ctx.state[KEY]
        if state.placement_round is None:
            # The whole import is refused: say why once, on the first row.
            if state.refusal_reported:
                return None, []
            state.refusal_reported = True
            return None, [RowError(row_number, "", state.refusal)]
        errors: list[RowError] = []
        candidate_id, column = _candidate(row_number, values, state, errors)
        grade_text = values.get("grade_average", "")
        grade: Decimal | None = None
        if grade_text and grade_text != CLEAR:
            try:
                grade = parse_grade(grade_text)
            except ValueError as error:
                errors.append(RowError(row_number, "grade_average", str(error), grade_text))
        skills_text = values.get("skills", "")
        codes: list[str] = []
        if skills_text and skills_text != CLEAR:
            assert state.skills is not None
            codes, unknown, ambiguous = resolve_skills(state.skills, skills_text)
            if unknown:
                errors.append(
                    RowError(
                        row_number,
                        "skills",
                        _(
                            "No skill has this code or name: %(items)s. Write the codes or "
                            "names the skills list shows."
                        )
                        % {"items": _quoted(unknown)},
                        skills_text,
                    )
                )
            if ambiguous:
                errors.append(
                    RowError(
                        row_number,
                        "skills",
                        _("Several skills have this name: %(items)s. Write the skill's code.")
                        % {"items": _quoted(ambiguous)},
                        skills_text,
                    )
                )
        if candidate_id is not None:
            first = state.seen.get(candidate_id)
            if first is not None:
                errors.append(
                    RowError(
                        row_number,
                        column,
                        _("This candidate is already in row %(row)d.") % {"row": first},
                        values.get(column, ""),
                    )
                )
            else:
                state.seen[candidate_id] = row_number
        if errors or candidate_id is None:
            return None, errors
        return (
            CandidateRow(
                row=row_number,
                candidate_id=candidate_id,
                grade=grade,
                set_grade=bool(grade_text),
                skills=tuple(sorted(codes)),
                set_skills=bool(skills_text),
            ),
            [],
        )

    def commit(self, cleaned: list[Any], ctx: ImportContext) -> ImportSummary:
        state: _State = ctx.state[KEY]
        assert state.placement_round is not None
        first_row = cleaned[0].row if cleaned else 0
        # Lock the round, then check again: it may have been published since the file was read.
        rnd = PlacementRound.objects.select_for_update().get(pk=state.placement_round.pk)
        refusal = _status_refusal(rnd)
        if not refusal and not pp.can_manage_round(ctx.actor, rnd):
            refusal = _("You may no longer change this round.")
        if refusal:
            raise ImportRowsError([RowError(first_row, "", refusal)])
        rows: list[CandidateRow] = cleaned
        # The whole round in one query: a file names each candidate at most once.
        candidates = {
            c.pk: c
            for c in RoundCandidate.objects.filter(round=rnd).only(
                "pk", "grade_average", "skill_codes"
            )
        }
        changed: list[RoundCandidate] = []
        audited: dict[str, dict[str, list[Any]]] = {}
        grades = skills = 0
        for row in rows:
            candidate = candidates.get(row.candidate_id)
            if candidate is None:  # left the round meanwhile (a round reopened is a new round)
                raise ImportRowsError(
                    [RowError(row.row, "", _("This candidate is no longer in the round."))]
                )
            change: dict[str, list[Any]] = {}
            if row.set_grade and candidate.grade_average != row.grade:
                change["grade_average"] = [candidate.grade_average, row.grade]
                candidate.grade_average = row.grade
                grades += 1
            if row.set_skills and sorted(candidate.skill_codes or []) != list(row.skills):
                change["skill_codes"] = [candidate.skill_codes, list(row.skills)]
                candidate.skill_codes = list(row.skills)
                skills += 1
            if change:
                changed.append(candidate)
                if len(audited) < AUDITED_CHANGES:
                    audited[str(candidate.pk)] = change
        RoundCandidate.objects.bulk_update(
            changed, ["grade_average", "skill_codes"], batch_size=1000
        )
        audit_record(
            actor=ctx.actor,
            action="placements.round.candidates_import",
            instance=rnd,
            organisation=rnd.school_id,
            changes={
                "candidates_updated": len(changed),
                "grade_averages_changed": grades,
                "skills_changed": skills,
                "candidates": audited,
                "candidates_listed": len(audited),
            },
        )
        return ImportSummary(
            updated=len(changed),
            unchanged=len(rows) - len(changed),
            details={
                "round": rnd.pk,
                "candidates_updated": len(changed),
                "grade_averages_changed": grades,
                "skills_changed": skills,
            },
        )


def _status_refusal(rnd: PlacementRound) -> str:
    if rnd.status == RoundStatus.PUBLISHED:
        return _(
            "The round “%(round)s” is published: its grade averages and skills can no longer "
            "change."
        ) % {"round": rnd.name}
    if rnd.status == RoundStatus.DRAFT:
        return _(
            "The round “%(round)s” is a draft: its candidates are taken when it opens. Open it "
            "first, then import."
        ) % {"round": rnd.name}
    return ""


def _candidate(
    row_number: int, values: dict[str, str], state: _State, errors: list[RowError]
) -> tuple[int | None, str]:
    """The candidate a row names (or None, with the error added) and the column naming her."""
    number = values.get("student_number", "")
    email = values.get("email", "")
    if number:
        found = state.by_number.get(number.casefold(), [])
        if len(found) != 1:
            errors.append(
                RowError(
                    row_number,
                    "student_number",
                    _("Several candidates of this round have this student number: use the email.")
                    if found
                    else _("No candidate of this round has this student number."),
                    number,
                )
            )
            return None, "student_number"
        if email and state.email_of.get(found[0], "") != email.casefold():
            errors.append(
                RowError(
                    row_number,
                    "email",
                    _("This is not the email of the candidate with this student number."),
                    email,
                )
            )
            return None, "student_number"
        return found[0], "student_number"
    if email:
        found = state.by_email.get(email.casefold(), [])
        if len(found) != 1:
            errors.append(
                RowError(
                    row_number,
                    "email",
                    _("Several candidates of this round have this email: use the student number.")
                    if found
                    else _("No candidate of this round has this email."),
                    email,
                )
            )
            return None, "email"
        return found[0], "email"
    errors.append(RowError(row_number, "student_number", _("Give a student number or an email.")))
    return None, "student_number"


# --- The round page's download, in the import's columns ----------------------------------------


def candidate_export_rows(*, placement_round: PlacementRound) -> QuerySet[RoundCandidate]:
    """The round's candidates with what the export shows, in one query."""
    return (
        RoundCandidate.objects.filter(round=placement_round)
        .select_related("person")
        .order_by("student_number", "pk")
    )


def candidate_export_columns() -> list[Column]:
    """student_number, email, name, grade_average, skills: the import's own columns."""
    return [
        Column("student_number", lambda c: c.student_number),
        Column("email", lambda c: c.person.email),
        Column("name", lambda c: str(c.person)),
        Column(
            "grade_average",
            lambda c: float(c.grade_average) if c.grade_average is not None else "",
        ),
        Column("skills", lambda c: SKILLS_SEPARATOR.join(c.skill_codes or [])),
    ]
