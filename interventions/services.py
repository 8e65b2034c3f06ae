"""Every change to offenders, referrals, sessions and follow-ups. Each service is
atomic, records who acted in the history, and raises ReferralError for a move the
rules refuse (views show its message; the API will answer 400/409)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Upper
from django.utils import timezone

from tracker.core import validation
from tracker.core.history import set_history_user
from tracker.core.lifecycle import Move, apply_move
from tracker.core.models import Organisation, Outcome, User
from tracker.core.outcomes import record_outcome
from tracker.core.versioning import claim_version, save_changes

from . import notices, permissions
from .lifecycle import FOLLOW_UP_AFTER_MONTHS as FOLLOW_UP_AFTER_MONTHS  # the demo data uses these
from .lifecycle import LIFECYCLE
from .lifecycle import MOVES as MOVES
from .lifecycle import ReferralError as ReferralError  # raised by every service here
from .lifecycle import months_later as months_later
from .models import FollowUp, Offender, Programme, ReasonCode, Referral, Session
from .querysets import holds, offender_book


def available_moves(referral: Referral, user: User) -> list[tuple[str, Move]]:
    """The moves `user` may make on `referral` now (complete has its own page)."""
    return LIFECYCLE.available(referral, user)


# Offenders ------------------------------------------------------------------


REFERENCE_TAKEN = "A person you can see already has this case reference: check the reference, or use their record"
DISPOSED = "This person's personal data has been disposed of: their record cannot be changed"
REFERENCE_NOT_YOURS = "Only the organisation that recorded this person can change their case reference"


def duplicate_exists(
    *, by: User, first_name: str, last_name: str, date_of_birth: date, exclude_pk: int | None = None
) -> bool:
    """Whether a person `by` can see has this name and date of birth. Only visible
    records count, so the warning says nothing about other organisations' people."""
    matches = Offender.objects.visible_to(by).filter(
        first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip(), date_of_birth=date_of_birth
    )
    if exclude_pk:
        matches = matches.exclude(pk=exclude_pk)
    return matches.exists()


def _reference_seen(by: User, reference: str, *, exclude_pk: int | None = None) -> bool:
    """Whether a person `by` can see has `reference` (in any letter case). Visible
    records include the whole book `by` adds to, so this is the only clash the
    uniqueness constraints can meet (see querysets.offender_book)."""
    matches = Offender.objects.visible_to(by).annotate(ref=Upper("case_reference")).filter(ref=reference.upper())
    if exclude_pk:
        matches = matches.exclude(pk=exclude_pk)
    return bool(matches.exists())


def _validate(offender: Offender, *, fields: Iterable[str] = ("case_reference", "date_of_birth")) -> None:
    """The field rules (characters of a case reference, a date of birth between 1900
    and today) for callers that did not run a form or serializer. Only the given
    fields: a value stored before validation does not block correcting another."""
    checked = set(fields)
    try:
        offender.clean_fields(exclude=[f.name for f in Offender._meta.fields if f.name not in checked])
    except ValidationError as error:
        raise ReferralError(" ".join(m for messages in error.message_dict.values() for m in messages)) from error


@transaction.atomic
def create_offender(*, by: User, case_reference: str, first_name: str, last_name: str, date_of_birth: date) -> Offender:
    """Record a person who may be referred, in the book `by` adds to (their
    organisation's, or an officer's own). Duplicate warnings are the form's job."""
    organisation_id, kept_by_id = offender_book(by)
    offender = Offender(
        case_reference=case_reference.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        holding_organisation_id=organisation_id,
        kept_by_id=kept_by_id,
        created_by=by,
    )
    _validate(offender)
    if _reference_seen(by, offender.case_reference):
        raise ReferralError(REFERENCE_TAKEN)
    set_history_user(offender, by)
    try:
        with transaction.atomic():
            offender.save()
    except IntegrityError as error:
        # Two people adding the same case reference to one book at once: the database
        # decides, and the other record is in the book, so visible to `by`.
        raise ReferralError(REFERENCE_TAKEN) from error
    return offender


def update_offender(offender: Offender, *, by: User, expected_version: int, changes: dict[str, Any]) -> Offender:
    """Correct a person's details; refused if someone saved them since `expected_version`.

    Anyone who can see the person may correct them, but only a user who sees the
    person's whole book may change the case reference: for anyone else the check
    could only be made against records they cannot see."""
    if offender.disposed_at is not None:
        raise ReferralError(DISPOSED)
    if "case_reference" in changes:
        changes["case_reference"] = str(changes["case_reference"]).strip()
        if changes["case_reference"] == offender.case_reference:
            del changes["case_reference"]
    if "case_reference" in changes:
        if not holds(by, offender):
            raise ReferralError(REFERENCE_NOT_YOURS)
        if _reference_seen(by, changes["case_reference"], exclude_pk=offender.pk):
            raise ReferralError(REFERENCE_TAKEN)
        changes["shares_reference"] = False
    candidate = Offender(**{f.attname: getattr(offender, f.attname) for f in Offender._meta.concrete_fields})
    for name, value in changes.items():
        setattr(candidate, name, value)
    _validate(candidate, fields=changes)
    try:
        with transaction.atomic():
            return save_changes(offender, by=by, expected_version=expected_version, changes=changes)
    except IntegrityError as error:
        raise ReferralError(REFERENCE_TAKEN) from error


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
    set_history_user(referral, by)
    referral.save()
    return referral


