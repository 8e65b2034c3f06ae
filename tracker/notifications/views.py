"""The email choices: each user's own, on their account page; an administrator's
control for anyone's (the only way to turn concern alerts off)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.models import User
from tracker.core.permissions import ADMINISTRATION, any_role, roles_required

from . import services
from .forms import PreferencesForm


def _page(request: AuthenticatedHttpRequest, person: User, *, back_url: str, done_url: str) -> HttpResponse:
    by = request.user
    current = services.preferences_of(person)
    form = PreferencesForm(request.POST or None, user=person, by=by, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_preferences(person, by=by, choices=form.choices())
        except PermissionDenied:
            form.add_error(None, "Only an administrator can turn off emails about concerns")
        else:
            messages.success(request, "Your email choices are saved." if person == by else "Email choices saved.")
            return redirect(done_url)
    own = person.pk == by.pk
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "person": person,
            "own": own,
            "back_url": back_url,
            "action": request.path,
        },
        status=200,
    )


@any_role
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in user's choices (also shown on the account page)."""
    account = reverse("password_change")
    return _page(request, request.user, back_url=account, done_url=account + "#notifications")


@roles_required(ADMINISTRATION)
def preferences_for(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An administrator sets someone's choices, concern alerts included."""
    person = get_object_or_404(User, pk=pk)
    if not request.user.is_administrator:  # pragma: no cover - the middleware refuses first
        raise PermissionDenied
    back = reverse("admin:core_user_change", args=[pk])
    return _page(request, person, back_url=back, done_url=reverse("notification-preferences-for", args=[pk]))
