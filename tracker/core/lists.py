"""The list page every record type uses: filter, sort, page and export exactly the
filtered rows. Filtering and sorting live in the app's FilterSet (`filters.py`),
which the API reuses."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django_filters.views import FilterView
from import_export import resources

from tracker.core.exports import FORMATS, export_response
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.permissions import RolesRequiredMixin
from tracker.core.replica import read_from_replica


class FilteredListView(RolesRequiredMixin, FilterView):
    """Subclasses set `filterset_class`, `resource_class`, `export_name` and
    `template_name`, and implement `get_queryset()` from the model's
    `visible_to(user)` scoping method."""

    paginate_by = 25
    resource_class: type[resources.ModelResource]
    export_name = "export"
    # The exported sheet's name; by default the export's ("community-groups" → "Community groups").
    export_title = ""
    strict = False  # an invalid filter shows its error above an empty list
    # The role middleware admits only signed-in users holding one of `allowed_roles`.
    request: AuthenticatedHttpRequest

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fmt = request.GET.get("export")
        if fmt in FORMATS:
            filterset = self.get_filterset(self.get_filterset_class())
            rows: QuerySet[Any] = filterset.qs if filterset.is_valid() else filterset.queryset.none()
            # Exports read from the replica when there is one (tracker.core.replica).
            return read_from_replica(
                request,
                lambda: export_response(
                    self.get_resource(),
                    self.export_queryset(rows),
                    fmt=fmt,
                    filename=self.export_name,
                    title=self.export_title,
                ),
            )
        return cast(HttpResponse, super().get(request, *args, **kwargs))

    def get_resource(self) -> resources.ModelResource:
        return self.resource_class()

    def export_queryset(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        """Hook for exports that need other joins than the page."""
        return rows

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
