"""/api/v1/offenders/<id>/subject-access/: the disclosure pack as JSON, for the DPO
and administrators only.

Redactions: the answer carries the redactions of the person's latest subject access
request (latest by date received), so the API gives exactly what the request page's
pack gives; with no request recorded, nothing is redacted (the flagged items are
then only for the DPO's own review). Every answer is logged as a disclosure naming
the person (way: API), and recorded on that request as its production unless it is
closed. The pack itself comes from `subject_access.build_pack`, as the PDF does."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interventions.models import Offender
from tracker.core.access_log import log_access
from tracker.core.api.authentication import HasRole
from tracker.core.api.base import request_user
from tracker.core.models import AccessLog
from tracker.core.permissions import DATA_PROTECTION

from . import subject_access as sar
from .disclosure_pack import Pack, build_pack

REDACTED_NOTE = 'Text the DPO withheld (it would disclose another person\'s personal data) reads "[redacted]".'


def _text(help_text: str = "") -> serializers.CharField:
    return serializers.CharField(allow_blank=True, help_text=help_text)


class PackRequestSerializer(serializers.Serializer[Any]):
    reference = serializers.CharField()
    received_on = serializers.DateField()
    deadline = serializers.DateField(help_text="One calendar month after the request was received.")


class PackPersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    case_reference = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    date_of_birth = serializers.DateField()
    holding_organisation = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class PackMoveSerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    by_organisation = serializers.CharField(help_text="Staff are named by their organisation.")
    reason = _text("The coded reason, if the move needed one.")
    note = _text(REDACTED_NOTE)


class PackOffenceSerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    area = serializers.CharField()
    victim_role = serializers.CharField(help_text=REDACTED_NOTE)
    victim_injured = serializers.CharField(help_text="Yes or No. " + REDACTED_NOTE)
    charged_under_act = serializers.CharField(help_text="Yes or No.")


class PackReferralSerializer(serializers.Serializer[Any]):
    reference = serializers.CharField()
    programme = serializers.CharField()
    status = serializers.CharField()
    priority = serializers.CharField()
    referring_organisation = serializers.CharField()
    handling_organisation = serializers.CharField()
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    offence = PackOffenceSerializer()
    notes = _text(REDACTED_NOTE)
    moves = PackMoveSerializer(many=True, help_text="Every status move, oldest first.")


class PackSessionSerializer(serializers.Serializer[Any]):
    referral = serializers.CharField()
    scheduled_on = serializers.DateField()
    took_place = serializers.CharField()
    attendance = _text()
    reason_for_absence = _text()
    behaviour = _text()
    concern = serializers.CharField()
    concern_note = _text(REDACTED_NOTE)
    notes = _text(REDACTED_NOTE)
    recorded_by_organisation = serializers.CharField()


class PackFollowUpSerializer(serializers.Serializer[Any]):
    referral = serializers.CharField()
    due = serializers.DateField()
    result = _text("Blank until recorded.")
    recorded_at = serializers.DateTimeField(allow_null=True)
    note = _text(REDACTED_NOTE)


class PackOutcomeSerializer(serializers.Serializer[Any]):
    referral = serializers.CharField()
    date = serializers.DateField()
    outcome_type = serializers.CharField()
    rating = serializers.CharField()
    description = _text(REDACTED_NOTE)
    measure = _text()


class PackChangeSerializer(serializers.Serializer[Any]):
    field = serializers.CharField()
    old = _text("Blank for a record's creation and for free text (the earlier text is in the earlier entry).")
    new = _text(REDACTED_NOTE)


class PackHistorySerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    record = serializers.CharField()
    action = serializers.ChoiceField(choices=["Created", "Changed", "Deleted"])
    organisation = serializers.CharField(help_text="The organisation of whoever made the change.")
    changes = PackChangeSerializer(many=True)


class PackAccessSerializer(serializers.Serializer[Any]):
    organisation = serializers.CharField()
    count = serializers.IntegerField(min_value=0, help_text="Requests that showed the person's data.")
    first = serializers.DateTimeField()
    last = serializers.DateTimeField()


class PackRedactionSerializer(serializers.Serializer[Any]):
    where = serializers.CharField()
    kind = serializers.CharField()
    reason = serializers.CharField()


class DisclosurePackSerializer(serializers.Serializer[Any]):
    generated_at = serializers.DateTimeField()
    request = PackRequestSerializer(allow_null=True, help_text="The request whose redactions apply; null if none.")
    person = PackPersonSerializer()
    referrals = PackReferralSerializer(many=True)
    sessions = PackSessionSerializer(many=True)
    follow_ups = PackFollowUpSerializer(many=True)
    outcomes = PackOutcomeSerializer(many=True)
    history = PackHistorySerializer(many=True, help_text="Every change to the person's records, oldest first.")
    access = PackAccessSerializer(many=True, help_text="Which organisations consulted the person's data, and when.")
    redactions = PackRedactionSerializer(many=True, help_text="What was withheld and why (never the text).")


def pack_json(pack: Pack) -> bytes:
    """The pack as the API gives it, for the request page's JSON download too."""
    return JSONRenderer().render(DisclosurePackSerializer(pack.data).data, renderer_context={"indent": 2})


class SubjectAccessView(APIView):
    """The disclosure pack of one person."""

    allowed_roles = DATA_PROTECTION
    permission_classes = [permissions.IsAuthenticated, HasRole]

    @extend_schema(
        operation_id="offenders_subject_access",
        summary="Subject access: the disclosure pack",
        description="Everything held about the person: their details, referrals with every status move, "
        "sessions, follow-ups, outcomes, the history of changes (by organisation) and which organisations "
        "consulted their data. Data protection officers and administrators only. The redactions of the "
        "person's latest subject access request apply; with none recorded nothing is redacted. Each answer "
        "is logged as a disclosure and recorded on that request unless it is closed.",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The person's id.")],
        responses={200: DisclosurePackSerializer},
        tags=["data protection"],
    )
    def get(self, request: Request, id: int) -> Response:  # noqa: A002 - the path parameter's name
        user = request_user(request)
        person = get_object_or_404(Offender.objects.select_related("holding_organisation"), pk=id)
        latest = sar.latest_request_for(person)
        if latest is not None and latest.status != latest.Status.CLOSED:
            latest.person = person
            pack = sar.produce_pack(latest, by=user, way=AccessLog.Way.API, http_request=request._request)
        else:
            redactions = sar.redactions_of(latest) if latest is not None else {}
            pack = build_pack(person, redactions=redactions, request=latest)
            log_access(
                user, [person], action=AccessLog.Action.DISCLOSURE, way=AccessLog.Way.API, request=request._request
            )
        return Response(DisclosurePackSerializer(pack.data).data)
