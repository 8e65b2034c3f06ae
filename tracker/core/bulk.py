"""Creating and updating many versioned records at once, with their history.

The bulk services (venues, assault incidents, workforce figures) share this: a
batch of checked values is compared with the stored records, new ones are
inserted and changed ones updated (their version moved on by one), each with one
history entry attributed to the acting user, exactly as simple-history records a
single save; unchanged ones are left alone."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tracker.core.models import User
from tracker.core.versioning import VersionedModel


@dataclass
class Counts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


def upsert_in_bulk[M: VersionedModel](
    model: type[M],
    rows: Sequence[Mapping[str, Any]],
    *,
    stored: Mapping[Any, M],
    key_of: Callable[[Mapping[str, Any]], Hashable],
    by: User | None,
    write: bool,
) -> Counts:
    """Sort `rows` (values by field attname, e.g. `area_id`) into new, changed and
    unchanged against `stored` (the stored records by key) and, if `write`, save
    the new and changed ones with their history in one transaction."""
    counts = Counts()
    new: list[M] = []
    changed: list[M] = []
    fields: set[str] = set()
    for values in rows:
        record = stored.get(key_of(values))
        if record is None:
            new.append(model(**values))
            continue
        different = [name for name, value in values.items() if getattr(record, name) != value]
        if not different:
            counts.unchanged += 1
            continue
        for name in different:
            setattr(record, name, values[name])
        record.version += 1
        fields.update(different)
        changed.append(record)
    counts.new, counts.updated = len(new), len(changed)
    if write and (new or changed):
        # Part of the caller's transaction when there is one (no savepoint a batch).
        with transaction.atomic(savepoint=False):
            if new:
                bulk_create_with_history(new, model, batch_size=len(new), default_user=by)
            if changed:
                bulk_update_with_history(
                    changed, model, [*sorted(fields), "version"], batch_size=len(changed), default_user=by
                )
    return counts
