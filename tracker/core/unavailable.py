"""Answers while the database cannot be reached: 503 with `Retry-After`, JSON for
the API and a plain page for people, never a 500 with a traceback.

A restart or failover of PostgreSQL shows up in Django as OperationalError (or
InterfaceError on a connection that died under us). Requests during the outage get
this answer quickly; the next request after the database is back reconnects by
itself (CONN_HEALTH_CHECKS), so no app server needs restarting."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
MESSAGE = (
    "Sorry, the service is unavailable for a moment. Try again in a few seconds. "
    "A change you were saving when this appeared has not been saved."
)


def is_database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, UNAVAILABLE_ERRORS)


def log_unavailable(request: HttpRequest, exc: BaseException) -> None:
    # One line, not a traceback per request: during an outage every request fails alike.
    logger.error("Database unavailable: %s %s (%s: %s)", request.method, request.path, type(exc).__name__, exc)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 answer. The page needs no context and no database, so it always renders."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": MESSAGE, "code": "service_unavailable"}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database outage raised by a page's view into the 503 answer. Failures
    earlier in the request (loading the session or the user) reach `handler500`,
    which gives the same answer (tracker.core.views.server_error)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_unavailable(exception):
            return None
        log_unavailable(request, exception)
        return unavailable_response(request)


class OneLineWhenUnavailable(logging.Filter):
    """For `django.request`: a 503 for an unreachable database is logged as one line,
    without the traceback. During an outage every request fails the same way, and a
    traceback per request would bury everything else in the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if (
            getattr(record, "status_code", None) == 503
            and record.exc_info
            and is_database_unavailable(record.exc_info[1])
        ):
            record.msg = f"{record.msg} (database unavailable: %s)"
            record.args = (*(record.args if isinstance(record.args, tuple) else ()), record.exc_info[1])
            record.exc_info = None
            record.exc_text = None
        return True
