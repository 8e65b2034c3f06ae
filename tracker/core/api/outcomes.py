"""/api/v1/outcomes/: outcomes of every strand's records, scoped by each strand's
own visibility rules (registered with tracker.core.outcomes.register_subject)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.http import Http404
from rest_framework import exceptions, mixins, serializers

from tracker.core.access_log import consulted
from tracker.core.api.base import (
    ServiceCreateMixin,
    ServiceDestroyMixin,
    ServiceUpdateMixin,
    ServiceViewSet,
    VersionedSerializerMixin,
)
from tracker.core.filters import FilterSet, IdFilter
from tracker.core.models import Outcome, OutcomeType, User
from tracker.core.outcomes import (
    delete_outcome,
    people_of_outcomes,
    record_outcome,
    subject_types,
    update_outcome,
    visible_outcomes,
)
from tracker.core.permissions import ANY_ROLE
from tracker.core.roles import Role


def _subject_choices() -> list[tuple[str, str]]:
    return [(s.model._meta.label_lower, s.label) for s in subject_types()]


class OutcomeSerializer(VersionedSerializerMixin, serializers.ModelSerializer[Outcome]):
    subject_type = serializers.CharField(
        help_text="What the outcome is about, e.g. partners.engagement, partners.venuepartnership, "
        "interventions.referral."
    )
    subject_id = serializers.IntegerField(min_value=1, source="object_id")
    outcome_type = serializers.PrimaryKeyRelatedField(queryset=OutcomeType.objects.filter(active=True))
    recorded_by: serializers.Field[Any, Any, Any, Any] = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = Outcome
        fields = [
            "id",
            "subject_type",
            "subject_id",
            "date",
            "outcome_type",
            "rating",
            "description",
            "measure",
            "recorded_by",
            "version",
        ]

    def validate_subject_type(self, value: str) -> str:
        if value not in dict(_subject_choices()):
            raise serializers.ValidationError(f"Choose one of: {', '.join(dict(_subject_choices()))}.")
        return value

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        if self.instance is not None:
            # The subject of an outcome never changes.
            fields["subject_type"].read_only = True
            fields["subject_id"].read_only = True
        return fields


class OutcomeFilter(FilterSet):
    subject_type = django_filters.CharFilter(method="filter_subject_type")
    subject_id = IdFilter(field_name="object_id", label="Subject id")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    sort = django_filters.OrderingFilter(fields=("date", "id"))

    class Meta:
        model = Outcome
        fields = ["outcome_type", "rating"]

    def filter_subject_type(self, queryset: Any, name: str, value: str) -> Any:
        app_label, _, model = value.partition(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)


class OutcomeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceCreateMixin, ServiceUpdateMixin, ServiceDestroyMixin,
    ServiceViewSet,
):  # fmt: skip
    serializer_class = OutcomeSerializer
    filterset_class = OutcomeFilter
    allowed_roles = ANY_ROLE
    write_roles = frozenset({Role.OFFICER, Role.LIAISON, Role.ADMIN})
    queryset = Outcome.objects.none()
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> Any:
        return (
            visible_outcomes(self.request.user)
            .select_related("content_type", "outcome_type", "recorded_by")
            .order_by("-date", "-id")
        )

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        # Every answer that writes outcomes out names the people they are about (a
        # referral's outcomes are its person's) in the request's access-log row.
        if args and args[0] is not None:
            shown = args[0] if kwargs.get("many") else [args[0]]
            consulted(people=people_of_outcomes(shown))
        return super().get_serializer(*args, **kwargs)

    def _subject(self, subject_type: str, subject_id: int, user: User) -> Any:
        for subject in subject_types():
            if subject.model._meta.label_lower == subject_type:
                record = subject.visible(user).filter(pk=subject_id).first()
                if record is None:
                    raise exceptions.ValidationError({"subject_id": ["No such record, or not one you may see."]})
                if not subject.may_record(user, record):
                    raise exceptions.PermissionDenied("You may not record outcomes on this record.")
                return record
        raise Http404

    def _check_may_change(self, outcome: Outcome, user: User) -> None:
        model = outcome.content_type.model_class()
        self._subject(f"{model._meta.label_lower}", outcome.object_id, user)  # type: ignore[union-attr]  # the subject models are installed

    def create_record(self, data: dict[str, Any], *, by: Any) -> Outcome:
        subject = self._subject(data["subject_type"], data["object_id"], by)
        return record_outcome(
            subject, by=by, date=data["date"], outcome_type=data["outcome_type"], rating=data["rating"],
            description=data["description"], measure=data.get("measure"),
        )  # fmt: skip

    def update_record(self, instance: Outcome, changes: dict[str, Any], *, by: Any, expected_version: int) -> Outcome:
        self._check_may_change(instance, by)
        return update_outcome(instance, by=by, expected_version=expected_version, **changes)

    def delete_record(self, instance: Outcome, *, by: Any) -> None:
        self._check_may_change(instance, by)
        delete_outcome(instance, by=by)
