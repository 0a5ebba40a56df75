"""The in-app inbox: list (all, unread, read), mark one read, mark all read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from qiao.core import selectors
from qiao.core.services import notifications as services
from qiao.core.views._helpers import or_404

PER_PAGE = 25
FILTERS = {"all": None, "unread": True, "read": False}


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "all")
    if show not in FILTERS:
        show = "all"
    qs = selectors.notification_list(viewer=request.user, unread=FILTERS[show])
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/notification_list.html",
        {
            "page_obj": page,
            "paginator": page.paginator,
            "object_list": page.object_list,
            "show": show,
            "query_without_page": f"show={show}",
            "unread_total": selectors.notification_unread_count(viewer=request.user),
        },
    )


@require_POST
@login_required
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read; then go to what the notification points at (`open`) or back to the list."""
    notification = or_404(selectors.notification_get(viewer=request.user, pk=pk))
    services.notification_mark_read(user=request.user, notification=notification)  # type: ignore[arg-type]
    if request.POST.get("open") and notification.url.startswith("/"):
        return redirect(notification.url)
    return redirect(_safe_next(request, "core:notification_list"))


@require_POST
@login_required
def notification_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)  # type: ignore[arg-type]
    return redirect(_safe_next(request, "core:notification_list"))
