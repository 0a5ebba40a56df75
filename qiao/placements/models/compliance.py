from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qiao.core.models import Organisation


class ComplianceRuleSet(models.Model):
    """A versioned rule set, stored as the document `qiao.placements.compliance` reads.

    A new version is a new row: rule sets are never edited in place, so a violation always
    points at the exact rules that found it."""

    code = models.CharField(_("code"), max_length=80)
    version = models.PositiveIntegerField(_("version"))
    title_en = models.CharField(_("English title"), max_length=200)
    title_zh = models.CharField(_("Chinese title"), max_length=200, blank=True)
    document = models.JSONField(_("rules"))
    is_default = models.BooleanField(_("default"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("compliance rule set")
        verbose_name_plural = _("compliance rule sets")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="ruleset_code_version"),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="ruleset_one_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_title()} (v{self.version})"

    def display_title(self) -> str:
        if (get_language() or "").startswith("zh") and self.title_zh:
            return self.title_zh
        return self.title_en


class SchoolRuleSet(models.Model):
    """The rule set a school has chosen (schools without a choice use the default)."""

    school = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="placement_ruleset"
    )
    ruleset = models.ForeignKey(ComplianceRuleSet, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField(_("chosen"), auto_now=True)

    class Meta:
        verbose_name = _("school rule set")
        verbose_name_plural = _("school rule sets")

    def __str__(self) -> str:
        return f"{self.school}: {self.ruleset}"


class ComplianceViolation(models.Model):
    """One rule an opening, a placement (before activation, weekly) or a timesheet breaks, as
    found by the last check. Open while `resolved_at` is empty; a later check that no longer
    finds it resolves it."""

    school = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="placement_violations"
    )
    opening = models.ForeignKey(
        "placements.Opening",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="violations",
    )
    placement = models.ForeignKey(
        "placements.Placement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="violations",
    )
    timesheet = models.ForeignKey(
        "placements.Timesheet",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="violations",
    )
    ruleset = models.ForeignKey(ComplianceRuleSet, on_delete=models.PROTECT, related_name="+")
    rule_id = models.CharField(_("rule"), max_length=64)
    severity = models.CharField(_("severity"), max_length=8)
    message_en = models.TextField(_("message (English)"))
    message_zh = models.TextField(_("message (Chinese)"), blank=True)
    clause = models.CharField(_("clause"), max_length=200)
    detected_at = models.DateTimeField(_("detected"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["-detected_at", "id"]
        verbose_name = _("compliance violation")
        verbose_name_plural = _("compliance violations")
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__in=["blocks", "warns"]), name="violation_severity_valid"
            ),
            models.UniqueConstraint(
                fields=["opening", "rule_id"],
                condition=Q(resolved_at__isnull=True) & Q(opening__isnull=False),
                name="violation_open_unique",
            ),
        ]
        indexes = [models.Index(fields=["school", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.message_en[:60]}"

    @property
    def blocks(self) -> bool:
        return self.severity == "blocks"

    def message(self) -> str:
        if (get_language() or "").startswith("zh") and self.message_zh:
            return self.message_zh
        return self.message_en
