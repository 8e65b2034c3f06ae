"""Who may do what to a referral they can see. The services enforce these rules and
the pages use them to decide which buttons to show; nowhere else decides them.

- The handling organisation's liaisons and administrators work the referral:
  accept, decline, start, complete, mark not completed, record sessions, assign, edit.
- The referrer (officer or liaison) edits and submits their draft.
- Withdrawal: the referrer, the handling liaisons or administrators.
- The referrer and administrators acknowledge concerns and record the follow-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from .statuses import Status

if TYPE_CHECKING:
    from tracker.core.models import User

    from .models import Referral

HANDLER_MOVES = frozenset({"accept", "decline", "start", "complete", "mark_not_completed"})
REFERRER_MOVES = frozenset({"submit"})


def is_handler(user: User, referral: Referral) -> bool:
    return user.is_administrator or (
        user.is_probation_liaison and referral.handling_organisation_id == user.organisation_id
    )


def is_referrer(user: User, referral: Referral) -> bool:
    return user.is_administrator or referral.referred_by_id == user.pk


def may_move(user: User, referral: Referral, move: str) -> bool:
    if move in HANDLER_MOVES:
        return is_handler(user, referral)
    if move in REFERRER_MOVES:
        return is_referrer(user, referral)
    if move == "withdraw":
        return is_handler(user, referral) or is_referrer(user, referral)
    return False


def may_edit(user: User, referral: Referral) -> bool:
    if not referral.is_open:
        return False
    if referral.status == Status.DRAFT:
        return is_referrer(user, referral)
    return is_handler(user, referral)


def may_record_sessions(user: User, referral: Referral) -> bool:
    return is_handler(user, referral) and referral.status in {"accepted", "started"}


def may_assign(user: User, referral: Referral) -> bool:
    return is_handler(user, referral) and referral.is_open and referral.status != Status.DRAFT


def may_be_assigned(liaison: User, referral: Referral) -> bool:
    """Whether `liaison` may hold the referral: an active liaison of the handling organisation."""
    return bool(
        liaison.is_probation_liaison
        and liaison.is_active
        and liaison.organisation_id == referral.handling_organisation_id
    )


def may_follow_up(user: User, referral: Referral) -> bool:
    return is_referrer(user, referral)


def check(allowed: bool) -> None:
    """403 when a user who can see a record tries a change they may not make."""
    if not allowed:
        raise PermissionDenied
