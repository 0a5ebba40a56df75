"""JSON API for the skills taxonomy (/api/v1/skills); same selectors, services and permissions
as the pages.

No `from __future__ import annotations` here: django-ninja resolves string annotations in the
globals of its pagination wrapper, where our schemas are not defined.
"""

from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from qiao.core import permissions as perms
from qiao.skills import selectors, services
from qiao.skills.filters import SkillFilter
from qiao.skills.matching import MAX_TEXT, skill_match, skills_match_list
from qiao.skills.models import Skill
from qiao.skills.schemas import (
    SkillCandidateOut,
    SkillDetailOut,
    SkillFilterIn,
    SkillIn,
    SkillMatchGroupOut,
    SkillOut,
    SkillPatch,
)

router = Router(tags=["skills"])


def _get(request: HttpRequest, code: str) -> Skill:
    perms.require(perms.can_view_directory(request.user))
    skill = selectors.skill_get(viewer=request.user, code=code)
    if skill is None:
        raise Http404
    return skill


def _broader(request: HttpRequest, code: str | None) -> Skill | None:
    if not code:
        return None
    skill = selectors.skill_get(viewer=request.user, code=code)
    if skill is None:
        raise ValidationError({"broader": [_("No skill has the code %(code)s.") % {"code": code}]})
    return skill


def _detail(request: HttpRequest, skill: Skill) -> Skill:
    skill = _get(request, skill.code)  # reload with aliases, broader and domain
    narrower = selectors.skill_narrower(viewer=request.user, skill=skill)
    skill.broader_chain_codes = [s.code for s in selectors.skill_broader_chain(skill=skill)]  # type: ignore[attr-defined]
    skill.narrower_codes = list(narrower.values_list("code", flat=True))  # type: ignore[attr-defined]
    return skill


@router.get("", response=list[SkillOut])
@paginate(PageNumberPagination, page_size=50)
def skill_list(request: HttpRequest, filters: Query[SkillFilterIn]) -> Any:
    """Skills, filtered like the list page: q (code, labels, aliases), domain, has_aliases."""
    perms.require(perms.can_view_directory(request.user))
    params = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    fs = SkillFilter(params, queryset=selectors.skill_list(viewer=request.user), request=request)
    if not fs.is_valid():
        raise ValidationError(fs.errors.get_json_data())
    return fs.qs.order_by("code", "pk")


@router.get("/match", response=list[SkillCandidateOut])
def skill_match_text(
    request: HttpRequest,
    text: str = Query(..., min_length=1, max_length=MAX_TEXT),
    limit: int = Query(5, ge=1, le=20),
    language: str | None = Query(None, max_length=10),
) -> Any:
    """The skills a piece of free text may mean, best first, with a confidence 0..1."""
    perms.require(perms.can_view_directory(request.user))
    return [asdict(c) for c in skill_match(text=text, language=language, limit=limit)]


@router.get("/match/list", response=list[SkillMatchGroupOut])
def skill_match_list(
    request: HttpRequest,
    text: str = Query(..., min_length=1, max_length=MAX_TEXT * 5),
    limit: int = Query(3, ge=1, le=20),
    language: str | None = Query(None, max_length=10),
) -> Any:
    """Split a list ("python, k8s、云计算") and match each item."""
    perms.require(perms.can_view_directory(request.user))
    return [asdict(g) for g in skills_match_list(text=text, language=language, limit=limit)]


@router.get("/{code}", response=SkillDetailOut)
def skill_get(request: HttpRequest, code: str) -> Any:
    return _detail(request, _get(request, code))


@router.post("", response={201: SkillDetailOut})
def skill_create(request: HttpRequest, payload: SkillIn) -> Any:
    perms.require(perms.can_manage_skills(request.user))
    data = payload.dict()
    data["broader"] = _broader(request, data.pop("broader"))
    skill = services.skill_create(actor=request.user, **data)
    return Status(201, _detail(request, skill))


@router.patch("/{code}", response=SkillDetailOut)
def skill_update(request: HttpRequest, code: str, payload: SkillPatch) -> Any:
    perms.require(perms.can_manage_skills(request.user))
    skill = _get(request, code)
    data = payload.dict(exclude_unset=True)
    if "broader" in data:
        data["broader"] = _broader(request, data["broader"])
    for name in ("label_en", "label_zh", "description", "description_zh", "uri", "is_active"):
        if name in data and data[name] is None:
            raise ValidationError({name: [_("This field cannot be null.")]})
    skill = services.skill_update(actor=request.user, skill=skill, **data)
    return _detail(request, skill)
