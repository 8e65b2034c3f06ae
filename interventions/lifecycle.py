"""The referral lifecycle, declared for the core mechanism (tracker.core.lifecycle):
its moves with who may make each (interventions/permissions.py), its transition
record, and what only it knows (an ended programme brings a 12-month follow-up).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from tracker.core.errors import DomainError
from tracker.core.history import set_history_user
from tracker.core.lifecycle import Lifecycle, Move

from . import permissions
from .models import OPEN_STATUSES, FollowUp, ReasonCode, Referral, ReferralTransition, Status

if TYPE_CHECKING:
    from tracker.core.models import User

FOLLOW_UP_AFTER_MONTHS = 12


class ReferralError(DomainError):
    """A change the rules refuse; the message is written for the user (the API
    answers 409 with it)."""


def _may(verb: str) -> Any:
    return lambda user, referral: permissions.may_move(user, referral, verb)


# verb → move: the whole lifecycle in one table. "complete" has its own page and
# service, which rate the programme's outcomes before making the move.
MOVES: dict[str, Move] = {
    "submit": Move("Submit", frozenset({Status.DRAFT}), Status.SUBMITTED, stamp="submitted_at", allowed=_may("submit")),
    "accept": Move(
        "Accept", frozenset({Status.SUBMITTED}), Status.ACCEPTED, stamp="accepted_at", allowed=_may("accept")
    ),
    "decline": Move(
        "Decline",
        frozenset({Status.SUBMITTED}),
        Status.DECLINED,
        needs_reason=True,
        stamp="ended_at",
        allowed=_may("decline"),
    ),
    "start": Move("Start", frozenset({Status.ACCEPTED}), Status.STARTED, stamp="started_at", allowed=_may("start")),
    "complete": Move(
        "Complete", frozenset({Status.STARTED}), Status.COMPLETED, stamp="ended_at", allowed=_may("complete")
    ),
    "mark_not_completed": Move(
        "Mark as not completed",
        frozenset({Status.STARTED}),
        Status.NOT_COMPLETED,
        needs_reason=True,
        stamp="ended_at",
        allowed=_may("mark_not_completed"),
    ),
    "withdraw": Move(
        "Withdraw",
        frozenset(OPEN_STATUSES),
        Status.WITHDRAWN,
        needs_reason=True,
        stamp="ended_at",
        allowed=_may("withdraw"),
    ),
}


def months_later(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 exists in every month


class ReferralLifecycle(Lifecycle[Referral]):
    """Stamps are the moment of the move; reasons are offered grouped. Completing
    is only through services.complete(), which rates the outcomes first. Accepting
    assigns the referral: to `assignee` if given (None: nobody), else to the
    accepting liaison."""

    def apply(self, record: Referral, verb: str, *, by: User, **kwargs: Any) -> Referral:
        if verb == "accept" and "assignee" not in kwargs and permissions.may_be_assigned(by, record):
            # Whoever accepts takes the case on, unless they are not a liaison who may
            # hold it (an administrator): then it stays with whoever holds it.
            kwargs["assignee"] = by
        return super().apply(record, verb, by=by, **kwargs)

    def transition_details(self, record: Referral, move: Move, *, details: dict[str, Any]) -> dict[str, Any]:
        if move.target != Status.COMPLETED:
            return {}
        return {
            "sessions_attended": details.pop("sessions_attended", None),
            "fewer_sessions_confirmed": details.pop("fewer_sessions_confirmed", False),
        }

    def prepare(
        self, record: Referral, move: Move, *, when: datetime, on: date, reason: Any, details: dict[str, Any]
    ) -> dict[str, Any]:
        rated = details.pop("outcomes_rated", False)
        changes: dict[str, Any] = {}
        if move.target == Status.ACCEPTED and "assignee" in details:
            assignee = details.pop("assignee")
            if assignee is not None and not permissions.may_be_assigned(assignee, record):
                raise ReferralError("Assign the referral to a liaison of the organisation that handles it.")
            if getattr(assignee, "pk", None) != record.assigned_liaison_id:
                changes["assigned_liaison"] = assignee
        super().prepare(record, move, when=when, on=on, reason=reason, details=details)
        if move.target == Status.COMPLETED and not rated:
            raise ReferralError("Complete a referral with its summary: rate each of the programme's outcomes.")
        return changes

    def after(self, record: Referral, move: Move, *, by: User, when: datetime) -> None:
        from . import notices

        # In the move's transaction: the emails go only if the move is kept.
        notices.moved(record, move, by=by)
        if move.target in {Status.COMPLETED, Status.NOT_COMPLETED}:
            due = months_later(timezone.localdate(when), FOLLOW_UP_AFTER_MONTHS)
            follow_up = FollowUp(referral=record, due=due)
            set_history_user(follow_up, by)
            follow_up.save()

    def reason_choices(self, reasons: list[Any]) -> list[Any]:
        labels = dict(ReasonCode.Group.choices)
        grouped: dict[str, list[tuple[int, str]]] = {}
        for reason in reasons:
            grouped.setdefault(labels[reason.group], []).append((reason.pk, reason.name))
        return list(grouped.items())

    def moved_message(self, record: Referral) -> str:
        return f"{record.reference} is now {self.status_label(record)}."


LIFECYCLE = ReferralLifecycle(
    model=Referral,
    transition_model=ReferralTransition,
    subject_field="referral",
    moves=MOVES,
    error=ReferralError,
    reasons=lambda: ReasonCode.objects.filter(active=True),
)
