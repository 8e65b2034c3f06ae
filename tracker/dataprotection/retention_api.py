"""POST /api/v1/offenders/<id>/dispose/: dispose of a person's personal data through the
API, for the data protection officer and administrators only (others 403). The same
service as the page (`retention.decide_dispose`): the reason is recorded, the decision
too, and the answer is the pseudonymous stub that remains."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interventions.models import Offender
from tracker.core.api.authentication import HasRole
from tracker.core.api.base import request_user
from tracker.core.permissions import DATA_PROTECTION

from . import retention


class DisposeSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        max_length=2000,
        help_text="Why the personal data is disposed of (a review found it no longer needed, an erasure "
        "request…). Recorded with the disposal; do not name other people.",
    )


class DisposedPersonSerializer(serializers.ModelSerializer[Offender]):
    """What remains of a disposed person: a stub with no personal data."""

    class Meta:
        model = Offender
        fields = ["id", "case_reference", "first_name", "last_name", "date_of_birth", "disposed_at"]
        read_only_fields = fields


class ErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()


class DisposeOffenderView(APIView):
    allowed_roles = DATA_PROTECTION
    permission_classes = [permissions.IsAuthenticated, HasRole]

    @extend_schema(
        operation_id="offenders_dispose",
        tags=["data protection"],
        request=DisposeSerializer,
        responses={
            200: DisposedPersonSerializer,
            400: OpenApiResponse(ErrorSerializer, description="No reason given."),
            403: OpenApiResponse(ErrorSerializer, description="Not the data protection officer or an administrator."),
            404: OpenApiResponse(ErrorSerializer, description="No such person."),
            409: OpenApiResponse(ErrorSerializer, description="Already disposed of."),
        },
        summary="Dispose of a person's personal data",
        description="Erases the person's names, date of birth, case reference and every note on their records "
        "(history included), keeping a pseudonymous stub so that every figure stays the same. Allowed at or "
        "before the review date (an erasure request, say); the reason is recorded. Cannot be undone.",
    )
    def post(self, request: Request, pk: int) -> Response:
        person = get_object_or_404(Offender, pk=pk)
        body = DisposeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decision = retention.decide_dispose(person, by=request_user(request), reason=body.validated_data["reason"])
        return Response(DisposedPersonSerializer(decision.person).data)
