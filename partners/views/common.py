"""Helpers shared by the strand's pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect

from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.outcomes import OutcomeForm, record_outcome
from tracker.core.pages import form_page, posted
from tracker.core.permissions import PARTNERS, roles_required

# Every page of the strand admits officers and administrators only.
partners_only = roles_required(PARTNERS)


def outcome_page(request: AuthenticatedHttpRequest, subject: models.Model, *, back_url: str) -> HttpResponse:
    """Record an outcome on `subject` through the core outcomes mechanism."""
    form = OutcomeForm(posted(request), subject_model=type(subject))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_outcome(
                subject,
                by=request.user,
                date=data["date"],
                outcome_type=data["outcome_type"],
                rating=data["rating"],
                description=data["description"],
                measure=data["measure"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Outcome recorded.")
            return redirect(f"{back_url}#outcomes")
    return form_page(
        request, form, title="Record an outcome", caption=str(subject), back_url=back_url, submit="Save outcome"
    )
