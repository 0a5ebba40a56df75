from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiao.core.models import Organisation, Person


class PlacementState(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Not answered in time")
    AGREEMENT_SIGNED = "agreement_signed", _("Agreement signed")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")


# States that hold a seat.
HOLDS_SEAT = (
    PlacementState.OFFERED,
    PlacementState.ACCEPTED,
    PlacementState.AGREEMENT_SIGNED,
    PlacementState.ACTIVE,
    PlacementState.COMPLETED,
)


class Placement(models.Model):
    """One student at one opening, created when a run is published (offered), then accepted or
    declined by the student; then the three-party agreement, insurance, activation, weekly
    timesheets, evaluations and completion (or termination). Transitions live in
    `services.lifecycle`."""

    round = models.ForeignKey(
        "placements.PlacementRound", on_delete=models.PROTECT, related_name="placements"
    )
    run = models.ForeignKey(
        "placements.AllocationRun", on_delete=models.PROTECT, related_name="placements"
    )
    candidate = models.OneToOneField(
        "placements.RoundCandidate", on_delete=models.PROTECT, related_name="placement"
    )
    student = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="placements")
    opening = models.ForeignKey(
        "placements.Opening", on_delete=models.PROTECT, related_name="placements"
    )
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    host = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("state"), max_length=20, choices=PlacementState.choices, default=PlacementState.OFFERED
    )
    choice = models.PositiveSmallIntegerField(_("choice"), null=True, blank=True)
    offered_at = models.DateTimeField(_("offered"))
    respond_by = models.DateTimeField(_("answer by"))
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # The lifecycle after acceptance (services/lifecycle.py).
    supervising_teacher = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_placements",
        verbose_name=_("supervising teacher"),
    )
    mentor = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentored_placements",
        verbose_name=_("mentor"),
    )
    agreement_signed_at = models.DateTimeField(_("agreement signed"), null=True, blank=True)
    internship_agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("internship agreement"),
    )
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    terminated_at = models.DateTimeField(_("terminated"), null=True, blank=True)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    credential = models.ForeignKey(
        "credentials.Credential",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completion credential"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-offered_at", "id"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=PlacementState.values), name="placement_state_valid"
            ),
            models.UniqueConstraint(fields=["round", "student"], name="placement_round_student"),
        ]
        indexes = [
            models.Index(fields=["opening", "state"]),
            models.Index(fields=["school", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.student} → {self.opening}"
