"""Every change to the partnership strand goes through these functions: the pages,
the importer, the demo data and the tests call them alike. Each is atomic and
writes its history in the same transaction."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from partners.models import (
    CampaignMaterial,
    CommitmentType,
    CommunityGroup,
    EndReason,
    Engagement,
    EngagementMaterial,
    FollowUpAction,
    GroupContact,
    Partnership,
    PartnershipCommitment,
    PartnershipTransition,
    Venue,
)
from tracker.core import validation
from tracker.core.errors import DomainError
from tracker.core.models import Area, User
from tracker.core.versioning import save_changes

Status = Partnership.Status

# The lifecycle: which moves are allowed from each status. Lapsed and withdrawn are
# final; a venue that comes back starts a new partnership.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.PROSPECT: (Status.ENGAGED, Status.WITHDRAWN),
    Status.ENGAGED: (Status.SIGNED_UP, Status.WITHDRAWN),
    Status.SIGNED_UP: (Status.ACTIVE, Status.LAPSED, Status.WITHDRAWN),
    Status.ACTIVE: (Status.LAPSED, Status.WITHDRAWN),
    Status.LAPSED: (),
    Status.WITHDRAWN: (),
}
NEEDS_REASON = (Status.LAPSED, Status.WITHDRAWN)
REVIEW_AFTER_MONTHS = 12


class PartnershipError(DomainError):
    """A partnership change the rules do not allow; the message is for the user
    (and the API answers it with 409)."""


def allowed_moves(partnership: Partnership) -> tuple[str, ...]:
    return TRANSITIONS[partnership.status]


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def default_review_date(signed_up_on: date) -> date:
    """A signed-up venue is reviewed a year later unless the officer sets another date."""
    return add_months(signed_up_on, REVIEW_AFTER_MONTHS)


def _stamp(instance: Any, by: User) -> None:
    instance._history_user = by


# Community groups ---------------------------------------------------------------


@transaction.atomic
def create_group(*, by: User, name: str, kind: str, area: Area, active: bool = True) -> CommunityGroup:
    """Add a community group."""
    group = CommunityGroup(name=name, kind=kind, area=area, active=active)
    group.full_clean()
    _stamp(group, by)
    group.save()
    return group


def update_group(
    group: CommunityGroup, *, by: User, expected_version: int, changes: Mapping[str, Any]
) -> CommunityGroup:
    """Edit a group, refused with EditConflict if someone saved it meanwhile."""
    return save_changes(group, by=by, expected_version=expected_version, changes=dict(changes))


@transaction.atomic
def add_contact(
    group: CommunityGroup, *, by: User, name: str, role: str = "", email: str = "", phone: str = ""
) -> GroupContact:
    """Add a contact person to a group."""
    contact = GroupContact(group=group, name=name, role=role, email=email, phone=phone)
    contact.full_clean()
    _stamp(contact, by)
    contact.save()
    return contact


@transaction.atomic
def remove_contact(contact: GroupContact, *, by: User) -> None:
    """Remove a contact; the history keeps the removed details."""
    _stamp(contact, by)
    contact.delete()


# Venues -------------------------------------------------------------------------


@transaction.atomic
def create_venue(*, by: User, **fields: Any) -> Venue:
    """Add a licensed venue. `fields` are Venue's editable fields."""
    venue = Venue(**fields)
    venue.postcode = venue.postcode.upper().strip()
    venue.full_clean()
    _stamp(venue, by)
    venue.save()
    return venue


def update_venue(venue: Venue, *, by: User, expected_version: int, changes: Mapping[str, Any]) -> Venue:
    """Edit a venue, refused with EditConflict if someone saved it meanwhile."""
    changes = dict(changes)
    if "postcode" in changes:
        changes["postcode"] = changes["postcode"].upper().strip()
    return save_changes(venue, by=by, expected_version=expected_version, changes=changes)


# Partnerships -------------------------------------------------------------------


def _record_move(
    partnership: Partnership, *, by: User, from_status: str, on: date, reason: EndReason | None = None, note: str = ""
) -> None:
    PartnershipTransition.objects.create(
        partnership=partnership,
        from_status=from_status,
        to_status=partnership.status,
        on=on,
        by=by,
        reason=reason,
        note=note,
    )


@transaction.atomic
def start_partnership(venue: Venue, *, by: User, lead_officer: User, started_on: date | None = None) -> Partnership:
    """Open a partnership with `venue` as a prospect. A venue has at most one open
    partnership; the database enforces it, this gives the readable message."""
    if Partnership.objects.filter(venue=venue).open().exists():
        raise PartnershipError(f"{venue} already has an open partnership.")
    partnership = Partnership(
        venue=venue, status=Status.PROSPECT, started_on=started_on or timezone.localdate(), lead_officer=lead_officer
    )
    _stamp(partnership, by)
    try:
        with transaction.atomic():
            partnership.save()
    except IntegrityError as error:  # a concurrent start won the race
        raise PartnershipError(f"{venue} already has an open partnership.") from error
    _record_move(partnership, by=by, from_status="", on=partnership.started_on)
    return partnership


