"""The choice of emails on the account page: a box for each kind the user's roles
make relevant. A kind only an administrator may turn off is shown, ticked and
disabled, to everyone else, so a crafted POST cannot turn it off either (a disabled
field keeps its initial value; the service refuses as well)."""

from __future__ import annotations

from typing import Any

from django import forms

from tracker.core.forms import GovUKMessagesMixin
from tracker.core.models import User

from .models import RULES, Kind


class PreferencesForm(GovUKMessagesMixin, forms.Form):
    def __init__(self, *args: Any, user: User, by: User, current: dict[str, bool], **kwargs: Any):
        super().__init__(*args, **kwargs)
        labels = dict(Kind.choices)
        for kind, enabled in current.items():
            rules = RULES[kind]
            locked = rules.admin_only_off and not by.is_administrator
            self.fields[kind] = forms.BooleanField(
                label=labels[kind], required=False, initial=enabled, help_text=rules.hint, disabled=locked
            )

    def choices(self) -> dict[str, bool]:
        return {kind: bool(value) for kind, value in self.cleaned_data.items()}
