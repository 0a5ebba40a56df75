from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from qiao.core.models import Organisation


class SiteKind(models.TextChoices):
    TRAINING_BASE = "training_base", _("Off-campus training base")
    STUDIO = "studio", _("School–enterprise studio")
    JOINT_LAB = "joint_lab", _("Joint lab / practical training room")
    INNOVATION_CENTRE = "innovation_centre", _("Collaborative innovation centre")
    CERTIFICATION_CENTRE = "certification_centre", _("Certification training centre")
    WORKSTATION = "workstation", _("Teacher–enterprise workstation")
    OVERSEAS_WORKSHOP = "overseas_workshop", _("Overseas workshop")


class Site(models.Model):
    """A place where students or teachers practise, hosted by an organisation (usually an
    enterprise), kept by a school's cooperation office, optionally under an agreement."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=SiteKind.choices)
    host = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="hosted_sites", verbose_name=_("host")
    )
    school = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="placement_sites",
        verbose_name=_("school"),
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placement_sites",
        verbose_name=_("agreement"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country"))
    capacity = models.PositiveIntegerField(_("capacity"), default=0)
    facilities = models.TextField(_("facilities"), blank=True)
    contact_name = models.CharField(_("contact name"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SiteKind.values), name="site_kind_valid"),
            models.UniqueConstraint(fields=["host", "name"], name="site_host_name_unique"),
        ]
        indexes = [models.Index(fields=["school", "kind"])]

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        from django.utils.translation import get_language

        language = (language or get_language() or "en").lower()
        if not language.startswith("zh") and self.name_en:
            return self.name_en
        return self.name
