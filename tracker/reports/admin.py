"""The archive of issued reports, read-only for administrators: reports are issued
through the issue action (its service), never the admin."""

from __future__ import annotations

from django.contrib import admin

from tracker.core.admin import ReadOnlyAdmin
from tracker.reports.models import IssuedReport


@admin.register(IssuedReport)
class IssuedReportAdmin(ReadOnlyAdmin):
    list_display = ("title", "issued_at", "issued_by", "sha256")
    list_select_related = ("issued_by",)
