"""Forms of the placements pages. They parse input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qiao.core.forms import StyledFormMixin
from qiao.core.models import Major, Person
from qiao.placements import selectors
from qiao.placements.models import CEFR_LEVELS, Opening, OpeningStatus, PriorityMode, Site
from qiao.placements.services.openings import OPENING_FIELDS
from qiao.placements.services.sites import SITE_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SiteForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Site
        fields = list(SITE_FIELDS)  # what the service accepts, in display order
        widgets = {"facilities": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from qiao.agreements import selectors as agreement_selectors

        self.fields["school"].queryset = selectors.schools_managed(viewer=viewer) | (  # type: ignore[attr-defined]
            selectors.schools_for_host(viewer=viewer)
        )
        self.fields["host"].queryset = selectors.hosts_for(viewer=viewer)  # type: ignore[attr-defined]
        self.fields["agreement"].queryset = agreement_selectors.agreement_list(viewer=viewer)  # type: ignore[attr-defined]


class OpeningForm(StyledFormMixin, forms.ModelForm):
    majors = forms.ModelMultipleChoiceField(
        label=_("Majors"),
        queryset=Major.objects.none(),
        required=False,
        help_text=_("Students of these majors may apply; leave empty for any major."),
    )
    mentors = forms.ModelMultipleChoiceField(
        label=_("Mentors"), queryset=Person.objects.none(), required=False
    )
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: skill code and level 1–5, e.g. “NET-5G-BTS 3”."),
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line: language code and CEFR level, e.g. “zh B2”."),
    )

    class Meta:
        model = Opening
        fields = list(OPENING_FIELDS)  # what the service accepts, in display order
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "start": DATE,
            "end": DATE,
            "insurance_from": DATE,
            "insurance_to": DATE,
        }

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schools = selectors.schools_managed(viewer=viewer) | selectors.schools_for_host(
            viewer=viewer
        )
        hosts = selectors.hosts_for(viewer=viewer)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        self.fields["host"].queryset = hosts  # type: ignore[attr-defined]
        self.fields["site"].queryset = selectors.site_list(viewer=viewer)  # type: ignore[attr-defined]
        self.fields["majors"].queryset = Major.objects.filter(  # type: ignore[attr-defined]
            organisation__in=schools
        ).select_related("organisation")
        self.fields["mentors"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            affiliations__organisation__in=hosts, affiliations__kind="mentor"
        ).distinct()
        if self.instance.pk:
            self.fields["skills"].initial = "\n".join(
                f"{n.skill.code} {n.level}" for n in self.instance.skill_needs.all()
            )
            self.fields["languages"].initial = "\n".join(
                f"{n.language} {n.level}" for n in self.instance.languages.all()
            )
            self.fields["majors"].initial = list(self.instance.majors.all())
            self.fields["mentors"].initial = list(self.instance.mentors.all())
            if self.instance.status != OpeningStatus.DRAFT:
                self.fields["school"].disabled = True
                self.fields["host"].disabled = True

    def clean_skills(self) -> list[tuple[Any, int]]:
        from qiao.skills.models import Skill

        rows = []
        for number, line in enumerate((self.cleaned_data.get("skills") or "").splitlines(), 1):
            parts = line.split()
            if not parts:
                continue
            level = parts[1] if len(parts) > 1 else "3"
            if len(parts) > 2 or not level.isdigit() or not 1 <= int(level) <= 5:
                raise forms.ValidationError(
                    _("Line %(n)d: write a skill code and a level from 1 to 5.") % {"n": number}
                )
            rows.append((parts[0], int(level), number))
        found = {s.code: s for s in Skill.objects.filter(code__in=[r[0] for r in rows])}
        for code, _level, number in rows:
            if code not in found:
                raise forms.ValidationError(
                    _("Line %(n)d: no skill has the code %(code)s.") % {"n": number, "code": code}
                )
        if len({r[0] for r in rows}) != len(rows):
            raise forms.ValidationError(_("A skill is listed twice."))
        return [(found[code], level) for code, level, _n in rows]

    def clean_languages(self) -> list[tuple[str, str]]:
        levels = {c for c, _l in CEFR_LEVELS}
        rows = []
        for number, line in enumerate((self.cleaned_data.get("languages") or "").splitlines(), 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2 or parts[1].upper() not in levels or not parts[0].isalpha():
                raise forms.ValidationError(
                    _("Line %(n)d: write a language code and a level from A1 to C2.")
                    % {"n": number}
                )
            rows.append((parts[0].lower()[:8], parts[1].upper()))
        if len({r[0] for r in rows}) != len(rows):
            raise forms.ValidationError(_("A language is listed twice."))
        return rows


class RoundForm(StyledFormMixin, forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=Opening.objects.none())
    name = forms.CharField(label=_("Name"), max_length=200)
    openings = forms.ModelMultipleChoiceField(
        label=_("Openings"),
        queryset=Opening.objects.none(),
        help_text=_("Published openings offered to the school."),
    )
    cohort_years = forms.CharField(
        label=_("Cohort years"),
        required=False,
        help_text=_("Comma-separated, e.g. 2023, 2024; empty for every cohort."),
    )
    ranking_opens = forms.DateTimeField(label=_("Ranking opens"), widget=DATETIME)
    ranking_closes = forms.DateTimeField(label=_("Ranking closes"), widget=DATETIME)
    respond_by = forms.DateTimeField(label=_("Students answer by"), widget=DATETIME)
    max_choices = forms.IntegerField(
        label=_("Maximum choices"), min_value=1, max_value=50, initial=5
    )
    priority_mode = forms.ChoiceField(
        label=_("Priorities"),
        choices=PriorityMode.choices,
        help_text=_(
            "Hosts score their applicants, or rank them in a strict order, or a scoring rule "
            "ranks them."
        ),
    )
    weight_grades = forms.DecimalField(
        label=_("Weight of the grade average"), min_value=0, max_value=10, initial=1
    )
    weight_skills = forms.DecimalField(
        label=_("Weight of the skills match"), min_value=0, max_value=10, initial=0
    )
    weight_interview = forms.DecimalField(
        label=_("Weight of the interview score"), min_value=0, max_value=10, initial=0
    )

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schools = selectors.schools_managed(viewer=viewer)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        self.fields["openings"].queryset = (  # type: ignore[attr-defined]
            Opening.objects.filter(school__in=schools, status=OpeningStatus.PUBLISHED)
            .select_related("host")
            .order_by("title")
        )

    def clean_cohort_years(self) -> list[int]:
        raw = self.cleaned_data.get("cohort_years") or ""
        years = []
        for chunk in raw.replace("，", ",").split(","):
            part = chunk.strip()
            if not part:
                continue
            if not part.isdigit() or not 1950 <= int(part) <= 2100:
                raise forms.ValidationError(_("Cohort years are years such as 2024."))
            years.append(int(part))
        return years


class LaterRoundForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    ranking_opens = forms.DateTimeField(label=_("Ranking opens"), widget=DATETIME)
    ranking_closes = forms.DateTimeField(label=_("Ranking closes"), widget=DATETIME)
    respond_by = forms.DateTimeField(label=_("Students answer by"), widget=DATETIME)


class RunOptionsForm(StyledFormMixin, forms.Form):
    objective = forms.ChoiceField(
        label=_("Objective"),
        choices=[
            ("stable", _("Stable (deferred acceptance)")),
            ("welfare", _("Welfare (least total rank)")),
        ],
    )
    proposing = forms.ChoiceField(
        label=_("Who proposes"),
        choices=[("students", _("Students (best for students)")), ("openings", _("Openings"))],
    )
    tie_breaking = forms.ChoiceField(
        label=_("Lottery for ties"),
        choices=[("single", _("One lottery for all openings")), ("multiple", _("One per opening"))],
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        help_text=_("Leave empty to draw one; it is recorded with the run."),
    )


class PreferenceForm(forms.Form):
    opening = forms.IntegerField(min_value=1)
    action = forms.ChoiceField(
        choices=[("add", "add"), ("up", "up"), ("down", "down"), ("remove", "remove")]
    )


class ScoreForm(StyledFormMixin, forms.Form):
    candidate = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    opening = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    score = forms.DecimalField(label=_("Score"), min_value=0, max_value=100, decimal_places=2)
    interview_score = forms.DecimalField(
        label=_("Interview score"), min_value=0, max_value=100, decimal_places=2, required=False
    )


class RespondForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", "accept"), ("decline", "decline")])


class HostRankingForm(forms.Form):
    """One change of a host's order of an opening's applicants (hidden fields of the buttons
    on the applicants page)."""

    opening = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    candidate = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    action = forms.ChoiceField(
        choices=[
            ("add", "add"),
            ("up", "up"),
            ("down", "down"),
            ("place", "place"),
            ("remove", "remove"),
        ]
    )
    position = forms.IntegerField(
        label=_("Position"), min_value=1, max_value=100_000, required=False
    )
