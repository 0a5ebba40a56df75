from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qiao.core.models.accounts import User


class Notification(models.Model):
    """A message in one account's in-app inbox: what happened (`kind`, a dotted key such as
    "agreements.action_item_due"), a title and body written in the recipient's language when
    it was sent, and where to look (`url`). Read once `read_at` is set.

    Any app sends one through `qiao.core.services.notifications.notify`."""

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
