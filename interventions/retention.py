"""Data protection changes to a person's records (issue #14): disposal, restriction of
processing, and the purge of referral drafts never submitted. Each is atomic and
recorded (a `PersonDataEvent`, or a history row), and none leaves personal data behind.

Disposal erases what identifies the person — their names, date of birth, case
reference, and every free-text note on their referrals, transitions, sessions,
follow-ups and outcomes, in the records and in their history rows — and keeps a
pseudonymous stub. Every row, status, date, area, programme and count stays, so every
figure (dashboard, board JSON and PDF) is the same before and after."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from tracker.core.errors import DomainError
from tracker.core.history import set_history_user
from tracker.core.models import Outcome, User
from tracker.core.permissions import DATA_PROTECTION, user_has_any
from tracker.core.versioning import claim_version

from .models import (
    EARLIEST_BIRTH,
    FollowUp,
    Offender,
    PersonDataEvent,
    Referral,
    ReferralTransition,
    Session,
    Status,
)

DISPOSED_FIRST_NAME = "Disposed"
DISPOSED_LAST_NAME = "person"
# The field is required and figures never read it; the earliest date allowed is a
# placeholder nobody could mistake for a real date of birth in these records.
DISPOSED_DATE_OF_BIRTH: date = EARLIEST_BIRTH

# Every free-text field on a person's records, by model: disposal blanks each, in the
# records and (for models with history) in their history rows. A new free-text field
# on these models belongs here (tests/interventions/test_retention.py checks it).
ERASED_TEXT: dict[type[models.Model], tuple[str, ...]] = {
    Referral: ("notes",),
    ReferralTransition: ("note",),
    Session: ("notes", "concern_note"),
    FollowUp: ("note",),
    Outcome: ("description",),
}


class RetentionError(DomainError):
    """A data protection step the rules refuse (already disposed, say): 409."""


class ReasonMissing(RetentionError):
    status_code = 400


def disposed_reference(person_id: int) -> str:
    """The stub's case reference: unique in every book, as the constraints need."""
    return f"DISPOSED-{person_id}"


def require_officer(by: User) -> None:
    """Only the data protection officer and administrators take these steps (else 403)."""
    if not user_has_any(by, DATA_PROTECTION):
        raise PermissionDenied


def _reason(reason: str, what: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ReasonMissing(f"Enter the reason for {what}")
    return reason


@transaction.atomic
def dispose_of_person(person: Offender, *, by: User, reason: str, at: datetime | None = None) -> Offender:
    """Erase `person`'s personal data and keep a pseudonymous stub (see the module's
    docstring). For the data protection officer and administrators, at or before the
    review date (an erasure request, say); the reason is recorded."""
    require_officer(by)
    reason = _reason(reason, "disposing of this person's data")
    locked = Offender.objects.select_for_update().get(pk=person.pk)
    if locked.disposed_at is not None:
        raise RetentionError("This person's data has already been disposed of.")
    when = at or timezone.now()
    stub = {
        "first_name": DISPOSED_FIRST_NAME,
        "last_name": DISPOSED_LAST_NAME,
        "date_of_birth": DISPOSED_DATE_OF_BIRTH,
        "case_reference": disposed_reference(locked.pk),
        "shares_reference": False,
    }
    # History rows first, so that the row the save below writes is the only new one.
    Offender.history.filter(id=locked.pk).update(**stub)
    claim_version(locked, locked.version)
    for name, value in stub.items():
        setattr(locked, name, value)
    locked.disposed_at = when
    set_history_user(locked, by)
    locked.save()
    _erase_free_text(locked)
    PersonDataEvent.objects.create(person=locked, kind=PersonDataEvent.Kind.DISPOSED, reason=reason, by=by, at=when)
    person.refresh_from_db()
    return person


def _erase_free_text(person: Offender) -> None:
    referral_ids = list(Referral.objects.filter(offender=person).values_list("pk", flat=True))
    referral_type = ContentType.objects.get_for_model(Referral)
    for model, fields in ERASED_TEXT.items():
        blank = dict.fromkeys(fields, "")
        if model is Outcome:
            rows = {"content_type": referral_type, "object_id__in": referral_ids}
        elif model is Referral:
            rows = {"id__in": referral_ids}
        else:
            rows = {"referral_id__in": referral_ids}
        # Versioned records move on a version, so a form opened before the disposal
        # cannot save the erased notes back (it meets an edit conflict instead).
        bump = {"version": F("version") + 1} if hasattr(model, "version") else {}
        model._default_manager.filter(**rows).update(**blank, **bump)
        history = getattr(model, "history", None)
        if history is not None:
            history.filter(**rows).update(**blank)


@transaction.atomic
def restrict_processing(person: Offender, *, by: User, reason: str) -> Offender:
    """Hide `person` and their records from everyone but the data protection officer
    and administrators while a dispute is resolved. Figures still count them."""
    return _set_restriction(person, by=by, reason=_reason(reason, "restricting processing"), restricted=True)


@transaction.atomic
def lift_restriction(person: Offender, *, by: User, reason: str) -> Offender:
    """End a restriction: the person is visible again as before."""
    return _set_restriction(person, by=by, reason=_reason(reason, "lifting the restriction"), restricted=False)


def _set_restriction(person: Offender, *, by: User, reason: str, restricted: bool) -> Offender:
    require_officer(by)
    locked = Offender.objects.select_for_update().get(pk=person.pk)
    if locked.processing_restricted == restricted:
        raise RetentionError(
            "Processing of this person's data is already restricted."
            if restricted
            else "Processing of this person's data is not restricted."
        )
    claim_version(locked, locked.version)
    locked.processing_restricted = restricted
    set_history_user(locked, by)
    locked.save(update_fields=["processing_restricted", "version"])
    PersonDataEvent.objects.create(
        person=locked,
        kind=PersonDataEvent.Kind.RESTRICTED if restricted else PersonDataEvent.Kind.RESTRICTION_LIFTED,
        reason=reason,
        by=by,
    )
    person.refresh_from_db()
    return person


@transaction.atomic
def purge_old_drafts(*, now: datetime | None = None) -> int:
    """Delete referral drafts never submitted and older than DRAFT_RETENTION_DAYS. Each
    deletion leaves its history row (who made the draft, when it went), with the draft's
    notes blanked in every history row, as they would hold what the purge removes.
    Returns how many were deleted; running it again deletes nothing more."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.DRAFT_RETENTION_DAYS)
    drafts = list(Referral.objects.filter(status=Status.DRAFT, created_at__lt=cutoff))
    ids = [draft.pk for draft in drafts]  # delete() clears each instance's pk
    for draft in drafts:
        draft.delete()
    if ids:
        Referral.history.filter(id__in=ids).update(notes="")
    return len(ids)
