"""Navigation by role. Higher apps add entries with `register_nav`; core never imports them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qiao.core import permissions as perms


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    allowed: Callable[[HttpRequest], bool]
    order: int = 100


_items: list[NavItem] = []


def register_nav(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in _items):
        _items.append(item)
        _items.sort(key=lambda i: i.order)


def navigation_for(request: HttpRequest) -> list[dict[str, Any]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    path = request.path
    result = []
    for item in _items:
        if not item.allowed(request):
            continue
        url = reverse(item.url_name)
        result.append({"label": item.label, "url": url, "active": False})
    # The entry whose address is the longest prefix of the current path is the active one, so
    # /agreements/action-items/ marks "My action items" and not also "Agreements".
    matches = [e for e in result if e["url"] != "/" and path.startswith(e["url"])]
    if matches:
        max(matches, key=lambda e: len(e["url"]))["active"] = True
    return result


def _member(request: HttpRequest) -> bool:
    return perms.can_view_directory(request.user)


def _people(request: HttpRequest) -> bool:
    return bool(perms.person_scope(request.user) is None or perms.organisation_ids(request.user))


def _audit(request: HttpRequest) -> bool:
    return perms.is_platform_admin(request.user) or bool(
        perms.organisation_ids(request.user, "admin")
    )


register_nav(NavItem(_("Home"), "core:home", lambda r: True, order=0))
register_nav(NavItem(_("Organisations"), "core:organisation_list", _member, order=10))
register_nav(NavItem(_("People"), "core:person_list", _people, order=20))
register_nav(NavItem(_("Audit log"), "core:audit_list", _audit, order=900))
register_nav(
    NavItem(_("System health"), "core:health", lambda r: perms.can_view_health(r.user), order=950)
)
