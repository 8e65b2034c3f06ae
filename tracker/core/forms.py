"""GOV.UK form rendering for every form in the service, and the version-checked
form base that turns an edit conflict into a clear error."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from tracker.core.errors import DomainError
from tracker.core.versioning import EditConflict

# GOV.UK class for each widget type (BoundField.widget_type), and its error modifier.
WIDGET_CLASSES: dict[str, tuple[str, str]] = {
    "text": ("govuk-input", "govuk-input--error"),
    "email": ("govuk-input", "govuk-input--error"),
    "url": ("govuk-input", "govuk-input--error"),
    "number": ("govuk-input govuk-input--width-10", "govuk-input--error"),
    "password": ("govuk-input govuk-password-input__input", "govuk-input--error"),
    "date": ("govuk-input govuk-input--width-10", "govuk-input--error"),
    "datetime": ("govuk-input govuk-input--width-20", "govuk-input--error"),
    "time": ("govuk-input govuk-input--width-5", "govuk-input--error"),
    "search": ("govuk-input", "govuk-input--error"),
    "select": ("govuk-select", "govuk-select--error"),
    "selectmultiple": ("govuk-select", "govuk-select--error"),
    "nullbooleanselect": ("govuk-select", "govuk-select--error"),
    "csvselect": ("govuk-select", "govuk-select--error"),  # django-filter's sort choice
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "clearablefile": ("govuk-file-upload", "govuk-file-upload--error"),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
    "checkbox": ("govuk-checkboxes__input", ""),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class GovUKBoundField(BoundField):
    """Adds GOV.UK classes and the aria-describedby links for hint and error."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget_type = self.widget_type
        base, error = WIDGET_CLASSES.get(widget_type, ("", ""))
        classes: list[str] = [str(attrs.get("class", "")), base]
        if self.errors and error:
            classes.append(error)
        attrs["class"] = " ".join(c for c in classes if c).strip()
        described = []
        if self.help_text:
            described.append(f"{self.auto_id}-hint")
        if self.errors:
            described.append(f"{self.auto_id}-error")
        if described and widget_type not in {"checkboxselectmultiple", "radioselect"}:
            attrs["aria-describedby"] = " ".join(described)
        return attrs

    @property
    def is_choice_group(self) -> bool:
        return self.widget_type in {"checkboxselectmultiple", "radioselect"}


SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict[str, Any]) -> str:
    """As django/forms/widgets/attrs.html: True gives a bare name, False nothing."""
    return "".join(
        f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def render_select(widget: dict[str, Any]) -> SafeString:
    """The markup of Django's select.html and select_option.html, built in Python.
    A filter listing hundreds of groups spent most of its page's time rendering one
    option template per choice; this is the same HTML (tested) at a fraction of the cost."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts.extend(
            f'\n  <option value="{escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
            f"{conditional_escape(option['label'])}</option>\n"
            for option in group_choices
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above


class GovUKFormRenderer(TemplatesSetting):
    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"
    bound_field_class = GovUKBoundField

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if (
            template_name == SELECT_TEMPLATE
            and widget is not None
            and all(
                option["template_name"] == OPTION_TEMPLATE
                for _, options, _ in widget["optgroups"]
                for option in options
            )
        ):
            return render_select(widget)
        return super().render(template_name, context, request)


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field `name`, typed as the choice field it is, to set its choices."""
    return cast(forms.ChoiceField, form.fields[name])


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's field `name`, typed as the model choice field it is, to set its queryset."""
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


def version_field() -> forms.IntegerField:
    return forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, error_messages={"required": "Reload the page, then try again"}
    )


# The mixins below are combined with a form class; mypy checks them as one.
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class ConflictMixin(_FormBase):
    """`add_conflict()`: show what changed and let a second save knowingly replace it."""

    def add_conflict(self, conflict: EditConflict) -> None:
        form: Any = self
        form.add_error(None, conflict.message)
        form.conflict = conflict
        data = form.data.copy()  # a QueryDict or a dict
        data["version"] = str(conflict.current_version)
        form.data = data


class VersionedModelForm(ConflictMixin, forms.ModelForm[Any]):
    """A model form for an editable record: carries the version it was loaded at.

    The view passes `cleaned_data["version"]` to the service as `expected_version`
    and calls `add_conflict()` when the service raises EditConflict."""

    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]

    def changed_values(self) -> dict[str, Any]:
        """The model fields this form edits, as cleaned."""
        edited = cast(list[str], self._meta.fields)  # every form here lists its fields
        return {name: value for name, value in self.cleaned_data.items() if name in edited}


class RecordVersionMixin(ConflictMixin):
    """For a form that changes a versioned record without editing it field by field
    (a lifecycle move, a contact added to a group, a checklist): pass the record as
    `versioned`; its version travels in a hidden `version` field, as on
    VersionedModelForm, for the view to pass on as `expected_version`."""

    def __init__(self, *args: Any, versioned: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["version"] = version_field()
        self.fields["version"].initial = versioned.version

    def expected_version(self) -> int:
        return int(self.cleaned_data["version"])


class VersionedForm(RecordVersionMixin, forms.Form):
    """A plain form with the version of the record it changes."""


def posted_version_change(request: HttpRequest, record: Any, change: Callable[[int], Any]) -> bool:
    """A change made by a button rather than a form page: run
    `change(expected_version)` with the version of `record` the page posted, or say
    why not in a message. True if the change was made."""
    form = VersionedForm(request.POST, versioned=record)
    if not form.is_valid():
        messages.error(request, "This page was out of date. Check the record, then try again.")
        return False
    try:
        change(form.expected_version())
    except EditConflict as conflict:
        messages.error(request, conflict.message)
        return False
    except DomainError as error:
        messages.error(request, error.message)
        return False
    return True
