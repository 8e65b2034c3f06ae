"""The database session engine, storing each session's user in an indexed column
(`SESSION_ENGINE = "tracker.core.sessions"`), so that a password change or a
deactivation can delete that user's sessions without reading every session."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    # A request that only reads, asked for again and again (a page's script following
    # an import's progress), leaves its session as it found it: it writes nothing, so on
    # SQLite it need not wait for the lock a long import's write holds. Set through
    # `leave_unsaved()`; a change to the session is still saved.
    read_only = False

    def save(self, must_create: bool = False) -> None:
        if self.read_only and not must_create and not self.modified:
            return
        super().save(must_create)

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


def leave_unsaved(session: Any) -> None:
    """Do not save `session` at the end of this request unless it changes (see above)."""
    if isinstance(session, SessionStore):
        session.read_only = True
