"""Back office: the taxonomy of cooperation areas is configured here; agreements are read here
(writes go through the pages and the API, which call the audited services)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from qiao.agreements.models import (
    ActionItem,
    Agreement,
    Commitment,
    Committee,
    Contribution,
    CooperationArea,
    Meeting,
    Party,
    ReminderSent,
)


@admin.register(CooperationArea)
class CooperationAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "label_en", "label_zh", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "label_en", "label_zh"]


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0
    can_delete = False
    readonly_fields = ["organisation", "person", "role", "order"]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "reference", "kind", "status", "signed_on", "valid_to"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "title_en", "title_zh", "reference"]
    inlines = [PartyInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "agreement", "area", "kpi_metric", "kpi_target", "kpi_period"]
    list_filter = ["area", "kpi_period"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["agreement", "party", "kind", "value", "currency", "unit", "date"]
    list_filter = ["direction", "kind"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["agreement", "kind", "for_date", "sent_at"]
    readonly_fields = ["agreement", "kind", "for_date", "sent_at", "recipients"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Committees are written through the pages and the API (audited services); read here."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Committee)
class CommitteeAdmin(ReadOnlyAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "committee", "date", "place"]
    list_filter = ["date"]


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyAdmin):
    list_display = ["text", "owner", "due_date", "status", "done_on"]
    list_filter = ["status"]
