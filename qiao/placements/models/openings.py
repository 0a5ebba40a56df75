from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from qiao.core.models import Major, Organisation, Person


class OpeningKind(models.TextChoices):
    COGNITIVE = "cognitive_internship", _("Cognitive internship")
    FOLLOW_UP = "follow_up_internship", _("Follow-up internship")
    POST = "post_internship", _("Post internship")
    APPRENTICESHIP = "apprenticeship", _("Apprenticeship")
    JOB = "job", _("Job")


class OpeningStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


# Skill levels (1 = aware … 5 = expert) and CEFR language levels.
SKILL_LEVELS = [
    (1, _("1 — aware")),
    (2, _("2 — beginner")),
    (3, _("3 — competent")),
    (4, _("4 — proficient")),
    (5, _("5 — expert")),
]
CEFR_LEVELS = [(c, c) for c in ("A1", "A2", "B1", "B2", "C1", "C2")]


class Opening(models.Model):
    """Seats at a site or with a host for a period: kind, requirements, conditions, mentors.

    Published only through `services.opening_publish`, which runs the school's compliance rule
    set first: a blocking violation keeps the opening a draft and says why."""

    school = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="placement_openings",
        verbose_name=_("school"),
    )
    host = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="hosted_openings",
        verbose_name=_("host"),
    )
    site = models.ForeignKey(
        "placements.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="openings",
        verbose_name=_("site"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OpeningKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=OpeningStatus.choices, default=OpeningStatus.DRAFT
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    seats = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1)])
    # Requirements
    majors = models.ManyToManyField(
        Major, blank=True, related_name="placement_openings", verbose_name=_("majors")
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[MaxValueValidator(99)]
    )
    cohort_year = models.PositiveSmallIntegerField(_("cohort year"), null=True, blank=True)
    # Conditions
    hours_per_day = models.DecimalField(
        _("hours per day"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(24))],
    )
    days_per_week = models.PositiveSmallIntegerField(
        _("days per week"), validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    night_work = models.BooleanField(_("night work"), default=False)
    overtime = models.BooleanField(_("overtime"), default=False)
    public_holiday_work = models.BooleanField(_("work on public holidays"), default=False)
    pay_amount = models.DecimalField(
        _("pay per month"), max_digits=10, decimal_places=2, default=Decimal(0)
    )
    probation_wage = models.DecimalField(
        _("probation wage for the same post"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    pay_currency = models.CharField(_("currency"), max_length=3, default="CNY")
    fee_charged = models.DecimalField(
        _("fees charged to the student"), max_digits=10, decimal_places=2, default=Decimal(0)
    )
    via_agency = models.BooleanField(_("arranged through an agency"), default=False)
    forbidden_for_minors = models.BooleanField(
        _("work forbidden to minors"),
        default=False,
        help_text=_(
            "Work the law on juvenile workers forbids to anyone under 18: heavy physical "
            "labour, work at heights, underground, with toxic or radioactive substances, and the "
            "like."
        ),
    )
    heavy_labour = models.BooleanField(
        _("physical labour of intensity class III or above"),
        default=False,
        help_text=_("Work of intensity class III or IV under the national classification."),
    )
    entertainment_venue = models.BooleanField(
        _("at a commercial entertainment venue"),
        default=False,
        help_text=_("A bar, nightclub, karaoke hall, bath centre, game arcade, internet café …"),
    )
    accommodation = models.BooleanField(_("accommodation provided"), default=False)
    insurer = models.CharField(_("insurer"), max_length=200, blank=True)
    insurance_from = models.DateField(_("insured from"), null=True, blank=True)
    insurance_to = models.DateField(_("insured to"), null=True, blank=True)
    post_headcount = models.PositiveIntegerField(_("employees in this post"), null=True, blank=True)
    host_workforce = models.PositiveIntegerField(_("host's workforce"), null=True, blank=True)
    mentors = models.ManyToManyField(
        Person, blank=True, related_name="mentored_openings", verbose_name=_("mentors")
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("opening")
        verbose_name_plural = _("openings")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OpeningKind.values), name="opening_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=OpeningStatus.values), name="opening_status_valid"
            ),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="opening_end_after"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="opening_seats_positive"),
            models.CheckConstraint(
                condition=Q(hours_per_day__gte=0) & Q(hours_per_day__lte=24),
                name="opening_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(days_per_week__gte=1) & Q(days_per_week__lte=7),
                name="opening_days_range",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status"]),
            models.Index(fields=["host", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == OpeningStatus.PUBLISHED


class OpeningSkill(models.Model):
    """A skill an opening asks for, at a level (1–5)."""

    opening = models.ForeignKey(Opening, on_delete=models.CASCADE, related_name="skill_needs")
    skill = models.ForeignKey("skills.Skill", on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"), choices=SKILL_LEVELS, default=3)

    class Meta:
        ordering = ["opening_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["opening", "skill"], name="opening_skill_unique"),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=5), name="opening_skill_level_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({self.level})"


class OpeningLanguage(models.Model):
    """A language an opening asks for, at a CEFR level."""

    opening = models.ForeignKey(Opening, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=8)
    level = models.CharField(_("level"), max_length=2, choices=CEFR_LEVELS, default="B1")

    class Meta:
        ordering = ["opening_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["opening", "language"], name="opening_language_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.language} {self.level}"
