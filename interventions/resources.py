"""Spreadsheet exports of the filtered lists (formulas neutralised by the base)."""

from __future__ import annotations

from import_export import fields

from tracker.core.exports import SafeExportResource

from .models import Offender, Programme


class OffenderResource(SafeExportResource):
    class Meta:
        model = Offender
        fields = ["case_reference", "first_name", "last_name", "date_of_birth"]
        export_order = fields


class ProgrammeResource(SafeExportResource):
    provider = fields.Field(attribute="provider__name", column_name="provider")

    class Meta:
        model = Programme
        fields = ["name", "description", "provider", "setting", "planned_sessions", "active"]
        export_order = fields
