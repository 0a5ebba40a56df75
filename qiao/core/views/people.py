from __future__ import annotations

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
from qiao.core import selectors
from qiao.core.filters import PersonFilter
from qiao.core.forms import AffiliationForm, PersonForm
from qiao.core.importexport.export import Column
from qiao.core.lists import ListPage, SortOption
from qiao.core.models import Affiliation, Organisation, Person
from qiao.core.person_panels import person_panels
from qiao.core.services import people as services
from qiao.core.views._helpers import apply_validation_error, or_404


def _first_aff(person: Person) -> Affiliation | None:
    affs = getattr(person, "visible_affiliations", None)
    return affs[0] if affs else None


PERSON_EXPORT = [
    Column("id", lambda p: p.pk),
    Column("family_name", lambda p: p.family_name),
    Column("given_name", lambda p: p.given_name),
    Column("native_name", lambda p: p.native_name),
    Column("email", lambda p: p.email),
    Column("nationality", lambda p: p.nationality.code if p.nationality else ""),
    Column("date_of_birth", lambda p: p.date_of_birth),
    Column("organisation", lambda p: (a := _first_aff(p)) and a.organisation.name),
    Column("kind", lambda p: (a := _first_aff(p)) and a.kind),
    Column("student_number", lambda p: (a := _first_aff(p)) and a.student_number),
    Column("major", lambda p: (a := _first_aff(p)) and a.major and a.major.code),
    Column("cohort_year", lambda p: (a := _first_aff(p)) and a.cohort_year),
]


@login_required
def person_list(request: HttpRequest) -> HttpResponseBase:
    qs = selectors.person_list(viewer=request.user).prefetch_related(
        selectors.visible_affiliations_prefetch(viewer=request.user)
    )
    page = ListPage(
        request=request,
        queryset=qs,
        filterset_class=PersonFilter,
        sorts=[
            SortOption("name", gettext_lazy("Name"), ["family_name", "given_name"]),
            SortOption("nationality", gettext_lazy("Nationality"), ["nationality", "family_name"]),
            SortOption("created", gettext_lazy("Added"), ["created_at"]),
        ],
        default_sort="name",
        export_columns=PERSON_EXPORT,
        export_name="people",
    )
    download = page.export()
    if download is not None:
        return download
    context = page.context()
    org = getattr(request, "organisation", None)
    context["can_manage"] = org is not None and perms.can_manage_people(request.user, org)
    return render(request, "core/person_list.html", context)


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = or_404(selectors.person_get(viewer=request.user, pk=pk))
    return render(
        request,
        "core/person_detail.html",
        {
            "person": person,
            "affiliations": selectors.affiliations_visible(viewer=request.user, person=person),
            "can_edit": perms.can_edit_person(request.user, person),
            "can_delete": perms.can_delete_person(request.user, person),
            "panels": person_panels(request.user, person),
        },
    )


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    """Add a person to the organisation the viewer is acting for, with one affiliation."""
    org: Organisation | None = getattr(request, "organisation", None)
    perms.require(org is not None and perms.can_manage_people(request.user, org))
    assert org is not None
    form = PersonForm(request.POST or None, prefix="person")
    aff_form = AffiliationForm(request.POST or None, prefix="aff", organisation=org)
    if request.method == "POST" and form.is_valid() and aff_form.is_valid():
        try:
            from django.db import transaction

            with transaction.atomic():
                person = services.person_create(
                    actor=request.user, organisation=org, **form.cleaned_data
                )
                services.affiliation_create(
                    actor=request.user,
                    person=person,
                    organisation=org,
                    **aff_form.cleaned_data,
                )
        except ValidationError as error:
            apply_validation_error(aff_form, error)
        else:
            messages.success(request, _("Person added."))
            return redirect("core:person_detail", pk=person.pk)
    return render(
        request,
        "core/person_form.html",
        {"form": form, "aff_form": aff_form, "organisation": org, "title": _("Add a person")},
    )


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person: Person = or_404(selectors.person_get(viewer=request.user, pk=pk))
    perms.require(perms.can_edit_person(request.user, person))
    form = PersonForm(request.POST or None, instance=person, prefix="person")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person.refresh_from_db()
        try:
            services.person_update(actor=request.user, person=person, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("core:person_detail", pk=person.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": person},
            "cancel_url": reverse("core:person_detail", args=[person.pk]),
        },
    )


@login_required
def affiliation_add(request: HttpRequest, pk: int) -> HttpResponse:
    person: Person = or_404(selectors.person_get(viewer=request.user, pk=pk))
    org: Organisation | None = getattr(request, "organisation", None)
    perms.require(org is not None and perms.can_manage_people(request.user, org))
    assert org is not None
    form = AffiliationForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.affiliation_create(
                actor=request.user,
                person=person,
                organisation=org,
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Affiliation added."))
            return redirect("core:person_detail", pk=person.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Affiliate %(name)s with %(org)s") % {"name": person, "org": org},
            "cancel_url": reverse("core:person_detail", args=[person.pk]),
        },
    )


@require_POST
@login_required
def person_delete(request: HttpRequest, pk: int) -> HttpResponse:
    person: Person = or_404(selectors.person_get(viewer=request.user, pk=pk))
    perms.require(perms.can_delete_person(request.user, person))
    services.person_delete(actor=request.user, person=person)
    messages.success(request, _("Person deleted."))
    return redirect("core:person_list")
