"""Forms of the retention review pages (GOV.UK messages: say what to do, name the field)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from tracker.core.forms import DateInput


def reason_field(message: str, label: str, hint: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": message, "max_length": "Reason must be 2,000 characters or fewer"},
    )


class KeepForm(forms.Form):
    reason = reason_field(
        "Enter the reason for keeping this person's records",
        "Why are the records still needed?",
        "Recorded with your decision. Do not name other people.",
    )
    next_review_on = forms.DateField(
        label="Next review date",
        help_text="The date the records will be due for review again, for example 1 December 2027.",
        widget=DateInput(),
        error_messages={
            "required": "Enter the next review date",
            "invalid": "Next review date must be a real date",
        },
    )

    def clean_next_review_on(self) -> date:
        value: date = self.cleaned_data["next_review_on"]
        if value <= timezone.localdate():
            raise forms.ValidationError("Next review date must be in the future")
        return value


class ReasonForm(forms.Form):
    """The reason for a disposal, or for setting or lifting a restriction."""

    def __init__(self, *args: Any, message: str, label: str, hint: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["reason"] = reason_field(message, label, hint)
