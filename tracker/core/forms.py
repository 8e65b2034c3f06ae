"""GOV.UK form rendering for every form in the service, and the version-checked
form base that turns an edit conflict into a clear error."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.db import models
from django.forms.boundfield import BoundField
from django.forms.models import ModelFormMetaclass
from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from tracker.core.date_fields import DATE_PARTS, DatePartsError
from tracker.core.date_fields import GovUKDateField as GovUKDateField  # the strands take it from here
from tracker.core.date_fields import GovUKDateTimeField as GovUKDateTimeField
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
    """The browser's date box, for list filters only; forms use GovUKDateField."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs, format="%Y-%m-%d")


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
        if described and widget_type not in {"checkboxselectmultiple", "radioselect", "dateparts"}:
            attrs["aria-describedby"] = " ".join(described)
        if widget_type == "dateparts" and self.errors:
            attrs["error_parts"] = " ".join(self.error_parts())  # read by DatePartsInput
        return attrs

    @property
    def is_choice_group(self) -> bool:
        return self.widget_type in {"checkboxselectmultiple", "radioselect"}

    @property
    def is_date_input(self) -> bool:
        return self.widget_type == "dateparts"

    def error_parts(self) -> tuple[str, ...]:
        """The parts of a date input to mark: those its errors name, else all."""
        parts: set[str] = set()
        for error in getattr(self.form.errors.get(self.name), "data", []):
            parts.update(error.parts if isinstance(error, DatePartsError) else (*DATE_PARTS, "time"))
        return tuple(parts)

    @property
    def error_target_id(self) -> str:
        """The id an error summary link points at: the input itself, a group's
        first option, a date input's day box; a form may name another place
        (`error_targets`, "" for no link). A hidden field has nothing to link to."""
        targets: dict[str, str] = getattr(self.form, "error_targets", {})
        if self.name in targets:
            return targets[self.name]
        if self.is_hidden:
            return ""
        if self.is_choice_group or self.is_date_input:
            return f"{self.auto_id}_0"
        return str(self.id_for_label or self.auto_id)

    @property
    def revealed_by(self) -> tuple[str, Any] | None:
        """(controlling field, value) when this field is shown under a choice."""
        reveals: dict[str, tuple[str, Any]] = getattr(self.form, "reveals", {})
        return reveals.get(self.name)

    @property
    def shows_optional(self) -> bool:
        """Labelled "(optional)": optional in every case. A field required once its
        box is ticked is revealed under that box instead, without the word; fields of
        which one must be given (the form's `one_of_required`) carry no word either."""
        if self.field.required or self.name in getattr(self.form, "one_of_required", ()):
            return False
        return self.revealed_by is None or self.name in getattr(self.form, "revealed_optional", ())

    def revealed_fields(self, value: Any = True) -> list[BoundField]:
        """The fields shown under this field's choice `value` (a ticked box: True)."""
        reveals: dict[str, tuple[str, Any]] = getattr(self.form, "reveals", {})
        return [self.form[name] for name, (control, when) in reveals.items() if control == self.name and when == value]

    def options_with_reveals(self) -> list[tuple[Any, list[BoundField]]]:
        """A radio group's options, each with the fields its choice reveals."""
        return [(option, self.revealed_fields(_choice_value(option.data["value"]))) for option in self]


def _choice_value(value: Any) -> Any:
    return str(value) if value is not None else ""


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


# The mixins below are combined with a form class; mypy checks them as one.
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


# Django's own messages, which say neither which field nor what to do.
def _default_messages(field: forms.Field) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    for cls in reversed(type(field).__mro__):
        defaults.update(getattr(cls, "default_error_messages", {}))
    return defaults


