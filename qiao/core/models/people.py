from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from qiao.core.models.organisations import Department, Major, Organisation


class Person(models.Model):
    """Every human in the platform: student, teacher, staff, mentor, committee member.

    Names are kept in Latin script (family / given) and in the person's native script, so a
    Thai student appears as "สมชาย ใจดี" to a Thai reader and "Somchai Jaidee" to others.
    """

    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    given_name = models.CharField(_("given name"), max_length=100)
    native_name = models.CharField(_("name in native script"), max_length=200, blank=True)
    family_name_first = models.BooleanField(_("family name first"), default=False)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    nationality = CountryField(_("nationality"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["email"])]

    @property
    def latin_name(self) -> str:
        parts = (
            [self.family_name, self.given_name]
            if self.family_name_first
            else [
                self.given_name,
                self.family_name,
            ]
        )
        return " ".join(p for p in parts if p)

    def display_name(self, language: str | None = None) -> str:
        """Native script for readers of Chinese when it is Chinese, Latin script otherwise;
        the native form is always offered beside it by the templates."""
        language = (language or get_language() or "en").lower()
        if language.startswith("zh") and self.native_name and self.nationality == "CN":
            return self.native_name
        return self.latin_name or self.native_name

    def __str__(self) -> str:
        return self.display_name()

    def age_on(self, day: object) -> int | None:
        import datetime as dt

        if self.date_of_birth is None or not isinstance(day, dt.date):
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class AffiliationKind(models.TextChoices):
    STUDENT = "student", _("Student")
    TEACHER = "teacher", _("Teacher")
    STAFF = "staff", _("Staff")
    MENTOR = "mentor", _("Enterprise mentor")


class AffiliationQuerySet(models.QuerySet["Affiliation"]):
    def current(self, on: object = None) -> AffiliationQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(start__isnull=True) | Q(start__lte=day)).filter(
            Q(end__isnull=True) | Q(end__gte=day)
        )


class Affiliation(models.Model):
    """A person's tie to an organisation for a period: student, teacher, staff or mentor."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="affiliations"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AffiliationKind.choices)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="affiliations"
    )
    # Students
    student_number = models.CharField(_("student number"), max_length=40, blank=True)
    major = models.ForeignKey(
        Major, on_delete=models.SET_NULL, null=True, blank=True, related_name="students"
    )
    cohort_year = models.PositiveSmallIntegerField(_("cohort year"), null=True, blank=True)
    # Teachers, staff and mentors
    title = models.CharField(_("title"), max_length=120, blank=True)

    objects = AffiliationQuerySet.as_manager()

    class Meta:
        ordering = ["organisation_id", "kind", "id"]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AffiliationKind.values), name="affiliation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True)
                | Q(end__isnull=True)
                | Q(end__gte=models.F("start")),
                name="affiliation_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["organisation", "student_number"],
                condition=Q(kind="student") & ~Q(student_number=""),
                name="affiliation_student_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(cohort_year__isnull=True)
                | (Q(cohort_year__gte=1950) & Q(cohort_year__lte=2100)),
                name="affiliation_cohort_year_range",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "kind"])]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_kind_display()} @ {self.organisation}"
