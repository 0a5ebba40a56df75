"""Filter sets: one per list, shared by the HTML page, the export and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from qiao.core.models import AffiliationKind, AuditEntry, Organisation, OrganisationKind, Person


class StyledFilterSet(django_filters.FilterSet):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = (
                "form-select form-select-sm"
                if hasattr(field, "choices")
                else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css


class SearchFilterSet(StyledFilterSet):
    """A list filter with a free-text box `q` matching any of `search_lookups` (full ORM
    lookups, e.g. "name__icontains"); subclasses with a subtler search override `search`."""

    search_lookups: tuple[str, ...] = ()
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)

    def search(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return qs
        match = Q()
        for lookup in self.search_lookups:
            match |= Q(**{lookup: value})
        return qs.filter(match)


class OrganisationFilter(SearchFilterSet):
    search_lookups = (
        "name__icontains",
        "name_en__icontains",
        "name_local__icontains",
        "short_name__icontains",
        "city__icontains",
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrganisationKind.choices)
    country = django_filters.ChoiceFilter(label=_("Country"), choices=countries)

    class Meta:
        model = Organisation
        fields = ["q", "kind", "country"]


class PersonFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"), queryset=Organisation.objects.none(), method="by_organisation"
    )
    kind = django_filters.ChoiceFilter(
        label=_("Affiliation"), choices=AffiliationKind.choices, method="by_kind"
    )
    nationality = django_filters.ChoiceFilter(label=_("Nationality"), choices=countries)
    cohort_year = django_filters.NumberFilter(
        label=_("Cohort year"), method="by_cohort", min_value=1950, max_value=2100
    )

    class Meta:
        model = Person
        fields = ["q", "organisation", "kind", "nationality", "cohort_year"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from qiao.core.selectors import organisation_list

        request = kwargs.get("request")
        viewer = getattr(request, "user", None)
        self.filters["organisation"].queryset = organisation_list(viewer=viewer)
        self.form.fields["organisation"].queryset = organisation_list(viewer=viewer)

    def search(self, qs: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        value = value.strip()
        if not value:
            return qs
        q = (
            Q(family_name__icontains=value)
            | Q(given_name__icontains=value)
            | Q(native_name__icontains=value)
            | Q(email__icontains=value)
            | Q(affiliations__student_number=value)
        )
        return qs.filter(pk__in=Person.objects.filter(q).values("pk"))

    def by_organisation(self, qs: QuerySet[Person], name: str, value: Any) -> QuerySet[Person]:
        if not value:
            return qs
        return qs.filter(
            pk__in=Person.objects.filter(affiliations__organisation=value).values("pk")
        )

    def by_kind(self, qs: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        if not value:
            return qs
        return qs.filter(pk__in=Person.objects.filter(affiliations__kind=value).values("pk"))

    def by_cohort(self, qs: QuerySet[Person], name: str, value: Any) -> QuerySet[Person]:
        if value in (None, ""):
            return qs
        return qs.filter(
            pk__in=Person.objects.filter(affiliations__cohort_year=int(value)).values("pk")
        )


class AuditFilter(StyledFilterSet):
    object_type = django_filters.CharFilter(label=_("Object type"), max_length=64)
    object_id = django_filters.CharFilter(label=_("Object id"), max_length=64)
    actor = django_filters.CharFilter(
        label=_("User (email)"), field_name="actor__email", lookup_expr="icontains", max_length=200
    )
    date_from = django_filters.DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditEntry
        fields = ["object_type", "object_id", "actor", "date_from", "date_to"]
