"""The disclosure pack of subject access (issue #14, part 3).

The pack is built once, by `build_pack()`, as a plain structure (`Pack.data`) that
the JSON answer serialises and the PDF template renders; neither computes anything
of its own.

What the requester is given, and what is withheld:

- their details, every referral (with the index offence, every status move and its
  coded reason), session, twelve-month follow-up and outcome, with dates;
- the history of changes to those records: when, which record, what changed (old and
  new values) and *which organisation* made the change. Staff are named by their
  organisation, never individually, here and everywhere in the pack: who in an
  organisation did the work is the organisation's information, not the requester's
  (the referring and handling organisations are given; the liaison is not). Fields
  that only point at staff (assigned liaison, recorded by, ...) are left out of the
  history for the same reason; other links (programme, area, organisation, outcome
  type) show by name; internal fields (version, timestamps set by the system) are left out;
- which organisations consulted their data, how often, first and last (from the
  consultation log);
- items that may hold other people's personal data are *flagged* for the DPO: every
  free-text field (referral notes, move notes, session notes and concern notes,
  follow-up notes, outcome descriptions, and the same fields in history rows), and
  the victim's details of each index offence. The DPO marks any of them for
  redaction with a reason; the pack then carries "[redacted]" in its place and lists
  what was withheld and why (without the text). A text that still stands in a
  record and in its history is one item (one decision covers both); an earlier text
  kept only in history is an item of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, F, Max, Min, QuerySet
from django.utils import timezone

from interventions.models import FollowUp, Offender, Referral, ReferralTransition, Session
from tracker.core.models import AccessLog, Outcome, User

from .models import SubjectAccessRequest

REDACTED = "[redacted]"

# The pack --------------------------------------------------------------------------

FREE_TEXT = {"notes", "note", "concern_note", "description"}
# Links to staff: the pack names organisations, not the people who work in them.
VICTIM_FIELDS = {"victim_role", "injury"}
STAFF_FIELDS = {"referred_by", "assigned_liaison", "recorded_by", "concern_acknowledged_by", "kept_by", "created_by"}


@dataclass
class FlaggedItem:
    """Something in the pack that may hold a third party's personal data."""

    key: str
    where: str
    kind: str
    text: str
    reason: str | None = None  # the redaction's reason when it is marked

    @property
    def redacted(self) -> bool:
        return self.reason is not None


@dataclass
class Pack:
    """`data`: the disclosure pack as given (redactions applied), for JSON and PDF.
    `flagged`: the items for the DPO's review with their original text; never given
    to the requester."""

    data: dict[str, Any]
    flagged: list[FlaggedItem] = field(default_factory=list)


class _Flags:
    def __init__(self, redactions: Mapping[str, str]):
        self.redactions = redactions
        self.items: list[FlaggedItem] = []
        self.keys: set[str] = set()
        self.texts: dict[str, str] = {}

    def text(self, key: str, where: str, kind: str, value: str) -> str:
        """`value`, or "[redacted]" when the DPO withheld `key`. A key met again (the
        victim's details in the referral's history) follows the same decision."""
        if not value.strip():
            return value
        reason = self.redactions.get(key)
        if key not in self.keys:
            self.keys.add(key)
            self.texts[key] = value
            self.items.append(FlaggedItem(key, where, kind, value, reason))
        return REDACTED if reason is not None else value


def _organisation(user: User | None) -> str:
    return user.organisation.name if user is not None else "The system"


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def build_pack(
    person: Offender,
    *,
    redactions: Mapping[str, str] | None = None,
    request: SubjectAccessRequest | None = None,
) -> Pack:
    """Everything held about `person`, in a fixed number of queries whatever the
    number of records (one per kind of record, one per history table)."""
    flags = _Flags(redactions or {})
    referrals = list(
        Referral.objects.filter(offender=person)
        .select_related("programme", "area", "handling_organisation", "referring_organisation")
        .order_by("created_at", "id")
    )
    referral_ids = [r.pk for r in referrals]
    references = {r.pk: r.reference for r in referrals}
    moves: dict[int, list[dict[str, Any]]] = {pk: [] for pk in referral_ids}
    for move in (
        ReferralTransition.objects.filter(referral_id__in=referral_ids)
        .select_related("reason", "by__organisation")
        .order_by("at", "id")
    ):
        moves[move.referral_id].append(
            {
                "at": move.at,
                "from_status": move.get_from_status_display(),
                "to_status": move.get_to_status_display(),
                "by_organisation": _organisation(move.by),
                "reason": move.reason.name if move.reason else "",
                "note": flags.text(
                    f"move:{move.pk}:note",
                    f"{references[move.referral_id]}, note on the move to {move.get_to_status_display().lower()}",
                    "Free-text note",
                    move.note,
                ),
            }
        )
    data: dict[str, Any] = {
        "generated_at": timezone.now(),
        "request": _request_data(request),
        "person": {
            "id": person.pk,
            "case_reference": person.case_reference,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "date_of_birth": person.date_of_birth,
            "holding_organisation": person.holding_organisation.name,
            "recorded_at": person.created_at,
        },
        "referrals": [_referral_data(r, moves[r.pk], flags) for r in referrals],
        "sessions": _sessions(referral_ids, references, flags),
        "follow_ups": _follow_ups(referral_ids, references, flags),
        "outcomes": _outcomes(referral_ids, references, flags),
        "history": _history(person, flags),
        "access": _access(person),
    }
    data["redactions"] = [{"where": i.where, "kind": i.kind, "reason": i.reason} for i in flags.items if i.redacted]
    return Pack(data=data, flagged=flags.items)


