"""Filter sets of the placements lists; shared by the pages, the exports and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from qiao.core.filters import SearchFilterSet, StyledFilterSet
from qiao.placements.compliance_selectors import ruleset_codes
from qiao.placements.models import (
    ComplianceRuleSet,
    ComplianceViolation,
    Opening,
    OpeningKind,
    OpeningStatus,
    Placement,
    PlacementRound,
    PlacementState,
    Preference,
    RunOutcome,
    Site,
    SiteKind,
)


class SiteFilter(SearchFilterSet):
    search_lookups = (
        "name__icontains",
        "name_en__icontains",
        "city__icontains",
        "host__name__icontains",
        "host__name_en__icontains",
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=SiteKind.choices)
    country = django_filters.ChoiceFilter(label=_("Country"), choices=countries)

    class Meta:
        model = Site
        fields = ["q", "kind", "country"]


class OpeningFilter(SearchFilterSet):
    search_lookups = (
        "title__icontains",
        "host__name__icontains",
        "host__name_en__icontains",
        "site__name__icontains",
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OpeningKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OpeningStatus.choices)
    blocked = django_filters.BooleanFilter(label=_("With open violations"), method="by_violations")

    class Meta:
        model = Opening
        fields = ["q", "kind", "status", "blocked"]

    def by_violations(self, qs: QuerySet[Opening], name: str, value: Any) -> QuerySet[Opening]:
        if value is None:
            return qs
        flagged = ComplianceViolation.objects.filter(resolved_at=None).values("opening_id")
        return qs.filter(pk__in=flagged) if value else qs.exclude(pk__in=flagged)


class ApplicantFilter(SearchFilterSet):
    search_lookups = (
        "candidate__person__family_name__icontains",
        "candidate__person__given_name__icontains",
        "candidate__person__native_name__icontains",
        "candidate__student_number__icontains",
    )
    opening = django_filters.ModelChoiceFilter(
        label=_("Opening"), queryset=Opening.objects.none(), field_name="opening"
    )

    class Meta:
        model = Preference
        fields = ["q", "opening"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the openings the (already scoped) applications are to.
        openings = Opening.objects.filter(pk__in=self.queryset.values("opening_id"))
        self.filters["opening"].queryset = openings
        self.form.fields["opening"].queryset = openings


class ViolationFilter(StyledFilterSet):
    severity = django_filters.ChoiceFilter(
        label=_("Severity"), choices=[("blocks", _("Blocks")), ("warns", _("Warns"))]
    )
    rule = django_filters.CharFilter(label=_("Rule"), field_name="rule_id", max_length=64)

    class Meta:
        model = ComplianceViolation
        fields = ["severity", "rule"]


class PlacementFilter(SearchFilterSet):
    search_lookups = (
        "student__family_name__icontains",
        "student__given_name__icontains",
        "student__native_name__icontains",
        "opening__title__icontains",
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=PlacementState.choices)
    site = django_filters.ModelChoiceFilter(
        label=_("Site"), queryset=Site.objects.none(), field_name="opening__site"
    )
    round = django_filters.ModelChoiceFilter(
        label=_("Round"), queryset=PlacementRound.objects.none(), field_name="round"
    )

    class Meta:
        model = Placement
        fields = ["q", "state", "site", "round"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the sites and rounds of the (already scoped) placements.
        sites = Site.objects.filter(pk__in=self.queryset.values("opening__site_id"))
        rounds = PlacementRound.objects.filter(pk__in=self.queryset.values("round_id"))
        for name, qs in (("site", sites), ("round", rounds)):
            self.filters[name].queryset = qs
            self.form.fields[name].queryset = qs


class RunOutcomeFilter(SearchFilterSet):
    """The students tab of a run's review: by name or student number, placed or not, and the
    choice they were placed at."""

    search_lookups = (
        "candidate__person__family_name__icontains",
        "candidate__person__given_name__icontains",
        "candidate__person__native_name__icontains",
        "candidate__student_number__icontains",
        "opening__title__icontains",
    )
    result = django_filters.ChoiceFilter(
        label=_("Result"),
        choices=(("placed", _("Placed")), ("unplaced", _("Not placed"))),
        method="by_result",
    )
    choice = django_filters.NumberFilter(
        label=_("Placed at choice"), field_name="choice", min_value=1, max_value=50
    )

    class Meta:
        model = RunOutcome
        fields = ["q", "result", "choice"]

    def by_result(self, qs: QuerySet[RunOutcome], name: str, value: str) -> QuerySet[RunOutcome]:
        if value == "placed":
            return qs.filter(opening__isnull=False)
        if value == "unplaced":
            return qs.filter(opening__isnull=True)
        return qs


class RuleSetFilter(SearchFilterSet):
    search_lookups = ("code__icontains", "title_en__icontains", "title_zh__icontains")
    code = django_filters.ChoiceFilter(label=_("Code"), choices=[])

    class Meta:
        model = ComplianceRuleSet
        fields = ["q", "code"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(c, c) for c in ruleset_codes()]
        self.filters["code"].extra["choices"] = choices
        self.form.fields["code"].choices = [("", "---------"), *choices]
