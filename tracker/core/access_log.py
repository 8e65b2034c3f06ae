"""Logging consultation of personal data. Law-enforcement data protection (Data
Protection Act 2018, Part 3) requires a record of who consulted whose data, not only
of changes: every response that shows a person's personal data calls `log_access`
once, naming every person it showed.

A strand's record says which people it shows through `consulted_person_ids`
(an Offender shows itself, a referral its person); callers may also pass person ids
directly with `people`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.http import HttpRequest

from tracker.core.client_address import client_address
from tracker.core.models import AccessLog, ConsultedPerson, User


def people_shown(records: Iterable[models.Model]) -> set[int]:
    ids: set[int] = set()
    for record in records:
        ids.update(getattr(record, "consulted_person_ids", ()))
    return ids


def log_access(
    user: User | None,
    records: Iterable[models.Model] = (),
    *,
    action: str,
    request: HttpRequest | None = None,
    way: str = AccessLog.Way.PAGE,
    people: Iterable[int] = (),
) -> AccessLog:
    """Write one log row for one request, naming every person it showed (from
    `records` and `people`), with the page and the client's address when it comes
    from a request. A request about one record also names that record."""
    records = list(records)
    person_ids = people_shown(records) | {int(pk) for pk in people}
    single = records[0] if len(records) == 1 else None
    log = AccessLog.objects.create(
        user=user,
        action=action,
        way=way,
        record_type=(single._meta.model_name or "") if single is not None else "",
        record_id=single.pk if single is not None else None,
        record_label=str(getattr(single, "access_label", single))[:200] if single is not None else "",
        people=len(person_ids),
        path=request.path[:300] if request is not None else "",
        client_address=client_address(request) if request is not None else None,
    )
    if person_ids:
        ConsultedPerson.objects.bulk_create(ConsultedPerson(log=log, person_id=pk) for pk in sorted(person_ids))
    return log