def _lower_first(label: str) -> str:
    """'Date of birth' → 'date of birth'; 'CSV file' stays as it is."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _the(label: str) -> str:
    text = _lower_first(label)
    return text if text.split(" ", 1)[0] in {"the", "a", "an", "your", "who", "what", "when", "how"} else f"the {text}"


def required_message(field: forms.Field, label: str) -> str:
    """The GOV.UK "say what to do" message for an empty field, from its label and kind:
    "Enter the date of birth", "Select the programme", "Choose the file"."""
    widget = field.widget
    if isinstance(field, forms.BooleanField):
        return f"Tick the box to confirm: {_lower_first(label)}"
    if isinstance(field, forms.FileField):
        return f"Choose {_the(label)} to upload"
    if isinstance(widget, forms.SelectMultiple | forms.CheckboxSelectMultiple):
        return f"Select at least one of {_the(label)}"
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField) or isinstance(widget, forms.RadioSelect):
        return f"Select {_the(label)}"
    return f"Enter {_the(label)}"


def derived_messages(field: forms.Field, label: str) -> dict[str, str]:
    """Messages for each way `field` can be wrong, naming it; only those Django
    would otherwise give in its generic words (a message set on the field wins)."""
    label = label.rstrip(":?").strip()
    name = (label[:1].upper() + label[1:]).replace("%", "%%")  # these messages are %-formatted
    from_list = f"Select {_the(label)} from the list"  # noqa: S608 - a message, not SQL
    messages = {
        "required": required_message(field, label),
        "invalid_choice": from_list,
        "max_length": f"{name} must be %(limit_value)d characters or fewer",
        "min_length": f"{name} must be %(limit_value)d characters or more",
        "min_value": f"{name} must be %(limit_value)s or more",
        "max_value": f"{name} must be %(limit_value)s or less",
        "max_digits": f"{name} must have no more than %(max)s digits",
        "max_decimal_places": f"{name} must have no more than %(max)s decimal places",
        "max_whole_digits": f"{name} must have no more than %(max)s digits before the decimal point",
        "invalid_list": from_list,
        "empty": f"The file for {_lower_first(label)} is empty",
        "missing": f"Choose {_the(label)} to upload",
    }
    if isinstance(field, forms.IntegerField):
        messages["invalid"] = f"{name} must be a whole number"
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        messages["invalid"] = f"{name} must be a number"
    elif isinstance(field, forms.EmailField):
        messages["invalid"] = "Enter an email address in the correct format, like name@example.com"
    elif isinstance(field, forms.TimeField):
        messages["invalid"] = f"{name} must be a real time, like 14:30"
    elif isinstance(field, forms.DateField | forms.DateTimeField):
        messages["invalid"] = f"{name} must be a real date"
    return messages


class GovUKMessagesMixin(_FormBase):
    """Every field's errors name the field and say what to do. Applied when the form
    validates, so fields a form adds in its own `__init__` are covered too. Set a
    field's own `error_messages` (or Meta.error_messages) to say it better."""

    # A field shown under a choice: {field: (controlling field, choice value)}, the
    # value True for a ticked box or the option's value as a string. Such a field
    # is required when revealed (the form's clean says so) unless it is listed in
    # `revealed_optional`.
    reveals: dict[str, tuple[str, Any]] = {}
    revealed_optional: frozenset[str] = frozenset()

    def full_clean(self) -> None:
        for name, field in self.fields.items():
            label = str(self[name].label)
            if isinstance(field, GovUKDateField):
                field.error_label = label[:1].upper() + label[1:]
            defaults = _default_messages(field)
            for code, message in derived_messages(field, label).items():
                # Validators' codes (min_value, max_length) are read from here too.
                if field.error_messages.get(code, defaults.get(code)) == defaults.get(code):
                    field.error_messages[code] = message
        super().full_clean()


def govuk_formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """Model form fields as the service shows them: dates as GOV.UK date inputs."""
    if isinstance(db_field, models.DateTimeField):
        kwargs.pop("widget", None)
        return db_field.formfield(form_class=GovUKDateTimeField, **kwargs)
    if isinstance(db_field, models.DateField):
        kwargs.pop("widget", None)
        return db_field.formfield(form_class=GovUKDateField, **kwargs)
    return db_field.formfield(**kwargs)


class GovUKModelFormMetaclass(ModelFormMetaclass):
    """Gives every model form's Meta the GOV.UK form field callback unless it has one."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:  # noqa: N804
        meta = attrs.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = staticmethod(govuk_formfield)
        return super().__new__(mcs, name, bases, attrs)


class GovUKForm(GovUKMessagesMixin, forms.Form):
    """A plain form of the service."""


class GovUKModelForm(GovUKMessagesMixin, forms.ModelForm[Any], metaclass=GovUKModelFormMetaclass):
    """A model form of the service."""


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


class ConflictMixin(GovUKMessagesMixin):
    """`add_conflict()`: show what changed and let a second save knowingly replace it."""

    def add_conflict(self, conflict: EditConflict) -> None:
        form: Any = self
        form.add_error(None, conflict.message)
        form.conflict = conflict
        data = form.data.copy()  # a QueryDict or a dict
        data["version"] = str(conflict.current_version)
        form.data = data


class VersionedModelForm(ConflictMixin, forms.ModelForm[Any], metaclass=GovUKModelFormMetaclass):
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
