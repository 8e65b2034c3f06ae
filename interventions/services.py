"""Every change to offenders, referrals, sessions and follow-ups. Each service is
atomic, records who acted in the history, and raises ReferralError for a move the
rules refuse (views show its message; the API will answer 400/409)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from tracker.core import validation
from tracker.core.errors import DomainError
from tracker.core.models import Organisation, Outcome, User
from tracker.core.outcomes import record_outcome
from tracker.core.versioning import save_changes

from . import permissions
from .models import (
    OPEN_STATUSES,
    FollowUp,
    Offender,
    Programme,
    ReasonCode,
    Referral,
    ReferralTransition,
    Session,
    Status,
)


class ReferralError(DomainError):
    """A change the rules refuse; the message is written for the user (the API
    answers 409 with it)."""


@dataclass(frozen=True)
class Move:
    label: str
    sources: frozenset[str]
    target: str
    needs_reason: bool = False
    # The referral field that keeps when this move happened, for reporting.
    stamp: str | None = None


# The allowed transitions: the whole lifecycle in one table.
MOVES: dict[str, Move] = {
    "submit": Move("Submit", frozenset({Status.DRAFT}), Status.SUBMITTED, stamp="submitted_at"),
    "accept": Move("Accept", frozenset({Status.SUBMITTED}), Status.ACCEPTED, stamp="accepted_at"),
    "decline": Move("Decline", frozenset({Status.SUBMITTED}), Status.DECLINED, needs_reason=True, stamp="ended_at"),
    "start": Move("Start", frozenset({Status.ACCEPTED}), Status.STARTED, stamp="started_at"),
    "complete": Move("Complete", frozenset({Status.STARTED}), Status.COMPLETED, stamp="ended_at"),
    "mark_not_completed": Move(
        "Mark as not completed", frozenset({Status.STARTED}), Status.NOT_COMPLETED, needs_reason=True, stamp="ended_at"
    ),
    "withdraw": Move("Withdraw", frozenset(OPEN_STATUSES), Status.WITHDRAWN, needs_reason=True, stamp="ended_at"),
}

FOLLOW_UP_AFTER_MONTHS = 12


def available_moves(referral: Referral, user: User) -> list[tuple[str, Move]]:
    """The moves `user` may make on `referral` now (complete has its own page)."""
    return [
        (name, move)
        for name, move in MOVES.items()
        if referral.status in move.sources and permissions.may_move(user, referral, name)
    ]


def months_later(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 exists in every month


# Offenders ------------------------------------------------------------------


def duplicate_exists(*, first_name: str, last_name: str, date_of_birth: date, exclude_pk: int | None = None) -> bool:
    """Whether any offender (visible or not) has this name and date of birth. Says
    nothing else about the record, so it leaks nothing a user may not see."""
    matches = Offender.objects.filter(
        first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip(), date_of_birth=date_of_birth
    )
    if exclude_pk:
        matches = matches.exclude(pk=exclude_pk)
    return matches.exists()


@transaction.atomic
def create_offender(*, by: User, case_reference: str, first_name: str, last_name: str, date_of_birth: date) -> Offender:
    """Record a person who may be referred. Duplicate warnings are the form's job."""
    if Offender.objects.filter(case_reference__iexact=case_reference.strip()).exists():
        raise ReferralError("A record with this case reference already exists.")
    offender = Offender(
        case_reference=case_reference.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        created_by=by,
    )
    offender._history_user = by  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            offender.save()
    except IntegrityError as error:
        # Two people adding the same case reference at once: the database decides.
        raise ReferralError("A record with this case reference already exists.") from error
    return offender


def update_offender(offender: Offender, *, by: User, expected_version: int, changes: dict[str, Any]) -> Offender:
    """Correct a person's details; refused if someone saved them since `expected_version`."""
    reference = str(changes.get("case_reference", offender.case_reference)).strip()
    if Offender.objects.filter(case_reference__iexact=reference).exclude(pk=offender.pk).exists():
        raise ReferralError("A record with this case reference already exists.")
    try:
        with transaction.atomic():
            return save_changes(offender, by=by, expected_version=expected_version, changes=changes)
    except IntegrityError as error:
        raise ReferralError("A record with this case reference already exists.") from error


# Referrals ------------------------------------------------------------------


