"""A user's password change or deactivation ends all their access: every API token is
revoked and every signed-in session deleted.

The rule lives on the user model's save, so it holds whichever way the change is made:
the password change page, the admin site, `set_password()` and `save()` in a command
or service, or `is_active = False`. (A queryset `update()` bypasses model saves; code
that changes these fields must save the user.)"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from tracker.core.api.tokens import revoke_all_tokens
from tracker.core.models import User, UserSession

WATCHED_FIELDS = frozenset({"password", "is_active"})


@transaction.atomic
def end_all_access(user: User, *, reason: str) -> None:
    """Revoke every live API token of `user` and delete every session they are signed
    in with. The password change page keeps its own browser signed in afterwards
    (Django gives that session a new key once the password is saved)."""
    revoke_all_tokens(user, reason=reason)
    UserSession.objects.filter(user_id=user.pk).delete()


def _access_ending_change(user: User, update_fields: frozenset[str] | None) -> str:
    """Why saving `user` ends their access ("" if it does not): compared with the row
    as stored, not with the instance as loaded, which may be stale."""
    if user.pk is None or (update_fields is not None and not WATCHED_FIELDS & update_fields):
        return ""
    stored = User.objects.filter(pk=user.pk).values("password", "is_active").first()
    if stored is None:
        return ""
    if stored["is_active"] and not user.is_active:
        return "Account deactivated"
    if stored["password"] != user.password and not getattr(user, "_rehashing", False):
        return "Password changed"
    return ""


@receiver(pre_save, sender=User, dispatch_uid="core.credentials.note_change")
def _note_change(sender: type[User], instance: User, raw: bool, update_fields: Any, **kwargs: Any) -> None:
    if raw:  # loading fixtures
        return
    fields = frozenset(update_fields) if update_fields is not None else None
    # A note for the post-save handler, not a field.
    instance._access_ends_because = _access_ending_change(instance, fields)  # type: ignore[attr-defined]


@receiver(post_save, sender=User, dispatch_uid="core.credentials.end_access")
def _end_access(sender: type[User], instance: User, raw: bool, **kwargs: Any) -> None:
    reason = getattr(instance, "_access_ends_because", "")
    instance._access_ends_because = ""  # type: ignore[attr-defined]  # the pre-save note, used once
    if reason and not raw:
        end_all_access(instance, reason=reason)