def _request_data(request: SubjectAccessRequest | None) -> dict[str, Any] | None:
    if request is None:
        return None
    return {
        "reference": request.reference,
        "received_on": request.received_on,
        "deadline": request.deadline,
    }


def _referral_data(referral: Referral, moves: list[dict[str, Any]], flags: _Flags) -> dict[str, Any]:
    victim_key = f"referral:{referral.pk}:victim"
    victim_role = flags.text(
        victim_key,
        f"{referral.reference}, the victim's details",
        "Victim's details",
        f"{referral.get_victim_role_display()}, {'injured' if referral.injury else 'not injured'}",
    )
    redacted_victim = victim_role == REDACTED
    return {
        "reference": referral.reference,
        "programme": referral.programme.name,
        "status": referral.get_status_display(),
        "priority": referral.get_priority_display(),
        "referring_organisation": referral.referring_organisation.name,
        "handling_organisation": referral.handling_organisation.name,
        "created_at": referral.created_at,
        "submitted_at": referral.submitted_at,
        "accepted_at": referral.accepted_at,
        "started_at": referral.started_at,
        "ended_at": referral.ended_at,
        "offence": {
            "date": referral.offence_date,
            "area": referral.area.name,
            "victim_role": REDACTED if redacted_victim else referral.get_victim_role_display(),
            "victim_injured": REDACTED if redacted_victim else _yes_no(referral.injury),
            "charged_under_act": _yes_no(referral.charged_under_act),
        },
        "notes": flags.text(
            f"referral:{referral.pk}:notes", f"{referral.reference}, notes", "Free-text note", referral.notes
        ),
        "moves": moves,
    }


def _sessions(referral_ids: list[int], references: dict[int, str], flags: _Flags) -> list[dict[str, Any]]:
    result = []
    for s in (
        Session.objects.filter(referral_id__in=referral_ids)
        .select_related("recorded_by__organisation")
        .order_by("scheduled_on", "id")
    ):
        where = f"{references[s.referral_id]}, session on {s.scheduled_on:%d %b %Y}"
        result.append(
            {
                "referral": references[s.referral_id],
                "scheduled_on": s.scheduled_on,
                "took_place": _yes_no(s.happened),
                "attendance": s.get_attendance_display(),
                "reason_for_absence": s.get_absence_display(),
                "behaviour": s.get_behaviour_display() if s.behaviour else "",
                "concern": _yes_no(s.concern),
                "concern_note": flags.text(
                    f"session:{s.pk}:concern_note", f"{where}, concern", "Free-text note", s.concern_note
                ),
                "notes": flags.text(f"session:{s.pk}:notes", f"{where}, notes", "Free-text note", s.notes),
                "recorded_by_organisation": _organisation(s.recorded_by),
            }
        )
    return result


def _follow_ups(referral_ids: list[int], references: dict[int, str], flags: _Flags) -> list[dict[str, Any]]:
    return [
        {
            "referral": references[f.referral_id],
            "due": f.due,
            "result": f.get_result_display(),
            "recorded_at": f.recorded_at,
            "note": flags.text(
                f"followup:{f.pk}:note", f"{references[f.referral_id]}, follow-up note", "Free-text note", f.note
            ),
        }
        for f in FollowUp.objects.filter(referral_id__in=referral_ids).order_by("due", "id")
    ]


def _outcomes(referral_ids: list[int], references: dict[int, str], flags: _Flags) -> list[dict[str, Any]]:
    content_type = ContentType.objects.get_for_model(Referral)
    return [
        {
            "referral": references[o.object_id],
            "date": o.date,
            "outcome_type": o.outcome_type.name,
            "rating": o.get_rating_display(),
            "description": flags.text(
                f"outcome:{o.pk}:description",
                f"{references[o.object_id]}, outcome '{o.outcome_type.name}'",
                "Free-text note",
                o.description,
            ),
            "measure": str(o.measure) if o.measure is not None else "",
        }
        for o in Outcome.objects.filter(content_type=content_type, object_id__in=referral_ids)
        .select_related("outcome_type")
        .order_by("date", "id")
    ]


ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


# Links that only say whose record it is (the person, the referral) are not changes
# worth listing; the other links (programme, area, organisation...) show by name.
IDENTITY_LINKS = {"offender", "referral"}
# The pack's item keys start with the record's kind: `session:12:notes`.
KEY_PREFIXES: dict[type[models.Model], str] = {
    Offender: "person",
    Referral: "referral",
    Session: "session",
    FollowUp: "followup",
    Outcome: "outcome",
}


