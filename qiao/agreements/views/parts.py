"""The parts of an agreement: commitments, signatories, documents, contributions, events and
their photos. Each view fetches the agreement through the selectors (404 when invisible),
requires the right to edit it (403), calls one service and goes back to the agreement page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qiao.agreements import permissions as agreement_perms
from qiao.agreements import selectors, services
from qiao.agreements.filters import ContributionFilter
from qiao.agreements.forms import (
    CommitmentForm,
    ContributionForm,
    DocumentForm,
    EventForm,
    PhotoForm,
    SignatoryForm,
    VersionForm,
)
from qiao.agreements.models import Commitment, Document, Event, Signatory
from qiao.agreements.views._common import detail_url, form_page, get_editable, show_error
from qiao.core import permissions as perms
from qiao.core.importexport.export import Column
from qiao.core.lists import ListPage, SortOption
from qiao.core.views._helpers import or_404

# --- Commitments ------------------------------------------------------------------------------


@login_required
def commitment_create(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_editable(request, pk)
    form = CommitmentForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.commitment_create(actor=request.user, agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Commitment added."))
            return redirect(detail_url(agreement, "commitments"))
    return form_page(request, form=form, title=_("New commitment"), agreement=agreement)


@login_required
def commitment_edit(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    agreement = get_editable(request, pk)
    commitment: Commitment = or_404(agreement.commitments.filter(pk=item).first())
    initial = {
        "area": commitment.area_id,
        "text": commitment.text,
        "owner": commitment.owner_id,
        "due_date": commitment.due_date,
        "recurrence": commitment.recurrence,
        "kpi_metric": commitment.kpi_metric,
        "kpi_target": commitment.kpi_target,
        "kpi_period": commitment.kpi_period,
    }
    form = CommitmentForm(request.POST or None, agreement=agreement, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["kpi_metric"] = data.get("kpi_metric") or ""
        data["kpi_period"] = data.get("kpi_period") or ""
        try:
            services.commitment_update(actor=request.user, commitment=commitment, **data)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(detail_url(agreement, "commitments"))
    return form_page(
        request,
        form=form,
        title=_("Edit commitment"),
        agreement=agreement,
        extra={
            "delete_url": request.path.replace("/edit/", "/delete/"),
            "delete_question": _("Delete this commitment? This cannot be undone."),
        },
    )


@require_POST
@login_required
def commitment_delete(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    agreement = get_editable(request, pk)
    commitment = or_404(agreement.commitments.filter(pk=item).first())
    try:
        services.commitment_delete(actor=request.user, commitment=commitment)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Commitment deleted."))
    return redirect(detail_url(agreement, "commitments"))


# --- Signatories ------------------------------------------------------------------------------


@login_required
def signatory_add(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_editable(request, pk)
    form = SignatoryForm(
        request.POST or None,
        agreement=agreement,
        candidates=services.signatory_candidates(agreement),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.signatory_add(actor=request.user, agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Signatory added."))
            return redirect(detail_url(agreement, "parties"))
    return form_page(request, form=form, title=_("Add a signatory"), agreement=agreement)


@require_POST
@login_required
def signatory_remove(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    agreement = get_editable(request, pk)
    signatory: Signatory = or_404(agreement.signatories.filter(pk=item).first())
    try:
        services.signatory_remove(actor=request.user, signatory=signatory)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Signatory removed."))
    return redirect(detail_url(agreement, "parties"))


# --- Documents --------------------------------------------------------------------------------


@login_required
def document_create(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_editable(request, pk)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_create(actor=request.user, agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Document uploaded."))
            return redirect(detail_url(agreement, "documents"))
    return form_page(
        request, form=form, title=_("Upload a document"), agreement=agreement, multipart=True
    )


@login_required
def document_version_add(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    agreement = get_editable(request, pk)
    document: Document = or_404(agreement.documents.filter(pk=item).first())
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.document_version_add(
                actor=request.user, document=document, **form.cleaned_data
            )
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(
                request, _("Version %(number)s uploaded.") % {"number": version.number}
            )
            return redirect(detail_url(agreement, "documents"))
    return form_page(
        request,
        form=form,
        title=_("New version of %(title)s") % {"title": document},
        agreement=agreement,
        multipart=True,
    )


# --- Contributions ----------------------------------------------------------------------------

CONTRIBUTION_EXPORT = [
    Column("id", lambda c: c.pk),
    Column("agreement_id", lambda c: c.agreement_id),
    Column("agreement", lambda c: c.agreement.title),
    Column("party", lambda c: str(c.party.member)),
    Column("direction", lambda c: c.direction),
    Column("kind", lambda c: c.kind),
    Column("value", lambda c: c.value),
    Column("currency", lambda c: c.currency),
    Column("unit", lambda c: c.unit),
    Column("date", lambda c: c.date),
    Column("description", lambda c: c.description),
    Column("evidence_sha256", lambda c: c.evidence_sha256),
]


@login_required
def contribution_list(request: HttpRequest) -> HttpResponseBase:
    """The ledger across the viewer's agreements, with totals of what the filters select."""
    perms.require(agreement_perms.can_use_agreements(request.user))
    page = ListPage(
        request=request,
        queryset=selectors.contribution_list(viewer=request.user),
        filterset_class=ContributionFilter,
        sorts=[
            SortOption("date", gettext_lazy("Date"), ["-date"]),
            SortOption("kind", gettext_lazy("Kind"), ["kind", "-date"]),
            SortOption("value", gettext_lazy("Value"), ["-value"]),
        ],
        default_sort="date",
        export_columns=CONTRIBUTION_EXPORT,
        export_name="contributions",
    )
    download = page.export()
    if download is not None:
        return download
    context = page.context()
    context["totals"] = selectors.contribution_totals(contributions=page.results)
    return render(request, "agreements/contribution_list.html", context)


