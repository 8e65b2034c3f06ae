"""Read paths. `visible_to(user)` is the one place that decides which referrals and
offenders a user may see; pages, searches, exports, counts and My work all start
from it, so no path can show more.

- Administrators see everything.
- Probation liaisons see the referrals their own organisation handles, once
  submitted (a draft is still its referrer's own).
- Whoever referred (a partnership officer or a liaison) sees the referrals they made.
- A user holding several roles sees the union; board members see none.
- A person whose processing is restricted (a data protection dispute being
  resolved, interventions/retention.py) is hidden, with their referrals, from
  everyone but administrators (and the data protection officer, whose pages read
  them directly). Figures still count them: they are aggregates, not a consultation.

People (offenders) are recorded per *book*, and a case reference is unique within a
book only (see `offender_book`):
- A liaison's or administrator's people go into their organisation's book; a
  partnership officer's into the officer's own book (`kept_by`).
- A person is visible through a visible referral, and to everyone who may add to
  their book: an organisation's liaisons see every person their organisation holds;
  an officer sees every person they keep. So the create-then-refer flow works, and a
  case reference that clashes within the book an addition goes into is always a
  clash with a record the user can see; a clash anywhere else is impossible, so
  trying a reference or a name tells nobody what other books hold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.apps import apps
from django.db import models
from django.db.models import DurationField, Exists, ExpressionWrapper, F, OuterRef, Q

from .statuses import OPEN_STATUSES, Status

if TYPE_CHECKING:
    from tracker.core.models import User


def _referral_scope(user: User) -> Q | None:
    """The filter for non-administrators, or None when nothing is visible."""
    parts: list[Q] = []
    if user.is_probation_liaison:
        parts.append(Q(handling_organisation_id=user.organisation_id) & ~Q(status=Status.DRAFT))
    if user.is_probation_liaison or user.is_partnership_officer:
        parts.append(Q(referred_by_id=user.pk))
    if not parts:
        return None
    scope = parts[0]
    for part in parts[1:]:
        scope |= part
    return scope


class ReferralQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: User) -> ReferralQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_administrator:
            return self.all()
        scope = _referral_scope(user)
        return self.none() if scope is None else self.filter(scope, offender__processing_restricted=False)

    def open(self) -> ReferralQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def closed(self) -> ReferralQuerySet:
        return self.exclude(status__in=OPEN_STATUSES)

    def with_durations(self) -> ReferralQuerySet:
        """Time from submission to acceptance and from acceptance to start, for
        reports (intervals; None until both moves have happened)."""
        return cast(
            ReferralQuerySet,
            self.annotate(
                time_to_accept=ExpressionWrapper(F("accepted_at") - F("submitted_at"), output_field=DurationField()),
                time_to_start=ExpressionWrapper(F("started_at") - F("accepted_at"), output_field=DurationField()),
            ),
        )

    def for_list(self) -> ReferralQuerySet:
        return self.select_related("offender", "programme", "area", "handling_organisation", "assigned_liaison")


class OffenderQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: User) -> OffenderQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_administrator:
            return self.all()
        referral_model = apps.get_model("interventions", "Referral")
        scope = _referral_scope(user)
        if scope is None:
            return self.none()
        through_referral = Exists(referral_model.objects.filter(scope, offender_id=OuterRef("pk")))
        own_book = Q(kept_by_id=user.pk)
        if user.is_probation_liaison:
            own_book |= Q(holding_organisation_id=user.organisation_id, kept_by=None)
        return self.filter(through_referral | own_book, processing_restricted=False)

    def in_book(self, user: User) -> OffenderQuerySet:
        """The people in the book `user` adds to (all of them visible to `user`)."""
        organisation_id, kept_by_id = offender_book(user)
        people = self if user.is_administrator else self.filter(processing_restricted=False)
        if kept_by_id is not None:
            return people.filter(kept_by_id=kept_by_id)
        return people.filter(holding_organisation_id=organisation_id, kept_by=None)


def offender_book(user: User) -> tuple[int, int | None]:
    """Where a person `user` adds is recorded: (holding organisation, keeper).

    Liaisons see every person their organisation holds, and administrators see
    everyone, so their additions go into the organisation's book (keeper None).
    A partnership officer sees only the people they added or referred, not their
    colleagues': were the officer's additions in the organisation's book, a colleague's
    case reference would be refused, telling the officer that someone in their office
    holds it. So an officer keeps a book of their own (keeper = the officer), which
    they see whole; a colleague's reference then gets the answer an unused one gets.
    """
    if user.is_probation_liaison or user.is_administrator:
        return user.organisation_id, None
    return user.organisation_id, user.pk


def holds(user: User, offender: Any) -> bool:
    """Whether `offender` is in a book `user` sees whole, so that checking a new case
    reference for them against what `user` can see covers their whole book."""
    if user.is_administrator:
        return True
    if offender.kept_by_id is not None:
        return bool(offender.kept_by_id == user.pk)
    return bool(user.is_probation_liaison and offender.holding_organisation_id == user.organisation_id)


def assignable_liaisons(referral: Any) -> models.QuerySet[Any]:
    """The users who may hold `referral` (permissions.may_be_assigned): the active
    liaisons of its handling organisation."""
    user_model = apps.get_model("core", "User")
    return user_model.objects.filter(
        organisation_id=referral.handling_organisation_id, is_probation_liaison=True, is_active=True
    )


def get_referral_for(user: User, pk: int) -> Any:
    """The referral if `user` may see it, else 404. Write checks are the services'
    (interventions.permissions), which answer 403."""
    from django.shortcuts import get_object_or_404

    referral_model = apps.get_model("interventions", "Referral")
    return get_object_or_404(
        referral_model.objects.visible_to(user).select_related(
            "offender",
            "programme",
            "area",
            "handling_organisation",
            "referring_organisation",
            "referred_by",
            "assigned_liaison",
        ),
        pk=pk,
    )


def get_offender_for(user: User, pk: int) -> Any:
    from django.shortcuts import get_object_or_404

    offender_model = apps.get_model("interventions", "Offender")
    return get_object_or_404(offender_model.objects.visible_to(user), pk=pk)
