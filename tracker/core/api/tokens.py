"""Issuing, checking and revoking API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tracker.core.history import set_history_user
from tracker.core.models import ApiToken, User


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def issue_token(user: User) -> tuple[str, ApiToken]:
    """A new token for `user`: the raw secret (shown once) and its stored record."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        digest=digest(raw),
        prefix=raw[:8],
        expires_at=timezone.now() + timedelta(hours=settings.API_TOKEN_HOURS),
    )
    set_history_user(token, user)
    token.save()
    return raw, token


def find_token(raw: str) -> ApiToken | None:
    """The live token for a raw secret, or None if unknown, expired or revoked."""
    now = timezone.now()
    return (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(digest=digest(raw), revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)
        .first()
    )


@transaction.atomic
def revoke_all_tokens(user: User, *, reason: str) -> int:
    """Revoke every live token of `user` (a password change, a deactivation); each
    revocation is recorded in the token's history with `reason`. Returns how many."""
    now = timezone.now()
    live = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for token in live:
        token.revoked_at = now
        token._change_reason = reason  # type: ignore[attr-defined]  # simple-history reads this attribute
        token.save(update_fields=["revoked_at"])
    return len(live)


@transaction.atomic
def revoke_token(token: ApiToken, *, by: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        set_history_user(token, by)
        token.save(update_fields=["revoked_at"])
    return token
