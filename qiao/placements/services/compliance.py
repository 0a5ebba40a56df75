"""Compliance rule sets: store a new version, choose one for a school."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from qiao.core.audit import audit_record
from qiao.core.models import Organisation
from qiao.placements import permissions as pp
from qiao.placements.compliance import RuleSetError, parse_ruleset
from qiao.placements.models import ComplianceRuleSet, Opening, OpeningStatus, SchoolRuleSet
from qiao.placements.services.openings import opening_check


@transaction.atomic
def ruleset_create(*, actor: Any, document: dict[str, Any]) -> ComplianceRuleSet:
    """Store a rule set as a new version of its code (versions are never edited). The version
    in the document is replaced by the next free one. Platform admins only."""
    if actor is not None and not pp.can_create_rulesets(actor):
        raise PermissionDenied
    try:
        parsed = parse_ruleset(document)
    except RuleSetError as exc:
        raise ValidationError({"document": [str(exc)]}) from None
    latest = ComplianceRuleSet.objects.filter(code=parsed.code).aggregate(v=Max("version"))["v"]
    version = (latest or 0) + 1
    row = ComplianceRuleSet.objects.create(
        code=parsed.code,
        version=version,
        title_en=parsed.title_en,
        title_zh=parsed.title_zh,
        document={**document, "version": version},
    )
    audit_record(
        actor=actor,
        action="placements.ruleset.create",
        instance=row,
        changes={"code": [None, parsed.code], "version": [None, version]},
    )
    return row


@transaction.atomic
def school_ruleset_set(
    *, actor: Any, school: Organisation, ruleset: ComplianceRuleSet
) -> SchoolRuleSet:
    """The rule set the school's openings are checked against from now on. The school's
    current openings (draft or published, not yet ended) are checked again at once, so the
    compliance page shows what the new version finds; published openings stay published (a
    blocking rule refuses publication, it does not withdraw an opening)."""
    if actor is not None and not pp.can_manage_school(actor, school.pk):
        raise PermissionDenied
    if not school.is_school:
        raise ValidationError({"school": ["Choose a school."]})
    old = SchoolRuleSet.objects.filter(school=school).first()
    row, _created = SchoolRuleSet.objects.update_or_create(
        school=school, defaults={"ruleset": ruleset}
    )
    audit_record(
        actor=actor,
        action="placements.ruleset.choose",
        instance=row,
        organisation=school,
        changes={"ruleset": [old.ruleset_id if old else None, ruleset.pk]},
    )
    current = Opening.objects.filter(
        school=school,
        status__in=[OpeningStatus.DRAFT, OpeningStatus.PUBLISHED],
        end__gte=timezone.localdate(),
    ).order_by("pk")
    for opening in current:
        opening_check(opening=opening, ruleset_row=ruleset)
    return row
