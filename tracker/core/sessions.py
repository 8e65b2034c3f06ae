"""The database session engine, storing each session's user in an indexed column
(`SESSION_ENGINE = "tracker.core.sessions"`), so that a password change or a
deactivation can delete that user's sessions without reading every session."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls) -> Any:
        from tracker.core.models import UserSession

        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        session = super().create_model_instance(data)
        try:
            user_id: int | None = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            user_id = None
        session.user_id = user_id  # type: ignore[attr-defined]  # UserSession's own column
        return session
