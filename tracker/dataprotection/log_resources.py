"""The consultation log as a spreadsheet: one row per request, people by id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from import_export import fields

from tracker.core.exports import SafeExportResource
from tracker.core.models import AccessLog

# Spreadsheet programs hold at most this many characters in a cell.
CELL_LIMIT = 32_767


def fit_cell(ids: str) -> str:
    """Space-separated ids, cut at a whole id with a count of the rest if too long."""
    if len(ids) <= CELL_LIMIT:
        return ids
    kept = ids[: CELL_LIMIT - 40].rsplit(" ", 1)[0]
    rest = len(ids.split()) - len(kept.split())
    return f"{kept} and {rest} more"


class AccessLogResource(SafeExportResource):
    """Rows come from `consultations.with_person_ids()` (user and organisation joined,
    the person ids aggregated by the database)."""

    at = fields.Field(column_name="when")
    username = fields.Field(attribute="user__username", column_name="username")
    user_name = fields.Field(column_name="user")
    organisation = fields.Field(attribute="user__organisation__name", column_name="organisation")
    action = fields.Field(column_name="action")
    way = fields.Field(column_name="way in")
    record_label = fields.Field(attribute="record_label", column_name="record")
    path = fields.Field(attribute="path", column_name="page")
    client_address = fields.Field(attribute="client_address", column_name="client address")
    people = fields.Field(attribute="people", column_name="people shown")
    person_ids = fields.Field(column_name="person ids")

    class Meta:
        model = AccessLog
        fields = [
            "at",
            "username",
            "user_name",
            "organisation",
            "action",
            "way",
            "record_label",
            "path",
            "client_address",
            "people",
            "person_ids",
        ]
        export_order = fields

    def dehydrate_at(self, row: AccessLog) -> datetime:
        return timezone.localtime(row.at).replace(tzinfo=None)

    def dehydrate_user_name(self, row: AccessLog) -> str:
        return row.user.get_full_name() if row.user is not None else ""

    def dehydrate_action(self, row: AccessLog) -> str:
        return row.get_action_display()

    def dehydrate_way(self, row: AccessLog) -> str:
        return row.get_way_display()

    def dehydrate_person_ids(self, row: Any) -> str:
        ids = sorted(int(pk) for pk in (getattr(row, "person_ids", None) or "").split())
        return fit_cell(" ".join(map(str, ids)))
