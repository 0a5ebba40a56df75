"""Home, audit log, health, and job progress."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from qiao.core import permissions as perms
from qiao.core import selectors
from qiao.core.filters import AuditFilter
from qiao.core.importexport.export import Column
from qiao.core.lists import ListPage, SortOption
from qiao.core.views._helpers import or_404

AUDIT_EXPORT = [
    Column("at", lambda e: e.at),
    Column("actor", lambda e: e.actor.email if e.actor else ""),
    Column("action", lambda e: e.action),
    Column("object_type", lambda e: e.object_type),
    Column("object_id", lambda e: e.object_id),
    Column("object", lambda e: e.object_repr),
    Column("changes", lambda e: json.dumps(e.changes, ensure_ascii=False, sort_keys=True)),
]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request, "core/home.html", {"summary": selectors.home_summary(viewer=request.user)}
    )


@login_required
def audit_list(request: HttpRequest) -> HttpResponseBase:
    perms.require(
        perms.is_platform_admin(request.user) or bool(perms.organisation_ids(request.user, "admin"))
    )
    page = ListPage(
        request=request,
        queryset=selectors.audit_list(viewer=request.user),
        filterset_class=AuditFilter,
        sorts=[
            SortOption("at", gettext_lazy("When"), ["-at"]),
            SortOption("action", gettext_lazy("Action"), ["action", "-at"]),
        ],
        default_sort="at",
        export_columns=AUDIT_EXPORT,
        export_name="audit-log",
    )
    return page.export() or render(request, "core/audit_list.html", page.context())


@login_required
def health(request: HttpRequest) -> HttpResponse:
    perms.require(perms.can_view_health(request.user))
    return render(request, "core/health.html", {"health": selectors.health_summary()})


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = selectors.job_list(viewer=request.user)[:50]
    return render(request, "core/job_list.html", {"jobs": jobs})


@login_required
def job_detail(request: HttpRequest, pk: str) -> HttpResponse:
    job = or_404(selectors.job_get(viewer=request.user, pk=pk))
    return render(request, "core/job_detail.html", {"job": job})


@login_required
def job_status(request: HttpRequest, pk: str) -> JsonResponse:
    """The small progress API the progress-bar component polls."""
    job = or_404(selectors.job_get(viewer=request.user, pk=pk))
    return JsonResponse(
        {
            "id": str(job.pk),
            "kind": job.kind,
            "state": job.state,
            "state_label": str(job.get_state_display()),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "message": job.message,
            "result_url": job.result_url,
        }
    )
