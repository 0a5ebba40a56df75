from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from qiao.core.models import (
    Affiliation,
    ApiToken,
    AuditEntry,
    Department,
    JobProgress,
    Major,
    Membership,
    Notification,
    Organisation,
    Person,
    User,
    WorkerHeartbeat,
)


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "kind", "country", "city", "is_active"]
    list_filter = ["kind", "country", "is_active"]
    search_fields = ["name", "name_en", "name_local", "short_name"]
    inlines = [DepartmentInline]


@admin.register(Major)
class MajorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "organisation"]
    search_fields = ["code", "name", "name_en"]
    list_filter = ["organisation"]


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["department", "major"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["family_name", "given_name", "native_name", "email", "nationality"]
    search_fields = ["family_name", "given_name", "native_name", "email"]
    list_filter = ["nationality"]
    inlines = [AffiliationInline]
    raw_id_fields = ["user"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_superuser", "is_active", "last_login"]
    search_fields = ["email", "display_name"]
    list_filter = ["is_superuser", "is_active"]
    fieldsets = (
        (None, {"fields": ("email", "password", "display_name", "language")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [MembershipInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "object_id", "actor__email"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


admin.site.register(ApiToken)
admin.site.register(JobProgress)
admin.site.register(WorkerHeartbeat)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    readonly_fields = ["recipient", "kind", "title", "body", "url", "created_at", "read_at"]


admin.site.site_header = "Qiao back office"
