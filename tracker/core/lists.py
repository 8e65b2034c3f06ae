"""The list page every record type uses: filter, sort, page and export exactly the
filtered rows. Filtering and sorting live in the app's FilterSet (`filters.py`),
which the API reuses. An export of more than EXPORT_BACKGROUND_ROWS rows is written
by a background task (tracker.core.export_jobs) from the same rows."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, cast

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django_filters.views import FilterView
from import_export import resources

from tracker.core.access_log import consulted
from tracker.core.exports import FORMATS, export_response, sheet_title
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.models import AccessLog
from tracker.core.permissions import RolesRequiredMixin
from tracker.core.replica import read_from_replica


class FilteredListView(RolesRequiredMixin, FilterView):
    """Subclasses set `filterset_class`, `resource_class`, `export_name` and
    `template_name`, and implement `get_queryset()` from the model's
    `visible_to(user)` scoping method. Lists of personal data say whom an export
    shows (`export_people`)."""

    paginate_by = 25
    resource_class: type[resources.ModelResource]
    export_name = "export"
    # The exported sheet's name; by default the export's ("community-groups" → "Community groups").
    export_title = ""
    strict = False  # an invalid filter shows its error above an empty list
    # The role middleware admits only signed-in users holding one of `allowed_roles`.
    request: AuthenticatedHttpRequest

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        fmt = request.GET.get("export")
        if fmt in FORMATS:
            rows = self.filtered_rows()
            # Exports read from the replica when there is one (tracker.core.replica).
            return read_from_replica(request, lambda: self.export(request, fmt, rows))
        return cast(HttpResponse, super().get(request, *args, **kwargs))

    def export(self, request: HttpRequest, fmt: str, rows: QuerySet[Any]) -> HttpResponseBase:
        """The download of `rows`, or, past EXPORT_BACKGROUND_ROWS, the page of a
        background job writing it."""
        count = rows.count()
        if count > settings.EXPORT_BACKGROUND_ROWS:
            from tracker.core.export_jobs import request_export

            job = request_export(self, fmt=fmt, rows=count)
            return redirect("export-job", pk=job.pk)
        people = self.export_people(rows)
        if people is not None:
            self.log_export(request, people)
        return export_response(
            self.get_resource(),
            self.export_queryset(rows),
            fmt=fmt,
            filename=self.export_name,
            title=self.sheet_name(),
        )

    def filtered_rows(self) -> QuerySet[Any]:
        """Exactly the rows the page lists for its filters (none for invalid ones)."""
        filterset = self.get_filterset(self.get_filterset_class())
        return cast(QuerySet[Any], filterset.qs if filterset.is_valid() else filterset.queryset.none())

    def get_resource(self) -> resources.ModelResource:
        return self.resource_class()

    def sheet_name(self) -> str:
        return self.export_title or sheet_title(self.export_name)

    def export_queryset(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        """Hook for exports that need other joins than the page."""
        return rows

    def export_people(self, rows: QuerySet[Any]) -> Collection[int] | None:
        """Ids of the people an export of `rows` names, found without loading the rows;
        None for a list that shows nobody's personal data."""
        return None

    @classmethod
    def log_export(cls, request: HttpRequest, people: Collection[int]) -> None:
        """Log an export naming `people` (at once, or when a background export's file is
        downloaded): the request's consultation row names them all."""
        consulted(people=people, action=AccessLog.Action.EXPORT, way=AccessLog.Way.EXPORT)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context["query_string"] = query.urlencode()
        context["result_count"] = (
            context["paginator"].count if context.get("paginator") else len(context["object_list"])
        )
        return context
