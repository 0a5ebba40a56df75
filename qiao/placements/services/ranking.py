"""Students rank openings; hosts score their applicants; students answer their offer."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core.audit import audit_record
from qiao.placements import facts
from qiao.placements import permissions as pp
from qiao.placements.compliance import eligibility
from qiao.placements.models import (
    HostScore,
    Opening,
    Placement,
    PlacementRound,
    PlacementState,
    Preference,
    RoundCandidate,
    RoundStatus,
)


def _own(actor: Any, candidate: RoundCandidate) -> None:
    """Only the student herself ranks (a platform admin may act for her)."""
    if actor is None or pp.perms.is_platform_admin(actor):
        return
    if candidate.person.user_id != getattr(actor, "pk", None):
        raise PermissionDenied


def _window(rnd: PlacementRound) -> None:
    if not rnd.ranking_is_open():
        raise ValidationError(_("Ranking is closed for this round."))


def candidate_eligibility(candidate: RoundCandidate, opening: Opening) -> list[Any]:
    """Why the candidate may not be placed at the opening (empty list: eligible)."""
    ruleset = facts.ruleset_of(facts.ruleset_row_for_school(opening.school_id))
    return eligibility(
        ruleset,
        facts.opening_facts(opening),
        facts.student_facts(
            major_id=candidate.major_id,
            date_of_birth=candidate.date_of_birth,
            cohort_year=candidate.cohort_year,
        ),
    )


def _renumber(candidate: RoundCandidate, order: list[int]) -> None:
    """Rewrite the candidate's list in `order` (opening ids). The list is short (≤ 50), so
    delete and insert is simpler than shuffling positions under the unique constraint."""
    Preference.objects.filter(candidate=candidate).delete()
    Preference.objects.bulk_create(
        [
            Preference(candidate=candidate, opening_id=oid, position=i + 1)
            for i, oid in enumerate(order)
        ]
    )


def _current(candidate: RoundCandidate) -> list[int]:
    return list(
        Preference.objects.filter(candidate=candidate)
        .order_by("position")
        .values_list("opening_id", flat=True)
    )


@transaction.atomic
def preference_add(*, actor: Any, candidate: RoundCandidate, opening: Opening) -> list[int]:
    """Add an opening at the end of the candidate's list. Refused (nothing changed): after the
    window, an opening not in the round or already ranked, a full list, an opening she is not
    eligible for (with the reasons)."""
    _own(actor, candidate)
    RoundCandidate.objects.select_for_update().filter(pk=candidate.pk).first()
    rnd = candidate.round
    _window(rnd)
    if not rnd.openings.filter(pk=opening.pk).exists():
        raise ValidationError({"opening": _("This opening is not part of the round.")})
    order = _current(candidate)
    if opening.pk in order:
        raise ValidationError({"opening": _("You have already ranked this opening.")})
    if len(order) >= rnd.max_choices:
        raise ValidationError(
            {"opening": _("You may rank at most %(n)d openings.") % {"n": rnd.max_choices}}
        )
    reasons = candidate_eligibility(candidate, opening)
    if reasons:
        messages = [r.message(_language()) for r in reasons]
        raise ValidationError({"opening": [_("You are not eligible for this opening."), *messages]})
    order.append(opening.pk)
    _renumber(candidate, order)
    audit_record(
        actor=actor,
        action="placements.preference.add",
        instance=candidate,
        organisation=rnd.school_id,
        changes={"preferences": [order[:-1], order]},
    )
    return order


def _language() -> str:
    from django.utils.translation import get_language

    return get_language() or "en"


@transaction.atomic
def preference_move(
    *, actor: Any, candidate: RoundCandidate, opening: Opening, direction: str
) -> list[int]:
    """Move an opening one place up or down the list."""
    _own(actor, candidate)
    RoundCandidate.objects.select_for_update().filter(pk=candidate.pk).first()
    _window(candidate.round)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Move up or down.")})
    order = _current(candidate)
    if opening.pk not in order:
        raise ValidationError({"opening": _("This opening is not on your list.")})
    i = order.index(opening.pk)
    j = i - 1 if direction == "up" else i + 1
    if not 0 <= j < len(order):
        return order
    before = list(order)
    order[i], order[j] = order[j], order[i]
    _renumber(candidate, order)
    audit_record(
        actor=actor,
        action="placements.preference.move",
        instance=candidate,
        organisation=candidate.round.school_id,
        changes={"preferences": [before, order]},
    )
    return order


@transaction.atomic
def preference_remove(*, actor: Any, candidate: RoundCandidate, opening: Opening) -> list[int]:
    _own(actor, candidate)
    RoundCandidate.objects.select_for_update().filter(pk=candidate.pk).first()
    _window(candidate.round)
    order = _current(candidate)
    if opening.pk not in order:
        raise ValidationError({"opening": _("This opening is not on your list.")})
    before = list(order)
    order.remove(opening.pk)
    _renumber(candidate, order)
    audit_record(
        actor=actor,
        action="placements.preference.remove",
        instance=candidate,
        organisation=candidate.round.school_id,
        changes={"preferences": [before, order]},
    )
    return order


def _score(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number from 0 to 100.")}) from None
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(100):
        raise ValidationError({field: _("Enter a number from 0 to 100.")})
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def host_score_set(
    *,
    actor: Any,
    placement_round: PlacementRound,
    opening: Opening,
    candidate: RoundCandidate,
    score: Any,
    interview_score: Any = None,
) -> HostScore:
    """A host scores an applicant to its own opening (0–100, higher is better). Refused when
    the student did not rank the opening, the opening is not in the round, or the round is
    already allocated."""
    if actor is not None and not pp.can_manage_host(actor, opening.host_id):
        raise PermissionDenied
    if (
        candidate.round_id != placement_round.pk
        or not placement_round.openings.filter(pk=opening.pk).exists()
    ):
        raise ValidationError({"candidate": _("This student did not apply to this opening.")})
    if placement_round.status not in (RoundStatus.OPEN, RoundStatus.CLOSED):
        raise ValidationError(_("Scores can no longer change in this round."))
    if not Preference.objects.filter(candidate=candidate, opening=opening).exists():
        raise ValidationError({"candidate": _("This student did not apply to this opening.")})
    value = _score(score, "score")
    if value is None:
        raise ValidationError({"score": _("Enter a number from 0 to 100.")})
    interview = _score(interview_score, "interview_score")
    old = HostScore.objects.filter(opening=opening, candidate=candidate).first()
    row, _created = HostScore.objects.update_or_create(
        opening=opening,
        candidate=candidate,
        defaults={
            "round": placement_round,
            "score": value,
            "interview_score": interview,
            "scored_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    audit_record(
        actor=actor,
        action="placements.score.set",
        instance=row,
        organisation=opening.host_id,
        changes={"score": [str(old.score) if old else None, str(value)]},
    )
    return row


@transaction.atomic
def placement_respond(*, actor: Any, placement: Placement, accept: bool) -> Placement:
    """The student accepts or declines her offer before the deadline."""
    row = Placement.objects.select_for_update().select_related("student").get(pk=placement.pk)
    mine = row.student.user_id == getattr(actor, "pk", None)
    if actor is not None and not pp.perms.is_platform_admin(actor) and not mine:
        raise PermissionDenied
    if row.state != PlacementState.OFFERED:
        raise ValidationError(_("This offer has already been answered."))
    now = timezone.now()
    if now > row.respond_by:
        raise ValidationError(_("The deadline to answer this offer has passed."))
    row.state = PlacementState.ACCEPTED if accept else PlacementState.DECLINED
    row.responded_at = now
    row.save(update_fields=["state", "responded_at", "updated_at"])
    audit_record(
        actor=actor,
        action="placements.placement.accept" if accept else "placements.placement.decline",
        instance=row,
        organisation=row.school_id,
        changes={"state": ["offered", row.state]},
    )
    placement.refresh_from_db()
    return placement


@transaction.atomic
def placements_expire(*, placement_round: PlacementRound) -> int:
    """Offers not answered by the deadline become "expired" (their seats are free again)."""
    return Placement.objects.filter(
        round=placement_round, state=PlacementState.OFFERED, respond_by__lt=timezone.now()
    ).update(state=PlacementState.EXPIRED, updated_at=timezone.now())
