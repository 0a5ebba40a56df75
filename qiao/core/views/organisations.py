from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qiao.core import permissions as perms
from qiao.core import selectors
from qiao.core.filters import OrganisationFilter
from qiao.core.forms import DepartmentForm, OrganisationForm
from qiao.core.importexport.export import Column
from qiao.core.lists import ListPage, SortOption
from qiao.core.models import Organisation
from qiao.core.services import organisations as services
from qiao.core.views._helpers import apply_validation_error, or_404

ORGANISATION_EXPORT = [
    Column("id", lambda o: o.pk),
    Column("kind", lambda o: o.kind),
    Column("name", lambda o: o.name),
    Column("name_en", lambda o: o.name_en),
    Column("name_local", lambda o: o.name_local),
    Column("short_name", lambda o: o.short_name),
    Column("country", lambda o: o.country.code),
    Column("city", lambda o: o.city),
    Column("website", lambda o: o.website),
]


@login_required
def organisation_list(request: HttpRequest) -> HttpResponseBase:
    perms.require(perms.can_view_directory(request.user))
    qs = selectors.organisation_list(viewer=request.user).annotate(
        department_count=Count("departments", distinct=True)
    )
    page = ListPage(
        request=request,
        queryset=qs,
        filterset_class=OrganisationFilter,
        sorts=[
            SortOption("name", gettext_lazy("Name"), ["name"]),
            SortOption("kind", gettext_lazy("Kind"), ["kind", "name"]),
            SortOption("country", gettext_lazy("Country"), ["country", "city", "name"]),
            SortOption("departments", gettext_lazy("Departments"), ["department_count"]),
        ],
        default_sort="name",
        export_columns=ORGANISATION_EXPORT,
        export_name="organisations",
    )
    download = page.export()
    if download is not None:
        return download
    context = page.context()
    context["can_create"] = perms.can_create_organisation(request.user)
    context["can_import"] = perms.can_create_organisation(request.user)
    return render(request, "core/organisation_list.html", context)


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = or_404(selectors.organisation_get(viewer=request.user, pk=pk))
    return render(
        request,
        "core/organisation_detail.html",
        {
            "organisation": org,
            "departments": selectors.department_list(viewer=request.user, organisation=org),
            "majors": org.majors.select_related("department"),
            "people_counts": selectors.organisation_people_counts(
                viewer=request.user, organisation=org
            ),
            "can_edit": perms.can_manage_organisation(request.user, org),
            "can_manage_departments": perms.can_manage_departments(request.user, org),
            "can_manage_people": perms.can_manage_people(request.user, org),
        },
    )


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    perms.require(perms.can_create_organisation(request.user))
    form = OrganisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Organisation created."))
            return redirect("core:organisation_detail", pk=org.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("New organisation"), "multipart": True},
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org: Organisation = or_404(selectors.organisation_get(viewer=request.user, pk=pk))
    perms.require(perms.can_manage_organisation(request.user, org))
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The form mutated the instance; the service diffs against the stored one.
        org.refresh_from_db()
        try:
            services.organisation_update(actor=request.user, organisation=org, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("core:organisation_detail", pk=org.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": org},
            "multipart": True,
            "cancel_url": org_url(org),
        },
    )


def org_url(org: Organisation) -> str:
    from django.urls import reverse

    return reverse("core:organisation_detail", args=[org.pk])


@login_required
def department_create(request: HttpRequest, pk: int) -> HttpResponse:
    org: Organisation = or_404(selectors.organisation_get(viewer=request.user, pk=pk))
    perms.require(perms.can_manage_departments(request.user, org))
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.department_create(actor=request.user, organisation=org, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Department added."))
            return redirect("core:organisation_detail", pk=org.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("New department of %(org)s") % {"org": org},
            "cancel_url": org_url(org),
        },
    )


@login_required
def department_edit(request: HttpRequest, pk: int, dept_pk: int) -> HttpResponse:
    org: Organisation = or_404(selectors.organisation_get(viewer=request.user, pk=pk))
    perms.require(perms.can_manage_departments(request.user, org))
    dept = or_404(org.departments.filter(pk=dept_pk).first())
    form = DepartmentForm(request.POST or None, instance=dept)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        dept.refresh_from_db()
        try:
            services.department_update(actor=request.user, department=dept, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("core:organisation_detail", pk=org.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": dept},
            "cancel_url": org_url(org),
            "delete_url": request.path + "delete/",
        },
    )


@require_POST
@login_required
def department_delete(request: HttpRequest, pk: int, dept_pk: int) -> HttpResponse:
    org: Organisation = or_404(selectors.organisation_get(viewer=request.user, pk=pk))
    if not perms.can_manage_departments(request.user, org):
        raise PermissionDenied
    dept = or_404(org.departments.filter(pk=dept_pk).first())
    services.department_delete(actor=request.user, department=dept)
    messages.success(request, _("Department deleted."))
    return redirect("core:organisation_detail", pk=org.pk)
