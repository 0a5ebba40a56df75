from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiao.agreements.models.agreements import Agreement, Party
from qiao.agreements.models.areas import CooperationArea


class Recurrence(models.TextChoices):
    NONE = "none", _("Once")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class KpiPeriod(models.TextChoices):
    WHOLE = "whole", _("Whole agreement")
    YEAR = "year", _("Per year")
    SEMESTER = "semester", _("Per semester")


class Commitment(models.Model):
    """One clause of an agreement: in which area, what is promised, which party owns it, by
    when (or how often), and optionally a KPI — a registered metric, a target and the period the
    target applies to. The actual value is never typed in: it is computed from the platform's
    records by the metric (see `qiao.agreements.metrics`)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="commitments")
    area = models.ForeignKey(
        CooperationArea,
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("area"),
    )
    text = models.TextField(_("commitment"))
    owner = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("owning party"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    recurrence = models.CharField(
        _("recurrence"), max_length=16, choices=Recurrence.choices, default=Recurrence.NONE
    )
    kpi_metric = models.CharField(
        _("KPI metric"),
        max_length=100,
        blank=True,
        help_text=_("A metric computed by the platform; leave empty for no KPI."),
    )
    kpi_target = models.DecimalField(
        _("KPI target"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    kpi_period = models.CharField(
        _("KPI period"), max_length=16, choices=KpiPeriod.choices, blank=True
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["agreement_id", "order", "id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.CheckConstraint(
                condition=Q(recurrence__in=Recurrence.values), name="commitment_recurrence_valid"
            ),
            # A KPI is all three (metric, target, period) or nothing.
            models.CheckConstraint(
                condition=(Q(kpi_metric="") & Q(kpi_target__isnull=True) & Q(kpi_period=""))
                | (~Q(kpi_metric="") & Q(kpi_target__gt=0) & Q(kpi_period__in=KpiPeriod.values)),
                name="commitment_kpi_complete",
            ),
        ]

    @property
    def has_kpi(self) -> bool:
        return bool(self.kpi_metric)

    def __str__(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= 80 else text[:79] + "…"
