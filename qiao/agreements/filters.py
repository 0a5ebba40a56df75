"""Filter sets of the agreement and ledger lists; shared by the pages, exports and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from qiao.agreements.models import (
    ActionItem,
    ActionItemStatus,
    Agreement,
    AgreementKind,
    AgreementStatus,
    Contribution,
    ContributionKind,
    CooperationArea,
    Direction,
    Party,
)
from qiao.core.filters import SearchFilterSet, StyledFilterSet
from qiao.core.models import Organisation


def _viewer(kwargs: dict[str, Any]) -> Any:
    request = kwargs.get("request")
    return getattr(request, "user", None)


class AgreementFilter(SearchFilterSet):
    search_lookups = (
        "title__icontains",
        "title_en__icontains",
        "title_zh__icontains",
        "reference__icontains",
    )
    partner = django_filters.ModelChoiceFilter(
        label=_("Partner organisation"),
        queryset=Organisation.objects.none(),
        method="by_partner",
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Area"),
        queryset=CooperationArea.objects.all(),
        to_field_name="code",
        method="by_area",
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=AgreementStatus.choices, field_name="current_status"
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=AgreementKind.choices)
    country = django_filters.ChoiceFilter(
        label=_("Country of a party"), choices=countries, method="by_country"
    )
    expiring_within = django_filters.NumberFilter(
        label=_("Expiring within (days)"),
        method="by_expiry",
        min_value=0,
        max_value=3650,
    )

    class Meta:
        model = Agreement
        fields = ["q", "partner", "area", "status", "kind", "country", "expiring_within"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from qiao.agreements.selectors import partner_organisations

        partners = partner_organisations(viewer=_viewer(kwargs))
        self.filters["partner"].queryset = partners
        self.form.fields["partner"].queryset = partners

    def by_partner(self, qs: QuerySet[Agreement], name: str, value: Any) -> QuerySet[Agreement]:
        if not value:
            return qs
        return qs.filter(pk__in=Party.objects.filter(organisation=value).values("agreement_id"))

    def by_area(self, qs: QuerySet[Agreement], name: str, value: Any) -> QuerySet[Agreement]:
        if not value:
            return qs
        return qs.filter(
            pk__in=Agreement.areas.through.objects.filter(cooperationarea=value).values(
                "agreement_id"
            )
        )

    def by_country(self, qs: QuerySet[Agreement], name: str, value: str) -> QuerySet[Agreement]:
        if not value:
            return qs
        return qs.filter(
            pk__in=Party.objects.filter(organisation__country=value).values("agreement_id")
        )

    def by_expiry(self, qs: QuerySet[Agreement], name: str, value: Any) -> QuerySet[Agreement]:
        if value in (None, ""):
            return qs
        today = timezone.localdate()
        return qs.filter(
            Q(current_status__in=[AgreementStatus.SIGNED, AgreementStatus.ACTIVE]),
            valid_to__gte=today,
            valid_to__lte=today + dt.timedelta(days=int(value)),
        )


class ContributionFilter(StyledFilterSet):
    agreement = django_filters.ModelChoiceFilter(
        label=_("Agreement"), queryset=Agreement.objects.none(), field_name="agreement"
    )
    party = django_filters.ModelChoiceFilter(
        label=_("Party"),
        queryset=Organisation.objects.none(),
        field_name="party__organisation",
    )
    direction = django_filters.ChoiceFilter(label=_("Direction"), choices=Direction.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ContributionKind.choices)
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="date__year", min_value=1950, max_value=2100
    )

    class Meta:
        model = Contribution
        fields = ["agreement", "party", "direction", "kind", "year"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from qiao.agreements.selectors import agreement_list, partner_organisations

        viewer = _viewer(kwargs)
        partners = partner_organisations(viewer=viewer)
        self.filters["party"].queryset = partners
        self.form.fields["party"].queryset = partners
        agreements = agreement_list(viewer=viewer).order_by("title")
        self.filters["agreement"].queryset = agreements
        self.form.fields["agreement"].queryset = agreements


class ActionItemFilter(StyledFilterSet):
    """ "My action items" (page, export, API): by status, and overdue or not. The queryset comes
    from `selectors.committees.my_action_items`, which annotates `late`."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=ActionItemStatus.choices)
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=[("yes", _("Overdue only")), ("no", _("Not overdue"))],
        method="by_overdue",
    )

    class Meta:
        model = ActionItem
        fields = ["status", "overdue"]

    def by_overdue(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "yes":
            return qs.filter(late=True)
        if value == "no":
            return qs.filter(late=False)
        return qs
