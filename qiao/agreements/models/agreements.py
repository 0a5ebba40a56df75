from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qiao.agreements.conf import default_remind_days
from qiao.agreements.models.areas import CooperationArea
from qiao.core.models import Organisation, Person


class AgreementKind(models.TextChoices):
    FRAMEWORK = "framework", _("Framework agreement")
    SPECIFIC = "specific", _("Specific agreement")
    PROJECT = "project", _("Project agreement")
    INTERNSHIP = "internship", _("Three-party internship agreement")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NEGOTIATING = "negotiating", _("Negotiating")
    SIGNED = "signed", _("Signed")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


# Statuses in which an agreement binds its parties (its validity period may still run out).
IN_FORCE = (AgreementStatus.SIGNED, AgreementStatus.ACTIVE)
# No way out of these: a closed agreement is renewed, not reopened.
CLOSED = (AgreementStatus.EXPIRED, AgreementStatus.TERMINATED)
# Parties and signatories are fixed once an agreement is signed.
PRE_SIGNATURE = (AgreementStatus.DRAFT, AgreementStatus.NEGOTIATING)


class PartyRole(models.TextChoices):
    SCHOOL = "school", _("School")
    ENTERPRISE = "enterprise", _("Enterprise")
    HOST = "host", _("Host")
    SPONSOR = "sponsor", _("Sponsor")
    PARTNER = "partner", _("Partner")
    STUDENT = "student", _("Student")


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def with_current_status(self, today: dt.date | None = None) -> AgreementQuerySet:
        """Annotate `current_status`: the stored status, except that an agreement in force
        whose validity has ended reads "expired" before the nightly `agreements_expire` run
        has recorded it. Lists filter and sort on this, so they never show a stale "active"."""
        today = today or timezone.localdate()
        return self.annotate(
            current_status=Case(
                When(
                    Q(status__in=IN_FORCE) & Q(valid_to__lt=today),
                    then=Value(AgreementStatus.EXPIRED.value),
                ),
                default=F("status"),
                output_field=models.CharField(),
            )
        )


class Agreement(models.Model):
    """A cooperation agreement between two or more parties: a framework agreement, a specific
    agreement under a framework, a project agreement, or a three-party internship agreement.

    The lifecycle (draft → negotiating → signed → active → expired | terminated) is moved only by
    `services.agreement_transition`, which checks what each step needs. A renewal is a new
    agreement pointing at the one it renews (`renews`).

    The title is kept as written (`title`) plus optional English and Chinese forms, like
    organisation names; `display_title()` picks the one for the reader's language.
    The summary is Markdown, rendered sanitised (see `qiao.agreements.markdown`)."""

    reference = models.CharField(
        _("reference"),
        max_length=64,
        blank=True,
        help_text=_("The agreement's number on paper, e.g. SZPT-ZTE-2024-01."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AgreementKind.choices)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    title_zh = models.CharField(_("Chinese title"), max_length=300, blank=True)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("Markdown: **bold**, lists, links.")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("framework agreement"),
    )
    renews = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name=_("renews"),
    )
    areas = models.ManyToManyField(
        CooperationArea, related_name="agreements", blank=True, verbose_name=_("areas")
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AgreementStatus.choices,
        default=AgreementStatus.DRAFT,
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    remind_days_before = models.PositiveSmallIntegerField(
        _("remind days before expiry"),
        default=default_remind_days,
        validators=[MaxValueValidator(365)],
        help_text=_("The parties' coordinators get an email this many days before it ends."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="CNY",
        help_text=_("ISO 4217 code in which money targets of this agreement are counted."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "title", "id"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AgreementKind.values), name="agreement_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AgreementStatus.values), name="agreement_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="agreement_valid_to_after_from",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["signed", "active", "expired"])
                | Q(signed_on__isnull=False),
                name="agreement_signed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["active", "expired"])
                | (Q(valid_from__isnull=False) & Q(valid_to__isnull=False)),
                name="agreement_active_has_period",
            ),
            models.CheckConstraint(
                condition=~Q(status="terminated")
                | (Q(terminated_on__isnull=False) & ~Q(termination_reason="")),
                name="agreement_terminated_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(kind="framework") | Q(parent__isnull=True),
                name="agreement_framework_has_no_parent",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")) & ~Q(renews=F("pk")),
                name="agreement_not_own_parent_or_renewal",
            ),
            models.CheckConstraint(
                condition=Q(remind_days_before__lte=365), name="agreement_remind_days_range"
            ),
            # At most one live renewal per agreement; a renewal abandoned (terminated) before it
            # was signed frees the place for another.
            models.UniqueConstraint(
                fields=["renews"],
                condition=Q(renews__isnull=False) & ~Q(status="terminated"),
                name="agreement_one_renewal",
            ),
            models.UniqueConstraint(
                fields=["reference"], condition=~Q(reference=""), name="agreement_reference_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_to"]),
            models.Index(fields=["kind"]),
        ]

    def display_title(self, language: str | None = None) -> str:
        """Chinese readers get the Chinese title when there is one, everyone else the English
        title, falling back to the title as written."""
        language = (language or get_language() or "en").lower()
        if language.startswith("zh") and self.title_zh:
            return self.title_zh
        if not language.startswith("zh") and self.title_en:
            return self.title_en
        return self.title

    def other_title(self) -> str:
        """The title as written when it differs from the one displayed (shown beneath it)."""
        shown = self.display_title()
        return self.title if self.title != shown else ""

    def __str__(self) -> str:
        return self.display_title()

    def effective_status(self, today: dt.date | None = None) -> str:
        """The status to show: "expired" for an agreement in force whose validity has ended.
        Uses the `current_status` annotation when the selector added it."""
        annotated = getattr(self, "current_status", None)
        if annotated:
            return str(annotated)
        today = today or timezone.localdate()
        if self.status in IN_FORCE and self.valid_to is not None and self.valid_to < today:
            return AgreementStatus.EXPIRED.value
        return self.status

    def effective_status_label(self) -> Any:
        return AgreementStatus(self.effective_status()).label

    def days_left(self, today: dt.date | None = None) -> int | None:
        if self.valid_to is None:
            return None
        return (self.valid_to - (today or timezone.localdate())).days

    @property
    def is_closed(self) -> bool:
        return self.effective_status() in CLOSED


