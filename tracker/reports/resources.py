"""Spreadsheet layouts: the issued-reports list, and the incident and workforce files
(export in exactly the layout the importer reads, so a re-import changes nothing)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from import_export import fields, widgets

from tracker.core.exports import SafeExportResource
from tracker.core.imports.resources import TrackerResource
from tracker.core.models import Area
from tracker.reports.models import AssaultIncident, IssuedReport, WorkforcePeriod


class IssuedReportResource(SafeExportResource):
    area = fields.Field(attribute="area_label", column_name="area")
    issued_by = fields.Field(attribute="issued_by", column_name="issued by")

    class Meta:
        model = IssuedReport
        fields = ("id", "title", "period_start", "period_end", "area", "issued_by", "issued_at", "sha256", "size")
        export_order = fields


class LocalDateTimeWidget(widgets.Widget):
    """ISO 8601 in UK local time with its offset (2018-07-01T23:30:00+01:00): the
    offset keeps the autumn's repeated hour apart, so an export re-imports exactly."""

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if not isinstance(value, datetime):
            return ""
        return timezone.localtime(value).isoformat()


class YesNoWidget(widgets.Widget):
    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "yes" if value else "no"


class IncidentResource(TrackerResource):
    """Export of assault incidents. Imports go through `imports.import_incidents`
    (bulk, all or nothing), not through this resource."""

    reference = fields.Field(attribute="reference", column_name="reference")
    occurred_at = fields.Field(attribute="occurred_at", column_name="occurred_at", widget=LocalDateTimeWidget())
    area = fields.Field(attribute="area", column_name="area", widget=widgets.ForeignKeyWidget(Area, "name"))
    victim_role = fields.Field(attribute="victim_role", column_name="victim_role")
    injury = fields.Field(attribute="injury", column_name="injury", widget=YesNoWidget())
    outcome = fields.Field(attribute="outcome", column_name="outcome")

    class Meta(TrackerResource.Meta):
        model = AssaultIncident
        fields = ("reference", "occurred_at", "area", "victim_role", "injury", "outcome")
        export_order = fields
        import_id_fields = ("reference",)

    def get_queryset(self) -> QuerySet[AssaultIncident]:
        return AssaultIncident.objects.select_related("area").order_by("occurred_at", "reference")


class WorkforceResource(TrackerResource):
    """Export of workforce periods; imports go through `imports.import_workforce`."""

    period_start = fields.Field(
        attribute="period_start", column_name="period_start", widget=widgets.DateWidget(format="%Y-%m-%d")
    )
    period_end = fields.Field(
        attribute="period_end", column_name="period_end", widget=widgets.DateWidget(format="%Y-%m-%d")
    )
    officers = fields.Field(attribute="officers", column_name="officers", widget=widgets.IntegerWidget())
    staff = fields.Field(attribute="staff", column_name="staff", widget=widgets.IntegerWidget())

    class Meta(TrackerResource.Meta):
        model = WorkforcePeriod
        fields = ("period_start", "period_end", "officers", "staff")
        export_order = fields
        import_id_fields = ("period_start", "period_end")

    def get_queryset(self) -> QuerySet[WorkforcePeriod]:
        return WorkforcePeriod.objects.order_by("period_start")
