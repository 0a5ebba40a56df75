"""Pages and documents for anyone, without an account: the verification page, a credential's
public page (from its QR code), share links, controller documents, status lists, trust list."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods

from qiao.credentials import conf, selectors, verification
from qiao.credentials.forms import VerifyForm
from qiao.credentials.models import Issuer, StatusList, StatusPurpose
from qiao.credentials.services import publishing

JSON_TYPE = "application/json"


def _published(content: str | bytes, content_type: str = JSON_TYPE) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    patch_cache_control(response, public=True, max_age=conf.PUBLISHED_MAX_AGE)
    response["Access-Control-Allow-Origin"] = "*"  # verifiers in other origins may read it
    return response


@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    """Paste or upload a credential; every check in plain words. CSRF-protected form."""
    form = VerifyForm(request.POST if request.method == "POST" else None, request.FILES or None)
    outcome = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            outcome = verification.verify_credential(form.cleaned_data["payload"])
        else:
            status = 400
    return render(
        request,
        "credentials/verify.html",
        {
            "form": form,
            "outcome": outcome,
            "max_bytes": conf.VERIFY_MAX_BYTES,
            "anchor": (publishing.alliance_anchors() or [""])[-1],
        },
        status=status,
    )


def _masked(person: Any) -> str:
    """Initials only: the public page by credential id does not name the holder in full."""
    parts = [p for p in (person.family_name, person.given_name) if p]
    return " ".join(p[0] + "." for p in parts) or "—"


@require_GET
def credential_page(request: HttpRequest, pk: Any) -> HttpResponse:
    credential = selectors.public_credential(pk=pk)
    if credential is None:
        raise Http404
    return render(
        request,
        "credentials/public_credential.html",
        {
            "credential": credential,
            "outcome": verification.verify_stored(credential),
            "holder": _masked(credential.person),
            "shared": False,
        },
    )


@require_GET
def share_page(request: HttpRequest, token: str) -> HttpResponse:
    link = selectors.share_link_get(token=token)
    if link is None:
        raise Http404
    credential = link.credential
    response = render(
        request,
        "credentials/public_credential.html",
        {
            "credential": credential,
            "outcome": verification.verify_stored(credential),
            "holder": str(credential.person),
            "holder_native": credential.person.native_name,
            "shared": True,
        },
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"  # the token must not leak through links
    return response


@require_GET
def issuer_did(request: HttpRequest, slug: str) -> HttpResponse:
    issuer = Issuer.objects.filter(slug=slug, is_alliance=False).first()
    if issuer is None:
        raise Http404
    return _published(json.dumps(publishing.issuer_controller_document(issuer), indent=2))


@require_GET
def alliance_did(request: HttpRequest) -> HttpResponse:
    issuer = Issuer.objects.filter(is_alliance=True).first()
    if issuer is None:
        publishing.trust_list_current()  # creates the alliance and its key on first use
        issuer = Issuer.objects.get(is_alliance=True)
    return _published(json.dumps(publishing.issuer_controller_document(issuer), indent=2))


@require_GET
def trust_list(request: HttpRequest) -> HttpResponse:
    return _published(publishing.trust_list_current())


@require_GET
def status_list(request: HttpRequest, slug: str, purpose: str, number: int) -> HttpResponse:
    if purpose not in StatusPurpose.values:
        raise Http404
    record = StatusList.objects.filter(issuer__slug=slug, purpose=purpose, number=number).first()
    if record is None:
        raise Http404
    return _published(record.document)
