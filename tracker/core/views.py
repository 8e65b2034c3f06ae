"""Pages of the service shell: home, health and the account pages."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import connection
from django.db.models import Count, Min
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult, get_date_max

from tracker.core import mywork
from tracker.core.access_log import log_sign_in
from tracker.core.forms import GovUKMessagesMixin
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.navigation import sections_for
from tracker.core.permissions import MY_WORK, any_role, roles_required
from tracker.core.unavailable import is_database_unavailable, unavailable_response


@any_role
def home(request: HttpRequest) -> HttpResponse:
    """Each role's starting point: the sections it may use, with what needs doing."""
    return render(request, "core/home.html", {"sections": sections_for(request)})


@roles_required(MY_WORK)
def my_work(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Follow-ups, reviews and cases waiting for the signed-in user, from every strand."""
    return render(request, "core/my_work.html", {"sections": mywork.sections_for(request.user)})


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico on pages without our layout (JSON, PDFs, the admin)."""
    return HttpResponseRedirect(static("images/icon.svg"))


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The database answers (else 503, so a load balancer stops sending requests
    here), and how the task queue stands: a queue whose oldest waiting task keeps
    growing older means no worker is running (docs/production.md)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        tasks = queue_health()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "not answering"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "tasks": tasks})


def queue_health(now: datetime | None = None) -> dict[str, object]:
    """Tasks waiting to run (due, not yet started), how long the oldest has waited,
    and whether that is longer than QUEUE_STALE_SECONDS ("behind": no worker is
    taking tasks). Two indexed aggregates; deferred tasks are not waiting yet."""
    now = now or timezone.now()
    due = DBTaskResult.objects.ready()
    # A task enqueued without a start time waits from when it was enqueued; one
    # deferred waits from its start time.
    undeferred = due.filter(run_after=get_date_max()).aggregate(n=Count("pk"), oldest=Min("enqueued_at"))
    deferred = due.exclude(run_after=get_date_max()).aggregate(n=Count("pk"), oldest=Min("run_after"))
    starts = [t for t in (undeferred["oldest"], deferred["oldest"]) if t is not None]
    oldest = int((now - min(starts)).total_seconds()) if starts else 0
    return {
        "waiting": undeferred["n"] + deferred["n"],
        "oldest_waiting_seconds": max(oldest, 0),
        "queue": "behind" if oldest > settings.QUEUE_STALE_SECONDS else "ok",
    }


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception, so it is still current here.
    error = sys.exc_info()[1]
    if is_database_unavailable(error):
        return unavailable_response(request)
    if _wants_json(request):
        return JsonResponse({"detail": "Sorry, there is a problem with the service. Try again later."}, status=500)
    # A plain template that needs no context, so it renders even when the database is down.
    from django.views.defaults import server_error as default_server_error

    return default_server_error(request)


def locked_out(request: HttpRequest, original_response: HttpResponse | None, credentials: object) -> HttpResponse:
    """The lockout answer: JSON for the API, the explanatory page for people."""
    message = "Too many failed attempts for this username from this address. Try again later."
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "locked_out"}, status=429)
    return render(request, "registration/locked_out.html", status=429)


class SignInForm(GovUKMessagesMixin, AuthenticationForm):
    """Its errors show in the page's error summary, naming the field."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


class PasswordChangeForm(GovUKMessagesMixin, auth_forms.PasswordChangeForm):
    """Django's password change form with errors that name the field."""


class LoginView(auth_views.LoginView):
    """The sign-in page; every sign-in and every refused attempt is recorded in the
    access log (tracker.core.access_log.log_sign_in)."""

    template_name = "registration/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        log_sign_in(self.request, user=form.get_user())
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        username = str(form.data.get("username", "")).strip()
        if username and form.data.get("password"):
            # An attempt (an empty field is only a form error: nothing was tried).
            log_sign_in(self.request, user=None, username=username)
        return super().form_invalid(form)
