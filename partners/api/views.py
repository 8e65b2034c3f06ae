"""/api/v1/community-groups/, venues/, partnerships/ and engagements/: the same
scoping (visible_to), FilterSets and services as the pages. Lifecycle moves and
changes to a record's parts (contacts, commitments, materials, follow-ups) are
POST actions that carry the version the client read."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from partners import services
from partners.api import serializers as s
from partners.filters import EngagementFilter, GroupFilter, PartnershipFilter, VenueFilter
from partners.models import (
    CampaignMaterial,
    CommitmentType,
    CommunityGroup,
    EndReason,
    Engagement,
    EngagementKind,
    EngagementMaterial,
    FollowUpAction,
    GroupContact,
    Partnership,
    PartnershipCommitment,
    Venue,
)
from partners.views.engagements import with_links
from partners.views.venues import with_open_partnership
from tracker.core.api.base import ServiceCreateMixin, ServiceUpdateMixin, ServiceViewSet
from tracker.core.api.views import ManagedListSerializer, managed_list_viewset
from tracker.core.lifecycle import apply_move
from tracker.core.models import User
from tracker.core.permissions import PARTNERS


def _body(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


class PartnersViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceCreateMixin, ServiceUpdateMixin,
                      ServiceViewSet):  # fmt: skip
    """The strand's records are for officers and administrators alike, who may
    also change them: other roles get 403, as on the pages."""

    allowed_roles = PARTNERS
    write_roles = PARTNERS
    # Nothing in the strand is deleted from the pages, so not here either.
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _answer(self, pk: int) -> Response:
        """The record as it now stands (a fresh read: the change invalidated prefetches)."""
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)


class CommunityGroupViewSet(PartnersViewSet):
    serializer_class = s.CommunityGroupSerializer
    filterset_class = GroupFilter
    queryset = CommunityGroup.objects.none()

    def get_queryset(self) -> QuerySet[CommunityGroup]:
        # Queries: the page of groups with their areas, and one for all their contacts.
        return (
            CommunityGroup.objects.visible_to(self.request.user)
            .select_related("area")
            .prefetch_related(Prefetch("contacts", queryset=GroupContact.objects.order_by("name", "id")))
            .order_by("name")
        )

    def create_record(self, data: dict[str, Any], *, by: User) -> CommunityGroup:
        return services.create_group(by=by, **data)

    def update_record(
        self, instance: CommunityGroup, changes: dict[str, Any], *, by: User, expected_version: int
    ) -> CommunityGroup:
        services.update_group(instance, by=by, expected_version=expected_version, changes=changes)
        return self.get_queryset().get(pk=instance.pk)

    @extend_schema(request=s.AddContactSerializer, responses=s.CommunityGroupSerializer)
    @action(detail=True, methods=["post"], url_path="add-contact")
    def add_contact(self, request: Request, pk: str) -> Response:
        """Add a contact person to the group."""
        group = self.get_object()
        body = _body(s.AddContactSerializer, request)
        version = body.pop("version")
        services.add_contact(group, by=self.request.user, expected_version=version, **body)
        return self._answer(group.pk)

    @extend_schema(request=s.RemoveContactSerializer, responses=s.CommunityGroupSerializer)
    @action(detail=True, methods=["post"], url_path="remove-contact")
    def remove_contact(self, request: Request, pk: str) -> Response:
        """Remove one of the group's contacts; its history keeps the details."""
        group = self.get_object()
        body = _body(s.RemoveContactSerializer, request)
        contact = group.contacts.filter(pk=body["contact"]).first()
        if contact is None:
            raise exceptions.ValidationError({"contact": ["This group has no contact with that id."]})
        services.remove_contact(contact, by=self.request.user, expected_version=body["version"])
        return self._answer(group.pk)


class VenueViewSet(PartnersViewSet):
    serializer_class = s.VenueSerializer
    filterset_class = VenueFilter
    queryset = Venue.objects.none()

    def get_queryset(self) -> QuerySet[Venue]:
        # One query: venues, their areas and (as subqueries) the open partnership.
        venues = Venue.objects.visible_to(self.request.user).select_related("area")
        return with_open_partnership(venues.order_by("name", "licence_number"))

    def create_record(self, data: dict[str, Any], *, by: User) -> Venue:
        return services.create_venue(by=by, **data)

    def update_record(self, instance: Venue, changes: dict[str, Any], *, by: User, expected_version: int) -> Venue:
        services.update_venue(instance, by=by, expected_version=expected_version, changes=changes)
        return self.get_queryset().get(pk=instance.pk)


