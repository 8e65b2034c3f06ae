"""/api/v1/access-log/: the consultation log for the data protection officer and
administrators, newest first, paged like every list. Read only: no operation edits or
deletes a row."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from rest_framework import mixins, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.core.access_log import log_access
from tracker.core.api.base import TrackerViewSet, request_user
from tracker.core.models import AccessLog, ConsultedPerson
from tracker.core.permissions import DATA_PROTECTION

from .log_filters import AccessLogFilter


class AccessLogSerializer(serializers.ModelSerializer[AccessLog]):
    user: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Who made the request; null if unknown."
    )
    organisation = serializers.CharField(source="user.organisation.name", read_only=True, allow_null=True, default=None)
    people = serializers.SerializerMethodField(help_text="The ids of every person the request showed.")
    people_count = serializers.IntegerField(source="people", read_only=True)

    class Meta:
        model = AccessLog
        fields = [
            "id",
            "at",
            "user",
            "organisation",
            "action",
            "way",
            "record_type",
            "record_id",
            "record_label",
            "path",
            "client_address",
            "people_count",
            "people",
        ]
        read_only_fields = fields

    def get_people(self, row: AccessLog) -> list[int]:
        return [c.person_id for c in getattr(row, "all_people", [])]


class AccessLogViewSet(mixins.ListModelMixin, TrackerViewSet):
    """Who consulted whose personal data: one row per request, newest first. Filter by
    `person` (a person's id), `user` (a username) and `since` (a date, local time).
    For the data protection officer and administrators only. Reading the log is itself
    logged, naming the people in the page returned."""

    serializer_class = AccessLogSerializer
    filterset_class = AccessLogFilter
    allowed_roles = DATA_PROTECTION
    queryset = AccessLog.objects.none()

    def get_queryset(self) -> QuerySet[AccessLog]:
        people = ConsultedPerson.objects.order_by("person_id")
        return AccessLog.objects.select_related("user__organisation").prefetch_related(
            Prefetch("consulted", queryset=people, to_attr="all_people")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        shown = {c.person_id for row in rows for c in getattr(row, "all_people", [])}
        log_access(
            request_user(request), action=AccessLog.Action.API, way=AccessLog.Way.API, people=shown,
            request=request._request,
        )  # fmt: skip
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)
