"""Forms of the subject access pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from tracker.core.forms import DateInput

from .disclosure_pack import FlaggedItem


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="Case reference or name",
        max_length=100,
        help_text="Search everyone the tracker holds, whichever organisation holds them.",
        error_messages={"required": "Enter a case reference or name to search for"},
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )


class RequestForm(forms.Form):
    received_on = forms.DateField(
        label="Date the request was received",
        widget=DateInput(),
        help_text="The deadline is one calendar month after this date.",
        error_messages={
            "required": "Enter the date the request was received",
            "invalid": "Enter the date the request was received as a real date",
        },
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example how the request arrived and how the person's identity was checked.",
    )

    def clean_received_on(self) -> Any:
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date the request was received must be today or in the past")
        return value


def _field_id(key: str) -> str:
    return key.replace(":", "-")


class RedactionForm(forms.Form):
    """One checkbox per flagged item, with a reason that is needed only when it is
    ticked (revealed under the checkbox)."""

    def __init__(self, *args: Any, items: list[FlaggedItem], **kwargs: Any):
        initial: dict[str, Any] = {}
        for item in items:
            initial[f"redact-{_field_id(item.key)}"] = item.redacted
            initial[f"reason-{_field_id(item.key)}"] = item.reason or ""
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            name = _field_id(item.key)
            self.fields[f"redact-{name}"] = forms.BooleanField(required=False, label=f"Withhold: {item.where}")
            self.fields[f"reason-{name}"] = forms.CharField(
                required=False, max_length=300, label="Reason for withholding it"
            )

    def rows(self) -> list[tuple[FlaggedItem, Any, Any]]:
        return [(i, self[f"redact-{_field_id(i.key)}"], self[f"reason-{_field_id(i.key)}"]) for i in self.items]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for item in self.items:
            name = _field_id(item.key)
            if data.get(f"redact-{name}") and not (data.get(f"reason-{name}") or "").strip():
                self.add_error(f"reason-{name}", f"Enter the reason for withholding {item.where}")
        return data

    @property
    def marks(self) -> dict[str, str]:
        return {
            item.key: self.cleaned_data[f"reason-{_field_id(item.key)}"].strip()
            for item in self.items
            if self.cleaned_data.get(f"redact-{_field_id(item.key)}")
        }
