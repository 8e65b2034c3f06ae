"""What every API endpoint shares: token authentication, role checks, JSON errors,
paging, and version-checked updates."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tracker.core.api.authentication import HasRole
from tracker.core.api.pagination import Pagination
from tracker.core.errors import DomainError
from tracker.core.roles import Role
from tracker.core.versioning import EditConflict


def _flatten(error: DjangoValidationError) -> Any:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for e in errors for m in e.messages] for field, errors in error.error_dict.items()}
    return {"detail": " ".join(error.messages)}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error as JSON with a `detail`; domain refusals as 409 (or their own status)."""
    if isinstance(exc, EditConflict):
        return Response(
            {"detail": exc.message, "code": "edit_conflict", "current_version": exc.current_version},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DomainError):
        return Response({"detail": exc.message, "code": "not_allowed"}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return Response(_flatten(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        if not isinstance(response.data, dict) or ("detail" not in response.data and response.status_code != 400):
            response.data = {"detail": response.data}
        if isinstance(exc, exceptions.ValidationError) and isinstance(response.data, dict):
            response.data.setdefault("detail", "The request has errors; see the fields named.")
    return response


class TrackerViewSet(viewsets.GenericViewSet):
    """Base of every API viewset. Subclasses set `allowed_roles` and build
    `get_queryset()` from the model's `visible_to(user)`; the class-level queryset
    is empty so nothing can leak through a forgotten override."""

    allowed_roles: frozenset[Role] = frozenset()
    permission_classes = [permissions.IsAuthenticated, HasRole]
    filter_backends = [DjangoFilterBackend]
    pagination_class = Pagination


class VersionField(serializers.IntegerField):
    """The version a client read. Required on every update and lifecycle move."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault(
            "help_text", "The version you read. A stale version is refused with 409 and the current version."
        )
        super().__init__(**kwargs)


class VersionedSerializerMixin(serializers.Serializer):
    """Adds `version`: read in every representation, required when updating."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        updating = self.instance is not None and not getattr(self, "many", False)
        fields["version"] = VersionField(required=updating)
        return fields
