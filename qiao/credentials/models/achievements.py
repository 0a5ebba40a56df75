"""What can be achieved, and how it is assessed: achievements, certification schemes, exam
sessions, candidates and results."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qiao.core.models import Organisation, Person
from qiao.skills.models import Skill


class AchievementKind(models.TextChoices):
    CERTIFICATION = "certification", _("Certification")
    COURSE = "course", _("Course")
    PROGRAMME = "programme", _("Programme")
    INTERNSHIP = "internship", _("Internship")
    COMPETITION_AWARD = "competition_award", _("Competition award")


# Open Badges 3.0 achievementType for each kind ("ext:" is the specification's extension form).
OB_ACHIEVEMENT_TYPES = {
    AchievementKind.CERTIFICATION: "Certification",
    AchievementKind.COURSE: "Course",
    AchievementKind.PROGRAMME: "LearningProgram",
    AchievementKind.INTERNSHIP: "ext:Internship",
    AchievementKind.COMPETITION_AWARD: "Award",
}


def _pick(en: str, zh: str, language: str | None) -> str:
    language = (language or get_language() or "en").lower()
    if language.startswith("zh"):
        return zh or en
    return en or zh


class Achievement(models.Model):
    """An Open Badges 3.0 Achievement an organisation awards: a certification, course,
    programme, internship or competition award, in English and Chinese, aligned to skills."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="achievements"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=AchievementKind.choices)
    human_code = models.CharField(
        _("code"), max_length=60, blank=True, help_text=_("A short code, e.g. HCIA-Cloud.")
    )
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    description_zh = models.TextField(_("Chinese description"), blank=True)
    criteria_en = models.TextField(_("criteria (English)"), blank=True)
    criteria_zh = models.TextField(_("criteria (Chinese)"), blank=True)
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="achievements", verbose_name=_("skills")
    )
    languages = models.CharField(
        _("languages"),
        max_length=60,
        default="zh-CN,en",
        help_text=_("Language tags of the assessment, separated by commas, e.g. zh-CN,en."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["organisation_id", "name_en", "name_zh"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AchievementKind.values), name="achievement_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(name_en="") | ~Q(name_zh=""), name="achievement_has_name"
            ),
            models.UniqueConstraint(
                fields=["organisation", "name_en", "name_zh"], name="achievement_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name()

    def name(self, language: str | None = None) -> str:
        return _pick(self.name_en, self.name_zh, language)

    def description(self, language: str | None = None) -> str:
        return _pick(self.description_en, self.description_zh, language)

    @property
    def language_list(self) -> list[str]:
        return [part.strip() for part in self.languages.split(",") if part.strip()]

    @property
    def ob_type(self) -> str:
        return OB_ACHIEVEMENT_TYPES[AchievementKind(self.kind)]


class CertificationScheme(models.Model):
    """How an organisation certifies: the achievement it awards, the pass mark out of
    `max_score`, and how many months the certificate stays valid (none: no expiry)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="certification_schemes"
    )
    achievement = models.ForeignKey(
        Achievement, on_delete=models.PROTECT, related_name="schemes", verbose_name=_("achievement")
    )
    code = models.SlugField(_("code"), max_length=60)
    pass_mark = models.DecimalField(_("pass mark"), max_digits=6, decimal_places=2)
    max_score = models.DecimalField(
        _("maximum score"), max_digits=6, decimal_places=2, default=Decimal(100)
    )
    validity_months = models.PositiveSmallIntegerField(
        _("validity (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the certificate does not expire."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["organisation_id", "code"]
        verbose_name = _("certification scheme")
        verbose_name_plural = _("certification schemes")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="scheme_code_unique"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="scheme_max_score_positive"),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0) & Q(pass_mark__lte=F("max_score")),
                name="scheme_pass_mark_in_range",
            ),
            models.CheckConstraint(
                condition=Q(validity_months__isnull=True)
                | (Q(validity_months__gte=1) & Q(validity_months__lte=240)),
                name="scheme_validity_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.achievement}"


class ExamSession(models.Model):
    """One sitting of a scheme's exam: where, when, how many candidates fit. `organisation` is
    the scheme's, kept here so session codes are unique per organisation (imports name a
    session by its code)."""

    scheme = models.ForeignKey(
        CertificationScheme, on_delete=models.PROTECT, related_name="sessions"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="exam_sessions", editable=False
    )
    code = models.SlugField(_("code"), max_length=60)
    site = models.CharField(_("site"), max_length=200)
    date = models.DateField(_("date"))
    capacity = models.PositiveIntegerField(_("capacity"))
    candidates: models.ManyToManyField[Person, ExamCandidate] = models.ManyToManyField(
        Person, through="ExamCandidate", related_name="exam_sessions", blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "code"]
        verbose_name = _("exam session")
        verbose_name_plural = _("exam sessions")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="session_code_unique"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=100000),
                name="session_capacity_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.date:%Y-%m-%d})"


class ExamCandidate(models.Model):
    """A person registered for an exam session (the session's capacity bounds how many)."""

    session = models.ForeignKey(ExamSession, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="exam_registrations")
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        ordering = ["session_id", "id"]
        verbose_name = _("exam candidate")
        verbose_name_plural = _("exam candidates")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="candidate_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.session}"


class ExamResult(models.Model):
    """A candidate's score in a session. `passed` is computed from the scheme's pass mark when
    the score is recorded, and `pass_mark` keeps the mark that applied."""

    session = models.ForeignKey(ExamSession, on_delete=models.PROTECT, related_name="results")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="exam_results")
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    pass_mark = models.DecimalField(_("pass mark"), max_digits=6, decimal_places=2)
    passed = models.BooleanField(_("passed"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["session_id", "-score", "id"]
        verbose_name = _("exam result")
        verbose_name_plural = _("exam results")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="result_unique"),
            models.CheckConstraint(condition=Q(score__gte=0), name="result_score_positive"),
            models.CheckConstraint(
                condition=Q(passed=True, score__gte=F("pass_mark"))
                | Q(passed=False, score__lt=F("pass_mark")),
                name="result_passed_matches_mark",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.score} @ {self.session}"
