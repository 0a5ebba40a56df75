"""What the placements views share: 404 for what the viewer may not see, 403 for what she
may see but not change, a service's ValidationError shown as messages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest

from qiao.core.views._helpers import apply_validation_error, or_404
from qiao.placements import selectors
from qiao.placements.models import Opening, PlacementRound, Site

__all__ = [
    "apply_validation_error",
    "error_messages",
    "form_error_messages",
    "get_opening",
    "get_round",
    "get_site",
]


def get_site(request: HttpRequest, pk: int) -> Site:
    site: Site = or_404(selectors.site_get(viewer=request.user, pk=pk))
    return site


def get_opening(request: HttpRequest, pk: int) -> Opening:
    opening: Opening = or_404(selectors.opening_get(viewer=request.user, pk=pk))
    return opening


def get_round(request: HttpRequest, pk: int) -> PlacementRound:
    rnd: PlacementRound = or_404(selectors.round_get(viewer=request.user, pk=pk))
    return rnd


def form_error_messages(request: HttpRequest, form: Form) -> None:
    """Every error of a form posted from another page, on top of the page it returns to, each
    after its field's (translated) label."""
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label}: " if field is not None and field.label else ""
        for error in errors:
            messages.error(request, f"{label}{error}")


def error_messages(request: HttpRequest, error: ValidationError) -> None:
    """Every message of a service's refusal, on top of the next page."""
    for message in error.messages:
        messages.error(request, message)
