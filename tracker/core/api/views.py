"""Authentication endpoints and the API's own reference lists."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.core.access_log import log_sign_in
from tracker.core.api.authentication import TokenAuthentication
from tracker.core.api.base import TrackerViewSet, request_user
from tracker.core.api.throttling import ScopedRateThrottle
from tracker.core.api.tokens import issue_token, revoke_token
from tracker.core.models import AccessLog, ApiToken, Area, ManagedList, Organisation, OutcomeType
from tracker.core.permissions import ANY_ROLE
from tracker.core.roles import Role


class TokenRequest(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=200, style={"input_type": "password"}, trim_whitespace=False)


class TokenResponse(serializers.Serializer[Any]):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


from tracker.core.api.schema import ApiErrorSerializer as ERROR  # noqa: E402


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token. Failed attempts count
    toward the same lockout as the sign-in page."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequest,
        responses={
            201: TokenResponse,
            400: OpenApiResponse(ERROR, description="Wrong username or password, or a bad body"),
            429: OpenApiResponse(ERROR, description="Locked after repeated failures, or too many requests"),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        body = TokenRequest(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            user = authenticate(request._request, **body.validated_data)
        except PermissionDenied:
            user = None
        if getattr(request._request, "axes_locked_out", False) or user is None:
            log_sign_in(request._request, user=None, username=body.validated_data["username"], way=AccessLog.Way.API)
        if getattr(request._request, "axes_locked_out", False):
            return Response(
                {"detail": "Too many failed attempts for this username from this address. Try again later."},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None:
            return Response({"detail": "The username or password is wrong."}, status=status.HTTP_400_BAD_REQUEST)
        log_sign_in(request._request, user=user, way=AccessLog.Way.API)
        raw, token = issue_token(user)
        return Response({"token": raw, "expires_at": token.expires_at}, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={204: None, 401: OpenApiResponse(ERROR, description="Not signed in with a token")},
    )
    def delete(self, request: Request) -> Response:
        """Revoke the token this request was made with."""
        token = request.auth
        if not isinstance(token, ApiToken):
            return Response(
                {"detail": "Send the token to revoke in the Authorization header."},
                status=status.HTTP_401_UNAUTHORIZED,
            )
        revoke_token(token, by=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def get_authenticators(self) -> list[Any]:
        # Only DELETE needs to know who is calling.
        if self.request is not None and self.request.method == "DELETE":
            return [TokenAuthentication()]
        return []

    def get_permissions(self) -> list[Any]:
        if self.request is not None and self.request.method == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    class Meta:
        model = ApiToken
        fields = ["id", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]


class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, TrackerViewSet):
    """Your tokens (all tokens, for administrators). DELETE revokes one."""

    serializer_class = ApiTokenSerializer
    allowed_roles = ANY_ROLE
    queryset = ApiToken.objects.none()

    def get_queryset(self) -> Any:
        tokens = ApiToken.objects.order_by("-created_at")
        user = self.request.user
        if user.has_role(Role.ADMIN):
            return tokens
        return tokens.filter(user_id=user.pk)

    def perform_destroy(self, instance: ApiToken) -> None:
        revoke_token(instance, by=self.request.user)


class AreaSerializer(serializers.ModelSerializer[Area]):
    class Meta:
        model = Area
        fields = ["id", "name"]


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "active"]


class OutcomeTypeSerializer(serializers.ModelSerializer[OutcomeType]):
    applies_to = serializers.SerializerMethodField(
        help_text="The subject types (e.g. partners.engagement) it can be recorded on; empty: every type."
    )

    class Meta:
        model = OutcomeType
        fields = ["id", "name", "description", "active", "applies_to"]

    def get_applies_to(self, obj: OutcomeType) -> list[str]:
        return sorted(f"{ct.app_label}.{ct.model}" for ct in obj.applies_to.all())


class ReadOnlyListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TrackerViewSet):
    allowed_roles = ANY_ROLE


class ManagedListSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    active = serializers.BooleanField(read_only=True, help_text="Inactive entries stay on old records only.")


def managed_list_viewset(
    model: type[ManagedList],
    serializer: type[serializers.Serializer[Any]],
    doc: str,
    *,
    roles: frozenset[Role],
    filterset: type[Any] | None = None,
) -> type[TrackerViewSet]:
    """A strand's managed list (administrators keep it in the admin site), read-only
    for the roles that send its ids, in the list's own order."""

    class ManagedListViewSet(ReadOnlyListViewSet):
        __doc__ = doc
        serializer_class = serializer
        filterset_class = filterset
        allowed_roles = roles
        queryset = model._default_manager.none()

        def get_queryset(self) -> QuerySet[Any]:
            return model._default_manager.all()

    ManagedListViewSet.__name__ = ManagedListViewSet.__qualname__ = f"{model.__name__}ViewSet"
    return ManagedListViewSet


class AreaViewSet(ReadOnlyListViewSet):
    serializer_class = AreaSerializer
    queryset = Area.objects.none()

    def get_queryset(self) -> Any:
        return Area.objects.order_by("name")


class OrganisationViewSet(ReadOnlyListViewSet):
    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.none()

    def get_queryset(self) -> Any:
        return Organisation.objects.order_by("name")


class OutcomeTypeViewSet(ReadOnlyListViewSet):
    serializer_class = OutcomeTypeSerializer
    queryset = OutcomeType.objects.none()

    def get_queryset(self) -> Any:
        return OutcomeType.objects.prefetch_related("applies_to").order_by("order", "name")
