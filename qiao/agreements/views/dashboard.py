"""Dashboards: one agreement's KPIs and contributions; the overview of the viewer's
organisation. Charts are drawn by static/agreements/charts.js from JSON blocks (json_script),
each with a table beside it for those who read rather than look."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from qiao.agreements import permissions as agreement_perms
from qiao.agreements import selectors
from qiao.agreements.selectors import committees as committee_selectors
from qiao.agreements.views._common import get_agreement
from qiao.core import permissions as perms


def _labels() -> dict[str, str]:
    return {
        "actual": _("Actual"),
        "expected": _("Expected by today"),
        "percent": _("Percent of target"),
        "target": _("Target"),
        "agreements": _("Agreements"),
    }


@login_required
def agreement_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement(request, pk)
    data = selectors.agreement_dashboard(viewer=request.user, agreement=agreement, labels=_labels())
    if agreement_perms.committee_scope(request.user) is None or (
        committee_selectors.committees_for_agreement(viewer=request.user, agreement=agreement)
    ):
        chart = committee_selectors.action_items_chart(agreement=agreement, labels=_item_labels())
        data["action_rows"] = chart.pop("rows")
        data["action_chart"] = chart
    return render(request, "agreements/dashboard.html", {"agreement": agreement, "data": data})


def _item_labels() -> dict[str, str]:
    return {
        "open": _("Open"),
        "in_progress": _("In progress"),
        "overdue": _("Overdue"),
        "done": _("Done"),
        "cancelled": _("Cancelled"),
        "items": _("Action items"),
    }


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    perms.require(agreement_perms.can_use_agreements(request.user))
    organisation = getattr(request, "organisation", None)
    data = selectors.dashboard_overview(
        viewer=request.user, organisation=organisation, labels=_labels()
    )
    return render(request, "agreements/overview.html", {"organisation": organisation, "data": data})
