from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiao.core.models import JobProgress, Major, Organisation, Person


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Ranking open")
    CLOSED = "closed", _("Ranking closed")
    PUBLISHED = "published", _("Published")


class PriorityMode(models.TextChoices):
    HOSTS = "hosts", _("Hosts score their applicants")
    SCORING = "scoring", _("Scoring rule")
    HOST_RANKING = "host_ranking", _("Hosts rank their applicants")


class PlacementRound(models.Model):
    """A school's round: students of some cohorts rank up to `max_choices` of a set of published
    openings within the ranking window; the allocation engine places them; the coordinator
    publishes one run; students accept or decline before `respond_by`. A later round
    (`previous`) takes the unplaced and those who declined, over the seats left."""

    school = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="placement_rounds"
    )
    name = models.CharField(_("name"), max_length=200)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="later_rounds",
        verbose_name=_("previous round"),
    )
    cohort_years = models.JSONField(_("cohort years"), default=list, blank=True)
    openings = models.ManyToManyField(
        "placements.Opening", related_name="rounds", verbose_name=_("openings")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    ranking_opens = models.DateTimeField(_("ranking opens"))
    ranking_closes = models.DateTimeField(_("ranking closes"))
    respond_by = models.DateTimeField(_("answer by"))
    max_choices = models.PositiveSmallIntegerField(
        _("maximum choices"), default=5, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    priority_mode = models.CharField(
        _("priorities"), max_length=16, choices=PriorityMode.choices, default=PriorityMode.HOSTS
    )
    weight_grades = models.DecimalField(
        _("weight of the grade average"), max_digits=4, decimal_places=2, default=1
    )
    weight_skills = models.DecimalField(
        _("weight of the skills match"), max_digits=4, decimal_places=2, default=0
    )
    weight_interview = models.DecimalField(
        _("weight of the interview score"), max_digits=4, decimal_places=2, default=0
    )
    published_run = models.OneToOneField(
        "placements.AllocationRun",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-ranking_opens", "id"]
        verbose_name = _("placement round")
        verbose_name_plural = _("placement rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RoundStatus.values), name="round_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(priority_mode__in=PriorityMode.values), name="round_mode_valid"
            ),
            models.CheckConstraint(
                condition=Q(ranking_closes__gt=F("ranking_opens")), name="round_window_order"
            ),
            models.CheckConstraint(
                condition=Q(respond_by__gt=F("ranking_closes")), name="round_respond_after"
            ),
            models.CheckConstraint(
                condition=Q(max_choices__gte=1) & Q(max_choices__lte=50),
                name="round_max_choices_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def ranking_is_open(self, now: object = None) -> bool:
        now = now or timezone.now()
        return (
            self.status == RoundStatus.OPEN and self.ranking_opens <= now < self.ranking_closes  # type: ignore[operator]
        )


class RoundCandidate(models.Model):
    """A student taking part in a round: a snapshot of what allocation needs (major, cohort,
    date of birth, grade average, skills), taken when the round opens, so later edits of a
    person's record do not change a round already under way."""

    round = models.ForeignKey(PlacementRound, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="round_entries")
    student_number = models.CharField(_("student number"), max_length=40, blank=True)
    major = models.ForeignKey(Major, on_delete=models.SET_NULL, null=True, blank=True)
    cohort_year = models.PositiveSmallIntegerField(_("cohort year"), null=True, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    grade_average = models.DecimalField(
        _("grade average"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    skill_codes = models.JSONField(_("skills"), default=list, blank=True)

    class Meta:
        ordering = ["round_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="candidate_round_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.round}"


class Preference(models.Model):
    """One ranked choice of a candidate: position 1 is the first choice."""

    candidate = models.ForeignKey(
        RoundCandidate, on_delete=models.CASCADE, related_name="preferences"
    )
    opening = models.ForeignKey("placements.Opening", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["candidate_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "opening"], name="preference_once"),
            models.UniqueConstraint(
                fields=["candidate", "position"],
                name="preference_position_unique",
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="preference_position_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id}#{self.position}: {self.opening_id}"


class HostScore(models.Model):
    """A host's score of an applicant to one of its openings (higher is better), and an
    optional interview score the scoring rule may weigh."""

    round = models.ForeignKey(PlacementRound, on_delete=models.CASCADE, related_name="scores")
    opening = models.ForeignKey("placements.Opening", on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(RoundCandidate, on_delete=models.CASCADE, related_name="scores")
    score = models.DecimalField(
        _("score"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    interview_score = models.DecimalField(
        _("interview score"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["opening_id", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["opening", "candidate"], name="host_score_once"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="host_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opening_id}/{self.candidate_id}: {self.score}"


class HostRanking(models.Model):
    """One place in a host's strict order of its applicants to one of its openings in a round
    (rank 1 is the host's first choice), used when the round's priorities are `host_ranking`.
    Applicants the host leaves out come after the ranked ones, in the recorded lottery's order.
    Ranks of an opening are kept contiguous (1, 2, 3, …) by the services, which rewrite the
    whole order on every change."""

    round = models.ForeignKey(
        PlacementRound, on_delete=models.CASCADE, related_name="host_rankings"
    )
    opening = models.ForeignKey("placements.Opening", on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(
        RoundCandidate, on_delete=models.CASCADE, related_name="host_rankings"
    )
    rank = models.PositiveIntegerField(_("rank"))
    ranked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["round_id", "opening_id", "rank"]
        verbose_name = _("host ranking")
        verbose_name_plural = _("host rankings")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "opening", "candidate"], name="host_ranking_once"
            ),
            models.UniqueConstraint(
                fields=["round", "opening", "rank"], name="host_ranking_rank_unique"
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="host_ranking_rank_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.opening_id}#{self.rank}: {self.candidate_id}"


class RunState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class AllocationRun(models.Model):
    """One allocation of a round, kept for good: its canonical input (and SHA-256), seed and
    options, and the engine's metrics and verification. Never edited after it is done; running
    again makes a new run."""

    round = models.ForeignKey(PlacementRound, on_delete=models.CASCADE, related_name="runs")
    number = models.PositiveIntegerField(_("number"))
    state = models.CharField(
        _("state"), max_length=16, choices=RunState.choices, default=RunState.PENDING
    )
    options = models.JSONField(_("options"), default=dict)
    seed = models.PositiveBigIntegerField(_("seed"))
    input_sha256 = models.CharField(_("input SHA-256"), max_length=64, blank=True)
    input_document = models.JSONField(_("input"), null=True, blank=True)
    ineligible_reasons = models.JSONField(default=dict, blank=True)
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    verification = models.JSONField(_("verification"), default=dict, blank=True)
    opening_explanations = models.JSONField(default=dict, blank=True)
    lottery = models.JSONField(null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    job = models.ForeignKey(
        JobProgress, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["round_id", "-number"]
        verbose_name = _("allocation run")
        verbose_name_plural = _("allocation runs")
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="run_round_number"),
            models.CheckConstraint(condition=Q(state__in=RunState.values), name="run_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.round} — run {self.number}"


class RunOutcome(models.Model):
    """What one run gave one candidate: the opening (or none), the choice it was, the engine's
    explanation, and the choices she was not eligible for with the reasons."""

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="outcomes")
    candidate = models.ForeignKey(RoundCandidate, on_delete=models.CASCADE, related_name="+")
    opening = models.ForeignKey(
        "placements.Opening", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    choice = models.PositiveSmallIntegerField(null=True, blank=True)
    explanation = models.JSONField(default=dict)
    ineligible = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["run_id", "candidate_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "candidate"], name="outcome_once"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.candidate_id}: {self.opening_id}"
