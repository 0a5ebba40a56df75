"""Back office, read only: writes go through the audited services (rule sets through
`services.ruleset_create` and `services.school_ruleset_set`, the rest through the pages and the
API)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from qiao.placements.models import (
    AgreementDocument,
    AllocationRun,
    ComplianceRuleSet,
    ComplianceViolation,
    Opening,
    Placement,
    PlacementRound,
    SchoolRuleSet,
    Site,
    Timesheet,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ComplianceRuleSet)
class ComplianceRuleSetAdmin(ReadOnly):
    list_display = ["code", "version", "title_en", "is_default", "created_at"]


@admin.register(SchoolRuleSet)
class SchoolRuleSetAdmin(ReadOnly):
    list_display = ["school", "ruleset", "chosen_at"]


@admin.register(Site)
class SiteAdmin(ReadOnly):
    list_display = ["name", "kind", "host", "school", "country", "capacity"]
    list_filter = ["kind"]
    search_fields = ["name", "name_en"]


@admin.register(Opening)
class OpeningAdmin(ReadOnly):
    list_display = ["title", "kind", "status", "host", "school", "start", "seats"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]


@admin.register(ComplianceViolation)
class ComplianceViolationAdmin(ReadOnly):
    list_display = ["rule_id", "severity", "opening", "school", "detected_at", "resolved_at"]
    list_filter = ["severity", "rule_id"]


@admin.register(PlacementRound)
class PlacementRoundAdmin(ReadOnly):
    list_display = ["name", "school", "status", "ranking_opens", "ranking_closes"]


@admin.register(AllocationRun)
class AllocationRunAdmin(ReadOnly):
    list_display = ["round", "number", "state", "seed", "input_sha256", "created_at"]


@admin.register(Placement)
class PlacementAdmin(ReadOnly):
    list_display = ["student", "opening", "state", "offered_at", "respond_by"]
    list_filter = ["state"]


@admin.register(AgreementDocument)
class AgreementDocumentAdmin(ReadOnly):
    list_display = ["placement", "version", "sha256", "created_at"]


@admin.register(Timesheet)
class TimesheetAdmin(ReadOnly):
    list_display = ["placement", "week_start", "state", "total_hours", "submitted_at"]
    list_filter = ["state"]
