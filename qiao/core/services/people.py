from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qiao.core.audit import audit_record, snapshot
from qiao.core.models import Affiliation, AffiliationKind, Organisation, Person
from qiao.core.services._base import assign, save_validated
from qiao.core.types import Actor


def _primary_org(person: Person) -> int | None:
    aff = person.affiliations.order_by("id").values_list("organisation_id", flat=True).first()
    return aff


@transaction.atomic
def person_create(
    *, actor: Actor, organisation: Organisation | None = None, **fields: Any
) -> Person:
    person = Person()
    assign(person, fields)
    return save_validated(
        person, actor=actor, action="person.create", before=None, organisation=organisation
    )


@transaction.atomic
def person_update(*, actor: Actor, person: Person, **fields: Any) -> Person:
    before = snapshot(person)
    fields.pop("user", None)  # linking an account is a separate, explicit action
    assign(person, fields)
    return save_validated(
        person,
        actor=actor,
        action="person.update",
        before=before,
        organisation=_primary_org(person),
    )


def _validate_affiliation(aff: Affiliation) -> None:
    """The rules the database constraints enforce, checked first so that the message names
    the field ("Constraint … is violated" helps nobody)."""
    errors: dict[str, Any] = {}
    try:
        # Types first (dates and numbers may arrive as text); the foreign keys are checked
        # once, by full_clean when saving.
        aff.clean_fields(exclude=["person", "organisation", "department", "major"])
    except ValidationError as error:
        errors.update(error.message_dict)

    def add(field: str, message: str) -> None:
        errors.setdefault(field, [message])

    if aff.department is not None and aff.department.organisation_id != aff.organisation_id:
        add("department", _("The department belongs to another organisation."))
    if aff.major is not None and aff.major.organisation_id != aff.organisation_id:
        add("major", _("The major belongs to another organisation."))
    if aff.kind == AffiliationKind.STUDENT:
        if not aff.student_number:
            add("student_number", _("A student needs a student number."))
        elif (
            Affiliation.objects.filter(
                organisation_id=aff.organisation_id,
                kind=AffiliationKind.STUDENT,
                student_number=aff.student_number,
            )
            .exclude(pk=aff.pk)
            .exists()
        ):
            add(
                "student_number",
                _("Another student of this organisation already has this student number."),
            )
    else:
        for name in ("student_number", "major", "cohort_year"):
            if getattr(aff, name if name != "major" else "major_id"):
                add(name, _("Only students have a student number, major or cohort."))
    if isinstance(aff.start, dt.date) and isinstance(aff.end, dt.date) and aff.end < aff.start:
        add("end", _("The end comes before the start."))
    if isinstance(aff.cohort_year, int) and not 1950 <= aff.cohort_year <= 2100:
        add("cohort_year", _("A cohort year between 1950 and 2100."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def affiliation_create(
    *, actor: Actor, person: Person, organisation: Organisation, kind: str, **fields: Any
) -> Affiliation:
    aff = Affiliation(person=person, organisation=organisation, kind=kind)
    assign(aff, fields)
    _validate_affiliation(aff)
    return save_validated(
        aff, actor=actor, action="affiliation.create", before=None, organisation=organisation
    )


@transaction.atomic
def affiliation_update(*, actor: Actor, affiliation: Affiliation, **fields: Any) -> Affiliation:
    before = snapshot(affiliation)
    for fixed in ("person", "organisation"):
        fields.pop(fixed, None)
    assign(affiliation, fields)
    _validate_affiliation(affiliation)
    return save_validated(
        affiliation,
        actor=actor,
        action="affiliation.update",
        before=before,
        organisation=affiliation.organisation_id,
    )


@transaction.atomic
def affiliation_end(*, actor: Actor, affiliation: Affiliation, on: dt.date) -> Affiliation:
    """End an affiliation (a student graduates, a mentor leaves); history is kept."""
    return affiliation_update(actor=actor, affiliation=affiliation, end=on)


@transaction.atomic
def person_delete(*, actor: Actor, person: Person) -> None:
    audit_record(
        actor=actor,
        action="person.delete",
        instance=person,
        organisation=_primary_org(person),
        changes={k: [v, None] for k, v in snapshot(person).items()},
    )
    person.delete()
