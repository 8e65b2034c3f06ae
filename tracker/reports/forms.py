"""The period and area choice shared by the dashboard, the PDF, the JSON and the
issue action.

A period is named in one of three ways, checked in this order:
- `period`: a whole period's key ('2018-07', '2018-Q3', 'FY2018', 'FY2018-Q2'),
  as the dashboard's links and the PDF link carry it;
- `month` and `year`: the dashboard's month form;
- `start` and `end`: dates (a whole month, quarter or financial year given as
  dates is recognised as that period; anything else is custom dates).

Custom dates, and periods that have not ended, are for those who may choose any
dates (`free_dates`); everyone else gets whole periods that have ended, so that
no two outputs they can ask for differ by a few days.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.utils.http import urlencode

from tracker.core.forms import DateInput
from tracker.core.models import Area
from tracker.reports.periods import (
    EARLIEST,
    MAX_DAYS,
    Kind,
    Period,
    financial_year_of,
    fy_name,
    today,
)

WHOLE_ONLY = "Choose a month, quarter or financial year"
NOT_ENDED = "Choose a month, quarter or financial year that has ended"
UNKNOWN_PERIOD = "Choose a month, quarter or financial year from the lists"


class PeriodForm(forms.Form):
    # Month and year, and start and end, go together (each form asks for both): none
    # is labelled "(optional)".
    one_of_required = ("month", "year", "start", "end")
    # The `period` field (a whole period's key) is added in __init__: the name
    # `period` on the class is the chosen Period, as every caller reads it.
    month = forms.TypedChoiceField(
        label="Month",
        choices=[("", "Choose a month"), *((n, calendar.month_name[n]) for n in range(1, 13))],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Choose a month from the list."},
    )
    year = forms.IntegerField(
        label="Year",
        required=False,
        min_value=1,
        max_value=9998,  # a date's range; the period's own checks say more
        widget=forms.Select,
        error_messages={key: "Choose a year from the list." for key in ("invalid", "min_value", "max_value")},
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

    def __init__(
        self,
        *args: Any,
        on: date | None = None,
        free_dates: bool = False,
        first_year: int | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields = {
            "period": forms.CharField(label="Period", required=False, max_length=12, widget=forms.HiddenInput),
            **self.fields,
        }
        self.on = on or today()
        self.free_dates = free_dates
        # Where the error summary links: a bad period key to the list of periods;
        # dates a user may not choose are not on the page, so are not linked.
        self.error_targets = {"period": "period-choices", **({} if free_dates else {"start": "", "end": ""})}
        first = max(first_year or self.on.year, EARLIEST.year)
        years = range(self.on.year, first - 1, -1)
        self.fields["year"].widget.choices = [("", "Choose a year"), *((y, str(y)) for y in years)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.data.get("period"):
            self._clean_key(data)
        elif self.data.get("month") or self.data.get("year"):
            self._clean_month(data)
        else:
            self._clean_dates(data)
        return data

    def _clean_key(self, data: dict[str, Any]) -> None:
        period = Period.from_key(data.get("period") or "")
        if period is None:
            self.add_error("period", UNKNOWN_PERIOD)
        else:
            self._accept(period, data, field="period")

    def _clean_month(self, data: dict[str, Any]) -> None:
        month, year = data.get("month"), data.get("year")
        if "month" not in self.errors and month is None:
            self.add_error("month", "Choose the month.")
        if "year" not in self.errors and year is None:
            self.add_error("year", "Choose the year.")
        if month is not None and year is not None:
            self._accept(Period.month(year, month), data, field="year")

    def _clean_dates(self, data: dict[str, Any]) -> None:
        start, end = data.get("start"), data.get("end")
        if "start" not in self.errors and start is None:
            self.add_error("start", "Enter the first day of the period.")
        if "end" not in self.errors and end is None:
            self.add_error("end", "Enter the last day of the period.")
        if start is not None and end is not None:
            if end < start:
                self.add_error("end", "The last day must be the same as or after the first day.")
            elif start < EARLIEST:
                self.add_error("start", f"The first day must be on or after {EARLIEST.day} {EARLIEST:%B %Y}.")
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error("end", "Choose a period of at most 10 years.")
            else:
                self._accept(Period(start, end), data, field="start")
        if self.errors and not self.free_dates and "period" not in self.errors:
            # Those who may not choose dates are told what they may choose.
            self.add_error("period", WHOLE_ONLY)

    def _accept(self, period: Period, data: dict[str, Any], *, field: str) -> None:
        if period.start < EARLIEST:
            self.add_error(field, f"Choose a period starting on or after {EARLIEST.day} {EARLIEST:%B %Y}.")
        elif period.end.year > self.on.year + 1:
            self.add_error("end" if field == "start" else field, "The last day is too far in the future.")
        elif not self.free_dates and not period.is_whole:
            self.add_error("period", WHOLE_ONLY)
        elif not self.free_dates and period.end >= self.on:
            self.add_error("period" if field == "start" else field, NOT_ENDED)
        else:
            data["start"], data["end"], data["chosen"] = period.start, period.end, period

    @property
    def period(self) -> Period:
        chosen: Period = self.cleaned_data["chosen"]
        return chosen

    @property
    def chosen_area(self) -> Area | None:
        return self.cleaned_data.get("area")

    def query(self) -> dict[str, str]:
        """The parameters that reproduce this choice, for links."""
        params = self.period.params()
        if self.chosen_area is not None:
            params["area"] = self.chosen_area.name
        return params


# The dashboard's lists of whole periods -----------------------------------------


@dataclass(frozen=True)
class Choice:
    """One whole period in the picker: a link unless it cannot be chosen."""

    period: Period
    text: str  # what the link shows, short to fit a phone's width
    hidden_text: str  # the rest of its name, for screen readers: "Q2" + " 2018/19, July to September 2018"
    url: str
    current: bool
    available: bool


@dataclass(frozen=True)
class PickerRow:
    heading: str
    whole: Choice | None
    parts: list[Choice]


def picker_rows(
    *, first: date | None, on: date, chosen: Period | None, area: str, ended_only: bool
) -> dict[str, list[PickerRow]]:
    """Financial years (newest first) with their quarters, and calendar years with
    theirs, from the year of `first` (the earliest data) to now."""
    first = max(first or on, EARLIEST)

    def choice(period: Period, text: str, hidden_text: str) -> Choice:
        params = {**period.params(), **({"area": area} if area else {})}
        return Choice(
            period=period,
            text=text,
            hidden_text=hidden_text,
            url=f"?{urlencode(params)}",
            current=chosen is not None and chosen == period and chosen.kind == period.kind,
            available=not ended_only or period.end < on,
        )

    financial = [
        PickerRow(
            heading=fy_name(year),
            whole=choice(
                Period.financial_year(year), fy_name(year), f" financial year, {Period.financial_year(year).label()}"
            ),
            parts=[
                choice(Period.fy_quarter(year, q), f"Q{q}", f" {fy_name(year)}, {Period.fy_quarter(year, q).label()}")
                for q in range(1, 5)
            ],
        )
        for year in range(financial_year_of(on), financial_year_of(first) - 1, -1)
    ]
    short = ["Jan to Mar", "Apr to Jun", "Jul to Sep", "Oct to Dec"]
    quarters = [
        PickerRow(
            heading=str(year),
            whole=None,
            parts=[choice(Period.quarter(year, q), short[q - 1], f" {year}") for q in range(1, 5)],
        )
        for year in range(on.year, first.year - 1, -1)
    ]
    return {"financial_years": financial, "quarters": quarters}


def chosen_kind(form: PeriodForm) -> Kind | None:
    """The kind of period the reader asked for, valid or not (which list to open)."""
    if form.is_bound and form.is_valid():
        return form.period.kind
    if form.data.get("month") or form.data.get("year"):
        return Kind.MONTH
    if form.data.get("start") or form.data.get("end"):
        return Kind.CUSTOM
    return None
