"""Token authentication and the role permission. Kept apart from the views so DRF's settings can import it
while its own views module is still loading."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from tracker.core.api.tokens import find_token
from tracker.core.models import ApiToken, User
from tracker.core.roles import Role


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <secret>`; tokens are looked up by their SHA-256."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the header as: Authorization: Token <token>.")
        try:
            raw = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed("The token is not valid.") from error
        token = find_token(raw)
        if token is None:
            raise exceptions.AuthenticationFailed("The token is not valid, has expired or was revoked.")
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class HasRole(permissions.BasePermission):
    """The view's `allowed_roles`, the same rule set the HTML views declare."""

    message = "Your role does not include this part of the service."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if isinstance(user, AnonymousUser) or not user.is_authenticated:
            return False
        roles: frozenset[Role] = getattr(view, "allowed_roles", frozenset())
        return bool(roles) and user.has_role(*roles)
