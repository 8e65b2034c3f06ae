from datetime import date
from typing import Any

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import timezone

from tracker.core.forms import DateInput, GovUKDateField, GovUKDateTimeField, GovUKForm, GovUKFormRenderer


class SampleForm(forms.Form):
    name = forms.CharField(help_text="As it appears on the licence")
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    when = forms.DateField(widget=DateInput, required=False)
    agree = forms.BooleanField()


def test_every_field_renders_govuk_markup_with_errors_linked_to_inputs() -> None:
    form = SampleForm({"name": "", "when": "not a date"})
    assert not form.is_valid()
    html = form.render()
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#id_name">This field is required.</a>' in html
    assert '<a href="#id_kind_0">' in html  # radios link to their first option
    assert 'class="govuk-input govuk-input--error"' in html
    assert 'aria-describedby="id_name-hint id_name-error"' in html
    assert '<p id="id_name-error" class="govuk-error-message">' in html
    assert 'class="govuk-radios__input"' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Kind</legend>' in html
    assert 'type="date"' in html
    assert "When (optional)" in html


def test_valid_form_has_no_error_summary() -> None:
    form = SampleForm({"name": "x", "kind": "a", "agree": "on"})
    assert form.is_valid()
    assert "govuk-error-summary" not in form.render()


SELECTS = [
    forms.Select(
        choices=[("", 'Any <kind> & "other"'), (1, "One"), ("a'b", "Two")],
        attrs={"class": "govuk-select", "aria-describedby": "x-hint", "disabled": True, "data-off": False},
    ),
    forms.SelectMultiple(choices=[("Group <1>", [(1, "a"), (2, "b")]), (3, "c")]),
    forms.NullBooleanSelect(),
]


@pytest.mark.parametrize("widget", SELECTS, ids=["select", "multiple", "nullboolean"])
@pytest.mark.parametrize("value", [None, "1", ["1", "3"], "a'b", True])
def test_selects_render_exactly_as_djangos_templates(widget: forms.Widget, value: object) -> None:
    """GovUKFormRenderer builds select markup in Python for speed; it must be the
    same HTML Django's own select and option templates give."""
    if isinstance(widget, forms.NullBooleanSelect) and isinstance(value, list):
        return  # not a value this widget can show
    attrs = {"id": "id_f"}
    expected = widget.render("f&g", value, attrs=attrs, renderer=TemplatesSetting())
    assert widget.render("f&g", value, attrs=attrs, renderer=GovUKFormRenderer()) == expected


class DatedForm(GovUKForm):
    name = forms.CharField(label="Full name")
    programme = forms.ChoiceField(label="Programme", choices=[("", "Choose"), ("a", "A")])
    born = GovUKDateField(label="Date of birth")
    starts = GovUKDateTimeField(label="Date and time", error_messages={"required": "Enter when it starts"})
    tick = forms.BooleanField(label="Something else applies", required=False)
    detail = forms.CharField(label="Describe it", required=False)
    reveals = {"detail": ("tick", True)}

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("tick") and not data.get("detail"):
            self.add_error("detail", "Describe what else applies")
        return data


def test_empty_fields_say_what_to_do_and_a_message_set_on_the_field_wins() -> None:
    form = DatedForm({"tick": "on"})
    assert not form.is_valid()
    assert form.errors == {
        "name": ["Enter the full name"],
        "programme": ["Select the programme"],
        "born": ["Enter the date of birth"],
        "starts": ["Enter when it starts"],
        "detail": ["Describe what else applies"],
    }
    html = form.render()
    assert '<a href="#id_born_0">Enter the date of birth</a>' in html  # the day box
    assert 'id="id_born_0"' in html and 'name="born_day"' in html and 'name="born_year"' in html
    assert 'type="date"' not in html


def test_a_date_input_names_and_marks_the_missing_part() -> None:
    form = DatedForm({"born_day": "31", "born_month": "", "born_year": "1990"})
    assert form.errors["born"] == ["Date of birth must include a month"]
    html = str(form["born"])
    assert 'id="id_born_1" class="govuk-input govuk-date-input__input govuk-input--width-2 govuk-input--error"' in html
    assert 'id="id_born_0" class="govuk-input govuk-date-input__input govuk-input--width-2"' in html


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "1990", "Date of birth must be a real date"),
        ("1", "13", "1990", "Date of birth must be a real date"),
        ("1", "2", "90", "Year must include 4 numbers"),
        ("x", "2", "1990", "Date of birth must be a real date"),
        ("", "", "1990", "Date of birth must include a day and a month"),
    ],
)
def test_a_date_that_is_not_a_real_date_is_refused(day: str, month: str, year: str, message: str) -> None:
    form = DatedForm({"born_day": day, "born_month": month, "born_year": year})
    assert form.errors["born"] == [message]


def test_a_date_and_time_is_an_aware_datetime() -> None:
    form = DatedForm(
        {
            "name": "A",
            "programme": "a",
            "born_day": "1",
            "born_month": "2",
            "born_year": "1990",
            "starts_day": "1",
            "starts_month": "12",
            "starts_year": "2026",
            "starts_time": "11:39",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["born"] == date(1990, 2, 1)
    assert timezone.localtime(form.cleaned_data["starts"]).strftime("%Y-%m-%d %H:%M") == "2026-12-01 11:39"
    missing_time = DatedForm({"starts_day": "1", "starts_month": "12", "starts_year": "2026"})
    assert missing_time.errors["starts"] == ["Enter the time, like 14:30"]


def test_a_field_needed_only_when_ticked_is_revealed_under_the_box_without_optional() -> None:
    html = DatedForm().render()
    assert 'data-aria-controls="conditional-id_tick"' in html
    conditional = html.split('id="conditional-id_tick"', 1)[1]
    assert 'for="id_detail">Describe it</label>' in conditional  # not "(optional)"
    assert html.count('name="detail"') == 1


def test_a_number_out_of_range_names_the_field() -> None:
    class Count(GovUKForm):
        people = forms.IntegerField(label="Number of people", min_value=1)

    assert Count({"people": "0"}).errors["people"] == ["Number of people must be 1 or more"]
    assert Count({"people": "x"}).errors["people"] == ["Number of people must be a whole number"]


@pytest.mark.django_db
def test_fields_of_which_one_is_required_are_not_labelled_optional(officer: Any) -> None:
    """An engagement needs a group or a venue: neither field is required alone, and
    neither may say "(optional)" (only a field optional in every case does)."""
    from partners.forms import EngagementForm

    form = EngagementForm(user=officer)
    html = form.render()
    assert not form["groups"].shows_optional and not form["venues"].shows_optional
    assert "Community groups (optional)" not in html and "Venues (optional)" not in html
    assert form["attendance"].shows_optional  # optional in every case