def update_referral(referral: Referral, *, by: User, expected_version: int, changes: dict[str, Any]) -> Referral:
    """Edit a referral's details; refused if someone saved it since `expected_version`."""
    permissions.check(permissions.may_edit(by, referral))
    return save_changes(referral, by=by, expected_version=expected_version, changes=changes)


@transaction.atomic
def submit(referral: Referral, *, by: User, expected_version: int, note: str = "") -> Referral:
    """Send a draft to the handling organisation (draft → submitted)."""
    return apply_move(referral, "submit", by=by, expected_version=expected_version, note=note)


# Leaves the choice of assignee to the lifecycle: the accepting liaison.
ACCEPTER: Any = object()


@transaction.atomic
def accept(
    referral: Referral, *, by: User, expected_version: int, note: str = "", assignee: User | None = ACCEPTER
) -> Referral:
    """The handling organisation takes the referral on (submitted → accepted) and
    assigns it: to the accepting liaison unless `assignee` names another liaison of
    the handling organisation (or None: nobody yet)."""
    details = {} if assignee is ACCEPTER else {"assignee": assignee}
    return apply_move(referral, "accept", by=by, expected_version=expected_version, note=note, **details)


@transaction.atomic
def decline(
    referral: Referral, *, by: User, expected_version: int, reason: ReasonCode | None, note: str = ""
) -> Referral:
    """The handling organisation turns the referral down, with a coded reason."""
    return apply_move(referral, "decline", by=by, expected_version=expected_version, reason=reason, note=note)


@transaction.atomic
def start(referral: Referral, *, by: User, expected_version: int, note: str = "") -> Referral:
    """The person begins the programme (accepted → started)."""
    return apply_move(referral, "start", by=by, expected_version=expected_version, note=note)


@transaction.atomic
def mark_not_completed(
    referral: Referral, *, by: User, expected_version: int, reason: ReasonCode | None, note: str = ""
) -> Referral:
    """The programme ended without completion; a follow-up falls due in 12 months."""
    return apply_move(
        referral, "mark_not_completed", by=by, expected_version=expected_version, reason=reason, note=note
    )


@transaction.atomic
def withdraw(
    referral: Referral, *, by: User, expected_version: int, reason: ReasonCode | None, note: str = ""
) -> Referral:
    """Take back an open referral, with a coded reason."""
    return apply_move(referral, "withdraw", by=by, expected_version=expected_version, reason=reason, note=note)


@transaction.atomic
def complete(
    referral: Referral,
    *,
    by: User,
    expected_version: int,
    ratings: dict[int, tuple[str, str]],
    note: str = "",
    on: date | None = None,
    confirm_fewer_sessions: bool = False,
) -> Referral:
    """Complete a started referral with its end-of-intervention summary.

    `ratings` maps each of the programme's desired outcome types (by id) to
    (rating, comment). Each rating is stored as a core Outcome on the referral, so
    reports count intervention outcomes the same way as every other strand's.
    With fewer sessions attended than the programme plans, completing needs
    `confirm_fewer_sessions`; the transition records the sessions attended and the
    confirmation."""
    LIFECYCLE.check(referral, "complete", by=by)
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
    attended, planned = progress(referral, list(referral.sessions.all()))
    short = attended < planned
    if short and not confirm_fewer_sessions:
        raise ReferralError(fewer_sessions_message(attended, planned))
    apply_move(
        referral,
        "complete",
        by=by,
        expected_version=expected_version,
        note=note,
        outcomes_rated=True,
        sessions_attended=attended,
        fewer_sessions_confirmed=short,
    )
    day = on or timezone.localdate()
    for outcome_type in desired:
        rating, comment = ratings[outcome_type.pk]
        record_outcome(referral, by=by, date=day, outcome_type=outcome_type, rating=rating, description=comment)
    return referral


@transaction.atomic
def assign(referral: Referral, *, by: User, expected_version: int, liaison: User | None) -> Referral:
    """Give the referral to a liaison of the handling organisation (or nobody)."""
    permissions.check(permissions.may_assign(by, referral))
    if liaison is not None and not permissions.may_be_assigned(liaison, referral):
        raise ReferralError("Assign the referral to a liaison of the organisation that handles it.")
    claim_version(referral, expected_version)
    referral.assigned_liaison = liaison
    set_history_user(referral, by)
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
    set_history_user(session, by)
    session.save()
    if concern:
        notices.concern_recorded(session, by=by)
    return session


@transaction.atomic
def acknowledge_concern(session: Session, *, by: User, expected_version: int) -> Session:
    """The referrer has read the concern; it leaves their My work."""
    permissions.check(permissions.may_follow_up(by, session.referral))
    if not session.concern or session.concern_acknowledged_at:
        raise ReferralError("There is no concern waiting to be acknowledged.")
    claim_version(session, expected_version)
    session.concern_acknowledged_at = timezone.now()
    session.concern_acknowledged_by = by
    set_history_user(session, by)
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


def fewer_sessions_message(attended: int, planned: int) -> str:
    return (
        f"The person attended {attended} of the {planned} sessions the programme plans. "
        "Confirm that the referral is complete all the same"
    )


def progress(referral: Referral, sessions: list[Session]) -> tuple[int, int]:
    """Sessions attended (late counts) against the programme's planned sessions."""
    attended = sum(1 for s in sessions if s.counts_as_attended)
    return attended, referral.programme.planned_sessions