def _shown_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.editable and f.name not in STAFF_FIELDS | IDENTITY_LINKS | {"id", "content_type", "object_id"}
    ]


def _display(model_field: models.Field[Any, Any], value: Any, names: dict[Any, dict[Any, str]]) -> str:
    if value is None or value == "":
        return ""
    if model_field.is_relation:
        return names.get(model_field.related_model, {}).get(value, "(a record since deleted)")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _history(person: Offender, flags: _Flags) -> list[dict[str, Any]]:
    """Every history row of the person's records, oldest first. The referrals' history
    is found by person, so a referral since deleted still appears; the rest by those
    referrals' ids. Linked records (programme, area, organisation, outcome type) are
    named with one query per kind."""
    referral_rows = list(_rows(Referral.history.filter(offender_id=person.pk)))
    ids = sorted({row.id for row in referral_rows})
    content_type = ContentType.objects.get_for_model(Referral)
    sources: list[tuple[type[models.Model], list[Any], Any]] = [
        (Offender, list(_rows(Offender.history.filter(id=person.pk))), lambda row: "Your details"),
        (Referral, referral_rows, lambda row: f"Referral R{row.id:05d}"),
        (
            Session,
            list(_rows(Session.history.filter(referral_id__in=ids))),
            lambda row: f"Session on {row.scheduled_on:%d %b %Y} (referral R{row.referral_id:05d})",
        ),
        (
            FollowUp,
            list(_rows(FollowUp.history.filter(referral_id__in=ids))),
            lambda row: f"Follow-up of referral R{row.referral_id:05d}",
        ),
        (
            Outcome,
            list(_rows(Outcome.history.filter(content_type_id=content_type.pk, object_id__in=ids))),
            lambda row: f"Outcome of referral R{row.object_id:05d}",
        ),
    ]
    wanted: dict[Any, set[Any]] = {}
    for model, rows, _ in sources:
        for f in _shown_fields(model):
            if f.is_relation:
                wanted.setdefault(f.related_model, set()).update(getattr(row, f.attname) for row in rows)
    names = {
        related: {pk: str(obj) for pk, obj in related._default_manager.in_bulk([i for i in pks if i]).items()}
        for related, pks in wanted.items()
    }
    entries: list[dict[str, Any]] = []
    for model, rows, record_label in sources:
        fields = _shown_fields(model)
        previous: dict[int, Any] = {}
        for row in rows:
            older = previous.get(row.id)
            previous[row.id] = row
            record = record_label(row)
            changes = []
            for f in fields:
                new = getattr(row, f.attname)
                old = getattr(older, f.attname) if older is not None else None
                if row.history_type != "+" and (older is None or old == new):
                    continue
                if row.history_type == "+" and (new is None or new == ""):
                    continue
                shown = _display(f, new, names)
                old_shown = _display(f, old, names) if row.history_type != "+" else ""
                if model is Referral and f.name in VICTIM_FIELDS:
                    where = f"History: {record}, the victim's details"
                    shown = flags.text(f"referral:{row.id}:victim", where, "Victim's details", shown)
                    old_shown = flags.text(f"referral:{row.id}:victim", where, "Victim's details", old_shown)
                elif f.name in FREE_TEXT:
                    # The text as it stands now shares the current field's key (one
                    # decision covers both); an earlier text is an item of its own.
                    current = f"{KEY_PREFIXES[model]}:{row.id}:{f.name}"
                    shown = flags.text(
                        current
                        if flags.texts.get(current) == shown
                        else f"history:{model._meta.model_name}:{row.history_id}:{f.name}",
                        f"History: {record}, {f.verbose_name} as of {timezone.localtime(row.history_date):%d %b %Y}",
                        "Free-text note",
                        shown,
                    )
                    old_shown = ""  # the earlier text is in the earlier entry, flagged there
                field_label = str(f.verbose_name)
                changes.append({"field": field_label[:1].upper() + field_label[1:], "old": old_shown, "new": shown})
            if row.history_type == "~" and not changes:
                continue  # only internal fields or links to staff changed
            entries.append(
                {
                    "at": row.history_date,
                    "record": record,
                    "action": ACTIONS.get(row.history_type, "Changed"),
                    "organisation": _organisation(row.history_user),
                    "changes": changes,
                }
            )
    entries.sort(key=lambda e: e["at"])
    return entries


def _rows(history: QuerySet[Any]) -> QuerySet[Any]:
    return history.select_related("history_user__organisation").order_by("history_date", "history_id")


def _access(person: Offender) -> list[dict[str, Any]]:
    """Which organisations consulted the person's data: one aggregate query over the
    consultation log's person index."""
    rows = (
        AccessLog.objects.filter(consulted__person_id=person.pk)
        .values(organisation=F("user__organisation__name"))
        .annotate(count=Count("id"), first=Min("at"), last=Max("at"))
        .order_by("organisation")
    )
    return [
        {
            "organisation": row["organisation"] or "The system",
            "count": row["count"],
            "first": row["first"],
            "last": row["last"],
        }
        for row in rows
    ]