class PartnershipViewSet(PartnersViewSet):
    serializer_class = s.PartnershipSerializer
    filterset_class = PartnershipFilter
    queryset = Partnership.objects.none()

    def get_queryset(self) -> QuerySet[Partnership]:
        # Queries: partnerships with venue, lead officer and end reason; their commitments.
        commitments = PartnershipCommitment.objects.select_related("commitment_type")
        return (
            Partnership.objects.visible_to(self.request.user)
            .select_related("venue", "lead_officer")
            .prefetch_related(Prefetch("commitments", queryset=commitments))
            .order_by("venue__name", "-started_on", "-id")
        )

    def create_record(self, data: dict[str, Any], *, by: User) -> Partnership:
        partnership = services.start_partnership(
            data["venue"], by=by, lead_officer=data["lead_officer"], started_on=data.get("started_on")
        )
        return self.get_queryset().get(pk=partnership.pk)

    def update_record(
        self, instance: Partnership, changes: dict[str, Any], *, by: User, expected_version: int
    ) -> Partnership:
        services.update_partnership(instance, by=by, expected_version=expected_version, changes=changes)
        return self.get_queryset().get(pk=instance.pk)

    def _move(self, request: Request, body_class: type[serializers.Serializer[Any]], verb: str) -> Response:
        """A lifecycle move (partners/lifecycle.py): 400 for a bad body, 409 for a
        stale version or a move the status does not allow."""
        partnership = self.get_object()
        body = _body(body_class, request)
        version = body.pop("version")
        apply_move(partnership, verb, by=self.request.user, expected_version=version, **body)
        return self._answer(partnership.pk)

    @extend_schema(request=s.PartnershipMoveSerializer, responses=s.PartnershipSerializer)
    @action(detail=True, methods=["post"], url_path="mark-engaged")
    def mark_engaged(self, request: Request, pk: str) -> Response:
        """Prospect → engaged: the venue is talking to us."""
        return self._move(request, s.PartnershipMoveSerializer, "mark_engaged")

    @extend_schema(request=s.SignUpSerializer, responses=s.PartnershipSerializer)
    @action(detail=True, methods=["post"], url_path="sign-up")
    def sign_up(self, request: Request, pk: str) -> Response:
        """Engaged → signed up; the next review falls 12 months later unless given."""
        return self._move(request, s.SignUpSerializer, "sign_up")

    @extend_schema(request=s.PartnershipMoveSerializer, responses=s.PartnershipSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str) -> Response:
        """Signed up → active: the venue is delivering its commitments."""
        return self._move(request, s.PartnershipMoveSerializer, "activate")

    @extend_schema(request=s.EndPartnershipSerializer, responses=s.PartnershipSerializer)
    @action(detail=True, methods=["post"])
    def lapse(self, request: Request, pk: str) -> Response:
        """Signed up or active → lapsed, with a reason."""
        return self._move(request, s.EndPartnershipSerializer, "lapse")

    @extend_schema(request=s.EndPartnershipSerializer, responses=s.PartnershipSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """Any open status → withdrawn, with a reason."""
        return self._move(request, s.EndPartnershipSerializer, "withdraw")

    @extend_schema(request=s.SetCommitmentsSerializer, responses=s.PartnershipSerializer)
    @action(detail=True, methods=["post"], url_path="set-commitments")
    def set_commitments(self, request: Request, pk: str) -> Response:
        """Replace the checklist of commitments the venue confirmed."""
        partnership = self.get_object()
        body = _body(s.SetCommitmentsSerializer, request)
        confirmed = {
            line["commitment_type"]: (line["confirmed_on"], line["evidence"], line["staff_training_date"])
            for line in body["commitments"]
        }
        services.set_commitments(
            partnership, by=self.request.user, expected_version=body["version"], confirmed=confirmed
        )
        return self._answer(partnership.pk)


class EngagementViewSet(PartnersViewSet):
    serializer_class = s.EngagementSerializer
    filterset_class = EngagementFilter
    queryset = Engagement.objects.none()

    def get_queryset(self) -> QuerySet[Engagement]:
        # Queries: engagements with kind and lead officer; then one each for groups,
        # venues, materials (with the material) and follow-ups (with the owner).
        engagements = Engagement.objects.visible_to(self.request.user).select_related("kind")
        return with_links(engagements.order_by("-starts_at", "-id")).prefetch_related(
            Prefetch("materials", queryset=EngagementMaterial.objects.select_related("material")),
            Prefetch("follow_ups", queryset=FollowUpAction.objects.select_related("owner")),
        )

    def create_record(self, data: dict[str, Any], *, by: User) -> Engagement:
        engagement = services.create_engagement(by=by, **data)
        return self.get_queryset().get(pk=engagement.pk)

    def update_record(
        self, instance: Engagement, changes: dict[str, Any], *, by: User, expected_version: int
    ) -> Engagement:
        services.update_engagement(instance, by=by, expected_version=expected_version, changes=changes)
        return self.get_queryset().get(pk=instance.pk)

    @extend_schema(request=s.SetMaterialsSerializer, responses=s.EngagementSerializer)
    @action(detail=True, methods=["post"], url_path="set-materials")
    def set_materials(self, request: Request, pk: str) -> Response:
        """Record what was handed out; a quantity of 0 removes the line."""
        engagement = self.get_object()
        body = _body(s.SetMaterialsSerializer, request)
        quantities = {line["material"]: line["quantity"] for line in body["materials"]}
        services.set_materials(
            engagement, by=self.request.user, expected_version=body["version"], quantities=quantities
        )
        return self._answer(engagement.pk)

    @extend_schema(request=s.AddFollowUpSerializer, responses=s.EngagementSerializer)
    @action(detail=True, methods=["post"], url_path="add-follow-up")
    def add_follow_up(self, request: Request, pk: str) -> Response:
        """Add a follow-up action with its owner and due date."""
        engagement = self.get_object()
        body = _body(s.AddFollowUpSerializer, request)
        version = body.pop("version")
        services.add_follow_up(engagement, by=self.request.user, expected_version=version, **body)
        return self._answer(engagement.pk)

    def _follow_up(self, engagement: Engagement, pk: int) -> FollowUpAction:
        action: FollowUpAction | None = engagement.follow_ups.filter(pk=pk).first()
        if action is None:
            raise exceptions.ValidationError({"follow_up": ["This engagement has no follow-up with that id."]})
        return action

    @extend_schema(request=s.FollowUpMoveSerializer, responses=s.EngagementSerializer)
    @action(detail=True, methods=["post"], url_path="complete-follow-up")
    def complete_follow_up(self, request: Request, pk: str) -> Response:
        """Mark one of the engagement's follow-ups done (409 if it already is)."""
        engagement = self.get_object()
        body = _body(s.FollowUpMoveSerializer, request)
        follow_up = self._follow_up(engagement, body["follow_up"])
        services.complete_follow_up(
            follow_up, by=self.request.user, expected_version=body["version"], done_on=body.get("done_on")
        )
        return self._answer(engagement.pk)

    @extend_schema(request=s.FollowUpMoveSerializer, responses=s.EngagementSerializer)
    @action(detail=True, methods=["post"], url_path="reopen-follow-up")
    def reopen_follow_up(self, request: Request, pk: str) -> Response:
        """Undo "done" on one of the engagement's follow-ups."""
        engagement = self.get_object()
        body = _body(s.FollowUpMoveSerializer, request)
        follow_up = self._follow_up(engagement, body["follow_up"])
        services.reopen_follow_up(follow_up, by=self.request.user, expected_version=body["version"])
        return self._answer(engagement.pk)


# Managed lists, read-only: send their ids as `kind`, `material`, `commitment_type`
# and `reason`. Administrators keep them in the admin site.


class CommitmentTypeSerializer(ManagedListSerializer):
    needs_training_date = serializers.BooleanField(read_only=True)


EngagementKindViewSet = managed_list_viewset(
    EngagementKind, ManagedListSerializer, "Kinds of engagement.", roles=PARTNERS
)
CampaignMaterialViewSet = managed_list_viewset(
    CampaignMaterial, ManagedListSerializer, "Campaign materials.", roles=PARTNERS
)
CommitmentTypeViewSet = managed_list_viewset(
    CommitmentType, CommitmentTypeSerializer, "Partnership commitments.", roles=PARTNERS
)
EndReasonViewSet = managed_list_viewset(
    EndReason, ManagedListSerializer, "Why a partnership lapsed or ended.", roles=PARTNERS
)
