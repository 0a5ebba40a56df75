"""One filter set for the skills list page, its export and the API list."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from qiao.core.filters import StyledFilterSet
from qiao.skills import selectors
from qiao.skills.models import Skill, SkillAlias
from qiao.skills.normalise import normalise

YES_NO = (("yes", _("Yes")), ("no", _("No")))


class SkillFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    domain = django_filters.ModelChoiceFilter(
        label=_("Domain"),
        queryset=Skill.objects.none(),
        to_field_name="code",
        method="by_domain",
    )
    has_aliases = django_filters.ChoiceFilter(
        label=_("Has aliases"), choices=YES_NO, method="by_aliases"
    )

    class Meta:
        model = Skill
        fields = ["q", "domain", "has_aliases"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = kwargs.get("request")
        domains = selectors.skill_domains(viewer=getattr(request, "user", None))
        self.filters["domain"].queryset = domains
        self.form.fields["domain"].queryset = domains

    def search(self, qs: QuerySet[Skill], name: str, value: str) -> QuerySet[Skill]:
        value = value.strip()
        if not value:
            return qs
        aliases = SkillAlias.objects.filter(
            Q(text__icontains=value) | Q(normalised__contains=normalise(value) or value)
        )
        return qs.filter(
            Q(code__icontains=value)
            | Q(label_en__icontains=value)
            | Q(label_zh__icontains=value)
            | Q(pk__in=aliases.values("skill_id"))
        )

    def by_domain(self, qs: QuerySet[Skill], name: str, value: Skill | None) -> QuerySet[Skill]:
        if value is None:
            return qs
        return qs.filter(Q(pk=value.pk) | Q(domain=value))

    def by_aliases(self, qs: QuerySet[Skill], name: str, value: str) -> QuerySet[Skill]:
        if value not in ("yes", "no"):
            return qs
        has = Exists(SkillAlias.objects.filter(skill=OuterRef("pk")))
        return qs.filter(has if value == "yes" else ~has)