@transaction.atomic
def create_referral(
    *,
    by: User,
    offender: Offender,
    programme: Programme,
    handling_organisation: Organisation,
    offence_date: date,
    area: Any,
    victim_role: str,
    injury: bool = False,
    charged_under_act: bool = False,
    priority: str = Referral.Priority.NORMAL,
    notes: str = "",
) -> Referral:
    """A draft referral from `by` and their organisation; submit() sends it."""
    if not (by.is_partnership_officer or by.is_probation_liaison or by.is_administrator):
        raise ReferralError("Only partnership officers, liaisons and administrators can make referrals.")
    if handling_organisation.kind not in {Organisation.Kind.PROBATION, Organisation.Kind.PRISON}:
        raise ReferralError("Referrals are handled by a probation service or a prison.")
    if not programme.active:
        raise ReferralError("That programme is no longer offered; choose another.")
    if not Offender.objects.visible_to(by).filter(pk=offender.pk).exists():
        raise ReferralError("Choose a person you have added or can already see.")
    validation.check_values(Referral, {"offence_date": offence_date})
    referral = Referral(
        offender=offender,
        programme=programme,
        handling_organisation=handling_organisation,
        offence_date=offence_date,
        area=area,
        victim_role=victim_role,
        injury=injury,
        charged_under_act=charged_under_act,
        priority=priority,
        notes=notes,
        referring_organisation_id=by.organisation_id,
        referred_by=by,
    )
    referral._history_user = by  # type: ignore[attr-defined]
    referral.save()
    return referral


def update_referral(referral: Referral, *, by: User, expected_version: int, changes: dict[str, Any]) -> Referral:
    """Edit a referral's details; refused if someone saved it since `expected_version`."""
    permissions.check(permissions.may_edit(by, referral))
    return save_changes(referral, by=by, expected_version=expected_version, changes=changes)


def _lock(referral: Referral) -> Referral:
    """The referral as stored now, locked until the transaction ends, so two people
    moving it at once cannot both succeed."""
    return Referral.objects.select_for_update().select_related("offender", "programme").get(pk=referral.pk)


def _check_move(referral: Referral, name: str, *, by: User) -> None:
    move = MOVES[name]
    permissions.check(permissions.may_move(by, referral, name))
    if referral.status not in move.sources:
        raise ReferralError(
            f"A referral that is {referral.get_status_display().lower()} cannot be moved with “{move.label.lower()}”."
        )


def _apply(
    referral: Referral,
    name: str,
    *,
    by: User,
    reason: ReasonCode | None = None,
    note: str = "",
    at: datetime | None = None,
) -> Referral:
    move = MOVES[name]
    current = _lock(referral)
    _check_move(current, name, by=by)
    if move.needs_reason and reason is None:
        raise ReferralError("Choose a reason.")
    if reason is not None and not reason.active:
        raise ReferralError("That reason is no longer in use; choose another.")
    when = at or timezone.now()
    ReferralTransition.objects.create(
        referral=current,
        from_status=current.status,
        to_status=move.target,
        by=by,
        at=when,
        reason=reason if move.needs_reason else None,
        note=note,
    )
    current.status = move.target
    fields = ["status", "version"]
    if move.stamp:
        setattr(current, move.stamp, when)
        fields.append(move.stamp)
    current.version += 1  # a stale edit form must not silently undo a move
    current._history_user = by  # type: ignore[attr-defined]
    current.save(update_fields=fields)
    if move.target in {Status.COMPLETED, Status.NOT_COMPLETED}:
        due = months_later(timezone.localdate(when), FOLLOW_UP_AFTER_MONTHS)
        follow_up = FollowUp(referral=current, due=due)
        follow_up._history_user = by  # type: ignore[attr-defined]
        follow_up.save()
    # Keep the caller's object in step with the stored row.
    for field in fields:
        setattr(referral, field, getattr(current, field))
    return referral


@transaction.atomic
def submit(referral: Referral, *, by: User, note: str = "") -> Referral:
    """Send a draft to the handling organisation (draft → submitted)."""
    return _apply(referral, "submit", by=by, note=note)


@transaction.atomic
def accept(referral: Referral, *, by: User, note: str = "") -> Referral:
    """The handling organisation takes the referral on (submitted → accepted)."""
    return _apply(referral, "accept", by=by, note=note)


@transaction.atomic
def decline(referral: Referral, *, by: User, reason: ReasonCode | None, note: str = "") -> Referral:
    """The handling organisation turns the referral down, with a coded reason."""
    return _apply(referral, "decline", by=by, reason=reason, note=note)


@transaction.atomic
def start(referral: Referral, *, by: User, note: str = "") -> Referral:
    """The person begins the programme (accepted → started)."""
    return _apply(referral, "start", by=by, note=note)


@transaction.atomic
def mark_not_completed(referral: Referral, *, by: User, reason: ReasonCode | None, note: str = "") -> Referral:
    """The programme ended without completion; a follow-up falls due in 12 months."""
    return _apply(referral, "mark_not_completed", by=by, reason=reason, note=note)


@transaction.atomic
def withdraw(referral: Referral, *, by: User, reason: ReasonCode | None, note: str = "") -> Referral:
    """Take back an open referral, with a coded reason."""
    return _apply(referral, "withdraw", by=by, reason=reason, note=note)


