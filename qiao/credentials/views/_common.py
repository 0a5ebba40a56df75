"""What the credentials views share."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from qiao.core import permissions as perms
from qiao.core.models import Organisation
from qiao.credentials import permissions as cred_perms


def managed_organisation(request: HttpRequest) -> Organisation:
    """The organisation the viewer acts for, which they must manage credentials of (403)."""
    org: Organisation | None = getattr(request, "organisation", None)
    perms.require(org is not None and cred_perms.can_manage_credentials(request.user, org))
    assert org is not None
    return org


def require_management(request: HttpRequest) -> None:
    perms.require(cred_perms.can_use_management(request.user))


def form_context(title: Any, form: Any, cancel_url: str = "", **extra: Any) -> dict[str, Any]:
    return {"title": title, "form": form, "cancel_url": cancel_url, **extra}
