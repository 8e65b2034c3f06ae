"""Typed requests for code behind login.

Every page and endpoint is behind login and the deny-by-default role middleware (the
API behind `IsAuthenticated`), so by the time a view runs its user is a signed-in
`User`, never `AnonymousUser`. These types say so once, instead of at every use.
Middleware, context processors and error pages may see anonymous requests and keep
Django's `HttpRequest`.
"""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.request import Request

from tracker.core.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request to a page: annotate views with it, never construct it."""

    user: User


class AuthenticatedRequest(Request):
    """A DRF request to an endpoint: annotations only."""

    user: User
