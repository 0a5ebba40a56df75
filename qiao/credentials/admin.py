"""Back office: read only. Every write goes through the pages and the API, which call the audited
services (and an issued credential never changes anyway); private keys are never shown."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from qiao.credentials.models import (
    Achievement,
    CertificationScheme,
    Credential,
    ExamSession,
    Issuer,
    SigningKey,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class KeyInline(admin.TabularInline):
    model = SigningKey
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "key_name",
        "method_id",
        "public_key_multibase",
        "kek_id",
        "is_active",
        "retired_at",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Issuer)
class IssuerAdmin(ReadOnlyAdmin):
    list_display = ["name", "did", "is_alliance", "status_next", "created_at"]
    search_fields = ["name", "did", "slug"]
    exclude = ["status_next"]
    inlines = [KeyInline]


@admin.register(Achievement)
class AchievementAdmin(ReadOnlyAdmin):
    list_display = ["name_en", "name_zh", "kind", "organisation", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name_en", "name_zh", "human_code"]


@admin.register(CertificationScheme)
class SchemeAdmin(ReadOnlyAdmin):
    list_display = ["code", "achievement", "pass_mark", "max_score", "validity_months"]
    search_fields = ["code"]


@admin.register(ExamSession)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ["code", "scheme", "date", "site", "capacity"]
    search_fields = ["code", "site"]


@admin.register(Credential)
class CredentialAdmin(ReadOnlyAdmin):
    list_display = ["id", "achievement", "person", "issued_at", "status"]
    list_filter = ["status"]
    search_fields = ["id", "sha256"]
    list_select_related = ["achievement", "person"]
