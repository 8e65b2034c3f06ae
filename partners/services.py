"""Every change to the partnership strand goes through these functions: the pages,
the importer, the demo data and the tests call them alike. Each is atomic and
writes its history in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from partners.lifecycle import LIFECYCLE
from partners.lifecycle import PartnershipError as PartnershipError  # raised by every service here
from partners.lifecycle import default_review_date as default_review_date  # the demo data uses it
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
from tracker.core.bulk import Counts, upsert_in_bulk
from tracker.core.lifecycle import apply_move
from tracker.core.models import Area, User
from tracker.core.versioning import claim_version, save_changes

Status = Partnership.Status


def allowed_moves(partnership: Partnership) -> tuple[str, ...]:
    """The statuses `partnership` can move to now (the API's `allowed_moves`)."""
    return tuple(move.target for _, move in LIFECYCLE.available(partnership))


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
    group: CommunityGroup,
    *,
    by: User,
    expected_version: int,
    name: str,
    role: str = "",
    email: str = "",
    phone: str = "",
) -> GroupContact:
    """Add a contact person to a group: a change to the group, so its version moves."""
    contact = GroupContact(group=group, name=name, role=role, email=email, phone=phone)
    contact.full_clean()
    claim_version(group, expected_version)
    _stamp(contact, by)
    contact.save()
    return contact


@transaction.atomic
def remove_contact(contact: GroupContact, *, by: User, expected_version: int) -> None:
    """Remove a contact; the history keeps the removed details. The group's version moves."""
    claim_version(contact.group, expected_version)
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


def upsert_venues(rows: Sequence[Mapping[str, Any]], *, by: User | None, write: bool = True) -> Counts:
    """Add or update many venues at once, matched on licence number (the register
    import): `rows` are checked values by attname (`area_id`). New and changed
    venues are saved in bulk, each with one history entry by `by`; a changed
    venue's version moves on by one. With `write` False, only counts."""
    rows = [{**row, "postcode": row["postcode"].upper().strip()} if "postcode" in row else row for row in rows]
    stored = Venue.objects.in_bulk([row["licence_number"] for row in rows], field_name="licence_number")
    return upsert_in_bulk(Venue, rows, stored=stored, key_of=lambda row: row["licence_number"], by=by, write=write)


def update_venue(venue: Venue, *, by: User, expected_version: int, changes: Mapping[str, Any]) -> Venue:
    """Edit a venue, refused with EditConflict if someone saved it meanwhile."""
    changes = dict(changes)
    if "postcode" in changes:
        changes["postcode"] = changes["postcode"].upper().strip()
    return save_changes(venue, by=by, expected_version=expected_version, changes=changes)


# Partnerships -------------------------------------------------------------------


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
    # Not a move but the record's start: the first line of its transitions.
    PartnershipTransition.objects.create(
        partnership=partnership, from_status="", to_status=partnership.status, on=partnership.started_on, by=by
    )
    return partnership


# The lifecycle's moves (partners/lifecycle.py), as services -------------------------


def mark_engaged(partnership: Partnership, *, by: User, expected_version: int, on: date, note: str = "") -> Partnership:
    """The venue is talking to us: prospect → engaged."""
    return apply_move(partnership, "mark_engaged", by=by, expected_version=expected_version, on=on, note=note)


def sign_up(
    partnership: Partnership,
    *,
    by: User,
    expected_version: int,
    on: date,
    next_review_on: date | None = None,
    note: str = "",
) -> Partnership:
    """The venue signs the partnership: engaged → signed up. The review falls 12
    months later unless `next_review_on` says otherwise."""
    return apply_move(
        partnership, "sign_up", by=by, expected_version=expected_version, on=on, note=note,
        next_review_on=next_review_on,
    )  # fmt: skip


def activate(partnership: Partnership, *, by: User, expected_version: int, on: date, note: str = "") -> Partnership:
    """The venue is delivering its commitments: signed up → active."""
    return apply_move(partnership, "activate", by=by, expected_version=expected_version, on=on, note=note)


def lapse(
    partnership: Partnership, *, by: User, expected_version: int, on: date, reason: EndReason | None, note: str = ""
) -> Partnership:
    """The partnership stopped without a decision to leave: signed up or active → lapsed."""
    return apply_move(partnership, "lapse", by=by, expected_version=expected_version, on=on, reason=reason, note=note)


