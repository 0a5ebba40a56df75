"""The learner's wallet: their credentials, downloads, share links."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qiao.core.views._helpers import or_404
from qiao.credentials import selectors, verification
from qiao.credentials.forms import ShareForm
from qiao.credentials.models import Credential
from qiao.credentials.services import publishing, sharing


@login_required
def wallet(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "credentials/wallet.html",
        {"credentials": selectors.wallet(viewer=request.user)},
    )


def _own(request: HttpRequest, pk: Any) -> Credential:
    credential: Credential = or_404(selectors.wallet_get(viewer=request.user, pk=pk))
    return credential


def _render(
    request: HttpRequest, credential: Credential, form: ShareForm | None = None, status: int = 200
) -> HttpResponse:
    links = list(selectors.share_links(credential=credential))
    for link in links:
        link.url = publishing.share_url(link.token)  # type: ignore[attr-defined]
    return render(
        request,
        "credentials/wallet_detail.html",
        {
            "credential": credential,
            "outcome": verification.verify_stored(credential),
            "links": links,
            "share_form": form or ShareForm(),
            "verify_url": publishing.verify_url(credential.pk),
        },
        status=status,
    )


@login_required
def wallet_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    return _render(request, _own(request, pk))


@require_POST
@login_required
def share_create(request: HttpRequest, pk: Any) -> HttpResponse:
    credential = _own(request, pk)
    form = ShareForm(request.POST)
    if form.is_valid():
        try:
            sharing.share_link_create(
                actor=request.user, credential=credential, label=form.cleaned_data["label"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Share link created: copy it from the list below."))
            return redirect("credentials:wallet_detail", pk=credential.pk)
    return _render(request, credential, form, status=400)


@require_POST
@login_required
def share_revoke(request: HttpRequest, pk: Any, link: int) -> HttpResponse:
    credential = _own(request, pk)
    found = selectors.share_links(credential=credential).filter(pk=link).first()
    if found is None:
        raise Http404
    try:
        sharing.share_link_revoke(actor=request.user, link=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The link no longer works."))
    return redirect("credentials:wallet_detail", pk=credential.pk)
