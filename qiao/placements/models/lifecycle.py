"""After acceptance: the three-party agreement and its acceptances, the insurance policy,
weekly timesheets, evaluations and the reminders sent for missing timesheets."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Party(models.TextChoices):
    SCHOOL = "school", _("School")
    HOST = "host", _("Host")
    STUDENT = "student", _("Student")


class AgreementDocument(models.Model):
    """A generated three-party agreement (PDF) of a placement, with its SHA-256. A change of
    the conditions before every party accepted makes a new version; acceptances name the
    SHA-256 of the version they accepted."""

    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.CASCADE, related_name="agreement_documents"
    )
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to="placements/agreements/%Y/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("generated"), auto_now_add=True)

    class Meta:
        ordering = ["placement_id", "-version"]
        verbose_name = _("three-party agreement")
        verbose_name_plural = _("three-party agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "version"], name="placement_agreement_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} v{self.version}"


class AgreementAcceptance(models.Model):
    """One party's acceptance of one version of the three-party agreement: who, when, and the
    SHA-256 of the document they accepted."""

    document = models.ForeignKey(
        AgreementDocument, on_delete=models.CASCADE, related_name="acceptances"
    )
    party = models.CharField(_("party"), max_length=8, choices=Party.choices)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted"), auto_now_add=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["document_id", "accepted_at", "id"]
        verbose_name = _("agreement acceptance")
        verbose_name_plural = _("agreement acceptances")
        constraints = [
            models.UniqueConstraint(fields=["document", "party"], name="acceptance_party_once"),
            models.CheckConstraint(
                condition=Q(party__in=Party.values), name="acceptance_party_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} @ {self.accepted_at:%Y-%m-%d}"


class InsurancePolicy(models.Model):
    """The placement's internship liability insurance (required before it becomes active)."""

    placement = models.OneToOneField(
        "placements.Placement", on_delete=models.CASCADE, related_name="insurance"
    )
    insurer = models.CharField(_("insurer"), max_length=200)
    number = models.CharField(_("policy number"), max_length=100)
    starts = models.DateField(_("covered from"))
    ends = models.DateField(_("covered to"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("insurance policy")
        verbose_name_plural = _("insurance policies")
        constraints = [
            models.CheckConstraint(condition=Q(ends__gte=F("starts")), name="insurance_period"),
        ]

    def __str__(self) -> str:
        return f"{self.insurer} {self.number}"

    def covers(self, start: object, end: object) -> bool:
        return bool(self.starts <= start and self.ends >= end)  # type: ignore[operator]


class TimesheetState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    SIGNED = "signed", _("Signed off")
    RETURNED = "returned", _("Returned")


class Timesheet(models.Model):
    """A student's week (Monday to Sunday) at a placement, signed off or returned by the
    mentor."""

    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.CASCADE, related_name="timesheets"
    )
    week_start = models.DateField(_("week of"))
    state = models.CharField(
        _("state"), max_length=10, choices=TimesheetState.choices, default=TimesheetState.DRAFT
    )
    total_hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=2, default=Decimal(0)
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    comment = models.TextField(_("mentor's comment"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["placement_id", "-week_start"]
        verbose_name = _("timesheet")
        verbose_name_plural = _("timesheets")
        constraints = [
            models.UniqueConstraint(fields=["placement", "week_start"], name="timesheet_week"),
            models.CheckConstraint(
                condition=Q(state__in=TimesheetState.values), name="timesheet_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.week_start}"


class TimesheetDay(models.Model):
    """Hours and activities of one day of a timesheet (0–24 hours)."""

    timesheet = models.ForeignKey(Timesheet, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("day"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2, default=Decimal(0))
    night = models.BooleanField(_("night work"), default=False)
    holiday = models.BooleanField(_("public holiday"), default=False)
    activities = models.TextField(_("activities"), blank=True)

    class Meta:
        ordering = ["timesheet_id", "day"]
        constraints = [
            models.UniqueConstraint(fields=["timesheet", "day"], name="timesheet_day_once"),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=24), name="timesheet_day_hours_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.hours}"


class EvaluationRole(models.TextChoices):
    MENTOR = "mentor", _("Mentor evaluates the student")
    TEACHER = "teacher", _("Supervising teacher evaluates the student")
    STUDENT = "student", _("Student evaluates the site")


class Evaluation(models.Model):
    """A rubric (criteria scored 1–5) and comments: the mentor's and the supervising teacher's
    of the student, the student's of the site. One per role and placement."""

    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.CASCADE, related_name="evaluations"
    )
    role = models.CharField(_("role"), max_length=8, choices=EvaluationRole.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    scores = models.JSONField(_("scores"))
    mean = models.DecimalField(_("mean score"), max_digits=3, decimal_places=2)
    comments = models.TextField(_("comments"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        ordering = ["placement_id", "role"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(fields=["placement", "role"], name="evaluation_role_once"),
            models.CheckConstraint(
                condition=Q(role__in=EvaluationRole.values), name="evaluation_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(mean__gte=1) & Q(mean__lte=5), name="evaluation_mean_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.role} {self.mean}"


class TimesheetReminder(models.Model):
    """A reminder sent for a missing timesheet: kept so each week is reminded once."""

    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.CASCADE, related_name="timesheet_reminders"
    )
    week_start = models.DateField(_("week of"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["placement", "week_start"], name="reminder_week_once"),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.week_start}"
