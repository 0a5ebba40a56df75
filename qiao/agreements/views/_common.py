"""What the agreements views share: fetching an agreement the viewer may see (404 otherwise),
requiring the right to edit it (403), and the form page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from qiao.agreements import permissions as agreement_perms
from qiao.agreements import selectors
from qiao.agreements.models import Agreement
from qiao.core import permissions as perms
from qiao.core.views._helpers import apply_validation_error, or_404


def get_agreement(request: HttpRequest, pk: int) -> Agreement:
    """The agreement if the viewer may see it; 404 otherwise (existence does not leak)."""
    agreement: Agreement = or_404(selectors.agreement_get(viewer=request.user, pk=pk))
    return agreement


def get_editable(request: HttpRequest, pk: int) -> Agreement:
    """The agreement if the viewer may change it: 404 when invisible, 403 when read-only."""
    agreement = get_agreement(request, pk)
    perms.require(agreement_perms.can_edit_agreement(request.user, agreement))
    return agreement


def detail_url(agreement: Agreement, anchor: str = "") -> str:
    url = reverse("agreements:agreement_detail", args=[agreement.pk])
    return f"{url}#{anchor}" if anchor else url


def show_error(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's ValidationError on the form: by field where the form has it, else on top."""
    apply_validation_error(form, error)


def form_page(
    request: HttpRequest,
    *,
    form: forms.BaseForm,
    title: str,
    agreement: Agreement | None = None,
    multipart: bool = False,
    cancel_url: str = "",
    intro: str = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "agreement": agreement,
        "multipart": multipart,
        "cancel_url": cancel_url or (detail_url(agreement) if agreement else ""),
        "intro": intro,
        **(extra or {}),
    }
    return render(request, "agreements/form_page.html", context)
