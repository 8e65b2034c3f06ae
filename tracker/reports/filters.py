"""Filtering and sorting of the issued-reports archive (shared with a future API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms

from tracker.core.filters import FilterSet
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
        empty_label="Default order",
    )

    class Meta:
        model = IssuedReport
        fields: list[str] = []

    @property
    def form(self) -> forms.Form:
        form: forms.Form = super().form
        sort = form.fields["sort"]
        if not isinstance(sort.widget, SelectWidget):
            # django-filter's CSVSelect has no GOV.UK rule in the shared renderer.
            sort.widget = SelectWidget(choices=sort.choices)  # type: ignore[attr-defined]  # a ChoiceField
        return form


class SelectWidget(forms.Select):
    """One sort key from a select, handed to OrderingFilter's field as a list. Named
    "…Widget" so the GOV.UK renderer sees widget type "select"."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        return [value] if value else None
