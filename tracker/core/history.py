"""A record's change history as a timeline: who changed what, and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from tracker.core.models import User


def set_history_user(instance: models.Model, user: User) -> None:
    """Name `user` in the history row simple-history writes when `instance` is next saved."""
    instance._history_user = user  # type: ignore[attr-defined]  # simple-history reads this attribute


ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}
HIDDEN_FIELDS = {"version", "id"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    action: str
    changes: list[Change] = field(default_factory=list)


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(getattr(model._meta.get_field(name), "verbose_name", name)).capitalize()
    except Exception:  # noqa: BLE001 - a field since removed from the model
        return name.replace("_", " ").capitalize()


def _show(record: Any, name: str) -> str:
    """A readable value: the choice label for choices, blank for empty."""
    value = getattr(record, name, None)
    display = getattr(record, f"get_{name}_display", None)
    if callable(display):
        value = display()
    if value is None or value == "":
        return "(blank)"
    return str(value)


def history_entries(instance: models.Model, *, limit: int = 100) -> list[HistoryEntry]:
    """Newest first. One query; foreign keys show as their stored ids' labels only
    where the history row carries them, so no query runs per entry."""
    history = instance.history  # type: ignore[attr-defined]  # simple-history's manager
    model = type(instance)
    records = list(history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = []
    for newer, older in pairwise([*records, None]):
        if newer is None:
            break
        changes: list[Change] = []
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older, foreign_keys_are_objs=False)
            for change in delta.changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                field_obj = model._meta.get_field(change.field)
                if field_obj.is_relation:
                    changes.append(Change(_label(model, change.field), "", "changed"))
                else:
                    changes.append(
                        Change(_label(model, change.field), _show(older, change.field), _show(newer, change.field))
                    )
        who = str(newer.history_user) if newer.history_user_id else "The system"
        entries.append(HistoryEntry(newer.history_date, who, ACTIONS.get(newer.history_type, "Changed"), changes))
    return entries[:limit]
