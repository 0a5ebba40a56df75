"""The "people" import kind: students, teachers, staff and mentors, one affiliation a row."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiao.core import permissions as perms
from qiao.core.importexport.kinds.common import (
    BATCH,
    actor_of,
    choice_lookup,
    chunks,
    country_code,
    lookup_key,
    parse_date,
    plain,
)
from qiao.core.importexport.registry import (
    ImportColumn,
    ImportContext,
    ImportKind,
    ImportRowsError,
    ImportSummary,
    RowError,
)
from qiao.core.models import Affiliation, AffiliationKind, AuditEntry, Organisation, Person, User

_PHONE = re.compile(r"\+?[0-9(][0-9 ()./-]*")

PERSON_FIELDS = (
    "family_name",
    "given_name",
    "native_name",
    "email",
    "phone",
    "date_of_birth",
    "nationality",
)
AFFILIATION_FIELDS = (
    "department_id",
    "student_number",
    "major_id",
    "cohort_year",
    "title",
    "start",
    "end",
)
STUDENT_ONLY = ("student_number", "major", "cohort_year")


class PersonRow(NamedTuple):
    """One validated row. A tuple of plain values on purpose: the garbage collector stops
    tracking it, so 100,000 of them held until the commit do not slow every collection."""

    row: int
    kind: str
    person: dict[str, Any]
    affiliation: dict[str, Any]
    existing: int | None  # the Affiliation this row updates


@dataclass
class _PeopleState:
    organisation: Organisation
    is_school: bool
    today: dt.date
    excel_serial: bool
    kinds: dict[str, str]
    majors: dict[str, int]
    departments: dict[str, int]
    students: dict[str, int]
    colleagues: dict[tuple[str, str], list[int]]
    seen_numbers: dict[str, int]
    seen_emails: dict[tuple[str, str], int]


class PeopleImport(ImportKind):
    key = "people"
    label = gettext_lazy("people")
    description = gettext_lazy(
        "One row is one person with one affiliation to the organisation you act for: a student, "
        "teacher, staff member or enterprise mentor. A student whose student number is already "
        "stored is updated, as is a teacher, staff member or mentor of the same kind with the "
        "same email; empty cells leave stored values as they are. Other rows add new people."
    )
    columns = (
        ImportColumn(
            "kind",
            required=True,
            max_length=40,
            help=gettext_lazy("student, teacher, staff or mentor (学生, 教师, 职员, 企业导师)."),
            aliases=("type", "role", "affiliation"),
        ),
        ImportColumn(
            "family_name",
            max_length=100,
            help=gettext_lazy("Family name in Latin script, e.g. Li."),
            aliases=("surname", "last_name"),
        ),
        ImportColumn(
            "given_name",
            required=True,
            max_length=100,
            help=gettext_lazy("Given name in Latin script, e.g. Hua."),
            aliases=("first_name", "forename"),
        ),
        ImportColumn(
            "native_name",
            max_length=200,
            help=gettext_lazy("The name in the person's own script, e.g. 李华."),
            aliases=("name_local", "chinese_name"),
        ),
        ImportColumn(
            "email", max_length=254, help=gettext_lazy("Email address."), aliases=("e_mail",)
        ),
        ImportColumn(
            "phone",
            max_length=40,
            help=gettext_lazy("Digits, spaces and + ( ) - . / only."),
            aliases=("mobile", "telephone"),
        ),
        ImportColumn(
            "date_of_birth",
            max_length=40,
            help=gettext_lazy("Year first: 2006-05-01 (Excel dates work too)."),
            aliases=("birthday", "dob", "birth_date"),
        ),
        ImportColumn(
            "nationality",
            max_length=60,
            help=gettext_lazy("ISO 3166 code such as CN, KE or TH."),
            aliases=("country",),
        ),
        ImportColumn(
            "student_number",
            max_length=40,
            help=gettext_lazy(
                "Required for students; unique within the organisation. Re-importing a stored "
                "number updates that student."
            ),
            aliases=("student_no", "student_id"),
        ),
        ImportColumn(
            "major",
            max_length=200,
            help=gettext_lazy("Code of one of the organisation's majors (students only)."),
            aliases=("major_code",),
        ),
        ImportColumn(
            "department",
            max_length=200,
            help=gettext_lazy("Name (or code) of one of the organisation's departments."),
            aliases=("school", "faculty"),
        ),
        ImportColumn(
            "cohort_year",
            max_length=10,
            help=gettext_lazy("Year of entry, e.g. 2024 (students only)."),
            aliases=("cohort", "grade", "year"),
        ),
        ImportColumn(
            "title",
            max_length=120,
            help=gettext_lazy("Job title, e.g. Lecturer or Senior engineer."),
            aliases=("job_title", "position"),
        ),
        ImportColumn(
            "start",
            max_length=40,
            help=gettext_lazy("First day of the affiliation, e.g. 2024-09-01."),
            aliases=("start_date", "from"),
        ),
        ImportColumn(
            "end",
            max_length=40,
            help=gettext_lazy("Last day, e.g. 2027-06-30; empty while it lasts."),
            aliases=("end_date", "to", "until"),
        ),
    )
    example_rows = (
        {
            "kind": "student",
            "family_name": "Li",
            "given_name": "Hua",
            "native_name": "李华",
            "email": "li.hua@example.edu.cn",
            "phone": "138 0013 8000",
            "date_of_birth": "2006-05-01",
            "nationality": "CN",
            "student_number": "2024010001",
            "cohort_year": "2024",
            "start": "2024-09-01",
        },
        {
            "kind": "teacher",
            "family_name": "Wang",
            "given_name": "Fang",
            "native_name": "王芳",
            "email": "wang.fang@example.edu.cn",
            "nationality": "CN",
            "title": "Lecturer",
        },
        {
            "kind": "mentor",
            "family_name": "Otieno",
            "given_name": "Achieng",
            "email": "achieng@example.co.ke",
            "nationality": "KE",
            "title": "Senior engineer",
        },
    )

    def allowed(self, user: User, organisation: Organisation | None) -> bool:
        return organisation is not None and perms.can_manage_people(user, organisation)

    def prepare(self, ctx: ImportContext) -> None:
        organisation = ctx.organisation
        assert organisation is not None  # allowed() demands one
        departments: dict[str, int] = {}
        for dept in organisation.departments.all():
            for text in (dept.name, dept.code, dept.name_en, dept.name_local):
                if text:
                    departments.setdefault(lookup_key(text), dept.pk)
        majors: dict[str, int] = {}
        for major in organisation.majors.all():
            majors.setdefault(lookup_key(major.code), major.pk)
        for major in organisation.majors.all():
            for text in (major.name, major.name_en, major.name_local):
                if text:
                    majors.setdefault(lookup_key(text), major.pk)
        affiliations = Affiliation.objects.filter(organisation=organisation)
        students = dict(
            affiliations.filter(kind=AffiliationKind.STUDENT)
            .exclude(student_number="")
            .values_list("student_number", "pk")
        )
        colleagues: dict[tuple[str, str], list[int]] = {}
        for kind, email, pk in (
            affiliations.exclude(kind=AffiliationKind.STUDENT)
            .exclude(Q(person__email="") | Q(person__email__isnull=True))
            .values_list("kind", "person__email", "pk")
        ):
            colleagues.setdefault((kind, email.casefold()), []).append(pk)
        ctx.state["people"] = _PeopleState(
            organisation=organisation,
            is_school=organisation.is_school,
            today=timezone.localdate(),
            excel_serial=ctx.options.get("format") == "xlsx",
            kinds=choice_lookup(
                AffiliationKind,
                {"老师": "teacher", "导师": "mentor", "员工": "staff", "工作人员": "staff"},
            ),
            majors=majors,
            departments=departments,
            students=students,
            colleagues=colleagues,
            seen_numbers={},
            seen_emails={},
        )

    def validate_row(
        self, row_number: int, values: dict[str, str], ctx: ImportContext
    ) -> tuple[Any, list[RowError]]:
        state: _PeopleState = ctx.state["people"]
        errors: list[RowError] = []

        def error(column: str, message: str, value: str = "") -> None:
            errors.append(RowError(row_number, column, message, value))

        kind_text = values["kind"]
        kind = state.kinds.get(lookup_key(kind_text), "")
        if kind_text and not kind:
            error("kind", _("Unknown kind: use student, teacher, staff or mentor."), kind_text)
        person: dict[str, Any] = {"given_name": values["given_name"]}
        for name in ("family_name", "native_name"):
            if values[name]:
                person[name] = values[name]
        email = values["email"]
        if email:
            try:
                validate_email(email)
            except ValidationError:
                error("email", _("Not a valid email address."), email)
            else:
                person["email"] = email
        phone = values["phone"]
        if phone:
            phone = unicodedata.normalize("NFKC", phone)
            if _PHONE.fullmatch(phone) and sum(map(str.isdigit, phone)) >= 3:
                person["phone"] = phone
            else:
                error("phone", _("Use digits, spaces and + ( ) - . / only."), values["phone"])
        text = values["date_of_birth"]
        if text:
            born = parse_date(text, excel_serial=state.excel_serial)
            if born is None:
                error("date_of_birth", _("Not a date: write it year first, e.g. 2006-05-01."), text)
            elif not dt.date(1900, 1, 1) <= born <= state.today:
                error("date_of_birth", _("The date of birth is not plausible."), text)
            else:
                person["date_of_birth"] = born
        text = values["nationality"]
        if text:
            code = country_code(text)
            if code is None:
                error("nationality", _("Unknown country: use an ISO 3166 code such as CN."), text)
            else:
                person["nationality"] = code

        affiliation: dict[str, Any] = {}
        text = values["department"]
        if text:
            department = state.departments.get(lookup_key(text))
            if department is None:
                error(
                    "department",
                    _("No department of %(org)s has this name.") % {"org": state.organisation},
                    text,
                )
            else:
                affiliation["department_id"] = department
        number = values["student_number"]
        text = values["major"]
        if text:
            major = state.majors.get(lookup_key(text))
            if major is None:
                error(
                    "major",
                    _("No major of %(org)s has this code.") % {"org": state.organisation},
                    text,
                )
            else:
                affiliation["major_id"] = major
        text = values["cohort_year"]
        if text:
            if text.isdigit() and 1950 <= int(text) <= 2100:
                affiliation["cohort_year"] = int(text)
            else:
                error("cohort_year", _("A year between 1950 and 2100."), text)
        if values["title"]:
            affiliation["title"] = values["title"]
        for name in ("start", "end"):
            text = values[name]
            if text:
                day = parse_date(text, excel_serial=state.excel_serial)
                if day is None:
                    error(name, _("Not a date: write it year first, e.g. 2024-09-01."), text)
                else:
                    affiliation[name] = day
        start, end = affiliation.get("start"), affiliation.get("end")
        if start and end and end < start:
            error("end", _("The end comes before the start."), values["end"])

        existing: int | None = None
        if kind == AffiliationKind.STUDENT:
            if not state.is_school:
                error("kind", _("Only schools have students."), kind_text)
            if not number:
                error("student_number", _("A student needs a student number."))
            else:
                affiliation["student_number"] = number
                first = state.seen_numbers.get(number)
                if first is not None:
                    error(
                        "student_number",
                        _("This student number already appears in row %(row)d.") % {"row": first},
                        number,
                    )
                else:
                    state.seen_numbers[number] = row_number
                    existing = state.students.get(number)
        elif kind:
            for name in STUDENT_ONLY:
                if values[name]:
                    error(
                        name,
                        _("Only students have a student number, major or cohort."),
                        values[name],
                    )
            if email:
                identity = (kind, email.casefold())
                first = state.seen_emails.get(identity)
                if first is not None:
                    error(
                        "email",
                        _("The same kind and email already appear in row %(row)d.")
                        % {"row": first},
                        email,
                    )
                else:
                    state.seen_emails[identity] = row_number
                    matches = state.colleagues.get(identity, [])
                    if len(matches) > 1:
                        error(
                            "email",
                            _(
                                "Several stored people of this kind have this email; edit them "
                                "one by one instead."
                            ),
                            email,
                        )
                    elif matches:
                        existing = matches[0]
        if errors:
            return None, errors
        return PersonRow(row_number, kind, person, affiliation, existing), []

    def commit(self, cleaned: list[Any], ctx: ImportContext) -> ImportSummary:
        """New people and affiliations with bulk_create (100,000 rows in seconds, where one
        service call per row would take minutes); updates with bulk_update and one audit entry
        per changed record. The framework adds one audit entry for the import and its counts."""
        state: _PeopleState = ctx.state["people"]
        organisation = state.organisation
        rows: list[PersonRow] = cleaned
        new = [row for row in rows if row.existing is None]
        people = [Person(**row.person) for row in new]
        Person.objects.bulk_create(people, batch_size=BATCH)
        Affiliation.objects.bulk_create(
            [
                Affiliation(
                    person=person, organisation=organisation, kind=row.kind, **row.affiliation
                )
                for person, row in zip(people, new, strict=True)
            ],
            batch_size=BATCH,
        )
        summary = ImportSummary(created=len(new))
        actor = actor_of(ctx)
        now = timezone.now()
        for chunk in chunks([row for row in rows if row.existing is not None], BATCH):
            stored = Affiliation.objects.select_related("person").in_bulk(
                [row.existing for row in chunk]
            )
            changed_people: list[Person] = []
            changed_affiliations: list[Affiliation] = []
            entries: list[AuditEntry] = []
            problems: list[RowError] = []
            for row in chunk:
                affiliation = stored[row.existing]
                person = affiliation.person
                person_changes = _apply(person, row.person)
                affiliation_changes = _apply(affiliation, row.affiliation)
                if affiliation.start and affiliation.end and affiliation.end < affiliation.start:
                    problems.append(
                        RowError(row.row, "end", _("The end would come before the stored start."))
                    )
                if person_changes:
                    person.updated_at = now
                    changed_people.append(person)
                    entries.append(
                        _audit(
                            actor,
                            "person.update",
                            person,
                            organisation,
                            person_changes,
                            str(person),
                        )
                    )
                if affiliation_changes:
                    changed_affiliations.append(affiliation)
                    entries.append(
                        _audit(
                            actor,
                            "affiliation.update",
                            affiliation,
                            organisation,
                            affiliation_changes,
                            f"{person} — {affiliation.get_kind_display()} @ {organisation}",
                        )
                    )
                if person_changes or affiliation_changes:
                    summary.updated += 1
                else:
                    summary.unchanged += 1
            if problems:
                raise ImportRowsError(problems)
            Person.objects.bulk_update(changed_people, [*PERSON_FIELDS, "updated_at"])
            Affiliation.objects.bulk_update(
                changed_affiliations,
                [name.removesuffix("_id") for name in AFFILIATION_FIELDS],
            )
            AuditEntry.objects.bulk_create(entries)
        return summary


def _apply(instance: Any, fields: dict[str, Any]) -> dict[str, list[Any]]:
    """Set `fields` on `instance`; return the field-level change for the audit log."""
    changes: dict[str, list[Any]] = {}
    for name, value in fields.items():
        old = getattr(instance, name)
        if name == "nationality":
            old = str(old.code or "")
        if old != value:
            changes[name] = [plain(old), plain(value)]
            setattr(instance, name, value)
    return changes


def _audit(
    actor: User | None,
    action: str,
    instance: Person | Affiliation,
    organisation: Organisation,
    changes: dict[str, list[Any]],
    text: str,
) -> AuditEntry:
    return AuditEntry(
        actor=actor,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=text[:255],
        organisation=organisation,
        changes=changes,
    )
