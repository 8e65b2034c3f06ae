"""The GOV.UK date input (day, month, year boxes) and a date-and-time field built
on it, instead of the browser's own picker, which reads and writes dates in the
browser's locale. An error names the part that is wrong, and only that part is
marked ("Date of birth must include a month")."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

DATE_PARTS = ("day", "month", "year")
PART_WIDTHS = {"day": 2, "month": 2, "year": 4}


class DatePartsInput(forms.MultiWidget):
    """Day, month and year boxes (and, with `with_time`, a time box), rendered as a
    GOV.UK date input. Its inputs are `<name>_day`, `<name>_month`, `<name>_year`
    (`<name>_time`); ids end `_0`, `_1`… so the day box carries the id a label or
    an error summary links to."""

    template_name = "forms/widgets/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, with_time: bool = False):
        self.with_time = with_time
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in DATE_PARTS
        }
        if with_time:
            # A text box: the browser's time picker shows 12 or 24 hours by locale.
            widgets["time"] = forms.TextInput(attrs={"autocomplete": "off"})
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, str) and value:
            try:
                value = datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
            except ValueError:
                return [None] * len(self.widgets)
        if isinstance(value, datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            return [local.day, local.month, local.year, f"{local:%H:%M}"]
        if isinstance(value, date):
            return [value.day, value.month, value.year, *([None] if self.with_time else [])]
        return [None] * len(self.widgets)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = dict(attrs or {})
        error_parts = str(attrs.pop("error_parts", "")).split()
        attrs.pop("class", None)
        context = super().get_context(name, value, attrs)
        parts = [*DATE_PARTS, "time"]
        for part, subwidget in zip(parts, context["widget"]["subwidgets"], strict=False):
            if part == "time":
                classes = "govuk-input govuk-input--width-5"
            else:
                classes = f"govuk-input govuk-date-input__input govuk-input--width-{PART_WIDTHS[part]}"
            if part in error_parts:
                classes += " govuk-input--error"
            subwidget["attrs"]["class"] = classes
            subwidget["part"] = part
            subwidget["label"] = part.capitalize()
        context["widget"]["date_subwidgets"] = context["widget"]["subwidgets"][:3]
        context["widget"]["time_subwidget"] = context["widget"]["subwidgets"][3] if self.with_time else None
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        # A single ISO value under the field's own name (a script, a test, a link
        # that presets the date) is read as it is; the page posts the parts.
        if name in data and not any(f"{name}_{part}" in data for part in DATE_PARTS):
            return data.get(name)
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else id_


class DatePartsError(ValidationError):
    """A date error that knows which parts of the input are wrong."""

    def __init__(self, message: str, *, code: str, parts: tuple[str, ...]):
        super().__init__(message, code=code)
        self.parts = parts


class GovUKDateField(forms.Field):
    """A date entered as day, month and year. Messages use `%(label)s`, which the
    form's message mixin fills with the field's label."""

    widget = DatePartsInput
    default_error_messages = {
        "required": "Enter the date",
        "incomplete": "%(label)s must include a %(parts)s",
        "invalid": "%(label)s must be a real date",
        "year": "Year must include 4 numbers",
        "invalid_time": "Enter the time, like 14:30",
    }
    with_time = False

    def __init__(self, **kwargs: Any):
        kwargs.pop("input_formats", None)  # given by model form fields for the browser picker
        kwargs.setdefault("widget", DatePartsInput(with_time=self.with_time))
        super().__init__(**kwargs)
        self.error_label = str(self.label or "The date")

    def _message(self, code: str, **params: str) -> str:
        return str(self.error_messages[code]) % {"label": self.error_label, **params}

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            return self._from_iso(value)
        values = [str(v or "").strip() for v in value]
        day_month_year = values[:3]
        if not any(values):
            return None
        missing = tuple(part for part, text in zip(DATE_PARTS, day_month_year, strict=True) if not text)
        if len(missing) == 3:
            raise DatePartsError(self._message("required"), code="required", parts=DATE_PARTS)
        if missing:
            raise DatePartsError(
                self._message("incomplete", parts=" and a ".join(missing)), code="incomplete", parts=missing
            )
        if not all(text.isdigit() for text in day_month_year):
            wrong = tuple(p for p, t in zip(DATE_PARTS, day_month_year, strict=True) if not t.isdigit())
            raise DatePartsError(self._message("invalid"), code="invalid", parts=wrong)
        day, month, year = (int(text) for text in day_month_year)
        if len(day_month_year[2]) != 4:
            raise DatePartsError(self._message("year"), code="year", parts=("year",))
        try:
            return date(year, month, day)
        except ValueError:
            wrong = ("month",) if not 1 <= month <= 12 else ("day",)
            raise DatePartsError(self._message("invalid"), code="invalid", parts=wrong) from None

    def _from_iso(self, text: str) -> date | datetime:
        parser: forms.Field = forms.DateTimeField() if self.with_time else forms.DateField()
        try:
            value = parser.to_python(text.strip())
        except ValidationError:
            value = None
        if not isinstance(value, date):
            raise DatePartsError(self._message("invalid"), code="invalid", parts=DATE_PARTS)
        return value

    def validate(self, value: Any) -> None:
        if value in self.empty_values and self.required:
            parts = (*DATE_PARTS, "time") if self.with_time else DATE_PARTS
            raise DatePartsError(self._message("required"), code="required", parts=parts)

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return bool(self.to_python(data) != self.to_python(initial))
        except ValidationError:
            return True


class GovUKDateTimeField(GovUKDateField):
    """A date input plus a time box; an aware datetime in the current time zone."""

    with_time = True

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        if isinstance(value, str):
            return self._from_iso(value)
        values = [str(v or "").strip() for v in value]
        day = super().to_python(values[:3])
        moment = values[3] if len(values) > 3 else ""
        if day is None:
            if moment:
                raise DatePartsError(self._message("required"), code="required", parts=DATE_PARTS)
            return None
        if not moment:
            raise DatePartsError(self._message("invalid_time"), code="invalid_time", parts=("time",))
        try:
            at = time.fromisoformat(moment.replace(".", ":").zfill(5))
        except ValueError:
            raise DatePartsError(self._message("invalid_time"), code="invalid_time", parts=("time",)) from None
        return timezone.make_aware(datetime.combine(day, at))
