from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from qiao.core import permissions as perms
from qiao.core.importexport.export import Column
from qiao.core.lists import ListPage, SortOption
from qiao.core.views._helpers import apply_validation_error, or_404
from qiao.skills import selectors, services
from qiao.skills.filters import SkillFilter
from qiao.skills.forms import MatchForm, SkillForm
from qiao.skills.matching import skills_match_list
from qiao.skills.models import Skill


def _aliases(skill: Skill, language: str) -> str:
    return "|".join(a.text for a in skill.aliases.all() if (a.language or "en") == language)


# The catalogue's own layout, so an export can be edited and imported again.
SKILL_EXPORT = [
    Column("code", lambda s: s.code),
    Column("broader", lambda s: s.broader.code if s.broader else ""),
    Column("label_en", lambda s: s.label_en),
    Column("label_zh", lambda s: s.label_zh),
    Column("aliases_en", lambda s: _aliases(s, "en")),
    Column("aliases_zh", lambda s: _aliases(s, "zh")),
    Column("description_en", lambda s: s.description),
    Column("description_zh", lambda s: s.description_zh),
    Column("uri", lambda s: s.uri),
    Column("active", lambda s: s.is_active),
]

MATCHED_ON = {
    "code": gettext_lazy("code"),
    "label": gettext_lazy("label"),
    "alias": gettext_lazy("alias"),
    "fuzzy": gettext_lazy("similar text"),
}


def _with_display_label(qs: QuerySet[Skill]) -> QuerySet[Skill]:
    """Sort by the label the viewer reads: Chinese (falling back to English) or English."""
    if (get_language() or "en").lower().startswith("zh"):
        return qs.annotate(display_label=Coalesce(NullIf("label_zh", Value("")), "label_en"))
    return qs.annotate(display_label=F("label_en"))


@login_required
def skill_list(request: HttpRequest) -> HttpResponseBase:
    perms.require(perms.can_view_directory(request.user))
    page = ListPage(
        request=request,
        queryset=_with_display_label(selectors.skill_list(viewer=request.user)),
        filterset_class=SkillFilter,
        sorts=[
            SortOption("code", gettext_lazy("Code"), ["code"]),
            SortOption("label", gettext_lazy("Label"), ["display_label"]),
        ],
        default_sort="code",
        export_columns=SKILL_EXPORT,
        export_name="skills",
    )
    download = page.export()
    if download is not None:
        return download
    context = page.context()
    context["can_manage"] = perms.can_manage_skills(request.user)
    return render(request, "skills/skill_list.html", context)


@login_required
def skill_detail(request: HttpRequest, code: str) -> HttpResponse:
    perms.require(perms.can_view_directory(request.user))
    skill: Skill = or_404(selectors.skill_get(viewer=request.user, code=code))
    return render(
        request,
        "skills/skill_detail.html",
        {
            "skill": skill,
            "chain": selectors.skill_broader_chain(skill=skill),
            "narrower": selectors.skill_narrower(viewer=request.user, skill=skill),
            "other_labels": sorted(skill.labels.items()),
            "can_manage": perms.can_manage_skills(request.user),
        },
    )


def _form_page(request: HttpRequest, form: SkillForm, title: str, cancel_url: str) -> HttpResponse:
    return render(
        request, "core/form_page.html", {"form": form, "title": title, "cancel_url": cancel_url}
    )


@login_required
def skill_create(request: HttpRequest) -> HttpResponse:
    perms.require(perms.can_manage_skills(request.user))
    form = SkillForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            skill = services.skill_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Skill created."))
            return redirect("skills:skill_detail", code=skill.code)
    return _form_page(request, form, _("New skill"), reverse("skills:skill_list"))


@login_required
def skill_edit(request: HttpRequest, code: str) -> HttpResponse:
    perms.require(perms.can_manage_skills(request.user))
    skill: Skill = or_404(selectors.skill_get(viewer=request.user, code=code))
    form = SkillForm(request.POST or None, skill=skill)
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = dict(form.cleaned_data)
        data.pop("code", None)
        try:
            services.skill_update(actor=request.user, skill=skill, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("skills:skill_detail", code=skill.code)
    return _form_page(
        request,
        form,
        _("Edit %(skill)s") % {"skill": skill},
        reverse("skills:skill_detail", args=[skill.code]),
    )


@login_required
def skill_match(request: HttpRequest) -> HttpResponse:
    """Paste free text, see which skills it names. GET, so a result can be linked."""
    perms.require(perms.can_view_directory(request.user))
    form = MatchForm(request.GET or None)
    groups: list[dict[str, Any]] = []
    if form.is_valid():
        for group in skills_match_list(text=form.cleaned_data["text"], limit=3):
            candidates = [
                {
                    **asdict(c),
                    "percent": round(c.confidence * 100),
                    "matched_on_label": MATCHED_ON[c.matched_on],
                }
                for c in group.candidates
            ]
            groups.append({"text": group.text, "candidates": candidates})
    return render(
        request,
        "skills/skill_match.html",
        {"form": form, "groups": groups, "searched": form.is_bound},
    )
