"""Spreadsheet layout of the issued-reports list."""

from __future__ import annotations

from import_export import fields

from tracker.core.exports import SafeExportResource
from tracker.reports.models import IssuedReport


class IssuedReportResource(SafeExportResource):
    area = fields.Field(attribute="area_label", column_name="area")
    issued_by = fields.Field(attribute="issued_by", column_name="issued by")

    class Meta:
        model = IssuedReport
        fields = ("id", "title", "period_start", "period_end", "area", "issued_by", "issued_at", "sha256", "size")
        export_order = fields
