"""Openings: create, update, compliance check, publish (blocked by a blocking rule), close."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core.audit import audit_record, snapshot
from qiao.core.models import Major, Person
from qiao.core.services._base import assign, save_validated
from qiao.placements import facts
from qiao.placements import permissions as pp
from qiao.placements.compliance import Violation, evaluate_opening
from qiao.placements.models import (
    ComplianceRuleSet,
    Opening,
    OpeningLanguage,
    OpeningSkill,
    OpeningStatus,
)
from qiao.placements.services.violations import sync_violations

# The fields of an opening a service call may set (forms show them in this order).
OPENING_FIELDS = (
    "title",
    "description",
    "kind",
    "school",
    "host",
    "site",
    "start",
    "end",
    "seats",
    "min_age",
    "cohort_year",
    "hours_per_day",
    "days_per_week",
    "night_work",
    "overtime",
    "public_holiday_work",
    "pay_amount",
    "pay_currency",
    "probation_wage",
    "fee_charged",
    "via_agency",
    "forbidden_for_minors",
    "heavy_labour",
    "entertainment_venue",
    "accommodation",
    "insurer",
    "insurance_from",
    "insurance_to",
    "post_headcount",
    "host_workforce",
)


def _validate(
    opening: Opening, majors: Sequence[Major] | None, mentors: Sequence[Person] | None
) -> None:
    errors: dict[str, list[str]] = {}
    if not opening.school.is_school:
        errors.setdefault("school", []).append(_("Choose a school."))
    if opening.site is not None and opening.site.host_id != opening.host_id:
        errors.setdefault("site", []).append(_("The site belongs to another host."))
    if opening.start and opening.end and opening.end < opening.start:
        errors.setdefault("end", []).append(_("The end comes before the start."))
    if majors is not None and any(m.organisation_id != opening.school_id for m in majors):
        errors.setdefault("majors", []).append(_("Choose majors of the opening's school."))
    if mentors is not None:
        host_people = set(
            Person.objects.filter(
                pk__in=[m.pk for m in mentors], affiliations__organisation_id=opening.host_id
            ).values_list("pk", flat=True)
        )
        if any(m.pk not in host_people for m in mentors):
            errors.setdefault("mentors", []).append(_("Mentors must be people of the host."))
    if errors:
        raise ValidationError(errors)


def _set_needs(
    opening: Opening,
    skills: Iterable[tuple[Any, int]] | None,
    languages: Iterable[tuple[str, str]] | None,
) -> None:
    if skills is not None:
        opening.skill_needs.all().delete()
        OpeningSkill.objects.bulk_create(
            [OpeningSkill(opening=opening, skill=s, level=level) for s, level in skills]
        )
    if languages is not None:
        opening.languages.all().delete()
        OpeningLanguage.objects.bulk_create(
            [OpeningLanguage(opening=opening, language=code, level=lv) for code, lv in languages]
        )


@transaction.atomic
def opening_create(
    *,
    actor: Any,
    majors: Sequence[Major] = (),
    mentors: Sequence[Person] = (),
    skills: Iterable[tuple[Any, int]] = (),
    languages: Iterable[tuple[str, str]] = (),
    **fields: Any,
) -> Opening:
    """A new opening, as a draft. The actor must coordinate its school or its host."""
    unknown = set(fields) - set(OPENING_FIELDS)
    if unknown:
        raise TypeError(f"unknown opening fields: {sorted(unknown)}")
    opening = Opening(**fields)
    if actor is not None and not pp.can_edit_opening(actor, opening):
        raise PermissionDenied
    opening.status = OpeningStatus.DRAFT
    _validate(opening, majors, mentors)
    save_validated(
        opening,
        actor=actor,
        action="placements.opening.create",
        before=None,
        organisation=opening.school,
    )
    opening.majors.set(majors)
    opening.mentors.set(mentors)
    _set_needs(opening, skills, languages)
    return opening


@transaction.atomic
def opening_update(
    *,
    actor: Any,
    opening: Opening,
    majors: Sequence[Major] | None = None,
    mentors: Sequence[Person] | None = None,
    skills: Iterable[tuple[Any, int]] | None = None,
    languages: Iterable[tuple[str, str]] | None = None,
    **fields: Any,
) -> Opening:
    """Change an opening. A published opening is checked again: if it now breaks a blocking
    rule the change is refused (unpublish it first by closing it)."""
    if actor is not None and not pp.can_edit_opening(actor, opening):
        raise PermissionDenied
    unknown = set(fields) - set(OPENING_FIELDS)
    if unknown:
        raise TypeError(f"unknown opening fields: {sorted(unknown)}")
    moves = ("school" in fields and fields["school"] != opening.school) or (
        "host" in fields and fields["host"] != opening.host
    )
    if moves and opening.status != OpeningStatus.DRAFT:
        raise ValidationError(_("The school and host of a published opening are fixed."))
    before = snapshot(opening)
    assign(opening, fields)
    _validate(opening, majors, mentors)
    save_validated(
        opening,
        actor=actor,
        action="placements.opening.update",
        before=before,
        organisation=opening.school,
    )
    if majors is not None:
        opening.majors.set(majors)
    if mentors is not None:
        opening.mentors.set(mentors)
    _set_needs(opening, skills, languages)
    if opening.status == OpeningStatus.PUBLISHED:
        found = opening_check(opening=opening)
        blocking = [v for v in found if v.blocks]
        if blocking:
            raise ValidationError([v.message(_lang()) for v in blocking])
    return opening


def _lang() -> str:
    from django.utils.translation import get_language

    return get_language() or "en"


def opening_violations(opening: Opening) -> list[Violation]:
    """What the school's rule set finds wrong with the opening now (nothing is written)."""
    row = facts.ruleset_row_for_school(opening.school_id)
    ruleset = facts.ruleset_of(row)
    return evaluate_opening(
        ruleset, facts.opening_facts(opening, interns=facts.host_interns(opening))
    )