def _move(
    partnership: Partnership,
    to: str,
    *,
    by: User,
    on: date,
    reason: EndReason | None = None,
    note: str = "",
    extra: Mapping[str, Any] | None = None,
) -> Partnership:
    # Lock the row so two officers cannot move the same partnership at once.
    current = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if to not in TRANSITIONS[current.status]:
        allowed = ", ".join(Status(s).label.lower() for s in TRANSITIONS[current.status]) or "nothing: it is closed"
        raise PartnershipError(
            f"A partnership that is {current.get_status_display().lower()} cannot be marked "
            f"{Status(to).label.lower()}. It can move to: {allowed}."
        )
    if to in NEEDS_REASON and reason is None:
        raise PartnershipError(f"Choose why the partnership is {Status(to).label.lower()}.")
    if on < current.started_on:
        raise PartnershipError("The date cannot be before the partnership started.")
    from_status = current.status
    current.status = to
    fields = ["status", "version"]
    for name, value in (extra or {}).items():
        setattr(current, name, value)
        fields.append(name)
    current.version += 1
    _stamp(current, by)
    current.save(update_fields=fields)
    _record_move(current, by=by, from_status=from_status, on=on, reason=reason, note=note)
    partnership.refresh_from_db()
    return partnership


@transaction.atomic
def mark_engaged(partnership: Partnership, *, by: User, on: date, note: str = "") -> Partnership:
    """The venue is talking to us: prospect → engaged."""
    return _move(partnership, Status.ENGAGED, by=by, on=on, note=note)


def _refuse(problems: list[str], *, about: str = "") -> None:
    """Refuse with the first of `problems` (messages of tracker.core.validation), if any."""
    if problems:
        raise PartnershipError(f"{about}: {problems[0]}" if about else problems[0])


@transaction.atomic
def sign_up(
    partnership: Partnership, *, by: User, on: date, next_review_on: date | None = None, note: str = ""
) -> Partnership:
    """The venue signs the partnership: engaged → signed up. The review falls 12
    months later unless `next_review_on` says otherwise."""
    review = next_review_on or default_review_date(on)
    if review <= on:
        raise PartnershipError("The next review date must be after the sign-up date.")
    _refuse(validation.problems(review, [validation.REVIEW_DATE]))
    return _move(
        partnership, Status.SIGNED_UP, by=by, on=on, note=note, extra={"signed_up_on": on, "next_review_on": review}
    )


@transaction.atomic
def activate(partnership: Partnership, *, by: User, on: date, note: str = "") -> Partnership:
    """The venue is delivering its commitments: signed up → active."""
    return _move(partnership, Status.ACTIVE, by=by, on=on, note=note)


@transaction.atomic
def lapse(partnership: Partnership, *, by: User, on: date, reason: EndReason | None, note: str = "") -> Partnership:
    """The partnership stopped without a decision to leave: signed up or active → lapsed."""
    ended = {"ended_on": on, "end_reason": reason}
    return _move(partnership, Status.LAPSED, by=by, on=on, reason=reason, note=note, extra=ended)


@transaction.atomic
def withdraw(partnership: Partnership, *, by: User, on: date, reason: EndReason | None, note: str = "") -> Partnership:
    """The venue (or the office) ended the partnership: any open status → withdrawn."""
    ended = {"ended_on": on, "end_reason": reason}
    return _move(partnership, Status.WITHDRAWN, by=by, on=on, reason=reason, note=note, extra=ended)


MOVES: dict[str, Callable[..., Partnership]] = {
    Status.ENGAGED: mark_engaged,
    Status.SIGNED_UP: sign_up,
    Status.ACTIVE: activate,
    Status.LAPSED: lapse,
    Status.WITHDRAWN: withdraw,
}


def update_partnership(
    partnership: Partnership, *, by: User, expected_version: int, changes: Mapping[str, Any]
) -> Partnership:
    """Change the lead officer or the next review date (recording a review)."""
    allowed = {"lead_officer", "next_review_on"}
    if set(changes) - allowed:
        raise PartnershipError("Only the lead officer and the next review date can be edited here.")
    if not partnership.is_open:
        raise PartnershipError("A closed partnership cannot be edited.")
    return save_changes(partnership, by=by, expected_version=expected_version, changes=dict(changes))


