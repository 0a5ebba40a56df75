"""Every read of the skills taxonomy the pages, the API and the exports share.

The taxonomy is part of the alliance directory: members of any organisation (and platform
admins) see all of it, everyone else sees nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from qiao.core import permissions as perms
from qiao.skills.models import Skill, SkillAlias


def skill_list(*, viewer: Any) -> QuerySet[Skill]:
    """Skills with their broader skill, domain and aliases loaded (no N+1 on lists)."""
    if not perms.can_view_directory(viewer):
        return Skill.objects.none()
    return Skill.objects.select_related("broader", "domain").prefetch_related(
        Prefetch("aliases", queryset=SkillAlias.objects.order_by("language", "text"))
    )


def skill_get(*, viewer: Any, code: str) -> Skill | None:
    return skill_list(viewer=viewer).filter(code=code).first()


def skill_domains(*, viewer: Any) -> QuerySet[Skill]:
    """Top-level skills, the domains lists filter by."""
    if not perms.can_view_directory(viewer):
        return Skill.objects.none()
    return Skill.objects.filter(broader__isnull=True).order_by("code")


def skill_broader_chain(*, skill: Skill) -> list[Skill]:
    """The skill's ancestors, top-level first (for the breadcrumb)."""
    chain: list[Skill] = []
    seen = {skill.pk}
    current = skill.broader
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = current.broader
    chain.reverse()
    return chain


def skill_narrower(*, viewer: Any, skill: Skill) -> QuerySet[Skill]:
    if not perms.can_view_directory(viewer):
        return Skill.objects.none()
    return skill.narrower.order_by("code")
