"""Hosts rank their applicants strictly (rounds whose priorities are `host_ranking`).

A host's managers keep, per opening, an order of the applicants to it: rank 1 first. The pages
change it one step at a time (add, move up or down, put at a position, remove); the API sets
the whole order at once. Every change rewrites the opening's order with contiguous ranks (the
lists are short, so delete and insert is simpler than shuffling ranks under the unique
constraint), under a lock on the round, so it cannot cross the round's publication.

Refused with a ValidationError and nothing changed: a round with other priorities, an opening
not in the round, a round that is no longer open or closed (allocated and published), a
candidate who did not apply to the opening or is not eligible there, a candidate listed twice,
ids that are not ids. Anyone but a manager of the opening's host (or a platform admin):
PermissionDenied.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from qiao.core.audit import audit_record
from qiao.placements import host_ranking_selectors as selectors
from qiao.placements import permissions as pp
from qiao.placements.models import (
    HostRanking,
    Opening,
    PlacementRound,
    Preference,
    PriorityMode,
    RoundCandidate,
    RoundStatus,
)

MAX_ID = 2**63 - 1
DIRECTIONS = ("up", "down")


def _guard(*, actor: Any, placement_round: PlacementRound, opening: Opening) -> PlacementRound:
    """Permission, then the round (locked) and the opening; returns the locked round."""
    if actor is not None and not pp.can_manage_host(actor, opening.host_id):
        raise PermissionDenied
    rnd = PlacementRound.objects.select_for_update().get(pk=placement_round.pk)
    if rnd.priority_mode != PriorityMode.HOST_RANKING:
        raise ValidationError(_("In this round hosts do not rank their applicants."))
    if not rnd.openings.filter(pk=opening.pk).exists():
        raise ValidationError({"opening": _("This opening is not part of the round.")})
    if rnd.status not in (RoundStatus.OPEN, RoundStatus.CLOSED):
        raise ValidationError(_("The ranking of applicants can no longer change in this round."))
    return rnd


def _applicants(rnd: PlacementRound, opening: Opening) -> dict[int, RoundCandidate]:
    """Everyone in the round who ranked the opening, by candidate pk."""
    return {
        p.candidate_id: p.candidate
        for p in Preference.objects.filter(candidate__round=rnd, opening=opening).select_related(
            "candidate__person"
        )
    }


def _require_eligible(opening: Opening, candidates: Sequence[RoundCandidate], field: str) -> None:
    why = selectors.applicant_eligibility(opening=opening, candidates=candidates)
    language = get_language() or "en"
    messages: list[str] = []
    for c in candidates:
        if why.get(c.pk):
            messages.append(_("%(name)s is not eligible for this opening.") % {"name": c.person})
            messages.extend(r.message(language) for r in why[c.pk])
    if messages:
        raise ValidationError({field: messages})


def _write(
    *,
    actor: Any,
    rnd: PlacementRound,
    opening: Opening,
    before: list[int],
    after: list[int],
    verb: str,
) -> list[int]:
    stale = HostRanking.objects.filter(round=rnd, opening=opening).count() != len(before)
    if after == before and not stale:
        return after
    HostRanking.objects.filter(round=rnd, opening=opening).delete()
    user = actor if getattr(actor, "is_authenticated", False) else None
    HostRanking.objects.bulk_create(
        [
            HostRanking(round=rnd, opening=opening, candidate_id=cid, rank=i + 1, ranked_by=user)
            for i, cid in enumerate(after)
        ]
    )
    audit_record(
        actor=actor,
        action=f"placements.host_ranking.{verb}",
        instance=opening,
        object_repr=f"{opening} · {rnd}",
        organisation=opening.host_id,
        changes={"round": [rnd.pk, rnd.pk], "ranking": [before, after]},
    )
    return after


def _change(
    *,
    actor: Any,
    placement_round: PlacementRound,
    opening: Opening,
    verb: str,
    change: Callable[[PlacementRound, list[int]], list[int]],
) -> list[int]:
    rnd = _guard(actor=actor, placement_round=placement_round, opening=opening)
    before = selectors.host_ranking_order(placement_round=rnd, opening=opening)
    after = change(rnd, list(before))
    return _write(actor=actor, rnd=rnd, opening=opening, before=before, after=after, verb=verb)


def _ranked_index(order: list[int], candidate: RoundCandidate) -> int:
    if candidate.pk not in order:
        raise ValidationError({"candidate": _("This applicant is not in your ranking.")})
    return order.index(candidate.pk)


def _position(value: Any, highest: int) -> int:
    """A position from 1 to `highest` (a whole number, or its digits as text)."""
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        text = value.strip()
        number = int(text) if len(text) <= 19 else None
    if number is None or not 1 <= number <= highest:
        raise ValidationError(
            {"position": _("Choose a position from 1 to %(n)d.") % {"n": highest}}
        )
    return number


def _admit(rnd: PlacementRound, opening: Opening, candidate: RoundCandidate) -> None:
    """A candidate joining the order must have applied to the opening and be eligible."""
    if candidate.round_id != rnd.pk or candidate.pk not in _applicants(rnd, opening):
        raise ValidationError({"candidate": _("This student did not apply to this opening.")})
    _require_eligible(opening, [candidate], "candidate")


@transaction.atomic
def host_ranking_add(
    *,
    actor: Any,
    placement_round: PlacementRound,
    opening: Opening,
    candidate: RoundCandidate,
) -> list[int]:
    """Add an applicant at the end of the host's order for the opening, if she applied to it,
    is eligible and is not in the order yet. Returns the order (candidate pks)."""

    def change(rnd: PlacementRound, order: list[int]) -> list[int]:
        if candidate.pk in order:
            raise ValidationError({"candidate": _("This applicant is already in your ranking.")})
        _admit(rnd, opening, candidate)
        order.append(candidate.pk)
        return order

    return _change(
        actor=actor, placement_round=placement_round, opening=opening, verb="add", change=change
    )


@transaction.atomic
def host_ranking_place(
    *,
    actor: Any,
    placement_round: PlacementRound,
    opening: Opening,
    candidate: RoundCandidate,
    position: Any,
) -> list[int]:
    """Put an applicant at `position` of the host's order for the opening (1 is first): one
    already ranked moves there; one not ranked yet is added there, if she applied and is
    eligible. Returns the order (candidate pks)."""

    def change(rnd: PlacementRound, order: list[int]) -> list[int]:
        if candidate.pk in order:
            order.remove(candidate.pk)
        else:
            _admit(rnd, opening, candidate)
        at = _position(position, len(order) + 1)
        order.insert(at - 1, candidate.pk)
        return order

    return _change(
        actor=actor, placement_round=placement_round, opening=opening, verb="place", change=change
    )


@transaction.atomic
def host_ranking_move(
    *,
    actor: Any,
    placement_round: PlacementRound,
    opening: Opening,
    candidate: RoundCandidate,
    direction: str,
) -> list[int]:
    """Move a ranked applicant one place up or down the host's order (at either end: no
    change)."""
    if direction not in DIRECTIONS:
        raise ValidationError({"direction": _("Move up or down.")})

    def change(rnd: PlacementRound, order: list[int]) -> list[int]:
        i = _ranked_index(order, candidate)
        j = i - 1 if direction == "up" else i + 1
        if 0 <= j < len(order):
            order[i], order[j] = order[j], order[i]
        return order

    return _change(
        actor=actor, placement_round=placement_round, opening=opening, verb="move", change=change
    )


@transaction.atomic
def host_ranking_remove(
    *,
    actor: Any,
    placement_round: PlacementRound,
    opening: Opening,
    candidate: RoundCandidate,
) -> list[int]:
    """Take an applicant out of the host's order: she comes after the ranked applicants again,
    in the lottery's order."""

    def change(rnd: PlacementRound, order: list[int]) -> list[int]:
        order.pop(_ranked_index(order, candidate))
        return order

    return _change(
        actor=actor, placement_round=placement_round, opening=opening, verb="remove", change=change
    )


