"""Read-only views of the figures' inputs and the archive for administrators.
Changes go through the services (the importer, the issue action), never the admin,
so that validation and history are the same for every write."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tracker.reports.models import AssaultIncident, IssuedReport, WorkforcePeriod


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AssaultIncident)
class AssaultIncidentAdmin(ReadOnlyAdmin):
    list_display = ("reference", "occurred_at", "area", "victim_role", "injury", "outcome")
    list_filter = ("area", "victim_role", "injury", "outcome")
    search_fields = ("reference",)
    date_hierarchy = "occurred_at"
    list_select_related = ("area",)


@admin.register(WorkforcePeriod)
class WorkforcePeriodAdmin(ReadOnlyAdmin):
    list_display = ("period_start", "period_end", "officers", "staff")


@admin.register(IssuedReport)
class IssuedReportAdmin(ReadOnlyAdmin):
    list_display = ("title", "issued_at", "issued_by", "sha256")
    list_select_related = ("issued_by",)
