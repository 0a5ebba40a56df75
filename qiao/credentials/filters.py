"""Filter sets of the credentials lists (pages, exports and the API share them)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from qiao.core.filters import StyledFilterSet
from qiao.credentials.models import Achievement, Credential, CredentialState


class CredentialFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("Holder"), method="search", max_length=100)
    achievement = django_filters.ModelChoiceFilter(
        label=_("Achievement"), queryset=Achievement.objects.none()
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CredentialState.choices)

    class Meta:
        model = Credential
        fields = ["q", "achievement", "status"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from qiao.credentials.selectors import achievement_list

        request = kwargs.get("request")
        visible = achievement_list(viewer=getattr(request, "user", None))
        self.filters["achievement"].queryset = visible
        self.form.fields["achievement"].queryset = visible

    def search(self, qs: QuerySet[Credential], name: str, value: str) -> QuerySet[Credential]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(person__family_name__icontains=value)
            | Q(person__given_name__icontains=value)
            | Q(person__native_name__icontains=value)
            | Q(person__affiliations__student_number=value)
        ).distinct()
