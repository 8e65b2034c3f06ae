"""A record's change history as a timeline: who changed what, and when.

`history_entries()` reads the record's own history (and, for the links named in
`links`, which records were linked at each step); `related_entries()` reads the
history of records that belong to it (an engagement's materials and follow-ups);
`timeline()` merges them, newest first. Each reads a bounded number of queries,
however long the history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from tracker.core.models import User


def set_history_user(instance: models.Model, user: User) -> None:
    """Name `user` in the history row simple-history writes when `instance` is next saved."""
    instance._history_user = user  # type: ignore[attr-defined]  # simple-history reads this attribute


ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}
RELATED_ACTIONS = {"+": "added", "~": "changed", "-": "removed"}
HIDDEN_FIELDS = {"version", "id", "content_type", "object_id"}
# Steps one person took together (saving a record, then its links) show as one entry.
SAME_STEP = timedelta(seconds=5)


@dataclass
class Change:
    field: str
    old: str
    new: str
    link: bool = False  # which records are linked, rather than a field's value


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    action: str
    changes: list[Change] = field(default_factory=list)
    subject: str = ""  # the related record the entry is about ("Posters")
    who_id: int | None = None


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(getattr(model._meta.get_field(name), "verbose_name", name)).capitalize()
    except Exception:  # noqa: BLE001 - a field since removed from the model
        return name.replace("_", " ").capitalize()


def readable(value: Any) -> str:
    """A value as people read it: dates in words, yes/no, blank for empty."""
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{local.day} {local:%B %Y} at {local:%H:%M}"
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _show(record: Any, name: str) -> str:
    """A readable value: the choice label for choices, blank for empty."""
    display = getattr(record, f"get_{name}_display", None)
    return readable(display() if callable(display) else getattr(record, name, None))


def _field_changes(model: type[models.Model], newer: Any, older: Any, excluded: Iterable[str]) -> list[Change]:
    changes: list[Change] = []
    delta = newer.diff_against(older, excluded_fields=[*excluded, *HIDDEN_FIELDS], foreign_keys_are_objs=False)
    for change in delta.changes:
        field_obj = model._meta.get_field(change.field)
        if field_obj.is_relation:
            changes.append(Change(_label(model, change.field), "", "changed"))
        else:
            changes.append(Change(_label(model, change.field), _show(older, change.field), _show(newer, change.field)))
    return changes


def _who(record: Any) -> str:
    return str(record.history_user) if record.history_user_id else "The system"


def _link_snapshots(
    model: type[models.Model], records: list[Any], links: Sequence[str]
) -> dict[str, dict[int, set[str]]]:
    """For each link (a many-to-many field kept by simple-history), the names linked at
    each history row: one query per link, whatever the number of rows."""
    snapshots: dict[str, dict[int, set[str]]] = {}
    if not records:
        return snapshots
    history_model = type(records[0])
    for name in links:
        target = model._meta.get_field(name).m2m_reverse_field_name()  # type: ignore[union-attr]
        # simple-history keeps each link's rows in a model pointing at the history row.
        through: Any = next(
            rel.related_model
            for rel in history_model._meta.related_objects
            if rel.field.name == "history" and target in {f.name for f in rel.related_model._meta.fields}
        )
        names: dict[int, set[str]] = defaultdict(set)
        rows = through.objects.filter(history__in=[r.history_id for r in records]).select_related(target)
        for row in rows:
            names[row.history_id].add(str(getattr(row, target)))
        snapshots[name] = names
    return snapshots


def _link_changes(
    model: type[models.Model], snapshots: dict[str, dict[int, set[str]]], newer: Any, older: Any | None
) -> list[Change]:
    changes = []
    for name, names in snapshots.items():
        now, before = names.get(newer.history_id, set()), names.get(older.history_id, set()) if older else set()
        label = _label(model, name)
        if now - before:
            changes.append(Change(label, "", "linked: " + ", ".join(sorted(now - before)), link=True))
        if before - now:
            changes.append(Change(label, "", "no longer linked: " + ", ".join(sorted(before - now)), link=True))
    return changes


def history_entries(instance: models.Model, *, limit: int = 100, links: Sequence[str] = ()) -> list[HistoryEntry]:
    """Newest first. One query, plus one per link in `links` (many-to-many fields
    whose history simple-history keeps): each entry says which records were linked
    or unlinked. Steps one person took together are one entry."""
    history = instance.history  # type: ignore[attr-defined]  # simple-history's manager
    model = type(instance)
    records = list(history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    snapshots = _link_snapshots(model, records, links)
    entries = []
    for newer, older in pairwise([*records, None]):
        if newer is None:
            break
        changes: list[Change] = []
        if older is not None and newer.history_type == "~":
            changes = _field_changes(model, newer, older, excluded=links)
        if newer.history_type != "-" and (older is not None or len(records) <= limit):
            changes += _link_changes(model, snapshots, newer, older)
        if newer.history_type == "~" and not changes and older is not None:
            continue  # a save that changed nothing shown (a version claim)
        entries.append(
            HistoryEntry(
                newer.history_date,
                _who(newer),
                ACTIONS.get(newer.history_type, "Changed"),
                changes,
                who_id=newer.history_user_id,
            )
        )
    return _same_steps_together(entries)[:limit]


def _same_steps_together(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    """Merge a change of links into the entry before it (in time) when the same person
    made both within SAME_STEP: saving a record, then its links, is one step
    ("Created" with "Community groups linked: Group A")."""
    merged: list[HistoryEntry] = []
    for entry in reversed(entries):  # oldest first
        last = merged[-1] if merged else None
        if (
            last is not None
            and not entry.subject
            and not last.subject
            and entry.who_id == last.who_id
            and entry.action == "Changed"
            and entry.changes
            and all(change.link for change in entry.changes)
            and entry.when - last.when <= SAME_STEP
        ):
            last.changes.extend(entry.changes)
            continue
        merged.append(entry)
    return list(reversed(merged))


def related_entries(
    history: models.QuerySet[Any],
    *,
    noun: str,
    name: Callable[[Any], str],
    hidden: Iterable[str] = (),
    limit: int = 100,
) -> list[HistoryEntry]:
    """The history of records that belong to another (`history`: their historical
    rows, already filtered to it) as entries about each: "Follow-up action added",
    "Material changed: Quantity 10 → 20". One query."""
    records = list(history.select_related("history_user").order_by("-history_date", "-history_id")[:limit])
    by_record: dict[Any, list[Any]] = defaultdict(list)
    for record in reversed(records):  # oldest first
        by_record[record.id].append(record)
    entries = []
    for versions in by_record.values():
        model = versions[0].instance_type
        for older, newer in pairwise([None, *versions]):
            changes: list[Change] = []
            if older is not None and newer.history_type == "~":
                changes = _field_changes(model, newer, older, excluded=hidden)
                if not changes:
                    continue
            entries.append(
                HistoryEntry(
                    newer.history_date,
                    _who(newer),
                    f"{noun} {RELATED_ACTIONS.get(newer.history_type, 'changed')}",
                    changes,
                    subject=name(newer),
                    who_id=newer.history_user_id,
                )
            )
    return entries


def timeline(*parts: list[HistoryEntry], limit: int = 100) -> list[HistoryEntry]:
    """Entries from several sources, newest first."""
    entries = [entry for part in parts for entry in part]
    return sorted(entries, key=lambda entry: entry.when, reverse=True)[:limit]
