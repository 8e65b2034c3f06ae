"""Request and response bodies of the offender behaviour API. Validation of shape
only; every rule about what may change is the services'."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.core.access_log import consulted
from tracker.core.api.base import MoveSerializer, VersionedSerializerMixin, request_user, set_related_queryset
from tracker.core.models import Organisation, Outcome, OutcomeType, User

from ..models import FollowUp, Offender, Programme, ReasonCode, Referral, Session
from ..querysets import assignable_liaisons

HANDLING_KINDS = [Organisation.Kind.PROBATION, Organisation.Kind.PRISON]


def _user(serializer: serializers.Serializer[Any]) -> User:
    return request_user(serializer.context["request"])


class OffenderSerializer(VersionedSerializerMixin, serializers.ModelSerializer[Offender]):
    confirm_duplicate = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Send true to add a person whose name and date of birth match an existing record "
        "after checking it is a different person.",
    )

    class Meta:
        model = Offender
        fields = ["id", "case_reference", "first_name", "last_name", "date_of_birth", "confirm_duplicate"]
        # The model's field validators (characters of a case reference, date of birth
        # range) apply; the service checks clashes among the people the caller can see
        # and answers 400. No uniqueness validator: it would look at every record.
        validators: list[Any] = []

    def to_representation(self, instance: Offender) -> dict[str, Any]:
        consulted([instance])  # the answer's access-log row names everyone written out
        return dict(super().to_representation(instance))


class PersonSerializer(serializers.ModelSerializer[Offender]):
    """The person a referral is about, as its readers may see them."""

    class Meta:
        model = Offender
        fields = ["id", "case_reference", "first_name", "last_name", "date_of_birth"]
        read_only_fields = fields

    def to_representation(self, instance: Offender) -> dict[str, Any]:
        consulted([instance])
        return dict(super().to_representation(instance))


class ReferralFollowUpSerializer(serializers.ModelSerializer[FollowUp]):
    # Blank until the follow-up is recorded.
    result = serializers.ChoiceField(choices=FollowUp.Result.choices, allow_blank=True, read_only=True)

    class Meta:
        model = FollowUp
        fields = ["id", "due", "result", "note", "recorded_at", "version"]
        read_only_fields = fields


class ReferralSerializer(VersionedSerializerMixin, serializers.ModelSerializer[Referral]):
    reference = serializers.CharField(read_only=True)
    person = PersonSerializer(source="offender", read_only=True)
    offender = serializers.PrimaryKeyRelatedField(
        queryset=Offender.objects.none(), help_text="The person (an id from /api/v1/offenders/); fixed once made."
    )
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.none())
    handling_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(), help_text="A probation service or prison; fixed once made."
    )
    referred_by: serializers.Field[Any, Any, Any, Any] = serializers.StringRelatedField(read_only=True)
    assigned_liaison_name = serializers.CharField(source="assigned_liaison", read_only=True, allow_null=True)
    follow_up = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "reference",
            "offender",
            "person",
            "programme",
            "handling_organisation",
            "offence_date",
            "area",
            "victim_role",
            "injury",
            "charged_under_act",
            "priority",
            "notes",
            "status",
            "referring_organisation",
            "referred_by",
            "assigned_liaison",
            "assigned_liaison_name",
            "created_at",
            "submitted_at",
            "accepted_at",
            "started_at",
            "ended_at",
            "follow_up",
        ]
        read_only_fields = [
            "status",
            "referring_organisation",
            "assigned_liaison",
            "created_at",
            "submitted_at",
            "accepted_at",
            "started_at",
            "ended_at",
        ]

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and getattr(request.user, "is_authenticated", False):
            set_related_queryset(fields, "offender", Offender.objects.visible_to(request.user))
            current = Q(pk=self.instance.programme_id) if isinstance(self.instance, Referral) else Q()
            set_related_queryset(fields, "programme", Programme.objects.filter(Q(active=True) | current))
            set_related_queryset(
                fields, "handling_organisation", Organisation.objects.filter(kind__in=HANDLING_KINDS, active=True)
            )
        if isinstance(self.instance, Referral):
            # Who the referral is about and who handles it are fixed once made (as in the UI).
            fields["offender"].read_only = True
            fields["handling_organisation"].read_only = True
        return fields

    @extend_schema_field(ReferralFollowUpSerializer(allow_null=True))
    def get_follow_up(self, referral: Referral) -> dict[str, Any] | None:
        if referral.status not in {"completed", "not_completed"}:
            return None
        record = getattr(referral, "follow_up", None)
        return None if record is None else dict(self._follow_up_serializer.to_representation(record))

    @cached_property
    def _follow_up_serializer(self) -> ReferralFollowUpSerializer:
        # One for the whole list: building a serializer's fields per row cost more than the row.
        return ReferralFollowUpSerializer()


# Referral moves -------------------------------------------------------------


class ReasonMoveSerializer(MoveSerializer):
    reason = serializers.PrimaryKeyRelatedField(
        queryset=ReasonCode.objects.filter(active=True), help_text="An id from /api/v1/reason-codes/."
    )


class AcceptSerializer(MoveSerializer):
    """Accepting assigns the referral: to you, unless `assignee` names another liaison
    of the handling organisation (or is null: nobody yet)."""

    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(),
        allow_null=True,
        required=False,
        help_text="A liaison of the handling organisation; left out, the referral is assigned to you.",
    )

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        referral: Referral | None = self.context.get("referral")
        if referral is not None:
            set_related_queryset(fields, "assignee", assignable_liaisons(referral))
        return fields


class RatingSerializer(serializers.Serializer[Any]):
    outcome_type = serializers.PrimaryKeyRelatedField(queryset=OutcomeType.objects.all())
    rating = serializers.ChoiceField(choices=Outcome.Rating.choices)
    comment = serializers.CharField(max_length=2000)


class CompleteSerializer(MoveSerializer):
    """The end-of-intervention summary: one rating and comment for each of the
    programme's desired outcomes (GET /api/v1/programmes/{id}/ lists them)."""

    # many=True passes max_length on to the ListSerializer; the stubs do not know it.
    ratings = RatingSerializer(many=True, max_length=100)  # type: ignore[call-arg]
    confirm_fewer_sessions = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Send true to complete a referral whose person attended fewer sessions than the programme "
        "plans; without it such a completion is refused with 409. The status change records it.",
    )

    def validate_ratings(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        referral: Referral = self.context["referral"]
        desired = {t.pk: t.name for t in referral.programme.desired_outcomes.all()}
        given = [row["outcome_type"].pk for row in value]
        if len(given) != len(set(given)):
            raise serializers.ValidationError("Rate each outcome once.")
        unexpected = set(given) - set(desired)
        if unexpected:
            raise serializers.ValidationError(
                f"Not a desired outcome of this programme: {', '.join(str(i) for i in sorted(unexpected))}."
            )
        missing = [name for pk, name in desired.items() if pk not in given]
        if missing:
            raise serializers.ValidationError("Rate every desired outcome: " + ", ".join(missing) + ".")
        return value

    def rating_map(self) -> dict[int, tuple[str, str]]:
        return {row["outcome_type"].pk: (row["rating"], row["comment"]) for row in self.validated_data["ratings"]}


class AssignSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, help_text="The referral's version you read.")
    liaison = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(),
        allow_null=True,
        help_text="A liaison of the handling organisation, or null for nobody.",
    )

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        referral: Referral | None = self.context.get("referral")
        if referral is not None:
            set_related_queryset(fields, "liaison", assignable_liaisons(referral))
        return fields


class FollowUpRecordSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, help_text="The follow-up's version you read (follow_up.version).")
    result = serializers.ChoiceField(choices=FollowUp.Result.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


# Sessions -------------------------------------------------------------------


class SessionSerializer(VersionedSerializerMixin, serializers.ModelSerializer[Session]):
    referral = serializers.PrimaryKeyRelatedField(queryset=Referral.objects.none())
    recorded_by: serializers.Field[Any, Any, Any, Any] = serializers.StringRelatedField(read_only=True)
    happened = serializers.BooleanField(default=True, help_text="Whether the session took place.")
    attendance = serializers.ChoiceField(choices=Session.Attendance.choices, required=False, allow_blank=True)
    absence = serializers.ChoiceField(choices=Session.Absence.choices, required=False, allow_blank=True)
    behaviour = serializers.ChoiceField(choices=Session.Behaviour.choices, required=False, allow_null=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "referral",
            "scheduled_on",
            "happened",
            "attendance",
            "absence",
            "behaviour",
            "concern",
            "concern_note",
            "concern_acknowledged_at",
            "notes",
            "recorded_by",
        ]
        read_only_fields = ["concern_acknowledged_at"]

    def to_representation(self, instance: Session) -> dict[str, Any]:
        # A session (attendance, behaviour, notes) is about the referral's person,
        # whom the caller can name from the referral id.
        consulted(people=[instance.referral.offender_id])
        return dict(super().to_representation(instance))

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and getattr(request.user, "is_authenticated", False):
            set_related_queryset(fields, "referral", Referral.objects.visible_to(request.user))
        return fields


# Reference lists ------------------------------------------------------------


class ProgrammeSerializer(serializers.ModelSerializer[Programme]):
    class Meta:
        model = Programme
        fields = ["id", "name", "description", "provider", "setting", "planned_sessions", "desired_outcomes", "active"]
        read_only_fields = fields


class ReasonCodeSerializer(serializers.ModelSerializer[ReasonCode]):
    class Meta:
        model = ReasonCode
        fields = ["id", "name", "description", "group", "active"]
        read_only_fields = fields
