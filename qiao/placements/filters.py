"""Filter sets of the placements lists; shared by the pages, the exports and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from qiao.core.filters import StyledFilterSet
from qiao.placements.models import (
    ComplianceViolation,
    Opening,
    OpeningKind,
    OpeningStatus,
    Placement,
    PlacementRound,
    PlacementState,
    Preference,
    Site,
    SiteKind,
)


class SiteFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=SiteKind.choices)
    country = django_filters.ChoiceFilter(label=_("Country"), choices=countries)

    class Meta:
        model = Site
        fields = ["q", "kind", "country"]

    def search(self, qs: QuerySet[Site], name: str, value: str) -> QuerySet[Site]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(name__icontains=value)
            | Q(name_en__icontains=value)
            | Q(city__icontains=value)
            | Q(host__name__icontains=value)
            | Q(host__name_en__icontains=value)
        )


class OpeningFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OpeningKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OpeningStatus.choices)
    blocked = django_filters.BooleanFilter(label=_("With open violations"), method="by_violations")

    class Meta:
        model = Opening
        fields = ["q", "kind", "status", "blocked"]

    def search(self, qs: QuerySet[Opening], name: str, value: str) -> QuerySet[Opening]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(title__icontains=value)
            | Q(host__name__icontains=value)
            | Q(host__name_en__icontains=value)
            | Q(site__name__icontains=value)
        )

    def by_violations(self, qs: QuerySet[Opening], name: str, value: Any) -> QuerySet[Opening]:
        if value is None:
            return qs
        flagged = ComplianceViolation.objects.filter(resolved_at=None).values("opening_id")
        return qs.filter(pk__in=flagged) if value else qs.exclude(pk__in=flagged)


class ApplicantFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
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

    def search(self, qs: QuerySet[Preference], name: str, value: str) -> QuerySet[Preference]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(candidate__person__family_name__icontains=value)
            | Q(candidate__person__given_name__icontains=value)
            | Q(candidate__person__native_name__icontains=value)
            | Q(candidate__student_number__icontains=value)
        )


class ViolationFilter(StyledFilterSet):
    severity = django_filters.ChoiceFilter(
        label=_("Severity"), choices=[("blocks", _("Blocks")), ("warns", _("Warns"))]
    )
    rule = django_filters.CharFilter(label=_("Rule"), field_name="rule_id", max_length=64)

    class Meta:
        model = ComplianceViolation
        fields = ["severity", "rule"]


class PlacementFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
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

    def search(self, qs: QuerySet[Placement], name: str, value: str) -> QuerySet[Placement]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(student__family_name__icontains=value)
            | Q(student__given_name__icontains=value)
            | Q(student__native_name__icontains=value)
            | Q(opening__title__icontains=value)
        )
