"""Evaluations: the mentor and the supervising teacher evaluate the student, the student
evaluates the site, each on a rubric of criteria scored 1–5 with comments. A site's quality
score is the mean of its students' evaluations (selectors.site_quality)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiao.core.audit import audit_record
from qiao.placements import permissions as pp
from qiao.placements.models import Evaluation, EvaluationRole, Placement, PlacementState

# The rubrics: criterion key → label.
STUDENT_RUBRIC = {
    "skills": gettext_lazy("Professional skills"),
    "attitude": gettext_lazy("Work attitude and discipline"),
    "teamwork": gettext_lazy("Teamwork and communication"),
    "safety": gettext_lazy("Safety awareness"),
}
SITE_RUBRIC = {
    "learning": gettext_lazy("What I learned"),
    "mentoring": gettext_lazy("Guidance by the mentor"),
    "conditions": gettext_lazy("Working conditions and safety"),
    "relevance": gettext_lazy("Relevance to my major"),
}
RUBRICS = {
    EvaluationRole.MENTOR: STUDENT_RUBRIC,
    EvaluationRole.TEACHER: STUDENT_RUBRIC,
    EvaluationRole.STUDENT: SITE_RUBRIC,
}


def roles_of(viewer: Any, placement: Placement) -> list[str]:
    """The evaluations the viewer writes for this placement."""
    roles = []
    if pp.is_mentor_of(viewer, placement):
        roles.append(EvaluationRole.MENTOR.value)
    if pp.is_teacher_of(viewer, placement):
        roles.append(EvaluationRole.TEACHER.value)
    if pp.is_student_of(viewer, placement):
        roles.append(EvaluationRole.STUDENT.value)
    return roles


@transaction.atomic
def evaluation_submit(
    *,
    actor: Any,
    placement: Placement,
    role: str,
    scores: dict[str, Any],
    comments: str = "",
) -> Evaluation:
    """Submit an evaluation once: every criterion of the role's rubric scored 1–5."""
    row = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("mentor", "supervising_teacher", "student")
        .get(pk=placement.pk)
    )
    if role not in EvaluationRole.values:
        raise ValidationError({"role": _("Unknown evaluation.")})
    if (
        actor is not None
        and not pp.perms.is_platform_admin(actor)
        and role not in roles_of(actor, row)
    ):
        raise PermissionDenied
    if row.state not in (PlacementState.ACTIVE, PlacementState.COMPLETED):
        raise ValidationError(_("Evaluations are written while the placement is active."))
    if Evaluation.objects.filter(placement=row, role=role).exists():
        raise ValidationError(_("This evaluation has already been submitted."))
    rubric = RUBRICS[EvaluationRole(role)]
    errors: dict[str, str] = {}
    clean: dict[str, int] = {}
    unknown = set(scores) - set(rubric)
    if unknown:
        errors["scores"] = _("Unknown criteria: %(c)s.") % {"c": ", ".join(sorted(unknown))}
    for key, label in rubric.items():
        value = scores.get(key)
        try:
            number = int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = 0
        if str(value).strip() != str(number) or not 1 <= number <= 5:
            errors[key] = _("%(criterion)s: score it from 1 to 5.") % {"criterion": label}
            continue
        clean[key] = number
    if errors:
        raise ValidationError(errors)
    mean = (Decimal(sum(clean.values())) / len(clean)).quantize(Decimal("0.01"))
    evaluation = Evaluation.objects.create(
        placement=row,
        role=role,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        scores=clean,
        mean=mean,
        comments=(comments or "").strip()[:4000],
    )
    audit_record(
        actor=actor,
        action="placements.evaluation.submit",
        instance=evaluation,
        organisation=row.school_id,
        changes={"role": [None, role], "mean": [None, str(mean)]},
    )
    return evaluation
