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
    return render(request, "agreements/dashboard.html", {"agreement": agreement, "data": data})


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    perms.require(agreement_perms.can_use_agreements(request.user))
    organisation = getattr(request, "organisation", None)
    data = selectors.dashboard_overview(
        viewer=request.user, organisation=organisation, labels=_labels()
    )
    return render(request, "agreements/overview.html", {"organisation": organisation, "data": data})
