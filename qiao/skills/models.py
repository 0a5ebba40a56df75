from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Codes appear in URLs (/skills/SW-PY/) and in other systems' exports, so they stay URL-safe.
CODE_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*\Z",
    _("Use letters, digits, dots, hyphens and underscores, starting with a letter or digit."),
    code="invalid_code",
)


class Skill(models.Model):
    """An entry of the skills taxonomy: a stable code, labels in several languages, aliases,
    a broader skill. Evidence of skills (course results, credentials, evaluations) points here.

    `domain` is the top-level ancestor (None for a top-level skill), kept by the services so that
    lists filter by domain with one indexed lookup instead of walking the tree."""

    code = models.CharField(
        _("code"),
        max_length=64,
        unique=True,
        validators=[CODE_VALIDATOR],
        help_text=_("Stable identifier: letters, digits, dot, hyphen, underscore."),
    )
    broader = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="narrower",
        verbose_name=_("broader skill"),
    )
    domain = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("domain"),
    )
    label_en = models.CharField(_("English label"), max_length=200)
    label_zh = models.CharField(_("Chinese label"), max_length=200, blank=True)
    labels = models.JSONField(
        _("labels in other languages"),
        default=dict,
        blank=True,
        help_text=_('Language code to label, e.g. {"fr": "…"}.'),
    )
    description = models.TextField(_("description"), blank=True)
    description_zh = models.TextField(_("Chinese description"), blank=True)
    uri = models.URLField(_("source URI"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(broader=models.F("pk")), name="skill_not_own_broader"
            ),
        ]

    def label(self, language: str | None = None) -> str:
        language = (language or get_language() or "en").lower()
        if language.startswith("zh") and self.label_zh:
            return self.label_zh
        if language.startswith("en"):
            return self.label_en
        return str(self.labels.get(language.split("-")[0]) or self.label_en)

    def label_other(self, language: str | None = None) -> str:
        """The label in the other of English and Chinese, shown beside `label()`; "" if the
        same or missing."""
        main = self.label(language)
        other = self.label_en if main == self.label_zh else self.label_zh
        return other if other and other != main else ""

    def __str__(self) -> str:
        return self.label()


class SkillAlias(models.Model):
    """Another way people write a skill ("k8s", "python3", "云计算运维")."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="aliases")
    text = models.CharField(_("alias"), max_length=200)
    normalised = models.CharField(max_length=200, db_index=True)
    language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        ordering = ["skill_id", "text"]
        verbose_name = _("skill alias")
        verbose_name_plural = _("skill aliases")
        constraints = [
            models.UniqueConstraint(fields=["skill", "normalised"], name="alias_unique_per_skill"),
        ]

    def __str__(self) -> str:
        return self.text
