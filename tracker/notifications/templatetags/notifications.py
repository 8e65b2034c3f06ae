"""`{% email_choices %}`: the signed-in user's email choices, for the account page."""

from __future__ import annotations

from typing import Any

from django import template

from tracker.notifications import services
from tracker.notifications.forms import PreferencesForm

register = template.Library()


@register.inclusion_tag("notifications/choices_form.html", takes_context=True)
def email_choices(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    form = PreferencesForm(user=user, by=user, current=services.preferences_of(user))
    return {"form": form, "csrf_token": context.get("csrf_token")}
