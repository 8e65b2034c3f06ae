import pytest
from django import forms
from django.forms.renderers import TemplatesSetting

from tracker.core.forms import DateInput, GovUKFormRenderer


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
