"""Logging consultation of personal data (law-enforcement data protection requires
a record of who consulted what, not only of changes)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.http import HttpRequest

from tracker.core.client_address import client_address
from tracker.core.models import AccessLog, User


def log_access(user: User, records: Iterable[models.Model], *, action: str, request: HttpRequest | None = None) -> None:
    """One log row per record, in one INSERT, with the page and the client's address
    when it comes from a request."""
    path = request.path[:300] if request is not None else ""
    address = client_address(request) if request is not None else None
    rows = [
        AccessLog(
            user=user,
            action=action,
            record_type=record._meta.model_name or "",
            record_id=record.pk,
            record_label=str(getattr(record, "access_label", record))[:200],
            path=path,
            client_address=address,
        )
        for record in records
    ]
    if rows:
        AccessLog.objects.bulk_create(rows)
