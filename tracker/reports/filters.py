"""Filtering and sorting of the issued-reports archive (shared with a future API)."""

from __future__ import annotations

import django_filters

from tracker.core.filters import FilterSet, Select
from tracker.core.forms import DateInput
from tracker.core.models import Area
from tracker.reports.models import IssuedReport


class IssuedReportFilter(FilterSet):
    area = django_filters.ModelChoiceFilter(queryset=Area.objects.all(), empty_label="All areas and whole force")
    issued_from = django_filters.DateFilter(
        field_name="issued_at", lookup_expr="date__gte", label="Issued on or after", widget=DateInput
    )
    issued_to = django_filters.DateFilter(
        field_name="issued_at", lookup_expr="date__lte", label="Issued on or before", widget=DateInput
    )
    sort = django_filters.OrderingFilter(
        fields=(("issued_at", "issued"), ("period_start", "period")),
        field_labels={"issued_at": "Date issued", "period_start": "Period"},
        label="Sort by",
        widget=Select,
        empty_label="Default order",
    )

    class Meta:
        model = IssuedReport
        fields: list[str] = []
