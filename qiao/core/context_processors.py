from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from qiao.core.navigation import navigation_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs: navigation by role, memberships for the switcher, and the
    unread notifications count (kept on the account row: no query)."""
    user = getattr(request, "user", None)
    return {
        "unread_notifications": getattr(user, "unread_notifications", 0),
        "nav_items": navigation_for(request),
        "current_membership": getattr(request, "membership", None),
        "current_organisation": getattr(request, "organisation", None),
        "user_memberships": getattr(request, "memberships", []),
    }
