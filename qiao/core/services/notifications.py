"""In-app notifications, for every app: `notify(recipient=user, kind=…, title=…)`.

Title and body may be lazy translations (`format_lazy(gettext_lazy("Due on {day}"), day=…)`):
they are written out in the recipient's language when the notification is made, so the inbox
and the email read in that language whatever the language of the process that sends them.

Notifications are personal messages, not changes to shared records, so they are not written
to the audit log; what caused them (a decision, a reminder) is.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from qiao.core.models import Notification, User

logger = logging.getLogger("qiao.notifications")

TITLE_MAX = 300
URL_MAX = 500


def _in_language(user: User, value: Any) -> str:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        return str(value or "")


def _email(notification_id: int) -> None:
    """Send the notification by email (after commit). A failure is logged, never raised: the
    notification is in the inbox anyway."""
    n = Notification.objects.select_related("recipient").get(pk=notification_id)
    user = n.recipient
    link = settings.SITE_URL + n.url if n.url.startswith("/") else n.url
    body = "\n\n".join(part for part in (n.body, link) if part)
    try:
        send_mail(n.title, body, None, [user.email])
    except Exception:
        logger.exception("Email for notification %s failed", notification_id)


def notify(
    *,
    recipient: User,
    kind: str,
    title: Any,
    body: Any = "",
    url: str = "",
    email: bool = False,
) -> Notification | None:
    """Put a notification in `recipient`'s inbox, and email it too when `email` is true (after
    the transaction commits, so a rolled-back change sends nothing). Inactive accounts get
    nothing (returns None)."""
    if not recipient.is_active:
        return None
    title_text = " ".join(_in_language(recipient, title).split())[:TITLE_MAX]
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind[:64],
        title=title_text,
        body=_in_language(recipient, body).strip(),
        url=(url or "")[:URL_MAX],
    )
    _recount(recipient.pk)
    if email and recipient.email:
        transaction.on_commit(lambda: _email(notification.pk))
    return notification


def _recount(user_id: int) -> None:
    """Store the account's unread count (the navigation badge reads it from the account row).
    Recounted, not incremented, so it cannot drift: one indexed count inside one UPDATE."""
    unread = (
        Notification.objects.filter(recipient_id=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    User.objects.filter(pk=user_id).update(
        unread_notifications=Coalesce(Subquery(unread), Value(0))
    )


def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of the user's notifications read (again is harmless)."""
    if notification.recipient_id != user.pk:
        raise PermissionError("Not the recipient of this notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        _recount(user.pk)
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; returns how many."""
    unread: QuerySet[Notification] = Notification.objects.filter(
        recipient=user, read_at__isnull=True
    )
    marked = unread.update(read_at=timezone.now())
    _recount(user.pk)
    return marked
