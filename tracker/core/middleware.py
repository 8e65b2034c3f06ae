"""Role enforcement for every view, failing closed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from rest_framework.views import APIView

from tracker.core.permissions import ROLES_ATTRIBUTE, user_has_any

logger = logging.getLogger(__name__)

# Django's own views that guard themselves: the admin site (staff only) and the
# account pages every signed-in user needs (logout, password change).
SELF_GUARDED_MODULES = ("django.contrib.admin", "django.contrib.auth.views", "django.views.static")


def is_api_view(view_func: Callable[..., Any]) -> bool:
    """DRF views authenticate inside the view (session or token), so the API's own
    permission classes decide; see tracker.core.api.base.HasRole."""
    view_class = getattr(view_func, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


class TrackerLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Django's login requirement for every page, leaving API views to answer 401
    themselves instead of redirecting a script to the sign-in page."""

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        if is_api_view(view_func):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


def declared_roles(view_func: Callable[..., Any]) -> Any:
    return getattr(view_func, ROLES_ATTRIBUTE, None)


def is_self_guarded(view_func: Callable[..., Any], namespaces: list[str] | tuple[str, ...] = ()) -> bool:
    if "admin" in namespaces:
        return True  # the admin site admits staff only, and only administrators are staff
    module = getattr(view_func, "__module__", "") or ""
    view_class = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)
    if view_class is not None:
        module = view_class.__module__
    admin_site = getattr(view_func, "admin_site", None) or getattr(
        getattr(view_func, "__self__", None), "admin_site", None
    )
    return admin_site is not None or module.startswith(SELF_GUARDED_MODULES)


class RoleRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not getattr(view_func, "login_required", True) or is_api_view(view_func):
            return None  # public (the login page, /healthz) or guarded by the API's permissions
        allowed = declared_roles(view_func)
        if allowed is None:
            match = request.resolver_match
            if is_self_guarded(view_func, match.namespaces if match else ()):
                return None
            logger.error("View %s declares no roles; refused.", getattr(view_func, "__qualname__", view_func))
            raise PermissionDenied
        if not user_has_any(request.user, allowed):
            raise PermissionDenied
        return None
