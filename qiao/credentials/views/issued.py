"""Issued credentials (managers): list, issue one, detail, revoke / suspend / reinstate;
downloads (JSON, PDF) for the holder and the issuer's managers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qiao.core.importexport.export import Column
from qiao.core.lists import ListPage, SortOption
from qiao.core.views._helpers import apply_validation_error, or_404
from qiao.credentials import crypto, pdf, selectors, verification
from qiao.credentials import permissions as cred_perms
from qiao.credentials.filters import CredentialFilter
from qiao.credentials.forms import IssueForm, StatusForm
from qiao.credentials.models import Credential
from qiao.credentials.services import issuance, status
from qiao.credentials.views._common import form_context, managed_organisation, require_management

CREDENTIAL_EXPORT = [
    Column("id", lambda c: str(c.pk)),
    Column("achievement", lambda c: str(c.achievement)),
    Column("person", lambda c: str(c.person)),
    Column("issued_at", lambda c: c.issued_at),
    Column("valid_until", lambda c: c.valid_until),
    Column("status", lambda c: c.status),
    Column("sha256", lambda c: c.sha256),
]


@login_required
def credential_list(request: HttpRequest) -> HttpResponseBase:
    require_management(request)
    page = ListPage(
        request=request,
        queryset=selectors.issued_list(viewer=request.user),
        filterset_class=CredentialFilter,
        sorts=[
            SortOption("issued", gettext_lazy("Issued"), ["-issued_at"]),
            SortOption(
                "person", gettext_lazy("Holder"), ["person__family_name", "person__given_name"]
            ),
            SortOption("status", gettext_lazy("Status"), ["status", "-issued_at"]),
        ],
        default_sort="issued",
        export_columns=CREDENTIAL_EXPORT,
        export_name="credentials",
    )
    return page.export() or render(request, "credentials/credential_list.html", page.context())


@login_required
def credential_issue(request: HttpRequest) -> HttpResponse:
    org = managed_organisation(request)
    form = IssueForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        person = selectors.find_person(organisation=org, text=form.cleaned_data["who"])
        until = form.cleaned_data.get("valid_until")
        if person is None:
            form.add_error(
                "who", _("No one of your organisation has this student number or email.")
            )
        else:
            try:
                credential = issuance.credential_issue(
                    actor=request.user,
                    achievement=form.cleaned_data["achievement"],
                    person=person,
                    valid_until=dt.datetime.combine(until, dt.time(23, 59, 59), tzinfo=dt.UTC)
                    if until
                    else None,
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            except crypto.KeyEncryptionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Credential issued."))
                return redirect("credentials:credential_detail", pk=credential.pk)
    return render(
        request,
        "core/form_page.html",
        form_context(_("Issue a credential"), form, reverse("credentials:credential_list")),
    )


def _managed(request: HttpRequest, pk: Any) -> Credential:
    credential: Credential = or_404(selectors.credential_get(viewer=request.user, pk=pk))
    if not cred_perms.can_manage_credential(request.user, credential):
        raise Http404  # the holder's own credential lives in the wallet
    return credential


@login_required
def credential_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    credential = _managed(request, pk)
    return render(
        request,
        "credentials/credential_detail.html",
        {
            "credential": credential,
            "outcome": verification.verify_stored(credential),
            "status_form": StatusForm(),
        },
    )


@require_POST
@login_required
def credential_status(request: HttpRequest, pk: Any) -> HttpResponse:
    credential = _managed(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        action = {
            "revoke": status.credential_revoke,
            "suspend": status.credential_suspend,
            "unsuspend": status.credential_unsuspend,
        }[form.cleaned_data["action"]]
        try:
            action(actor=request.user, credential=credential, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Status: %(status)s.") % {"status": credential.get_status_display()}
            )
    else:
        messages.error(request, _("The request was not understood."))
    return redirect("credentials:credential_detail", pk=credential.pk)


def _downloadable(request: HttpRequest, pk: Any) -> Credential:
    """The holder's own credential, or one the viewer's organisation issued (404 otherwise)."""
    credential: Credential = or_404(selectors.credential_get(viewer=request.user, pk=pk))
    return credential


@login_required
def credential_json(request: HttpRequest, pk: Any) -> HttpResponse:
    """The credential exactly as issued (the stored bytes: its SHA-256 is what we keep)."""
    credential = _downloadable(request, pk)
    response = HttpResponse(credential.document.encode("utf-8"), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="credential-{credential.pk}.json"'
    return response


@login_required
def credential_pdf(request: HttpRequest, pk: Any) -> HttpResponse:
    credential = _downloadable(request, pk)
    response = HttpResponse(pdf.certificate_pdf(credential), content_type="application/pdf")
    stamp = timezone.localdate(credential.issued_at).isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{stamp}-{credential.pk}.pdf"'
    )
    return response
