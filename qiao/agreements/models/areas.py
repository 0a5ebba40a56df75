from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class CooperationArea(models.Model):
    """An entry of the configurable taxonomy of cooperation areas ("joint laboratory / practical
    training", "certification training"…). Agreements and commitments point here.

    The defaults come from the background agreements and are seeded by a data migration;
    platform administrators add, rename, reorder or retire areas in the back office. An area is
    retired (`is_active` off) rather than deleted, so old agreements keep their areas."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    label_en = models.CharField(_("English label"), max_length=200)
    label_zh = models.CharField(_("Chinese label"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("cooperation area")
        verbose_name_plural = _("cooperation areas")

    def label(self, language: str | None = None) -> str:
        language = (language or get_language() or "en").lower()
        if language.startswith("zh") and self.label_zh:
            return self.label_zh
        return self.label_en

    def __str__(self) -> str:
        return self.label()