@transaction.atomic
def complete(
    referral: Referral, *, by: User, ratings: dict[int, tuple[str, str]], note: str = "", on: date | None = None
) -> Referral:
    """Complete a started referral with its end-of-intervention summary.

    `ratings` maps each of the programme's desired outcome types (by id) to
    (rating, comment). Each rating is stored as a core Outcome on the referral, so
    reports count intervention outcomes the same way as every other strand's."""
    _check_move(_lock(referral), "complete", by=by)
    desired = list(referral.programme.desired_outcomes.all())
    missing = [t.name for t in desired if t.pk not in ratings]
    if missing:
        raise ReferralError("Rate every desired outcome before completing: " + ", ".join(missing) + ".")
    valid = set(Outcome.Rating.values)
    for rating, comment in ratings.values():
        if rating not in valid:
            raise ReferralError("Choose achieved, partly achieved or not achieved for each outcome.")
        if not comment.strip():
            raise ReferralError("Add a comment for each outcome.")
    _apply(referral, "complete", by=by, note=note)
    day = on or timezone.localdate()
    for outcome_type in desired:
        rating, comment = ratings[outcome_type.pk]
        record_outcome(referral, by=by, date=day, outcome_type=outcome_type, rating=rating, description=comment)
    return referral


@transaction.atomic
def assign(referral: Referral, *, by: User, liaison: User | None) -> Referral:
    """Give the referral to a liaison of the handling organisation (or nobody)."""
    permissions.check(permissions.may_assign(by, referral))
    if liaison is not None and (
        not liaison.is_probation_liaison
        or liaison.organisation_id != referral.handling_organisation_id
        or not liaison.is_active
    ):
        raise ReferralError("Assign the referral to a liaison of the organisation that handles it.")
    referral.assigned_liaison = liaison
    referral.version += 1
    referral._history_user = by  # type: ignore[attr-defined]
    referral.save(update_fields=["assigned_liaison", "version"])
    return referral


# Sessions and follow-ups ----------------------------------------------------


@transaction.atomic
def record_session(
    referral: Referral,
    *,
    by: User,
    scheduled_on: date,
    happened: bool,
    attendance: str = "",
    absence: str = "",
    behaviour: int | None = None,
    concern: bool = False,
    concern_note: str = "",
    notes: str = "",
) -> Session:
    """Record a programme session. A concern appears in the referrer's My work until
    they acknowledge it."""
    permissions.check(permissions.may_record_sessions(by, referral))
    if happened and not attendance:
        raise ReferralError("Say whether the person attended.")
    if not happened:
        attendance, absence, behaviour = "", "", None
    if attendance != Session.Attendance.DID_NOT_ATTEND:
        absence = ""
    elif not absence:
        raise ReferralError("Say whether the absence was acceptable, unacceptable or a logistics problem.")
    if attendance == Session.Attendance.DID_NOT_ATTEND:
        behaviour = None
    if concern and not concern_note.strip():
        raise ReferralError("Describe the concern.")
    validation.check_values(Session, {"scheduled_on": scheduled_on})
    session = Session(
        referral=referral,
        scheduled_on=scheduled_on,
        happened=happened,
        attendance=attendance,
        absence=absence,
        behaviour=behaviour,
        concern=concern,
        concern_note=concern_note if concern else "",
        notes=notes,
        recorded_by=by,
    )
    session._history_user = by  # type: ignore[attr-defined]
    session.save()
    return session


@transaction.atomic
def acknowledge_concern(session: Session, *, by: User) -> Session:
    """The referrer has read the concern; it leaves their My work."""
    permissions.check(permissions.may_follow_up(by, session.referral))
    if not session.concern or session.concern_acknowledged_at:
        raise ReferralError("There is no concern waiting to be acknowledged.")
    session.concern_acknowledged_at = timezone.now()
    session.concern_acknowledged_by = by
    session.version += 1
    session._history_user = by  # type: ignore[attr-defined]
    session.save(update_fields=["concern_acknowledged_at", "concern_acknowledged_by", "version"])
    return session


def record_follow_up(follow_up: FollowUp, *, by: User, expected_version: int, result: str, note: str = "") -> FollowUp:
    """Record the 12-month reoffending check: charged again yes / no / unknown."""
    permissions.check(permissions.may_follow_up(by, follow_up.referral))
    if result not in FollowUp.Result.values:
        raise ReferralError("Choose yes, no or not known.")
    return save_changes(
        follow_up,
        by=by,
        expected_version=expected_version,
        changes={"result": result, "note": note, "recorded_at": timezone.now(), "recorded_by": by},
    )


def progress(referral: Referral, sessions: list[Session]) -> tuple[int, int]:
    """Sessions attended (late counts) against the programme's planned sessions."""
    attended = sum(1 for s in sessions if s.counts_as_attended)
    return attended, referral.programme.planned_sessions
