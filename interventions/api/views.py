"""/api/v1/ endpoints of the offender behaviour strand: the same scoping
(`visible_to`), role rules, FilterSets and services as the pages. A record outside
the caller's scope is a 404; a change the caller's role or relation to the
referral does not allow is a 403; a move the lifecycle refuses or a stale version
is a 409."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.core.access_log import consulted
from tracker.core.api.base import (
    MoveSerializer,
    ServiceCreateMixin,
    ServiceUpdateMixin,
    ServiceViewSet,
    TrackerViewSet,
    request_user,
)
from tracker.core.api.views import managed_list_viewset
from tracker.core.lifecycle import apply_move
from tracker.core.models import AccessLog
from tracker.core.permissions import INTERVENTIONS

from .. import permissions, services
from ..filters import OffenderFilter, ProgrammeFilter, ReasonCodeFilter, ReferralFilter, SessionFilter
from ..models import Offender, Programme, ReasonCode, Referral, Session
from .serializers import (
    AcceptSerializer,
    AssignSerializer,
    CompleteSerializer,
    FollowUpRecordSerializer,
    OffenderSerializer,
    ProgrammeSerializer,
    ReasonCodeSerializer,
    ReasonMoveSerializer,
    ReferralSerializer,
    SessionSerializer,
)


class PersonalDataReadMixin:
    """Records about people: the serializers mark every person they write out, so
    the answer's one access-log row names them all (tracker.core.access_log); a
    read of one record also names that record."""

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        view: Any = self
        instance = view.get_object()
        consulted(about=instance, action=AccessLog.Action.API)
        return Response(view.get_serializer(instance).data)


def _domain_to_400(error: services.ReferralError, field: str = "detail") -> exceptions.ValidationError:
    return exceptions.ValidationError({field: [error.message]})


# Offenders ------------------------------------------------------------------


class OffenderViewSet(
    PersonalDataReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceCreateMixin, ServiceUpdateMixin,
    ServiceViewSet,
):  # fmt: skip
    """People referred: those you referred or whose referrals your organisation handles,
    those your organisation holds (liaisons) and those you added (officers). A case
    reference is unique within its holder only: adding or changing one is checked
    against the people you can see, and nothing else. Search with `q` (case reference
    or name); sort with `sort` (name, reference, born)."""

    serializer_class = OffenderSerializer
    filterset_class = OffenderFilter
    allowed_roles = INTERVENTIONS
    write_roles = INTERVENTIONS
    queryset = Offender.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Any]:
        return Offender.objects.visible_to(self.request.user)

    def create_record(self, data: dict[str, Any], *, by: Any) -> Offender:
        values = {k: v for k, v in data.items() if k not in {"confirm_duplicate", "version"}}
        if not data.get("confirm_duplicate") and services.duplicate_exists(
            by=by,
            first_name=values["first_name"],
            last_name=values["last_name"],
            date_of_birth=values["date_of_birth"],
        ):
            raise exceptions.ValidationError(
                {
                    "confirm_duplicate": [
                        "A record with this name and date of birth already exists. Check it is not the same "
                        "person, then send confirm_duplicate: true."
                    ]
                }
            )
        try:
            return services.create_offender(by=by, **values)
        except services.ReferralError as error:
            raise _domain_to_400(error, "case_reference") from error

    def update_record(self, instance: Offender, changes: dict[str, Any], *, by: Any, expected_version: int) -> Offender:
        changes.pop("confirm_duplicate", None)
        try:
            return services.update_offender(instance, by=by, expected_version=expected_version, changes=changes)
        except services.ReferralError as error:
            raise _domain_to_400(error, "case_reference") from error


# Programmes and reason codes (no personal data) -------------------------------


class ProgrammeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TrackerViewSet):
    """The programme catalogue (administrators keep it in the admin site)."""

    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter
    allowed_roles = INTERVENTIONS
    queryset = Programme.objects.none()

    def get_queryset(self) -> QuerySet[Any]:
        return Programme.objects.select_related("provider").prefetch_related("desired_outcomes")


ReasonCodeViewSet = managed_list_viewset(
    ReasonCode,
    ReasonCodeSerializer,
    "Why a referral is declined, withdrawn or not completed: send an id as `reason`.",
    roles=INTERVENTIONS,
    filterset=ReasonCodeFilter,
)


# Referrals ------------------------------------------------------------------


class ReferralViewSet(
    PersonalDataReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceCreateMixin, ServiceUpdateMixin,
    ServiceViewSet,
):  # fmt: skip
    """Referrals you may see: those you made, and (for liaisons) those your
    organisation handles once submitted. Filter as the caseload page does
    (`status`, `tab`, `q`, `programme`, `area`, `handling_organisation`,
    `submitted_from`, `submitted_to`); sort with `sort`."""

    serializer_class = ReferralSerializer
    filterset_class = ReferralFilter
    allowed_roles = INTERVENTIONS
    write_roles = INTERVENTIONS
    queryset = Referral.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Any]:
        visible = Referral.objects.visible_to(self.request.user)
        if self.action in {"list", "retrieve"}:
            # Only what the serializer reads (the other relations it sends as ids): on
            # PostgreSQL, planning the nine-table join took longer than running it.
            return visible.select_related("offender", "assigned_liaison", "referred_by", "follow_up")
        return visible.for_list().select_related("referring_organisation", "referred_by", "follow_up")

    def create_record(self, data: dict[str, Any], *, by: Any) -> Referral:
        """A draft, as the "Make a referral" page makes; submit it with /submit/."""
        return services.create_referral(by=by, **{k: v for k, v in data.items() if k != "version"})

    def update_record(self, instance: Referral, changes: dict[str, Any], *, by: Any, expected_version: int) -> Referral:
        return services.update_referral(instance, by=by, expected_version=expected_version, changes=changes)

    def _answer(self, referral: Referral) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=referral.pk)).data)

    def _move(self, request: Request, name: str, body_class: type[serializers.Serializer[Any]]) -> Response:
        referral = self.get_object()
        user = request_user(request)
        body = body_class(data=request.data, context={**self.get_serializer_context(), "referral": referral})
        body.is_valid(raise_exception=True)
        kwargs: dict[str, Any] = {
            "by": user,
            "expected_version": body.validated_data["version"],
            "note": body.validated_data.get("note", ""),
        }
        if name == "complete":
            # Completing rates the programme's outcomes as well as making the move.
            services.complete(
                referral,
                ratings=cast(CompleteSerializer, body).rating_map(),
                confirm_fewer_sessions=body.validated_data["confirm_fewer_sessions"],
                **kwargs,
            )
        elif name == "accept":
            if "assignee" in body.validated_data:
                kwargs["assignee"] = body.validated_data["assignee"]
            services.accept(referral, **kwargs)
        else:
            apply_move(referral, name, reason=body.validated_data.get("reason"), **kwargs)
        return self._answer(referral)

    @extend_schema(request=MoveSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """Send a draft to the handling organisation (draft → submitted)."""
        return self._move(request, "submit", MoveSerializer)

    @extend_schema(request=AcceptSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        """The handling organisation takes the referral on (submitted → accepted) and
        assigns it: to the caller, unless `assignee` names another liaison (null: nobody)."""
        return self._move(request, "accept", AcceptSerializer)

    @extend_schema(request=ReasonMoveSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        """Turn a submitted referral down, with a reason code."""
        return self._move(request, "decline", ReasonMoveSerializer)

    @extend_schema(request=MoveSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        """The person begins the programme (accepted → started)."""
        return self._move(request, "start", MoveSerializer)

    @extend_schema(request=CompleteSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        """Complete a started referral with its summary: a rating and comment for each
        of the programme's desired outcomes. A 12-month follow-up falls due."""
        return self._move(request, "complete", CompleteSerializer)

    @extend_schema(request=ReasonMoveSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"], url_path="mark-not-completed")
    def mark_not_completed(self, request: Request, pk: str) -> Response:
        """The programme ended without completion, with a reason code."""
        return self._move(request, "mark_not_completed", ReasonMoveSerializer)

    @extend_schema(request=ReasonMoveSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """Take back an open referral, with a reason code."""
        return self._move(request, "withdraw", ReasonMoveSerializer)

    @extend_schema(request=AssignSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        """Give the referral to a liaison of the handling organisation (null: nobody)."""
        referral = self.get_object()
        user = request_user(request)
        body = AssignSerializer(data=request.data, context={"referral": referral})
        body.is_valid(raise_exception=True)
        permissions.check(permissions.may_assign(user, referral))
        liaison = body.validated_data["liaison"]
        services.assign(referral, by=user, expected_version=body.validated_data["version"], liaison=liaison)
        return self._answer(referral)

    @extend_schema(request=FollowUpRecordSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Request, pk: str) -> Response:
        """Record the 12-month check: charged with a further assault (yes / no / unknown).
        Send the follow-up's own version (`follow_up.version`)."""
        referral = self.get_object()
        user = request_user(request)
        record = getattr(referral, "follow_up", None)
        if record is None:
            raise services.ReferralError("A follow-up falls due only once the referral has ended.")
        body = FollowUpRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.record_follow_up(
            record,
            by=user,
            expected_version=body.validated_data["version"],
            result=body.validated_data["result"],
            note=body.validated_data["note"],
        )
        return self._answer(referral)


# Sessions -------------------------------------------------------------------


class SessionViewSet(
    PersonalDataReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceCreateMixin, ServiceViewSet
):
    """Programme sessions of the referrals you may see; filter with `referral`.
    Recording one is for the handling organisation, while the referral is accepted
    or started."""

    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    allowed_roles = INTERVENTIONS
    write_roles = INTERVENTIONS
    queryset = Session.objects.none()
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Any]:
        visible = Referral.objects.visible_to(self.request.user).values("pk")
        # The referral is joined for the person each session is about (the access log).
        return Session.objects.filter(referral__in=visible).select_related("recorded_by", "referral")

    def create_record(self, data: dict[str, Any], *, by: Any) -> Session:
        values = {k: v for k, v in data.items() if k != "version"}
        referral = values.pop("referral")
        for field in ("attendance", "absence"):
            values[field] = values.get(field) or ""
        try:
            return services.record_session(referral, by=by, **values)
        except services.ReferralError as error:
            raise _domain_to_400(error) from error

    @extend_schema(request=MoveSerializer, responses=SessionSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        """The referrer has read the session's concern (send the session's version)."""
        session = self.get_object()
        user = request_user(request)
        body = MoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        permissions.check(permissions.may_follow_up(user, session.referral))
        services.acknowledge_concern(session, by=user, expected_version=body.validated_data["version"])
        return Response(self.get_serializer(self.get_queryset().get(pk=session.pk)).data)
