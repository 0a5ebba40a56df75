from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiao.agreements.models.agreements import Agreement
from qiao.agreements.models.documents import agreement_upload_to
from qiao.core.models import Person


class EventKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    SIGNING = "signing", _("Signing ceremony")
    EXCHANGE = "exchange", _("Exchange")
    TRAINING = "training", _("Training")
    COMPETITION = "competition", _("Competition")
    OTHER = "other", _("Other")


class Event(models.Model):
    """Something that happened in a cooperation — a study visit, a signing ceremony, a teacher
    training, a competition — with the people who took part and photos. Shown with signings
    (and committee meetings) in the agreement's timeline."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    participants = models.ManyToManyField(
        Person, related_name="agreement_events", blank=True, verbose_name=_("participants")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("cooperation event")
        verbose_name_plural = _("cooperation events")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="event_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.title


def photo_upload_to(instance: EventPhoto, filename: str) -> str:
    return agreement_upload_to(instance.event.agreement_id, "photos", filename)


class EventPhoto(models.Model):
    """A photo of an event: checked with Pillow on upload (a real JPEG, PNG or WebP image within
    the size limits) and served only to those who may see the agreement."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to=photo_upload_to, max_length=255)
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["event_id", "id"]
        verbose_name = _("event photo")
        verbose_name_plural = _("event photos")

    def __str__(self) -> str:
        return self.caption or self.original_name