def _ids(values: Any) -> list[int]:
    """Candidate ids as given: a list of whole numbers (or their digits as text), each once."""
    field = "candidate_ids"
    if isinstance(values, str | bytes | dict) or not isinstance(values, Sequence):
        raise ValidationError({field: _("Give the applicants as a list of ids, best first.")})
    out: list[int] = []
    seen: set[int] = set()
    for value in values:
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
            number = int(value)
        if number is None or not 1 <= number <= MAX_ID:
            raise ValidationError(
                {field: _("“%(value)s” is not an applicant id.") % {"value": str(value)[:40]}}
            )
        if number in seen:
            raise ValidationError(
                {field: _("Applicant %(id)d is listed more than once.") % {"id": number}}
            )
        seen.add(number)
        out.append(number)
    return out


@transaction.atomic
def host_ranking_set(
    *,
    actor: Any,
    placement_round: PlacementRound,
    opening: Opening,
    candidate_ids: Any,
) -> list[int]:
    """Set the host's whole order for the opening: `candidate_ids` best first, each an eligible
    applicant to the opening, each once; applicants left out are unranked. An empty list
    clears the order. Returns the order."""

    def change(rnd: PlacementRound, _before: list[int]) -> list[int]:
        order = _ids(candidate_ids)
        applicants = _applicants(rnd, opening)
        strangers = [cid for cid in order if cid not in applicants]
        if strangers:
            raise ValidationError(
                {
                    "candidate_ids": _("These students did not apply to this opening: %(ids)s.")
                    % {"ids": ", ".join(str(cid) for cid in strangers[:20])}
                }
            )
        _require_eligible(opening, [applicants[cid] for cid in order], "candidate_ids")
        return order

    return _change(
        actor=actor, placement_round=placement_round, opening=opening, verb="set", change=change
    )
