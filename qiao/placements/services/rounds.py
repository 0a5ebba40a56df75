"""Placement rounds: create, open (snapshot of the candidates), close ranking, later rounds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core.audit import audit_record
from qiao.core.models import Affiliation, AffiliationKind, Organisation
from qiao.placements import permissions as pp
from qiao.placements.models import (
    Opening,
    OpeningStatus,
    PlacementRound,
    PlacementState,
    RoundCandidate,
    RoundStatus,
)


def _validate_openings(school: Organisation, openings: Sequence[Opening]) -> None:
    if not openings:
        raise ValidationError({"openings": _("Choose at least one opening.")})
    wrong = [o for o in openings if o.school_id != school.pk]
    if wrong:
        raise ValidationError({"openings": _("Every opening must be offered to this school.")})
    drafts = [o.title for o in openings if o.status != OpeningStatus.PUBLISHED]
    if drafts:
        raise ValidationError(
            {"openings": _("Only published openings may be in a round: %s") % ", ".join(drafts)}
        )


@transaction.atomic
def round_create(
    *,
    actor: Any,
    school: Organisation,
    name: str,
    openings: Sequence[Opening],
    ranking_opens: dt.datetime,
    ranking_closes: dt.datetime,
    respond_by: dt.datetime,
    cohort_years: Sequence[int] = (),
    max_choices: int = 5,
    priority_mode: str = "hosts",
    weight_grades: Decimal = Decimal(1),
    weight_skills: Decimal = Decimal(0),
    weight_interview: Decimal = Decimal(0),
    previous: PlacementRound | None = None,
) -> PlacementRound:
    """A draft round of `school` over published openings."""
    if actor is not None and not pp.can_manage_school(actor, school.pk):
        raise PermissionDenied
    if not school.is_school:
        raise ValidationError({"school": _("Choose a school.")})
    _validate_openings(school, openings)
    errors: dict[str, str] = {}
    if ranking_closes <= ranking_opens:
        errors["ranking_closes"] = _("The ranking window must close after it opens.")
    if respond_by <= ranking_closes:
        errors["respond_by"] = _("Students must answer after the ranking window closes.")
    if any(not isinstance(y, int) or not 1950 <= y <= 2100 for y in cohort_years):
        errors["cohort_years"] = _("Cohort years are years such as 2024.")
    if errors:
        raise ValidationError(errors)
    rnd = PlacementRound(
        school=school,
        name=name,
        previous=previous,
        cohort_years=sorted(set(cohort_years)),
        ranking_opens=ranking_opens,
        ranking_closes=ranking_closes,
        respond_by=respond_by,
        max_choices=max_choices,
        priority_mode=priority_mode,
        weight_grades=weight_grades,
        weight_skills=weight_skills,
        weight_interview=weight_interview,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    rnd.full_clean()
    rnd.save()
    rnd.openings.set(openings)
    audit_record(
        actor=actor,
        action="placements.round.create",
        instance=rnd,
        organisation=school,
        changes={"openings": [None, [o.pk for o in openings]], "max_choices": [None, max_choices]},
    )
    return rnd


def _students_of(rnd: PlacementRound) -> list[RoundCandidate]:
    if rnd.previous_id is not None:
        # The unplaced and those who declined (or did not answer) in the previous round.
        prev = rnd.previous
        assert prev is not None
        held = set(
            prev.placements.filter(
                state__in=[PlacementState.OFFERED, PlacementState.ACCEPTED]
            ).values_list("candidate_id", flat=True)
        )
        return [
            RoundCandidate(
                round=rnd,
                person_id=c.person_id,
                student_number=c.student_number,
                major_id=c.major_id,
                cohort_year=c.cohort_year,
                date_of_birth=c.date_of_birth,
                grade_average=c.grade_average,
                skill_codes=c.skill_codes,
            )
            for c in prev.candidates.order_by("pk")
            if c.pk not in held
        ]
    affs = (
        Affiliation.objects.current()
        .filter(organisation_id=rnd.school_id, kind=AffiliationKind.STUDENT)
        .select_related("person")
        .order_by("person_id", "pk")
    )
    if rnd.cohort_years:
        affs = affs.filter(cohort_year__in=rnd.cohort_years)
    seen: set[int] = set()
    out = []
    for a in affs:
        if a.person_id in seen:
            continue
        seen.add(a.person_id)
        out.append(
            RoundCandidate(
                round=rnd,
                person_id=a.person_id,
                student_number=a.student_number,
                major_id=a.major_id,
                cohort_year=a.cohort_year,
                date_of_birth=a.person.date_of_birth,
            )
        )
    return out


@transaction.atomic
def round_open(*, actor: Any, placement_round: PlacementRound) -> PlacementRound:
    """Open the round for ranking: the candidates are taken now (a snapshot)."""
    rnd = PlacementRound.objects.select_for_update().get(pk=placement_round.pk)
    if actor is not None and not pp.can_manage_round(actor, rnd):
        raise PermissionDenied
    if rnd.status != RoundStatus.DRAFT:
        raise ValidationError(_("Only a draft round can be opened."))
    candidates = _students_of(rnd)
    if not candidates:
        raise ValidationError(_("No students are eligible to take part in this round."))
    RoundCandidate.objects.bulk_create(candidates, batch_size=1000)
    rnd.status = RoundStatus.OPEN
    rnd.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="placements.round.open",
        instance=rnd,
        organisation=rnd.school_id,
        changes={"status": ["draft", "open"], "candidates": [0, len(candidates)]},
    )
    placement_round.refresh_from_db()
    return placement_round


@transaction.atomic
def round_close_ranking(*, actor: Any, placement_round: PlacementRound) -> PlacementRound:
    """Close ranking (at or after the end of the window, or earlier by the coordinator)."""
    rnd = PlacementRound.objects.select_for_update().get(pk=placement_round.pk)
    if actor is not None and not pp.can_manage_round(actor, rnd):
        raise PermissionDenied
    if rnd.status != RoundStatus.OPEN:
        raise ValidationError(_("Only an open round can be closed."))
    rnd.status = RoundStatus.CLOSED
    rnd.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="placements.round.close",
        instance=rnd,
        organisation=rnd.school_id,
        changes={"status": ["open", "closed"]},
    )
    placement_round.refresh_from_db()
    return placement_round


def seats_left(opening_ids: Sequence[int], *, exclude_round: int | None = None) -> dict[int, int]:
    """Seats of each opening not held by a placement (offered, accepted or later)."""
    from django.db.models import Count

    from qiao.placements.models import Placement
    from qiao.placements.models.placements import HOLDS_SEAT

    held = dict(
        Placement.objects.filter(opening_id__in=opening_ids, state__in=HOLDS_SEAT)
        .exclude(Q(round_id=exclude_round) if exclude_round else Q(pk__in=[]))
        .values("opening_id")
        .annotate(n=Count("pk"))
        .values_list("opening_id", "n")
    )
    seats = dict(Opening.objects.filter(pk__in=opening_ids).values_list("pk", "seats"))
    return {pk: max(0, seats[pk] - held.get(pk, 0)) for pk in seats}


@transaction.atomic
def round_followup_create(
    *,
    actor: Any,
    previous: PlacementRound,
    name: str,
    ranking_opens: dt.datetime,
    ranking_closes: dt.datetime,
    respond_by: dt.datetime,
    max_choices: int | None = None,
) -> PlacementRound:
    """A later round for the unplaced and those who declined, over the openings of the
    previous round that still have seats."""
    if actor is not None and not pp.can_manage_round(actor, previous):
        raise PermissionDenied
    if previous.status != RoundStatus.PUBLISHED:
        raise ValidationError(_("A later round follows a published round."))
    if timezone.now() >= previous.respond_by:
        from qiao.placements.services.ranking import placements_expire

        placements_expire(placement_round=previous)
    elif previous.placements.filter(state=PlacementState.OFFERED).exists():
        raise ValidationError(_("Students of the previous round may still answer."))
    ids = list(previous.openings.values_list("pk", flat=True))
    left = seats_left(ids)
    openings = list(
        Opening.objects.filter(
            pk__in=[pk for pk, n in left.items() if n > 0], status=OpeningStatus.PUBLISHED
        )
    )
    if not openings:
        raise ValidationError(_("No seats are left in the openings of the previous round."))
    return round_create(
        actor=actor,
        school=previous.school,
        name=name,
        openings=openings,
        ranking_opens=ranking_opens,
        ranking_closes=ranking_closes,
        respond_by=respond_by,
        cohort_years=previous.cohort_years,
        max_choices=max_choices or previous.max_choices,
        priority_mode=previous.priority_mode,
        weight_grades=previous.weight_grades,
        weight_skills=previous.weight_skills,
        weight_interview=previous.weight_interview,
        previous=previous,
    )