@transaction.atomic
def set_commitments(
    partnership: Partnership,
    *,
    by: User,
    confirmed: Mapping[CommitmentType, tuple[date, str, date | None]],
) -> None:
    """Make the checklist match `confirmed`: commitment → (date confirmed, evidence,
    staff training date). Unticked commitments are removed; history keeps them."""
    if not partnership.is_open:
        raise PartnershipError("The commitments of a closed partnership cannot be changed.")
    existing = {c.commitment_type_id: c for c in partnership.commitments.all()}
    for commitment_type, (confirmed_on, evidence, training) in confirmed.items():
        if commitment_type.needs_training_date and training is None:
            raise PartnershipError(f"Give the staff training date for {commitment_type}.")
        item = existing.pop(commitment_type.pk, None)
        values = (confirmed_on, evidence, training if commitment_type.needs_training_date else None)
        if item is not None and (item.confirmed_on, item.evidence, item.staff_training_date) == values:
            continue
        item = item or PartnershipCommitment(partnership=partnership, commitment_type=commitment_type)
        item.confirmed_on, item.evidence, item.staff_training_date = values
        _stamp(item, by)
        item.save()
    for item in existing.values():
        _stamp(item, by)
        item.delete()


# Engagements --------------------------------------------------------------------


def _check_links(groups: Iterable[CommunityGroup], venues: Iterable[Venue]) -> None:
    if not list(groups) and not list(venues):
        raise PartnershipError("Choose at least one community group or venue.")


@transaction.atomic
def create_engagement(
    *,
    by: User,
    starts_at: datetime,
    kind: Any,
    lead_officer: User,
    area: Area,
    groups: Iterable[CommunityGroup] = (),
    venues: Iterable[Venue] = (),
    attendance: int | None = None,
    summary: str = "",
) -> Engagement:
    """Log an engagement with one or more groups and/or venues."""
    groups, venues = list(groups), list(venues)
    _check_links(groups, venues)
    engagement = Engagement(
        starts_at=starts_at, kind=kind, lead_officer=lead_officer, area=area, attendance=attendance, summary=summary
    )
    engagement.full_clean()
    _stamp(engagement, by)
    engagement.save()
    engagement.groups.set(groups)
    engagement.venues.set(venues)
    return engagement


@transaction.atomic
def update_engagement(
    engagement: Engagement, *, by: User, expected_version: int, changes: Mapping[str, Any]
) -> Engagement:
    """Edit an engagement (including its groups and venues), version-checked."""
    changes = dict(changes)
    groups = changes.pop("groups", None)
    venues = changes.pop("venues", None)
    _check_links(
        groups if groups is not None else engagement.groups.all(),
        venues if venues is not None else engagement.venues.all(),
    )
    save_changes(engagement, by=by, expected_version=expected_version, changes=changes)
    if groups is not None:
        engagement.groups.set(groups)
    if venues is not None:
        engagement.venues.set(venues)
    return engagement


@transaction.atomic
def set_materials(engagement: Engagement, *, by: User, quantities: Mapping[CampaignMaterial, int]) -> None:
    """Record what was handed out; a quantity of 0 removes the line."""
    existing = {m.material_id: m for m in engagement.materials.all()}
    for material, quantity in quantities.items():
        if quantity < 0:
            raise PartnershipError("Quantities cannot be negative.")
        _refuse(validation.problems(quantity, [validation.QUANTITY]), about=material.name)
        line = existing.get(material.pk)
        if quantity == 0:
            if line is not None:
                _stamp(line, by)
                line.delete()
            continue
        if line is not None and line.quantity == quantity:
            continue
        line = line or EngagementMaterial(engagement=engagement, material=material)
        line.quantity = quantity
        _stamp(line, by)
        line.save()


@transaction.atomic
def add_follow_up(engagement: Engagement, *, by: User, description: str, owner: User, due_on: date) -> FollowUpAction:
    """Add a follow-up action to an engagement."""
    action = FollowUpAction(engagement=engagement, description=description, owner=owner, due_on=due_on)
    action.full_clean()
    _stamp(action, by)
    action.save()
    return action


@transaction.atomic
def complete_follow_up(action: FollowUpAction, *, by: User, done_on: date | None = None) -> FollowUpAction:
    """Mark a follow-up action done (today unless `done_on` says otherwise)."""
    if action.done_on is not None:
        raise PartnershipError("This follow-up action is already done.")
    action.done_on = done_on or timezone.localdate()
    _refuse(validation.problems(action.done_on, [validation.FOLLOW_UP_DONE]))
    _stamp(action, by)
    action.save(update_fields=["done_on"])
    return action


@transaction.atomic
def reopen_follow_up(action: FollowUpAction, *, by: User) -> FollowUpAction:
    """Undo "done" on a follow-up action."""
    action.done_on = None
    _stamp(action, by)
    action.save(update_fields=["done_on"])
    return action
