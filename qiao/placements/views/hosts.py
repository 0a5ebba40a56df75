"""The host's pages when it ranks its applicants strictly (rounds whose priorities are
`host_ranking`): each of its openings' applicants as an ordered list, changed one step at a
time by plain form posts (the page works without JavaScript; with htmx the list is swapped in
place, as on the student's ranking page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qiao.core import permissions as perms
from qiao.core.importexport.export import EXPORT_FORMATS
from qiao.placements import host_ranking_selectors as hrs
from qiao.placements import permissions as pp
from qiao.placements import selectors, services
from qiao.placements.forms import HostRankingForm
from qiao.placements.models import Opening, PlacementRound, RoundCandidate, RoundStatus
from qiao.placements.views._common import error_messages, get_round


def _chosen(openings: list[Opening], raw: str) -> Opening | None:
    """The opening asked for in the query (`?opening=<id>`), else the first one."""
    wanted = raw.strip()
    if wanted.isascii() and wanted.isdigit() and len(wanted) <= 19:
        for o in openings:
            if o.pk == int(wanted):
                return o
    return openings[0] if openings else None


def ranking_board(
    request: HttpRequest,
    rnd: PlacementRound,
    *,
    opening: Opening | None = None,
    errors: list[str] | None = None,
) -> HttpResponse:
    """The applicants page of a `host_ranking` round: the viewer's openings, and the chosen
    one's applicants in the host's order, then those it has not ranked."""
    openings = hrs.host_ranking_openings(viewer=request.user, placement_round=rnd)
    if opening is None:
        opening = _chosen(openings, request.GET.get("opening", ""))
    context: dict[str, Any] = {
        "round": rnd,
        "ranking_mode": True,
        "openings": openings,
        "opening": opening,
        "board": None,
        "can_rank": False,
        "errors": errors or [],
        "export_formats": EXPORT_FORMATS,
    }
    if opening is not None:
        board = hrs.host_ranking_board(placement_round=rnd, opening=opening)
        for row in board["ineligible"]:
            row["reasons"] = [r.message(request.LANGUAGE_CODE) for r in row["reasons"]]
        context["board"] = board
        context["can_rank"] = rnd.status in (
            RoundStatus.OPEN,
            RoundStatus.CLOSED,
        ) and pp.can_manage_host(request.user, opening.host_id)
    return render(request, "placements/applicants.html", context)


def _apply(
    request: HttpRequest,
    rnd: PlacementRound,
    opening: Opening,
    candidate: RoundCandidate,
    action: str,
    position: int | None,
) -> None:
    actor = request.user
    if action == "add":
        services.host_ranking_add(
            actor=actor, placement_round=rnd, opening=opening, candidate=candidate
        )
    elif action == "place":
        services.host_ranking_place(
            actor=actor,
            placement_round=rnd,
            opening=opening,
            candidate=candidate,
            position=position,
        )
    elif action == "remove":
        services.host_ranking_remove(
            actor=actor, placement_round=rnd, opening=opening, candidate=candidate
        )
    else:
        services.host_ranking_move(
            actor=actor, placement_round=rnd, opening=opening, candidate=candidate, direction=action
        )


@login_required
@require_POST
def host_ranking_change(request: HttpRequest, pk: int) -> HttpResponse:
    """One change of a host's order (add, up, down, place, remove): a plain form post that
    redirects back to the opening's list; with htmx the list is swapped in place."""
    rnd = get_round(request, pk)
    if not (
        perms.is_platform_admin(request.user)
        or selectors.is_host_in_round(viewer=request.user, placement_round=rnd)
    ):
        raise Http404
    target = reverse("placements:applicants", args=[rnd.pk])
    form = HostRankingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an applicant and an action."))
        return redirect(target)
    opening = rnd.openings.filter(pk=form.cleaned_data["opening"]).first()
    if opening is None:
        messages.error(request, _("This opening is not part of the round."))
        return redirect(target)
    perms.require(pp.can_manage_host(request.user, opening.host_id))
    target += f"?opening={opening.pk}"
    candidate = RoundCandidate.objects.filter(pk=form.cleaned_data["candidate"], round=rnd).first()
    action = form.cleaned_data["action"]
    htmx = bool(request.headers.get("HX-Request"))
    errors: list[str] = []
    try:
        if candidate is None:
            raise ValidationError(_("This student did not apply to this opening."))
        _apply(request, rnd, opening, candidate, action, form.cleaned_data.get("position"))
    except ValidationError as exc:
        if htmx:
            errors = list(exc.messages)
        else:
            error_messages(request, exc)
    if htmx:  # the list is swapped in place; errors are shown inside it
        return ranking_board(request, rnd, opening=opening, errors=errors)
    return redirect(target)
