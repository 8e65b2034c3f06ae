"""One lifecycle mechanism for every record with a status.

A strand declares its record's lifecycle once, as a `Lifecycle`:

- a **move table**, verb → `Move(label, sources, target, needs_reason, stamp,
  allowed)`: the statuses the move starts from, the status it leads to, whether a
  coded reason is required, the record's field that keeps when it happened, and who
  may make it (`allowed(user, record)`; None: whoever may change the record at all);
- its **transition model**, a concrete `TransitionRecord`: one row per move made,
  saying who, when, the coded reason and the note;
- hooks for what only the strand knows (`prepare()` for extra checks and fields,
  `after()` for records a move brings into being, and its messages).

It registers it (`register()`, from the app's `ready()`), and every move then goes
through `apply_move(record, verb, *, by, expected_version, ...)`, whichever door it
came through (page, API, importer, demo, tests). In one transaction that:

1. refuses a user the move's `allowed` rejects (PermissionDenied: a 403);
2. claims the version the mover read (`claim_version`: one conditional UPDATE, which
   also locks the row), or raises EditConflict (a 409, or the conflict message);
3. refuses a move the record's status does not allow now, or one missing its
   reason (the strand's DomainError: a 409, or the message on the form);
4. sets the status, the stamp and the strand's fields, and saves them with a
   history entry by `by`;
5. writes the transition record, and runs the strand's `after()`.

`on` (the day the move took effect; today by default) and `at` (when it was
recorded; now by default) reach the hooks; anything else the strand declares
(`next_review_on`, say) passes through to its `prepare()`.

So every move moves the version by exactly one. The move page
(`tracker.core.moves.move_page`, template `core/form.html`) and its form
serve every strand alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from tracker.core.errors import DomainError
from tracker.core.history import set_history_user
from tracker.core.versioning import VersionedModel, claim_version

if TYPE_CHECKING:
    from tracker.core.models import User


@dataclass(frozen=True)
class Move:
    label: str
    sources: frozenset[str]
    target: str
    needs_reason: bool = False
    # The record's field that keeps when the move happened (for reporting).
    stamp: str | None = None
    # Who may make the move, beyond seeing the record; None: anyone who may change it.
    allowed: Callable[[User, Any], bool] | None = None


class TransitionRecord(models.Model):
    """One move along a record's lifecycle: written once, never edited. Each strand
    adds the link to its record, `from_status` and `to_status` with its statuses as
    choices, and `reason` pointing at its list of reasons."""

    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    from_status: Any
    to_status: Any
    reason: Any

    class Meta:
        abstract = True

    def __str__(self) -> str:
        # Django adds get_*_display() to the concrete transition models, not to this abstract one.
        return f"{self.get_from_status_display() or 'New'} → {self.get_to_status_display()}"  # type: ignore[attr-defined]


class Lifecycle[R: VersionedModel]:
    """A record type's lifecycle: its move table, transition model and hooks.
    Subclass it to override the hooks; the defaults suit a record whose stamps are
    datetimes and that needs nothing else."""

    def __init__(
        self,
        *,
        model: type[R],
        transition_model: type[TransitionRecord],
        subject_field: str,
        moves: Mapping[str, Move],
        error: type[DomainError] = DomainError,
        reasons: Callable[[], Iterable[Any]] = tuple,
    ):
        self.model = model
        self.transition_model = transition_model
        self.subject_field = subject_field
        self.moves = dict(moves)
        self.error = error
        # The reasons a move may give now (active ones), for forms.
        self.reasons = reasons

    # The hooks a strand may override ------------------------------------------

    @property
    def noun(self) -> str:
        return str(self.model._meta.verbose_name)

    def refusal(self, record: R, move: Move) -> str:
        """Why `move` cannot be made from the record's status."""
        return f"A {self.noun} that is {self.status_label(record)} cannot be moved with “{move.label.lower()}”."

    def reason_missing(self, move: Move) -> str:
        return "Choose a reason."

    def prepare(
        self, record: R, move: Move, *, when: datetime, on: date, reason: Any, details: dict[str, Any]
    ) -> dict[str, Any]:
        """Check what only the strand knows and return the other fields the move sets.
        `details` are the strand's own arguments to the move; refuse unknown ones."""
        if details:
            raise TypeError(f"Unexpected details for {self.noun}: {', '.join(details)}")
        return {}

    def transition_details(self, record: R, move: Move, *, details: dict[str, Any]) -> dict[str, Any]:
        """Fields of the strand's transition record that the move's arguments give
        (a confirmation, say): pop them from `details` and return them. Runs before
        `prepare()`."""
        return {}

    def stamp_value(self, *, when: datetime, on: date) -> Any:
        """What the move's `stamp` field keeps."""
        return when

    def transition_values(self, *, when: datetime, on: date) -> dict[str, Any]:
        """Extra fields of the transition record."""
        return {}

    def after(self, record: R, move: Move, *, by: User, when: datetime) -> None:
        """Records the move brings into being (in the same transaction)."""

    def reason_choices(self, reasons: list[Any]) -> list[Any]:
        """The reasons as a form offers them (Django choices, grouped or not)."""
        return [(reason.pk, str(reason)) for reason in reasons]

    def moved_message(self, record: R) -> str:
        """The confirmation a page shows after the move."""
        return f"{self.noun.capitalize()} is now {self.status_label(record)}."

    # The mechanism -------------------------------------------------------------

    def status_label(self, record: R) -> str:
        # Every record with a lifecycle has a status field (and so get_status_display()).
        return str(record.get_status_display()).lower()  # type: ignore[attr-defined]

    def move(self, verb: str) -> Move:
        try:
            return self.moves[verb]
        except KeyError:
            raise self.error(f"There is no move “{verb}” for a {self.noun}.") from None

    def verb_to(self, target: str) -> str | None:
        """The verb of the move leading to `target`, if one does."""
        return next((verb for verb, move in self.moves.items() if move.target == target), None)

    def may(self, user: User, record: R, verb: str) -> bool:
        allowed = self.moves[verb].allowed
        return allowed is None or allowed(user, record)

    def available(self, record: R, user: User | None = None) -> list[tuple[str, Move]]:
        """The moves `user` may make on `record` now (without a user: the moves its
        status allows)."""
        return [
            (verb, move)
            for verb, move in self.moves.items()
            if record.status in move.sources  # type: ignore[attr-defined]  # every lifecycle record has a status
            and (user is None or self.may(user, record, verb))
        ]

    def check(self, record: R, verb: str, *, by: User) -> Move:
        """Refuse (403, or the strand's DomainError) a move `by` may not make now."""
        move = self.move(verb)
        if not self.may(by, record, verb):
            raise PermissionDenied
        if record.status not in move.sources:  # type: ignore[attr-defined]  # every lifecycle record has a status
            raise self.error(self.refusal(record, move))
        return move

    @transaction.atomic
    def apply(
        self,
        record: R,
        verb: str,
        *,
        by: User,
        expected_version: int,
        reason: Any = None,
        note: str = "",
        on: date | None = None,
        at: datetime | None = None,
        **details: Any,
    ) -> R:
        move = self.move(verb)
        if not self.may(by, record, verb):
            raise PermissionDenied
        loaded = record.version
        try:
            return self._apply(record, move, verb, by=by, expected_version=expected_version, reason=reason,
                               note=note, on=on, at=at, details=details)  # fmt: skip
        except BaseException:
            # The transaction undoes the claim; undo it on the caller's copy too.
            record.version = loaded
            raise

    def _apply(
        self,
        record: R,
        move: Move,
        verb: str,
        *,
        by: User,
        expected_version: int,
        reason: Any,
        note: str,
        on: date | None,
        at: datetime | None,
        details: dict[str, Any],
    ) -> R:
        loaded = record.version
        claim_version(record, expected_version)
        if loaded != expected_version:
            # The caller's copy is not the version claimed: read the stored one.
            record.refresh_from_db()
        self.check(record, verb, by=by)
        if move.needs_reason and reason is None:
            raise self.error(self.reason_missing(move))
        if reason is not None and not getattr(reason, "active", True):
            raise self.error("That reason is no longer in use; choose another.")
        when = at or timezone.now()
        on = on or timezone.localdate(when)
        recorded = self.transition_details(record, move, details=details)
        changes = self.prepare(record, move, when=when, on=on, reason=reason, details=details)
        from_status = record.status  # type: ignore[attr-defined]  # every lifecycle record has a status
        changes["status"] = move.target
        if move.stamp:
            changes[move.stamp] = self.stamp_value(when=when, on=on)
        for name, value in changes.items():
            setattr(record, name, value)
        set_history_user(record, by)
        record.save(update_fields=[*changes, "version"])
        self.transition_model.objects.create(  # type: ignore[attr-defined]  # a concrete subclass of the abstract model
            **{self.subject_field: record},
            from_status=from_status,
            to_status=move.target,
            by=by,
            at=when,
            reason=reason if move.needs_reason else None,
            note=note,
            **self.transition_values(when=when, on=on),
            **recorded,
        )
        self.after(record, move, by=by, when=when)
        return record


_LIFECYCLES: dict[type[models.Model], Lifecycle[Any]] = {}


def register(lifecycle: Lifecycle[Any]) -> Lifecycle[Any]:
    """Make `lifecycle` the one `apply_move` uses for its model (from an app's ready())."""
    _LIFECYCLES[lifecycle.model] = lifecycle
    return lifecycle


def lifecycle_for(model: type[models.Model]) -> Lifecycle[Any]:
    return _LIFECYCLES[model]


def registered() -> list[Lifecycle[Any]]:
    return list(_LIFECYCLES.values())


def apply_move[R: VersionedModel](
    record: R,
    verb: str,
    *,
    by: User,
    expected_version: int,
    reason: Any = None,
    note: str = "",
    **details: Any,
) -> R:
    """Make the move `verb` on `record`, if `by` may, the record is still at
    `expected_version` and its status allows it: see the module's docstring. The
    strand's details (`on`, `at`, and its own) pass through to its hooks."""
    return cast(
        R,
        lifecycle_for(type(record)).apply(
            record, verb, by=by, expected_version=expected_version, reason=reason, note=note, **details
        ),
    )