@login_required
def contribution_create(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_editable(request, pk)
    form = ContributionForm(
        request.POST or None,
        request.FILES or None,
        agreement=agreement,
        initial={"currency": agreement.currency},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contribution_create(
                actor=request.user, agreement=agreement, **form.cleaned_data
            )
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Contribution recorded."))
            return redirect(detail_url(agreement, "contributions"))
    return form_page(
        request, form=form, title=_("Record a contribution"), agreement=agreement, multipart=True
    )


@require_POST
@login_required
def contribution_delete(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    agreement = get_editable(request, pk)
    contribution = or_404(agreement.contributions.filter(pk=item).first())
    services.contribution_delete(actor=request.user, contribution=contribution)
    messages.success(request, _("Contribution deleted."))
    return redirect(detail_url(agreement, "contributions"))


# --- Events and photos ------------------------------------------------------------------------


@login_required
def event_create(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_editable(request, pk)
    form = EventForm(request.POST or None, candidates=services.signatory_candidates(agreement))
    if request.method == "POST" and form.is_valid():
        try:
            services.event_create(actor=request.user, agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Event added to the timeline."))
            return redirect(detail_url(agreement, "timeline"))
    return form_page(request, form=form, title=_("New event"), agreement=agreement)


@login_required
def event_edit(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    agreement = get_editable(request, pk)
    event: Event = or_404(agreement.events.filter(pk=item).first())
    initial = {
        "kind": event.kind,
        "date": event.date,
        "title": event.title,
        "location": event.location,
        "description": event.description,
        "participants": list(event.participants.all()),
    }
    form = EventForm(
        request.POST or None, candidates=services.signatory_candidates(agreement), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=request.user, event=event, **form.cleaned_data)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(detail_url(agreement, "timeline"))
    return form_page(
        request,
        form=form,
        title=_("Edit %(title)s") % {"title": event},
        agreement=agreement,
        extra={"photo_url": request.path.replace("/edit/", "/photos/new/")},
    )


@login_required
def photo_add(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    agreement = get_editable(request, pk)
    event: Event = or_404(agreement.events.filter(pk=item).first())
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_photo_add(actor=request.user, event=event, **form.cleaned_data)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Photo added."))
            return redirect(detail_url(agreement, "timeline"))
    return form_page(
        request,
        form=form,
        title=_("Add a photo to %(title)s") % {"title": event},
        agreement=agreement,
        multipart=True,
    )
