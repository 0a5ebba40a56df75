"""Sites and openings: lists, pages, forms, publication."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qiao.core import permissions as perms
from qiao.core.importexport.export import Column
from qiao.core.lists import ListPage, SortOption
from qiao.placements import permissions as pp
from qiao.placements import selectors, services
from qiao.placements.filters import OpeningFilter, SiteFilter
from qiao.placements.forms import OpeningForm, SiteForm
from qiao.placements.lifecycle_selectors import site_quality
from qiao.placements.services.openings import BlockedByCompliance
from qiao.placements.views._common import (
    apply_validation_error,
    error_messages,
    get_opening,
    get_site,
)

SITE_EXPORT = [
    Column("id", lambda s: s.pk),
    Column("name", lambda s: s.name),
    Column("name_en", lambda s: s.name_en),
    Column("kind", lambda s: s.kind),
    Column("host", lambda s: s.host.name),
    Column("school", lambda s: s.school.name),
    Column("agreement_id", lambda s: s.agreement_id),
    Column("city", lambda s: s.city),
    Column("country", lambda s: s.country.code),
    Column("capacity", lambda s: s.capacity),
    Column("contact_name", lambda s: s.contact_name),
    Column("contact_email", lambda s: s.contact_email),
]
SITE_SORTS = [
    SortOption("name", gettext_lazy("Name"), ["name"]),
    SortOption("host", gettext_lazy("Host"), ["host__name", "name"]),
    SortOption("capacity", gettext_lazy("Capacity"), ["capacity", "name"]),
]
OPENING_EXPORT = [
    Column("id", lambda o: o.pk),
    Column("title", lambda o: o.title),
    Column("kind", lambda o: o.kind),
    Column("status", lambda o: o.status),
    Column("host", lambda o: o.host.name),
    Column("school", lambda o: o.school.name),
    Column("site", lambda o: o.site.name if o.site_id else ""),
    Column("start", lambda o: o.start),
    Column("end", lambda o: o.end),
    Column("seats", lambda o: o.seats),
    Column("hours_per_day", lambda o: str(o.hours_per_day)),
    Column("days_per_week", lambda o: o.days_per_week),
    Column("pay_amount", lambda o: str(o.pay_amount)),
    Column("pay_currency", lambda o: o.pay_currency),
    Column("open_violations", lambda o: o.open_violations),
]
OPENING_SORTS = [
    SortOption("title", gettext_lazy("Title"), ["title"]),
    SortOption("start", gettext_lazy("Start"), ["start", "title"]),
    SortOption("seats", gettext_lazy("Seats"), ["seats", "title"]),
    SortOption("status", gettext_lazy("Status"), ["status", "title"]),
]


def _list(request: HttpRequest, page: ListPage, template: str, **extra: object) -> HttpResponseBase:
    download = page.export()
    if download is not None:
        return download
    context = page.context()
    context.update(extra)
    return render(request, template, context)


@login_required
def site_list(request: HttpRequest) -> HttpResponseBase:
    perms.require(pp.can_use_placements(request.user))
    page = ListPage(
        request=request,
        queryset=selectors.site_list(viewer=request.user),
        filterset_class=SiteFilter,
        sorts=SITE_SORTS,
        default_sort="name",
        export_columns=SITE_EXPORT,
        export_name="sites",
    )
    return _list(
        request,
        page,
        "placements/site_list.html",
        can_create=pp.can_create_sites_or_openings(request.user),
    )


@login_required
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_site(request, pk)
    openings = selectors.opening_list(viewer=request.user).filter(site=site).order_by("title")
    return render(
        request,
        "placements/site_detail.html",
        {
            "site": site,
            "openings": openings,
            "can_edit": pp.can_edit_site(request.user, site),
            "quality": site_quality(site_id=site.pk),
        },
    )


def _site_form(request: HttpRequest, form: SiteForm, title: str, cancel: str) -> HttpResponse:
    return render(
        request, "core/form_page.html", {"form": form, "title": title, "cancel_url": cancel}
    )


@login_required
def site_create(request: HttpRequest) -> HttpResponse:
    perms.require(pp.can_create_sites_or_openings(request.user))
    form = SiteForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.site_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Site created."))
            return redirect("placements:site_detail", site.pk)
    return _site_form(request, form, _("New site"), cancel=reverse("placements:site_list"))


@login_required
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_site(request, pk)
    perms.require(pp.can_edit_site(request.user, site))
    form = SiteForm(request.POST or None, instance=site, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.site_update(actor=request.user, site=site, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Site saved."))
            return redirect("placements:site_detail", site.pk)
    return _site_form(
        request, form, _("Edit site"), cancel=reverse("placements:site_detail", args=[site.pk])
    )


# --- Openings ----------------------------------------------------------------------------------


@login_required
def opening_list(request: HttpRequest) -> HttpResponseBase:
    perms.require(pp.can_use_placements(request.user))
    page = ListPage(
        request=request,
        queryset=selectors.opening_list(viewer=request.user),
        filterset_class=OpeningFilter,
        sorts=OPENING_SORTS,
        default_sort="title",
        export_columns=OPENING_EXPORT,
        export_name="openings",
    )
    return _list(
        request,
        page,
        "placements/opening_list.html",
        can_create=pp.can_create_sites_or_openings(request.user),
    )


@login_required
def opening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opening = get_opening(request, pk)
    can_edit = pp.can_edit_opening(request.user, opening)
    return render(
        request,
        "placements/opening_detail.html",
        {
            "opening": opening,
            "violations": selectors.opening_open_violations(opening=opening) if can_edit else [],
            "can_edit": can_edit,
            "can_publish": pp.can_publish_opening(request.user, opening)
            and opening.status == "draft",
        },
    )


def _opening_fields(form: OpeningForm) -> dict[str, Any]:
    data: dict[str, Any] = dict(form.cleaned_data)
    data["majors"] = list(data.get("majors") or [])
    data["mentors"] = list(data.get("mentors") or [])
    return data


def _opening_form(request: HttpRequest, form: OpeningForm, title: str, cancel: str) -> HttpResponse:
    return render(
        request, "core/form_page.html", {"form": form, "title": title, "cancel_url": cancel}
    )


@login_required
def opening_create(request: HttpRequest) -> HttpResponse:
    perms.require(pp.can_create_sites_or_openings(request.user))
    form = OpeningForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            opening = services.opening_create(actor=request.user, **_opening_fields(form))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Opening saved as a draft."))
            return redirect("placements:opening_detail", opening.pk)
    return _opening_form(request, form, _("New opening"), cancel=reverse("placements:opening_list"))


@login_required
def opening_edit(request: HttpRequest, pk: int) -> HttpResponse:
    opening = get_opening(request, pk)
    perms.require(pp.can_edit_opening(request.user, opening))
    form = OpeningForm(request.POST or None, instance=opening, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.opening_update(actor=request.user, opening=opening, **_opening_fields(form))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Opening saved."))
            return redirect("placements:opening_detail", opening.pk)
    return _opening_form(
        request,
        form,
        _("Edit opening"),
        cancel=reverse("placements:opening_detail", args=[opening.pk]),
    )


@login_required
@require_POST
def opening_publish(request: HttpRequest, pk: int) -> HttpResponse:
    opening = get_opening(request, pk)
    perms.require(pp.can_publish_opening(request.user, opening))
    try:
        warnings = services.opening_publish(actor=request.user, opening=opening)
    except BlockedByCompliance as exc:
        messages.error(request, _("This opening cannot be published: it breaks these rules."))
        error_messages(request, exc)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Opening published."))
        for w in warnings:
            messages.warning(request, w.message(request.LANGUAGE_CODE))
    return redirect("placements:opening_detail", opening.pk)


@login_required
@require_POST
def opening_close(request: HttpRequest, pk: int) -> HttpResponse:
    opening = get_opening(request, pk)
    perms.require(pp.can_edit_opening(request.user, opening))
    services.opening_close(actor=request.user, opening=opening)
    messages.success(request, _("Opening closed."))
    return redirect("placements:opening_detail", opening.pk)
