"""What every API endpoint shares: token authentication, role checks, JSON errors,
paging, and version-checked updates."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.relations import ManyRelatedField
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tracker.core.api.authentication import HasRole
from tracker.core.api.pagination import Pagination
from tracker.core.errors import DomainError
from tracker.core.http import AuthenticatedRequest
from tracker.core.replica import read_from_replica
from tracker.core.roles import Role
from tracker.core.unavailable import MESSAGE, RETRY_AFTER_SECONDS, is_database_unavailable, log_unavailable
from tracker.core.versioning import EditConflict

if TYPE_CHECKING:
    from tracker.core.models import User


def _flatten(error: DjangoValidationError) -> Any:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for e in errors for m in e.messages] for field, errors in error.error_dict.items()}
    return {"detail": " ".join(error.messages)}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error as JSON with a `detail`; domain refusals as 409 (or their own status);
    an unreachable database as 503."""
    if is_database_unavailable(exc):
        log_unavailable(context["request"], exc)
        return Response(
            {"detail": MESSAGE, "code": "service_unavailable"},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
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


def request_user(request: Request) -> User:
    """The signed-in user of an API request, for handlers given `request` as an
    argument (DRF types it as a plain Request): every endpoint requires authentication."""
    return cast("User", request.user)


class TrackerViewSet(viewsets.GenericViewSet[Any]):
    """Base of every API viewset. Subclasses set `allowed_roles` and build
    `get_queryset()` from the model's `visible_to(user)`; the class-level queryset
    is empty so nothing can leak through a forgotten override."""

    allowed_roles: frozenset[Role] = frozenset()
    permission_classes = [permissions.IsAuthenticated, HasRole]
    filter_backends = [DjangoFilterBackend]
    pagination_class = Pagination
    # IsAuthenticated runs before any handler, so the user is never anonymous there.
    request: AuthenticatedRequest

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """Lists read from the replica, when there is one and it may be used: decided
        once the user is known (authentication runs here), around the list itself."""
        super().initial(request, *args, **kwargs)
        if self.action == "list":
            listing: Callable[..., Response] = getattr(self, "list")  # noqa: B009 - only list viewsets get here

            def list_from_replica(request: Request, *args: Any, **kwargs: Any) -> Response:
                return read_from_replica(request, lambda: listing(request, *args, **kwargs))

            self.get = list_from_replica  # what dispatch calls next


def set_related_queryset(
    fields: dict[str, serializers.Field[Any, Any, Any, Any]], name: str, queryset: QuerySet[Any]
) -> None:
    """Limit the related field `name` (for a many-valued field, each item) to `queryset`."""
    field = fields[name]
    related = field.child_relation if isinstance(field, ManyRelatedField) else field
    # The stubs declare `queryset` with Manager's descriptor type, which refuses assignment.
    related.queryset = queryset  # type: ignore[attr-defined]


class VersionField(serializers.IntegerField):
    """The version a client read. Required on every update and lifecycle move."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault(
            "help_text", "The version you read. A stale version is refused with 409 and the current version."
        )
        super().__init__(**kwargs)


class VersionedSerializerMixin(serializers.Serializer[Any]):
    """Adds `version`: read in every representation, required when updating."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        updating = self.instance is not None and not getattr(self, "many", False)
        fields["version"] = VersionField(required=updating)
        return fields


class MoveSerializer(serializers.Serializer[Any]):
    """The body of a lifecycle move: the version read, and an optional note."""

    version = VersionField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ServiceViewSet(TrackerViewSet):
    """Writes go through the app's service functions, never by saving a serializer.
    Combine with the Service*Mixin classes for the operations a record type allows."""

    # Roles that may write; others holding `allowed_roles` may only read.
    write_roles: frozenset[Role] = frozenset()

    def check_permissions(self, request: Request) -> None:
        super().check_permissions(request)
        if request.method not in permissions.SAFE_METHODS and not request_user(request).has_role(*self.write_roles):
            self.permission_denied(request, message="Your role may read these records but not change them.")


# The Service*Mixin classes are combined with a ServiceViewSet; mypy checks them as one.
if TYPE_CHECKING:
    _ServiceMixinBase = TrackerViewSet
else:
    _ServiceMixinBase = object


class ServiceCreateMixin(_ServiceMixinBase):
    """POST: validate with the serializer, then `create_record()` (a service call)."""

    def create_record(self, data: dict[str, Any], *, by: Any) -> Any:
        raise NotImplementedError

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.create_record(serializer.validated_data, by=request.user)
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)


class ServiceUpdateMixin(_ServiceMixinBase):
    """PATCH with the `version` read: `update_record()` refuses a stale version (409)."""

    def update_record(self, instance: Any, changes: dict[str, Any], *, by: Any, expected_version: int) -> Any:
        raise NotImplementedError

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        expected = changes.pop("version", None)
        if expected is None:
            raise exceptions.ValidationError({"version": ["Send the version you read."]})
        instance = self.update_record(instance, changes, by=request.user, expected_version=expected)
        return Response(self.get_serializer(instance).data)


class ServiceDestroyMixin(_ServiceMixinBase):
    def delete_record(self, instance: Any, *, by: Any) -> None:
        raise NotImplementedError

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.delete_record(self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
