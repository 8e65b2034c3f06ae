"""The period and area choice shared by the dashboard, the PDF and the issue action."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from tracker.core.forms import DateInput
from tracker.core.models import Area
from tracker.reports.periods import EARLIEST, MAX_DAYS, PRESETS, Period, today

CUSTOM = "custom"


class PeriodForm(forms.Form):
    preset = forms.ChoiceField(
        label="Period",
        choices=[*((key, label) for key, (label, _) in PRESETS.items()), (CUSTOM, "Choose dates")],
        widget=forms.RadioSelect,
        required=False,
    )
    start = forms.DateField(label="From", widget=DateInput, required=False, help_text="For example, 2018-07-01")
    end = forms.DateField(label="To (inclusive)", widget=DateInput, required=False, help_text="For example, 2018-09-30")
    area = forms.ModelChoiceField(
        label="Area",
        queryset=Area.objects.all(),
        to_field_name="name",
        required=False,
        empty_label="All areas",
        error_messages={"invalid_choice": "Choose one of the areas in the list."},
    )

    def __init__(self, *args: Any, on: date | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.on = on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        preset = data.get("preset")
        if preset and preset != CUSTOM:
            period = PRESETS[preset][1](self.on or today())
            data["start"], data["end"] = period.start, period.end
            return data
        start, end = data.get("start"), data.get("end")
        if "start" not in self.errors and start is None:
            self.add_error("start", "Enter the first day of the period.")
        if "end" not in self.errors and end is None:
            self.add_error("end", "Enter the last day of the period.")
        if start is None or end is None:
            return data
        if end < start:
            self.add_error("end", "The last day must be the same as or after the first day.")
        elif start < EARLIEST:
            self.add_error("start", f"The first day must be on or after {EARLIEST.day} {EARLIEST:%B %Y}.")
        elif (end - start).days + 1 > MAX_DAYS:
            self.add_error("end", "Choose a period of at most 10 years.")
        elif end.year > today().year + 1:
            self.add_error("end", "The last day is too far in the future.")
        return data

    @property
    def period(self) -> Period:
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])

    @property
    def chosen_area(self) -> Area | None:
        return self.cleaned_data.get("area")

    def query(self) -> dict[str, str]:
        """The parameters that reproduce this choice, for links."""
        params = self.period.query()
        if self.chosen_area is not None:
            params["area"] = self.chosen_area.name
        return params