@transaction.atomic
def opening_check(
    *, opening: Opening, ruleset_row: ComplianceRuleSet | None = None
) -> list[Violation]:
    """Evaluate the opening and keep the compliance page in step: new violations are
    recorded, those no longer found are resolved. `ruleset_row` is the school's rule set
    when the caller already has it (checking many openings of one school)."""
    row = ruleset_row or facts.ruleset_row_for_school(opening.school_id)
    found = evaluate_opening(
        facts.ruleset_of(row), facts.opening_facts(opening, interns=facts.host_interns(opening))
    )
    sync_violations(
        target={"opening": opening},
        school_id=opening.school_id,
        ruleset_id=row.pk,
        found=found,
        refresh=True,
    )
    return found


class BlockedByCompliance(ValidationError):
    """Publication refused: the violations say why."""

    def __init__(self, violations: list[Violation]) -> None:
        super().__init__([f"{v.message(_lang())} ({v.clause})" for v in violations])
        self.violations = violations


def opening_publish(*, actor: Any, opening: Opening) -> list[Violation]:
    """Publish a draft opening after checking the school's rule set. Blocking violations
    refuse it (BlockedByCompliance, the opening stays a draft; the violations are still
    recorded for the compliance page). Returns the warnings."""
    if actor is not None and not pp.can_publish_opening(actor, opening):
        raise PermissionDenied
    if opening.status == OpeningStatus.PUBLISHED:
        raise ValidationError(_("This opening is already published."))
    with transaction.atomic():
        Opening.objects.select_for_update().filter(pk=opening.pk).first()
        found = opening_check(opening=opening)
    blocking = [v for v in found if v.blocks]
    if blocking:
        raise BlockedByCompliance(blocking)
    with transaction.atomic():
        opening.status = OpeningStatus.PUBLISHED
        opening.published_at = timezone.now()
        opening.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(
            actor=actor,
            action="placements.opening.publish",
            instance=opening,
            organisation=opening.school_id,
            changes={"status": ["draft", "published"]},
        )
    return found


@transaction.atomic
def opening_close(*, actor: Any, opening: Opening) -> Opening:
    if actor is not None and not pp.can_edit_opening(actor, opening):
        raise PermissionDenied
    if opening.status == OpeningStatus.CLOSED:
        return opening
    old = opening.status
    opening.status = OpeningStatus.CLOSED
    opening.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="placements.opening.close",
        instance=opening,
        organisation=opening.school_id,
        changes={"status": [old, "closed"]},
    )
    return opening
