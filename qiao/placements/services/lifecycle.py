"""The placement lifecycle after acceptance:

    offered → accepted → agreement signed → active → completed
                 └───────────┴──────────────┴──→ terminated (with a reason)

Assigning the supervising teacher and the mentor, recording the insurance policy, activation
(the school's compliance rules on the placement: blocking rules stop it and say why),
termination and completion (which issues the internship credential when the school is an
issuer with an internship achievement). The three-party agreement is in `agreement.py`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core.audit import audit_record
from qiao.core.models import AffiliationKind, Person
from qiao.placements import facts
from qiao.placements import permissions as pp
from qiao.placements.compliance import Violation, evaluate_placement
from qiao.placements.models import (
    ComplianceViolation,
    Evaluation,
    EvaluationRole,
    InsurancePolicy,
    Placement,
    PlacementState,
)
from qiao.placements.services.violations import sync_violations

logger = logging.getLogger("qiao.placements")

S = PlacementState
# Where a placement can go from each state (the offer itself is answered in ranking.py).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.OFFERED: (S.ACCEPTED, S.DECLINED, S.EXPIRED),
    S.ACCEPTED: (S.AGREEMENT_SIGNED, S.TERMINATED),
    S.AGREEMENT_SIGNED: (S.ACTIVE, S.TERMINATED),
    S.ACTIVE: (S.COMPLETED, S.TERMINATED),
    S.DECLINED: (),
    S.EXPIRED: (),
    S.COMPLETED: (),
    S.TERMINATED: (),
}
# Evaluations a placement needs before it is completed.
REQUIRED_EVALUATIONS = (EvaluationRole.MENTOR, EvaluationRole.TEACHER)


def lock(placement: Placement) -> Placement:
    """The placement row, locked for the transaction, with what the checks read."""
    return (
        Placement.objects.select_for_update(of=("self",))
        .select_related("opening", "student", "mentor", "supervising_teacher", "school", "host")
        .get(pk=placement.pk)
    )


def _move(row: Placement, to: str) -> str:
    if to not in TRANSITIONS[row.state]:
        raise ValidationError(
            _("This placement is %(state)s: it cannot become %(to)s.")
            % {
                "state": str(S(row.state).label).lower(),
                "to": str(S(to).label).lower(),
            }
        )
    old = row.state
    row.state = to
    return old


def _audit(actor: Any, action: str, row: Placement, changes: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        action=f"placements.placement.{action}",
        instance=row,
        organisation=row.school_id,
        changes=changes,
    )


def _lang() -> str:
    from django.utils.translation import get_language

    return get_language() or "en"


# --- Supervising teacher and mentor ------------------------------------------------------------


def _works_for(person: Person, org_id: int, kinds: tuple[str, ...]) -> bool:
    return person.affiliations.current().filter(organisation_id=org_id, kind__in=kinds).exists()


@transaction.atomic
def placement_assign(
    *,
    actor: Any,
    placement: Placement,
    supervising_teacher: Person | None = None,
    mentor: Person | None = None,
) -> Placement:
    """Assign the supervising teacher (a teacher of the school; the school's coordinators) and
    the mentor (a person of the host; the school's or the host's coordinators)."""
    row = lock(placement)
    if supervising_teacher is not None and actor is not None:
        perms_ok = pp.can_manage_placement(actor, row)
        if not perms_ok:
            raise PermissionDenied
    if mentor is not None and actor is not None and not pp.can_terminate(actor, row):
        raise PermissionDenied
    if row.state not in (S.ACCEPTED, S.AGREEMENT_SIGNED, S.ACTIVE):
        raise ValidationError(_("Teachers and mentors are assigned to accepted placements."))
    errors: dict[str, str] = {}
    teacher_kinds = (AffiliationKind.TEACHER, AffiliationKind.STAFF)
    if supervising_teacher is not None and not _works_for(
        supervising_teacher, row.school_id, teacher_kinds
    ):
        errors["supervising_teacher"] = _("Choose a teacher of the school.")
    host_kinds = (AffiliationKind.MENTOR, AffiliationKind.STAFF, AffiliationKind.TEACHER)
    if mentor is not None and not _works_for(mentor, row.host_id, host_kinds):
        errors["mentor"] = _("Choose a mentor affiliated with the host.")
    if errors:
        raise ValidationError(errors)
    changes: dict[str, Any] = {}
    if supervising_teacher is not None:
        changes["supervising_teacher"] = [row.supervising_teacher_id, supervising_teacher.pk]
        row.supervising_teacher = supervising_teacher
    if mentor is not None:
        changes["mentor"] = [row.mentor_id, mentor.pk]
        row.mentor = mentor
    row.save(update_fields=["supervising_teacher", "mentor", "updated_at"])
    _audit(actor, "assign", row, changes)
    if row.state == S.ACCEPTED:
        # The agreement names them: a document not yet accepted by everyone is regenerated.
        from qiao.placements.services.agreement import agreement_refresh

        agreement_refresh(placement=row)
    placement.refresh_from_db()
    return placement


# --- Insurance ---------------------------------------------------------------------------------


@transaction.atomic
def insurance_set(
    *,
    actor: Any,
    placement: Placement,
    insurer: str,
    number: str,
    starts: dt.date | None,
    ends: dt.date | None,
) -> InsurancePolicy:
    """Record (or correct) the placement's insurance policy. Whether it covers the whole
    period is checked at activation (and weekly), where the rule says why."""
    row = lock(placement)
    if actor is not None and not pp.can_terminate(actor, row):
        raise PermissionDenied
    if row.state not in (S.ACCEPTED, S.AGREEMENT_SIGNED, S.ACTIVE):
        raise ValidationError(_("Insurance is recorded for accepted placements."))
    errors: dict[str, str] = {}
    insurer, number = (insurer or "").strip(), (number or "").strip()
    if not insurer:
        errors["insurer"] = _("Name the insurer.")
    if not number:
        errors["number"] = _("Give the policy number.")
    if starts is None:
        errors["starts"] = _("When does the cover start?")
    if ends is None:
        errors["ends"] = _("When does the cover end?")
    if starts and ends and ends < starts:
        errors["ends"] = _("The cover ends before it starts.")
    if errors:
        raise ValidationError(errors)
    old = InsurancePolicy.objects.filter(placement=row).first()
    policy, _created = InsurancePolicy.objects.update_or_create(
        placement=row,
        defaults={
            "insurer": insurer[:200],
            "number": number[:100],
            "starts": starts,
            "ends": ends,
            "recorded_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    _audit(
        actor,
        "insurance",
        row,
        {
            "insurer": [old.insurer if old else None, policy.insurer],
            "number": [old.number if old else None, policy.number],
            "period": [
                f"{old.starts}..{old.ends}" if old else None,
                f"{policy.starts}..{policy.ends}",
            ],
        },
    )
    return policy


# --- Compliance on a placement -----------------------------------------------------------------


def placement_violations(placement: Placement) -> list[Violation]:
    """What the school's rule set finds wrong with the placement now (nothing written)."""
    ruleset = facts.ruleset_of(facts.ruleset_row_for_school(placement.school_id))
    return evaluate_placement(
        ruleset, facts.opening_facts(placement.opening), facts.placement_facts(placement)
    )


def placement_check(*, placement: Placement) -> list[Violation]:
    """Evaluate the placement and keep the compliance page in step (placement-scope rules:
    new violations recorded, those no longer found resolved)."""
    row = facts.ruleset_row_for_school(placement.school_id)
    found = evaluate_placement(
        facts.ruleset_of(row),
        facts.opening_facts(placement.opening),
        facts.placement_facts(placement),
    )
    record_violations(
        placement=placement, found=found, ruleset_id=row.pk, timesheet=None, resolve=True
    )
    return found


def record_violations(
    *,
    placement: Placement,
    found: list[Violation],
    ruleset_id: int,
    timesheet: Any,
    resolve: bool,
) -> list[ComplianceViolation]:
    """Write new violations of a placement (or one of its timesheets); with `resolve`, those
    of the same target no longer found are resolved. Returns the rows created."""
    return sync_violations(
        target={"placement": placement, "timesheet": timesheet},
        school_id=placement.school_id,
        ruleset_id=ruleset_id,
        found=found,
        resolve=resolve,
    )


class ActivationBlocked(ValidationError):
    """Activation refused by blocking rules: the violations say why."""

    def __init__(self, violations: list[Violation]) -> None:
        super().__init__([f"{v.message(_lang())} ({v.clause})" for v in violations])
        self.violations = violations


def placement_activate(*, actor: Any, placement: Placement) -> list[Violation]:
    """Make a placement whose agreement is signed active. Needs the supervising teacher, the
    mentor and an insurance policy; then the school's rule set is evaluated on the placement:
    blocking violations refuse it (ActivationBlocked; they are recorded on the compliance
    page), warnings are returned."""
    with transaction.atomic():
        row = lock(placement)
        if actor is not None and not pp.can_manage_placement(actor, row):
            raise PermissionDenied
        if row.state != S.AGREEMENT_SIGNED:
            _move(row, S.ACTIVE)  # explains the state
            raise ValidationError(_("Only a placement with a signed agreement can start."))
        errors: dict[str, str] = {}
        if row.supervising_teacher_id is None:
            errors["supervising_teacher"] = _("Assign the supervising teacher first.")
        if row.mentor_id is None:
            errors["mentor"] = _("Assign the mentor first.")
        policy = InsurancePolicy.objects.filter(placement=row).first()
        if policy is None:
            errors["insurance"] = _(
                "Record the insurance policy first: a placement is insured before it starts."
            )
        if errors:
            raise ValidationError(errors)
        found = placement_check(placement=row)
    blocking = [v for v in found if v.blocks]
    assert policy is not None
    if not blocking and not policy.covers(row.opening.start, row.opening.end):
        # The school's rule set has no insurance rule: the platform still requires cover.
        raise ValidationError(
            {
                "insurance": _("The insurance must cover the whole placement (%(s)s to %(e)s).")
                % {"s": row.opening.start, "e": row.opening.end}
            }
        )
    if blocking:
        raise ActivationBlocked(blocking)
    with transaction.atomic():
        row = lock(placement)
        old = _move(row, S.ACTIVE)
        row.activated_at = timezone.now()
        row.save(update_fields=["state", "activated_at", "updated_at"])
        _audit(actor, "activate", row, {"state": [old, row.state]})
    placement.refresh_from_db()
    return [v for v in found if not v.blocks]


@transaction.atomic
def placement_terminate(*, actor: Any, placement: Placement, reason: str) -> Placement:
    """End a placement early: the school's or the host's coordinators, with a reason."""
    row = lock(placement)
    if actor is not None and not pp.can_terminate(actor, row):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise ValidationError({"reason": _("Say why the placement is terminated.")})
    old = _move(row, S.TERMINATED)
    row.terminated_at = timezone.now()
    row.termination_reason = reason[:2000]
    row.save(update_fields=["state", "terminated_at", "termination_reason", "updated_at"])
    _audit(actor, "terminate", row, {"state": [old, row.state], "reason": [None, reason]})
    placement.refresh_from_db()
    return placement


# --- Completion --------------------------------------------------------------------------------


def _issue_credential(actor: Any, row: Placement) -> tuple[Any, str]:
    """The one call site of qiao.credentials: an internship-completion credential when the
    school is an issuer with an active internship achievement. Returns (credential or None,
    why not)."""
    from qiao.credentials.models import Achievement, AchievementKind, Issuer
    from qiao.credentials.services.issuance import credential_issue

    if not Issuer.objects.filter(organisation_id=row.school_id).exists():
        return None, _("The school is not a credential issuer: no credential was issued.")
    achievement = (
        Achievement.objects.filter(
            organisation_id=row.school_id, kind=AchievementKind.INTERNSHIP, is_active=True
        )
        .order_by("pk")
        .first()
    )
    if achievement is None:
        return None, _("The school has no internship achievement: no credential was issued.")
    try:
        with transaction.atomic():
            credential = credential_issue(actor=actor, achievement=achievement, person=row.student)
    except ValidationError as exc:
        return None, _("No credential was issued: %(why)s") % {"why": " ".join(exc.messages)}
    return credential, ""


def completion_problems(placement: Placement, today: dt.date | None = None) -> list[str]:
    today = today or timezone.localdate()
    problems = []
    if placement.state != S.ACTIVE:
        problems.append(_("Only an active placement can be completed."))
    if today < placement.opening.end:
        problems.append(
            _("The placement ends on %(day)s: it cannot be completed before.")
            % {"day": placement.opening.end}
        )
    done = set(Evaluation.objects.filter(placement=placement).values_list("role", flat=True))
    for role in REQUIRED_EVALUATIONS:
        if role not in done:
            problems.append(
                _("Waiting for an evaluation: %(role)s.") % {"role": EvaluationRole(role).label}
            )
    return problems


def placement_complete(
    *, actor: Any, placement: Placement, today: dt.date | None = None
) -> tuple[Placement, Any, str]:
    """Complete an active placement (the school's coordinators): its end date reached and the
    mentor's and supervising teacher's evaluations in. Issues the internship-completion
    credential when the school can; returns (placement, credential or None, a note saying why
    none was issued)."""
    with transaction.atomic():
        row = lock(placement)
        if actor is not None and not pp.can_manage_placement(actor, row):
            raise PermissionDenied
        problems = completion_problems(row, today)
        if problems:
            raise ValidationError(problems)
        old = _move(row, S.COMPLETED)
        row.completed_at = timezone.now()
        credential, note = _issue_credential(actor, row)
        row.credential = credential
        row.save(update_fields=["state", "completed_at", "credential", "updated_at"])
        _audit(
            actor,
            "complete",
            row,
            {
                "state": [old, row.state],
                "credential": [None, str(credential.pk) if credential else None],
            },
        )
    placement.refresh_from_db()
    return placement, credential, note
