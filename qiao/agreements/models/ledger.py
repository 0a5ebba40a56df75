from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiao.agreements.models.agreements import Agreement, Party
from qiao.agreements.models.documents import agreement_upload_to


class Direction(models.TextChoices):
    INPUT = "input", _("Input")
    OUTPUT = "output", _("Output")


class ContributionKind(models.TextChoices):
    # Inputs: what a party put in.
    FUNDING = "funding", _("Funding")
    EQUIPMENT = "equipment", _("Equipment")
    SOFTWARE_LICENCES = "software_licences", _("Software licences")
    MENTOR_HOURS = "mentor_hours", _("Mentor hours")
    SCHOLARSHIPS = "scholarships", _("Scholarships")
    FACILITIES = "facilities", _("Facilities")
    OTHER_INPUT = "other_input", _("Other input")
    # Outputs: what came out.
    HIRES = "hires", _("Hires")
    COURSES = "courses", _("Courses")
    PATENTS = "patents", _("Patents")
    OTHER_OUTPUT = "other_output", _("Other output")


INPUT_KINDS = (
    ContributionKind.FUNDING,
    ContributionKind.EQUIPMENT,
    ContributionKind.SOFTWARE_LICENCES,
    ContributionKind.MENTOR_HOURS,
    ContributionKind.SCHOLARSHIPS,
    ContributionKind.FACILITIES,
    ContributionKind.OTHER_INPUT,
)
OUTPUT_KINDS = (
    ContributionKind.HIRES,
    ContributionKind.COURSES,
    ContributionKind.PATENTS,
    ContributionKind.OTHER_OUTPUT,
)

# How each kind is measured, so that totals add like with like: money kinds carry a currency
# (equipment, licences and facilities are recorded at their value; the description says what
# they are), counted kinds carry their fixed unit, and "other" may carry either.
MONEY = "money"
ANY = "any"
KIND_MEASURE: dict[str, str] = {
    ContributionKind.FUNDING: MONEY,
    ContributionKind.EQUIPMENT: MONEY,
    ContributionKind.SOFTWARE_LICENCES: MONEY,
    ContributionKind.SCHOLARSHIPS: MONEY,
    ContributionKind.FACILITIES: MONEY,
    ContributionKind.MENTOR_HOURS: "hours",
    ContributionKind.HIRES: "people",
    ContributionKind.COURSES: "courses",
    ContributionKind.PATENTS: "patents",
    ContributionKind.OTHER_INPUT: ANY,
    ContributionKind.OTHER_OUTPUT: ANY,
}
UNIT_LABELS = {
    "hours": _("hours"),
    "people": _("people"),
    "courses": _("courses"),
    "patents": _("patents"),
}


def direction_of(kind: str) -> str:
    return Direction.OUTPUT if kind in OUTPUT_KINDS else Direction.INPUT


def evidence_upload_to(instance: Contribution, filename: str) -> str:
    return agreement_upload_to(instance.agreement_id, "evidence", filename)


class Contribution(models.Model):
    """One line of the cooperation's ledger: what a party put in (funding, equipment, mentor
    hours…) or what came out (hires, courses, patents), with its value in a currency (ISO 4217)
    or a unit, the date, and optionally an evidence file (checked like agreement documents)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="contributions")
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("party")
    )
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=ContributionKind.choices)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    date = models.DateField(_("date"))
    description = models.TextField(_("description"), blank=True)
    evidence = models.FileField(
        _("evidence"), upload_to=evidence_upload_to, max_length=255, blank=True
    )
    evidence_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    evidence_size = models.PositiveBigIntegerField(null=True, blank=True)
    evidence_sha256 = models.CharField(_("evidence SHA-256"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(direction="input") & Q(kind__in=[k.value for k in INPUT_KINDS]))
                | (Q(direction="output") & Q(kind__in=[k.value for k in OUTPUT_KINDS])),
                name="contribution_kind_matches_direction",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="contribution_value_positive"),
            models.CheckConstraint(
                condition=(~Q(currency="") & Q(unit="")) | (Q(currency="") & ~Q(unit="")),
                name="contribution_currency_xor_unit",
            ),
        ]
        indexes = [
            models.Index(fields=["agreement", "kind", "date"]),
            models.Index(fields=["party", "date"]),
        ]

    @property
    def measure(self) -> str:
        """The currency code, or the unit as the reader should see it."""
        if self.currency:
            return self.currency
        return str(UNIT_LABELS.get(self.unit, self.unit))

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value} {self.measure}"
