"""What the partnership endpoints read and write. Writes are validated here and
carried out by partners.services; related records are referred to by id."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partners.forms import officers
from partners.models import (
    UK_POSTCODE,
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
from partners.services import allowed_moves
from tracker.core import validation
from tracker.core.api.base import MoveSerializer, VersionedSerializerMixin, VersionField, set_related_queryset
from tracker.core.models import Area, User


def _officer_field(**kwargs: Any) -> serializers.PrimaryKeyRelatedField[User]:
    return serializers.PrimaryKeyRelatedField(queryset=officers(), **kwargs)


def _active(queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.filter(active=True)


def _read_only(fields: dict[str, serializers.Field[Any, Any, Any, Any]], *names: str) -> None:
    for name in names:
        fields[name].read_only = True


# Community groups -----------------------------------------------------------------


class ContactSerializer(serializers.ModelSerializer[GroupContact]):
    """A contact person at a group: personal data, only ever sent to officers and
    administrators (the only roles that reach these endpoints)."""

    class Meta:
        model = GroupContact
        fields = ["id", "name", "role", "email", "phone"]


class CommunityGroupSerializer(VersionedSerializerMixin, serializers.ModelSerializer[CommunityGroup]):
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all())
    area_name = serializers.CharField(source="area.name", read_only=True)
    contacts = ContactSerializer(many=True, read_only=True)

    class Meta:
        model = CommunityGroup
        fields = ["id", "name", "kind", "area", "area_name", "active", "contacts", "version"]


class AddContactSerializer(ContactSerializer):
    version = VersionField()

    class Meta(ContactSerializer.Meta):
        fields = ["name", "role", "email", "phone", "version"]


class RemoveContactSerializer(serializers.Serializer[Any]):
    version = VersionField()
    contact = serializers.IntegerField(min_value=1, help_text="The id of one of this group's contacts.")


# Venues ---------------------------------------------------------------------------


@extend_schema_field({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "example": "02:00"})
class HourField(serializers.TimeField):
    """A time of day as HH:MM (a licence's latest hour has no seconds or offset)."""

    def __init__(self, **kwargs: Any):
        super().__init__(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"], **kwargs)


class VenueSerializer(VersionedSerializerMixin, serializers.ModelSerializer[Venue]):
    # The model's postcode pattern is case-insensitive Python syntax, which an
    # OpenAPI pattern cannot carry; the model validator checks it below.
    postcode = serializers.CharField(max_length=8, help_text="A UK postcode, like WR1 2AB.")
    latest_licensed_hour = HourField(
        required=False, allow_null=True, help_text="The latest time the licence allows, like 02:00."
    )
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all())
    area_name = serializers.CharField(source="area.name", read_only=True)
    open_partnership = serializers.SerializerMethodField(
        help_text="The id and status of the venue's open partnership, if it has one."
    )

    class Meta:
        model = Venue
        fields = [
            "id", "licence_number", "name", "address", "postcode", "area", "area_name", "kind",
            "latest_licensed_hour", "operator", "open_partnership", "version",
        ]  # fmt: skip

    def get_open_partnership(self, venue: Venue) -> dict[str, Any] | None:
        pk = getattr(venue, "partnership_id", None)
        if pk is None:
            return None
        return {"id": pk, "status": venue.partnership_status}  # type: ignore[attr-defined]  # annotated by the queryset

    def validate_postcode(self, value: str) -> str:
        value = value.upper().strip()
        try:
            UK_POSTCODE(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return value


# Partnerships ---------------------------------------------------------------------


class CommitmentSerializer(serializers.ModelSerializer[PartnershipCommitment]):
    commitment_type_name = serializers.CharField(source="commitment_type.name", read_only=True)

    class Meta:
        model = PartnershipCommitment
        fields = ["commitment_type", "commitment_type_name", "confirmed_on", "evidence", "staff_training_date"]


class PartnershipSerializer(VersionedSerializerMixin, serializers.ModelSerializer[Partnership]):
    venue = serializers.PrimaryKeyRelatedField(queryset=Venue.objects.all())
    venue_name = serializers.CharField(source="venue.name", read_only=True)
    lead_officer = _officer_field()
    lead_officer_username = serializers.CharField(source="lead_officer.username", read_only=True)
    started_on = serializers.DateField(required=False, help_text="Defaults to today.")
    allowed_moves = serializers.SerializerMethodField(help_text="The statuses this partnership can move to now.")
    commitments = CommitmentSerializer(many=True, read_only=True)

    class Meta:
        model = Partnership
        fields = [
            "id", "venue", "venue_name", "status", "started_on", "signed_up_on", "next_review_on", "ended_on",
            "end_reason", "lead_officer", "lead_officer_username", "allowed_moves", "commitments", "version",
        ]  # fmt: skip
        read_only_fields = ["status", "signed_up_on", "ended_on", "end_reason"]

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        if self.instance is not None and not getattr(self, "many", False):
            # After the start only the lead officer and the review date are edited;
            # everything else moves with the lifecycle.
            _read_only(fields, "venue", "started_on")
        else:
            _read_only(fields, "next_review_on")
        return fields

    def get_allowed_moves(self, partnership: Partnership) -> list[str]:
        return list(allowed_moves(partnership))

    def validate_started_on(self, value: date) -> date:
        if value > timezone.localdate():
            raise serializers.ValidationError("The start date cannot be in the future.")
        return value


class PartnershipMoveSerializer(MoveSerializer):
    on = serializers.DateField(required=False, help_text="The date the move took effect; defaults to today.")

    def validate_on(self, value: date) -> date:
        if value > timezone.localdate():
            raise serializers.ValidationError("The date cannot be in the future.")
        return value


class SignUpSerializer(PartnershipMoveSerializer):
    next_review_on = serializers.DateField(
        required=False,
        allow_null=True,
        validators=[validation.REVIEW_DATE],
        help_text="Defaults to 12 months after signing up.",
    )


class EndPartnershipSerializer(PartnershipMoveSerializer):
    reason = serializers.PrimaryKeyRelatedField(queryset=_active(EndReason.objects.all()))


class CommitmentLineSerializer(serializers.Serializer[Any]):
    commitment_type = serializers.PrimaryKeyRelatedField(queryset=_active(CommitmentType.objects.all()))
    confirmed_on = serializers.DateField()
    evidence = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    staff_training_date = serializers.DateField(required=False, allow_null=True, default=None)


class SetCommitmentsSerializer(serializers.Serializer[Any]):
    version = VersionField()
    commitments = CommitmentLineSerializer(
        many=True, help_text="The whole checklist: commitments left out are removed."
    )

    def validate_commitments(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        types = [line["commitment_type"].pk for line in value]
        if len(types) != len(set(types)):
            raise serializers.ValidationError("Each commitment may appear once.")
        return value


# Engagements ----------------------------------------------------------------------


class MaterialLineSerializer(serializers.ModelSerializer[EngagementMaterial]):
    material_name = serializers.CharField(source="material.name", read_only=True)

    class Meta:
        model = EngagementMaterial
        fields = ["material", "material_name", "quantity"]


class FollowUpActionSerializer(serializers.ModelSerializer[FollowUpAction]):
    owner_username = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = FollowUpAction
        fields = ["id", "description", "owner", "owner_username", "due_on", "done_on"]


class EngagementSerializer(VersionedSerializerMixin, serializers.ModelSerializer[Engagement]):
    kind = serializers.PrimaryKeyRelatedField(queryset=EngagementKind.objects.all())
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    lead_officer = _officer_field()
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all())
    groups = serializers.PrimaryKeyRelatedField(queryset=CommunityGroup.objects.all(), many=True, required=False)
    venues = serializers.PrimaryKeyRelatedField(queryset=Venue.objects.all(), many=True, required=False)
    materials = MaterialLineSerializer(many=True, read_only=True)
    follow_ups = FollowUpActionSerializer(many=True, read_only=True)

    class Meta:
        model = Engagement
        fields = [
            "id", "starts_at", "kind", "kind_name", "lead_officer", "area", "groups", "venues", "attendance",
            "summary", "materials", "follow_ups", "version",
        ]  # fmt: skip

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if isinstance(user, User):
            # Links only to records the user may see, as in the form.
            set_related_queryset(fields, "groups", CommunityGroup.objects.visible_to(user))
            set_related_queryset(fields, "venues", Venue.objects.visible_to(user))
        current = getattr(self.instance, "kind_id", None) if not getattr(self, "many", False) else None
        set_related_queryset(fields, "kind", EngagementKind.objects.filter(Q(active=True) | Q(pk=current)))
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None and not attrs.get("groups") and not attrs.get("venues"):
            raise serializers.ValidationError({"groups": ["Choose at least one community group or venue."]})
        return attrs


class MaterialQuantitySerializer(serializers.Serializer[Any]):
    material = serializers.PrimaryKeyRelatedField(queryset=_active(CampaignMaterial.objects.all()))
    quantity = serializers.IntegerField(
        min_value=0,
        max_value=validation.MAX_QUANTITY,
        validators=[validation.QUANTITY],
        help_text="0 removes the line.",
    )


class SetMaterialsSerializer(serializers.Serializer[Any]):
    version = VersionField()
    materials = MaterialQuantitySerializer(many=True, help_text="Lines to set; materials left out are kept.")

    def validate_materials(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ids = [line["material"].pk for line in value]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError("Each material may appear once.")
        return value


class AddFollowUpSerializer(serializers.Serializer[Any]):
    version = VersionField()
    description = serializers.CharField(max_length=300)
    owner = _officer_field()
    due_on = serializers.DateField(validators=[validation.FOLLOW_UP_DUE])


class FollowUpMoveSerializer(serializers.Serializer[Any]):
    version = VersionField()
    follow_up = serializers.IntegerField(min_value=1, help_text="The id of one of this engagement's follow-ups.")
    done_on = serializers.DateField(
        required=False, validators=[validation.FOLLOW_UP_DONE], help_text="Defaults to today (when marking done)."
    )