class Party(models.Model):
    """One party to an agreement with its role in it: an organisation (school, enterprise, host,
    sponsor, partner) or, in a three-party internship agreement, the student as a person."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_parties",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_parties",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=16, choices=PartyRole.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["agreement_id", "order", "id"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(person__isnull=True))
                | (Q(organisation__isnull=True) & Q(person__isnull=False)),
                name="party_organisation_xor_person",
            ),
            models.CheckConstraint(condition=Q(role__in=PartyRole.values), name="party_role_valid"),
            models.CheckConstraint(
                condition=Q(person__isnull=True) | Q(role="student"),
                name="party_person_is_student",
            ),
            models.UniqueConstraint(
                fields=["agreement", "organisation"],
                condition=Q(organisation__isnull=False),
                name="party_organisation_once",
            ),
            models.UniqueConstraint(
                fields=["agreement", "person"],
                condition=Q(person__isnull=False),
                name="party_person_once",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "agreement"])]

    @property
    def member(self) -> Organisation | Person:
        """The organisation or the person."""
        return self.organisation or self.person  # type: ignore[return-value]

    def __str__(self) -> str:
        return f"{self.member} ({self.get_role_display()})"


class Signatory(models.Model):
    """A person who signed an agreement on behalf of a party, with their title at signing (titles
    change; the agreement keeps the one printed under the signature)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatories")
    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, related_name="signatories", verbose_name=_("party")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("person")
    )
    title = models.CharField(_("title at signing"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["agreement_id", "party__order", "order", "id"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "person"], name="signatory_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.title}" if self.title else str(self.person)


class ReminderKind(models.TextChoices):
    EXPIRY = "expiry", _("Expiry")


class ReminderSent(models.Model):
    """A reminder the platform has sent, so that it is never sent twice: one per agreement, kind
    and date reminded of (a renewed or extended validity gets its own)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=16, choices=ReminderKind.choices)
    for_date = models.DateField(_("date reminded of"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "kind", "for_date"], name="reminder_sent_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="reminder_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.for_date} #{self.agreement_id}"
