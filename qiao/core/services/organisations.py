from __future__ import annotations

from typing import Any

from django.db import transaction

from qiao.core.audit import audit_record, snapshot
from qiao.core.models import Department, Major, Organisation
from qiao.core.services._base import assign, save_validated
from qiao.core.types import Actor

ORGANISATION_FIELDS = (
    "kind",
    "name",
    "name_en",
    "name_local",
    "short_name",
    "country",
    "city",
    "website",
    "logo",
    "description",
    "is_active",
)


@transaction.atomic
def organisation_create(*, actor: Actor, **fields: Any) -> Organisation:
    """Create an organisation; raises ValidationError naming the field on bad input."""
    org = Organisation()
    assign(org, fields)
    return save_validated(
        org, actor=actor, action="organisation.create", before=None, organisation=org
    )


@transaction.atomic
def organisation_update(*, actor: Actor, organisation: Organisation, **fields: Any) -> Organisation:
    before = snapshot(organisation)
    assign(organisation, fields)
    return save_validated(
        organisation,
        actor=actor,
        action="organisation.update",
        before=before,
        organisation=organisation,
    )


@transaction.atomic
def department_create(*, actor: Actor, organisation: Organisation, **fields: Any) -> Department:
    dept = Department(organisation=organisation)
    assign(dept, fields)
    return save_validated(
        dept, actor=actor, action="department.create", before=None, organisation=organisation
    )


@transaction.atomic
def department_update(*, actor: Actor, department: Department, **fields: Any) -> Department:
    before = snapshot(department)
    fields.pop("organisation", None)  # a department never moves between organisations
    assign(department, fields)
    return save_validated(
        department,
        actor=actor,
        action="department.update",
        before=before,
        organisation=department.organisation_id,
    )


@transaction.atomic
def department_delete(*, actor: Actor, department: Department) -> None:
    """Delete a department; people keep their affiliations, without a department."""
    audit_record(
        actor=actor,
        action="department.delete",
        instance=department,
        organisation=department.organisation_id,
        changes={k: [v, None] for k, v in snapshot(department).items()},
    )
    department.delete()


@transaction.atomic
def major_create(*, actor: Actor, organisation: Organisation, **fields: Any) -> Major:
    major = Major(organisation=organisation)
    assign(major, fields)
    return save_validated(
        major, actor=actor, action="major.create", before=None, organisation=organisation
    )
