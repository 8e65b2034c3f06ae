"""Every state change of the notifications app: queueing emails and saving each
user's choices.

`notify()` is called by the strands inside the transaction of the change it tells of.
It writes outbox rows there, and asks for them to be sent only once that transaction
commits: a change rolled back sends nothing, and no web request ever talks to the
mail server (the send task does, in a worker)."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from tracker.core.history import set_history_user
from tracker.core.models import User

from .models import RULES, Kind, OutboxEmail, Preference, kinds_for

logger = logging.getLogger(__name__)


def recipients_for(kind: str, users: Iterable[User | int]) -> list[User]:
    """Of `users`, those who get `kind`: active, with an email address, and who have
    not turned the kind off. One query."""
    ids = {u if isinstance(u, int) else u.pk for u in users}
    if not ids:
        return []
    turned_off = Preference.objects.filter(user=OuterRef("pk"), kind=kind, enabled=False)
    return list(
        User.objects.filter(pk__in=ids, is_active=True)
        .exclude(email="")
        .exclude(Exists(turned_off))
        .only("id", "email")
        .order_by("id")
    )


def notify(
    kind: str,
    recipients: Iterable[User | int],
    *,
    reference: str,
    path: str,
    key: str | None = None,
    detail: str = "",
) -> list[OutboxEmail]:
    """Queue an email of `kind` to each of `recipients` who wants it, naming
    `reference` and linking to `path`. With `key`, each recipient gets it once
    however often this is called. `detail` holds counts and record numbers only,
    never a name or a note. Returns the rows written now."""
    if kind not in Kind.values:
        raise ValueError(f"Unknown kind of notification: {kind}")
    gatherer = _gathering.get()
    if gatherer is not None and kind in gatherer.kinds:
        gatherer.add(kind, recipients, reference=reference, path=path)
        return []
    people = recipients_for(kind, recipients)
    rows = [
        OutboxEmail(recipient=person, kind=kind, reference=reference, path=path, key=key, detail=detail)
        for person in people
    ]
    if key is None:
        OutboxEmail.objects.bulk_create(rows)
        written = rows
    else:
        written = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                continue  # already queued under this key: a second run of a duty
            written.append(row)
    send_on_commit([row.pk for row in written])
    return written


def notify_each(kind: str, emails: Mapping[int, tuple[str, str, str, str]]) -> int:
    """Queue one email of `kind` to each user id in `emails`, which maps to (reference,
    path, key, detail): for the duties that write to many people at once. A bounded
    number of queries whatever the number of people; keys already used are skipped.
    Returns how many emails were queued."""
    people = recipients_for(kind, emails)
    rows = [
        OutboxEmail(
            recipient=person,
            kind=kind,
            reference=emails[person.pk][0],
            path=emails[person.pk][1],
            key=emails[person.pk][2],
            detail=emails[person.pk][3],
        )
        for person in people
    ]
    keys = [row.key for row in rows]
    already = set(OutboxEmail.objects.filter(kind=kind, key__in=keys).values_list("recipient_id", "key"))
    rows = [row for row in rows if (row.recipient_id, row.key) not in already]
    # A duty racing another between the read and the insert loses nothing and sends
    # nothing twice: the constraint keeps the first row, the second is ignored.
    OutboxEmail.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        OutboxEmail.objects.filter(
            kind=kind, key__in=[row.key for row in rows], status=OutboxEmail.Status.PENDING, attempts=0
        ).values_list("pk", flat=True)
    )
    send_on_commit(ids)
    return len(ids)


def send_on_commit(ids: list[int]) -> None:
    """Enqueue the send task for `ids` once the current transaction commits. If the
    queue cannot take it, the change still stands: the retry duty finds the rows."""
    if not ids:
        return
    from .tasks import send_emails

    transaction.on_commit(lambda: send_emails.enqueue(ids), robust=True)


# Gathering: one summary instead of an email per row -----------------------------


@dataclass
class Gatherer:
    """Collects the emails of `kinds` while active (an import writing many records)
    and, once the transaction commits, queues one email for each kind and set of
    recipients: the single record's email if there was one, else a summary naming
    `summary_reference` (with the count) and linking to `summary_path`."""

    kinds: frozenset[str]
    summary_noun: str
    summary_path: str
    _items: dict[tuple[str, frozenset[int]], list[tuple[str, str]]] = field(default_factory=dict)
    _scheduled: bool = False

    def add(self, kind: str, recipients: Iterable[User | int], *, reference: str, path: str) -> None:
        people = frozenset(u if isinstance(u, int) else u.pk for u in recipients)
        self._items.setdefault((kind, people), []).append((reference, path))
        if not self._scheduled:
            self._scheduled = True
            transaction.on_commit(self.flush, robust=True)

    def flush(self) -> None:
        items, self._items, self._scheduled = self._items, {}, False
        for (kind, people), records in items.items():
            if len(records) == 1:
                reference, path = records[0]
                notify(kind, people, reference=reference, path=path)
                continue
            references = [reference for reference, _ in records]
            shown = ", ".join(references[:20]) + (f" and {len(references) - 20} more" if len(references) > 20 else "")
            notify(
                kind,
                people,
                reference=f"{len(records)} {self.summary_noun}",
                path=self.summary_path,
                detail=shown,
            )


_gathering: contextvars.ContextVar[Gatherer | None] = contextvars.ContextVar("notifications_gathering", default=None)


@contextmanager
def gathering(gatherer: Gatherer) -> Iterator[Gatherer]:
    """While active, `notify()` hands the gatherer's kinds to it (see Gatherer)."""
    token = _gathering.set(gatherer)
    try:
        yield gatherer
    finally:
        _gathering.reset(token)


# Preferences ---------------------------------------------------------------------


def preferences_of(user: User) -> dict[str, bool]:
    """Each kind relevant to the user → whether they get it."""
    stored = dict(Preference.objects.filter(user=user).values_list("kind", "enabled"))
    return {kind: stored.get(kind, True) for kind in kinds_for(user)}


@transaction.atomic
def set_preferences(user: User, *, by: User, choices: Mapping[str, bool]) -> dict[str, bool]:
    """Turn kinds of email on or off for `user`, with a history entry by `by`. Only
    the user or an administrator may; only an administrator may turn off a kind
    whose rules say so (concern alerts). Kinds not relevant to the user are refused."""
    if by.pk != user.pk and not by.is_administrator:
        raise PermissionDenied
    current = preferences_of(user)
    unknown = set(choices) - set(current)
    if unknown:
        raise PermissionDenied
    for kind, enabled in choices.items():
        if current[kind] == enabled:
            continue
        if not enabled and RULES[kind].admin_only_off and not by.is_administrator:
            raise PermissionDenied
        preference = Preference.objects.select_for_update().filter(user=user, kind=kind).first()
        if preference is None:
            preference = Preference(user=user, kind=kind)
        preference.enabled = enabled
        set_history_user(preference, by)
        preference.save()
        current[kind] = enabled
    return current
