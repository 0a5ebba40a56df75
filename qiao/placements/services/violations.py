"""Keeping the compliance page in step with what the rules find, for any target (an opening,
a placement, one of its timesheets)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from qiao.placements.compliance import Violation
from qiao.placements.models import ComplianceViolation


def sync_violations(
    *,
    target: dict[str, Any],
    school_id: int,
    ruleset_id: int,
    found: list[Violation],
    resolve: bool = True,
    refresh: bool = False,
) -> list[ComplianceViolation]:
    """Record the violations `found` on `target` (the fields naming it, e.g. {"opening": o})
    that are not open yet. With `resolve`, open violations of the target no longer found are
    resolved; with `refresh`, those still found take the new message and rule set. Returns
    the rows created."""
    open_rows = {
        v.rule_id: v for v in ComplianceViolation.objects.filter(resolved_at=None, **target)
    }
    found_ids = {v.rule_id for v in found}
    if resolve:
        stale = [v.pk for rule, v in open_rows.items() if rule not in found_ids]
        if stale:
            ComplianceViolation.objects.filter(pk__in=stale).update(resolved_at=timezone.now())
    created = ComplianceViolation.objects.bulk_create(
        [
            ComplianceViolation(
                school_id=school_id,
                ruleset_id=ruleset_id,
                rule_id=v.rule_id,
                severity=v.severity,
                message_en=v.message_en,
                message_zh=v.message_zh,
                clause=v.clause,
                **target,
            )
            for v in found
            if v.rule_id not in open_rows
        ]
    )
    if refresh:
        for v in found:
            old = open_rows.get(v.rule_id)
            if old is not None and (old.message_en != v.message_en or old.ruleset_id != ruleset_id):
                ComplianceViolation.objects.filter(pk=old.pk).update(
                    message_en=v.message_en, message_zh=v.message_zh, ruleset_id=ruleset_id
                )
    return created
