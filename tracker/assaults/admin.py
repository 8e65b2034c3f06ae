"""Read-only views of assault incidents and workforce figures for administrators.
Changes go through the services (the importer), never the admin, so that
validation and history are the same for every write."""

from __future__ import annotations

from django.contrib import admin

from tracker.assaults.models import AssaultIncident, WorkforcePeriod
from tracker.core.admin import ReadOnlyAdmin


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
