"""The venue partnership lifecycle, declared for the core mechanism
(tracker.core.lifecycle): its moves, its transition record and what only it knows
(moves take effect on a date; signing up sets the next review; ending records why).

Lapsed and withdrawn are final; a venue that comes back starts a new partnership.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, datetime
from typing import Any

from partners.models import OPEN_STATUSES, EndReason, Partnership, PartnershipTransition
from tracker.core import validation
from tracker.core.errors import DomainError
from tracker.core.lifecycle import Lifecycle, Move

Status = Partnership.Status
REVIEW_AFTER_MONTHS = 12


class PartnershipError(DomainError):
    """A partnership change the rules do not allow; the message is for the user
    (and the API answers it with 409)."""


# verb → move. The verbs are the API's actions; the pages' URLs name the target status.
MOVES: dict[str, Move] = {
    "mark_engaged": Move("Record as engaged", frozenset({Status.PROSPECT}), Status.ENGAGED),
    "sign_up": Move("Sign up", frozenset({Status.ENGAGED}), Status.SIGNED_UP, stamp="signed_up_on"),
    "activate": Move("Mark as active", frozenset({Status.SIGNED_UP}), Status.ACTIVE),
    "lapse": Move(
        "Record as lapsed",
        frozenset({Status.SIGNED_UP, Status.ACTIVE}),
        Status.LAPSED,
        needs_reason=True,
        stamp="ended_on",
    ),
    "withdraw": Move("Withdraw", OPEN_STATUSES, Status.WITHDRAWN, needs_reason=True, stamp="ended_on"),
}


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def default_review_date(signed_up_on: date) -> date:
    """A signed-up venue is reviewed a year later unless the officer sets another date."""
    return add_months(signed_up_on, REVIEW_AFTER_MONTHS)


def _label(status: str) -> str:
    return str(Status(status).label).lower()


class PartnershipLifecycle(Lifecycle[Partnership]):
    """Moves take effect on a day (`on`, today by default), kept on the transition
    and in the stamps; signing up takes `next_review_on`."""

    def refusal(self, record: Partnership, move: Move) -> str:
        targets = [_label(m.target) for m in self.moves.values() if record.status in m.sources]
        allowed = ", ".join(targets) or "nothing: it is closed"
        return (
            f"A partnership that is {self.status_label(record)} cannot be marked {_label(move.target)}. "
            f"It can move to: {allowed}."
        )

    def reason_missing(self, move: Move) -> str:
        return f"Choose why the partnership is {_label(move.target)}."

    def prepare(
        self, record: Partnership, move: Move, *, when: datetime, on: date, reason: Any, details: dict[str, Any]
    ) -> dict[str, Any]:
        next_review_on = details.pop("next_review_on", None)
        super().prepare(record, move, when=when, on=on, reason=reason, details=details)
        if on < record.started_on:
            raise PartnershipError("The date cannot be before the partnership started.")
        if move.target == Status.SIGNED_UP:
            review = next_review_on or default_review_date(on)
            if review <= on:
                raise PartnershipError("The next review date must be after the sign-up date.")
            problems = validation.problems(review, [validation.REVIEW_DATE])
            if problems:
                raise PartnershipError(problems[0])
            return {"next_review_on": review}
        if move.target in Partnership.CLOSED:
            return {"end_reason": reason}
        return {}

    def stamp_value(self, *, when: datetime, on: date) -> Any:
        return on

    def transition_values(self, *, when: datetime, on: date) -> dict[str, Any]:
        return {"on": on}

    def moved_message(self, record: Partnership) -> str:
        return f"Partnership is now {self.status_label(record)}."


LIFECYCLE = PartnershipLifecycle(
    model=Partnership,
    transition_model=PartnershipTransition,
    subject_field="partnership",
    moves=MOVES,
    error=PartnershipError,
    reasons=lambda: EndReason.objects.filter(active=True),
)
