from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from qiao.skills.models import Skill, SkillAlias


class SkillAliasInline(admin.TabularInline):
    model = SkillAlias
    extra = 0
    fields = ["text", "language", "normalised"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    """Read-only: writes go through the skills pages (services), so they are audited."""

    list_display = ["code", "label_en", "label_zh", "broader", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "label_en", "label_zh", "aliases__text"]
    inlines = [SkillAliasInline]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
