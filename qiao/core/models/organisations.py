from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class OrganisationKind(models.TextChoices):
    VOCATIONAL_COLLEGE = "vocational_college", _("Vocational college")
    UNIVERSITY = "university", _("University")
    ENTERPRISE = "enterprise", _("Enterprise")
    OVERSEAS_INSTITUTION = "overseas_institution", _("Overseas institution")
    GOVERNMENT = "government", _("Government body")
    ASSOCIATION = "association", _("Association")


SCHOOL_KINDS = frozenset(
    {
        OrganisationKind.VOCATIONAL_COLLEGE,
        OrganisationKind.UNIVERSITY,
        OrganisationKind.OVERSEAS_INSTITUTION,
    }
)


class MultilingualNameMixin(models.Model):
    """A name in several languages: a default, English, and the local script."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    name_local = models.CharField(_("name in local script"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def display_name(self, language: str | None = None) -> str:
        """The name to show in `language`: Chinese readers get the local script when it has
        one, everyone else the English name, falling back to the default name."""
        language = (language or get_language() or "en").lower()
        if language.startswith("zh") and self.name_local and self.local_name_is_chinese():
            return self.name_local
        if not language.startswith("zh") and self.name_en:
            return self.name_en
        return self.name

    def local_name_is_chinese(self) -> bool:
        return True

    def __str__(self) -> str:
        return self.display_name()


CHINESE_SCRIPT_COUNTRIES = frozenset({"CN", "TW", "HK", "MO", "SG"})


class Organisation(MultilingualNameMixin):
    """A school, enterprise, overseas institution, government body or association."""

    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="org_name_country_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganisationKind.values), name="org_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["kind", "country"])]

    @property
    def is_school(self) -> bool:
        return self.kind in SCHOOL_KINDS

    def local_name_is_chinese(self) -> bool:
        # Chinese readers get the local name only when it is written in Chinese; a Thai
        # partner's Thai name means nothing to them, its English name does.
        return self.country.code in CHINESE_SCRIPT_COUNTRIES


class Department(MultilingualNameMixin):
    """A unit of an organisation, e.g. "School of Computer Engineering"."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="departments"
    )
    code = models.CharField(_("code"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["organisation_id", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="dept_org_name_unique"),
        ]

    def local_name_is_chinese(self) -> bool:
        return self.organisation.local_name_is_chinese()


class Major(MultilingualNameMixin):
    """A major (specialty) a school teaches, e.g. "Cloud Computing Technology Application"."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="majors")
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="majors"
    )
    code = models.CharField(_("code"), max_length=40)

    class Meta:
        ordering = ["organisation_id", "code"]
        verbose_name = _("major")
        verbose_name_plural = _("majors")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="major_org_code_unique"),
        ]

    def local_name_is_chinese(self) -> bool:
        return self.organisation.local_name_is_chinese()
