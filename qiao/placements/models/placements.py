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
    # The rest of the lifecycle (agreement, insurance, activation, completion) comes later;
    # the states are reserved here so the constraint and the data need no rewrite.
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
    declined by the student. Later: three-party agreement, insurance, activation, timesheets,
    evaluations, completion."""

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
