from django import forms

from tracker.core.forms import DateInput


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