def withdraw(
    partnership: Partnership, *, by: User, expected_version: int, on: date, reason: EndReason | None, note: str = ""
) -> Partnership:
    """The venue (or the office) ended the partnership: any open status → withdrawn."""
    return apply_move(
        partnership, "withdraw", by=by, expected_version=expected_version, on=on, reason=reason, note=note
    )


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
    expected_version: int,
    confirmed: Mapping[CommitmentType, tuple[date, str, date | None]],
) -> None:
    """Make the checklist match `confirmed`: commitment → (date confirmed, evidence,
    staff training date). Unticked commitments are removed; history keeps them.
    The partnership's version moves."""
    if not partnership.is_open:
        raise PartnershipError("The commitments of a closed partnership cannot be changed.")
    for commitment_type, (_, _, training) in confirmed.items():
        if commitment_type.needs_training_date and training is None:
            raise PartnershipError(f"Give the staff training date for {commitment_type}.")
    claim_version(partnership, expected_version)
    existing = {c.commitment_type_id: c for c in partnership.commitments.all()}
    for commitment_type, (confirmed_on, evidence, training) in confirmed.items():
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
    materials: Mapping[CampaignMaterial, int] | None = None,
) -> Engagement:
    """Log an engagement with one or more groups and/or venues (and, if given,
    what was handed out, as `set_materials` records it)."""
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
    if materials:
        _apply_materials(engagement, by=by, quantities=materials)
    return engagement


@transaction.atomic
def update_engagement(
    engagement: Engagement,
    *,
    by: User,
    expected_version: int,
    changes: Mapping[str, Any],
    materials: Mapping[CampaignMaterial, int] | None = None,
) -> Engagement:
    """Edit an engagement (including its groups and venues, and its materials if
    given, as `set_materials` records them), version-checked: the version moves
    once, whatever changed."""
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
    if materials is not None:
        _apply_materials(engagement, by=by, quantities=materials)
    return engagement


def _refuse(problems: list[str], *, about: str = "") -> None:
    """Refuse with the first of `problems` (messages of tracker.core.validation), if any."""
    if problems:
        raise PartnershipError(f"{about}: {problems[0]}" if about else problems[0])


@transaction.atomic
def set_materials(
    engagement: Engagement, *, by: User, expected_version: int, quantities: Mapping[CampaignMaterial, int]
) -> None:
    """Record what was handed out; a quantity of 0 removes the line. The engagement's version moves."""
    claim_version(engagement, expected_version)
    _apply_materials(engagement, by=by, quantities=quantities)


def _apply_materials(engagement: Engagement, *, by: User, quantities: Mapping[CampaignMaterial, int]) -> None:
    if any(quantity < 0 for quantity in quantities.values()):
        raise PartnershipError("Quantities cannot be negative.")
    for material, quantity in quantities.items():
        _refuse(validation.problems(quantity, [validation.QUANTITY]), about=material.name)
    existing = {m.material_id: m for m in engagement.materials.all()}
    for material, quantity in quantities.items():
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


def due_before_engagement(engagement: Engagement, due_on: date) -> str:
    """Why `due_on` cannot be a follow-up's due date (it falls before the engagement), or ""."""
    held_on = timezone.localtime(engagement.starts_at).date()
    if due_on < held_on:
        return f"The due date must be on or after the date of the engagement, {held_on.day} {held_on:%B %Y}"
    return ""


@transaction.atomic
def add_follow_up(
    engagement: Engagement, *, by: User, expected_version: int, description: str, owner: User, due_on: date
) -> FollowUpAction:
    """Add a follow-up action to an engagement; the engagement's version moves."""
    action = FollowUpAction(engagement=engagement, description=description, owner=owner, due_on=due_on)
    action.full_clean()
    _refuse([problem] if (problem := due_before_engagement(engagement, due_on)) else [])
    claim_version(engagement, expected_version)
    _stamp(action, by)
    action.save()
    return action


@transaction.atomic
def complete_follow_up(
    action: FollowUpAction, *, by: User, expected_version: int, done_on: date | None = None
) -> FollowUpAction:
    """Mark a follow-up action done (today unless `done_on` says otherwise). The
    action is part of its engagement: `expected_version` is the engagement's."""
    if action.done_on is not None:
        raise PartnershipError("This follow-up action is already done.")
    day = done_on or timezone.localdate()
    _refuse(validation.problems(day, [validation.FOLLOW_UP_DONE]))
    claim_version(action.engagement, expected_version)
    action.done_on = day
    _stamp(action, by)
    action.save(update_fields=["done_on"])
    return action


@transaction.atomic
def reopen_follow_up(action: FollowUpAction, *, by: User, expected_version: int) -> FollowUpAction:
    """Undo "done" on a follow-up action; `expected_version` is the engagement's."""
    claim_version(action.engagement, expected_version)
    action.done_on = None
    _stamp(action, by)
    action.save(update_fields=["done_on"])
    return action
