"""/api/v1/reports/board/: the board report's figures as JSON, for every role that
may see the dashboard.

The numbers come from `figures.board()`, the same computation as the dashboard and
the PDF, and are unrounded. They are NOT small-number suppressed: the JSON is for
signed-in staff, like the dashboard's inputs; the PDF is the published document and
applies suppression when it is rendered (see suppression.py).

The response is described field by field so that the schema is a contract; each
section is fed by the key of the same name in `BoardFigures.as_dict()`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.assaults.models import VictimRole
from tracker.core.api.authentication import HasRole
from tracker.core.replica import read_from_replica
from tracker.reports import figures
from tracker.reports.forms import PeriodForm
from tracker.reports.permissions import EXACT_FIGURES, can_choose_dates

UNSUPPRESSED = (
    "Figures are exact and unrounded, and small counts are NOT suppressed: this answer is for the staff "
    "who keep the records. The board report PDF is the published document; it rounds for display and shows counts "
    "of 1 to 4, and others that would reveal them, as '[c]'."
)


class BoardQuerySerializer(serializers.Serializer[Any]):
    """The period and area, checked by the same rules as the dashboard's form: a
    whole period by its key, or dates. Board members (like everyone who may not
    choose dates on the dashboard) get whole periods that have ended only."""

    period = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=12,
        help_text="A whole period: a month '2018-07', a calendar quarter '2018-Q3', a financial year "
        "(April to March) 'FY2018' for 2018/19, or one of its quarters 'FY2018-Q2' (July to September 2018). "
        "Instead of `start` and `end`.",
    )
    start = serializers.DateField(
        required=False,
        help_text="First day of the period, YYYY-MM-DD (on or after 2000-01-01), when no `period` is given. "
        "Dates other than a whole month, quarter or financial year are for partnership officers and "
        "administrators only.",
    )
    end = serializers.DateField(
        required=False,
        help_text="Last day of the period, YYYY-MM-DD, inclusive; the same as or after `start`, "
        "at most 10 years after it, and not beyond next year.",
    )
    area = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="An area's name, exactly as in /api/v1/areas/; the whole force if left out.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        missing = [] if attrs.get("period") else [name for name in ("start", "end") if name not in attrs]
        if missing:
            raise serializers.ValidationError(
                {name: ["This field is required unless `period` is given."] for name in missing}
            )
        data = {name: value.isoformat() if isinstance(value, date) else value for name, value in attrs.items()}
        request = self.context.get("request")
        free_dates = request is not None and can_choose_dates(request.user)
        form = PeriodForm(data, free_dates=free_dates)
        if not form.is_valid():
            raise serializers.ValidationError({name: [str(e) for e in errors] for name, errors in form.errors.items()})
        return {"period": form.period, "area": form.chosen_area}


class PeriodSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField()
    days = serializers.IntegerField(help_text="Days in the period, both ends included.")


class VictimRoleCountsSerializer(serializers.Serializer[Any]):
    """Assaults by the role of the person assaulted; every role is present."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return {role.value: serializers.IntegerField(min_value=0, help_text=str(role.label)) for role in VictimRole}


class PeakSerializer(serializers.Serializer[Any]):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="Monday = 0.")
    hour = serializers.IntegerField(min_value=0, max_value=23, help_text="Local hour the cell starts.")
    count = serializers.IntegerField(min_value=0)


class ChangeSerializer(serializers.Serializer[Any]):
    start = serializers.DateField(help_text="First day of the comparison period.")
    end = serializers.DateField(help_text="Last day of the comparison period.")
    total = serializers.IntegerField(min_value=0, help_text="Assaults in the comparison period.")
    difference = serializers.IntegerField(help_text="This period's total minus the comparison period's.")
    percent = serializers.FloatField(
        allow_null=True, help_text="The difference as a percentage of the comparison total; null when that was 0."
    )


class MonthSerializer(serializers.Serializer[Any]):
    month = serializers.DateField(help_text="The first day of the calendar month.")
    total = serializers.IntegerField(min_value=0)
    with_injury = serializers.IntegerField(min_value=0)
    in_period = serializers.BooleanField(help_text="Whether the month overlaps the requested period.")


class AssaultFiguresSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField(min_value=0)
    with_injury = serializers.IntegerField(min_value=0)
    per_day = serializers.FloatField(help_text="total ÷ days in the period, unrounded.")
    officers = serializers.FloatField(
        allow_null=True,
        help_text="Officers in the force over the period: the day-weighted average of the workforce periods "
        "covering it; null if none does.",
    )
    staff = serializers.FloatField(allow_null=True, help_text="Police staff, averaged like `officers`.")
    workforce_days_covered = serializers.IntegerField(
        min_value=0, help_text="Days of the period that workforce figures cover."
    )
    officers_per_assault = serializers.FloatField(
        allow_null=True,
        help_text="officers ÷ total, unrounded. Null for one area (workforce figures are force-wide), "
        "with no assaults, or with no workforce figures.",
    )
    by_victim_role = VictimRoleCountsSerializer()
    charged = serializers.IntegerField(min_value=0, help_text="Assaults whose outcome is 'charged'.")
    by_weekday_hour = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(min_value=0), min_length=24, max_length=24),
        min_length=7,
        max_length=7,
        help_text="7 lists (Monday first) of 24 counts (00:00 to 23:00, local time).",
    )
    peaks = PeakSerializer(many=True, help_text="The weekday × hour cells with the highest count.")
    night_time_economy = serializers.IntegerField(
        min_value=0, help_text="Assaults from Friday to Sunday between 00:00 and 06:00 local time."
    )
    previous_period = ChangeSerializer(
        help_text="Against the month, quarter or financial year before; for other dates, the period of the "
        "same length just before."
    )
    year_earlier = ChangeSerializer(
        help_text="Against the same month, quarter or financial year a year earlier; for other dates, the "
        "same days a year earlier."
    )
    by_month = MonthSerializer(many=True, help_text="The 12 calendar months ending with the period's last month.")


def counts(help_text: str) -> serializers.DictField:
    return serializers.DictField(child=serializers.IntegerField(min_value=0), help_text=help_text)


def share(help_text: str) -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=f"{help_text} A fraction from 0 to 1; null with no cases.")


class BoardFollowUpActionsSerializer(serializers.Serializer[Any]):
    done_on_time = serializers.IntegerField(min_value=0)
    done_late = serializers.IntegerField(min_value=0)
    overdue = serializers.IntegerField(min_value=0)
    open_not_yet_due = serializers.IntegerField(min_value=0)


class BoardEngagementSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField(min_value=0, help_text="Engagements that took place in the period.")
    by_kind = counts("Engagements by kind (the managed list's names).")
    by_area = counts("Engagements by area.")
    groups_engaged = serializers.IntegerField(min_value=0, help_text="Distinct community groups engaged.")
    groups_engaged_first_time = serializers.IntegerField(min_value=0, help_text="Groups first engaged in the period.")
    venues_engaged = serializers.IntegerField(min_value=0)
    attendance = serializers.IntegerField(min_value=0, help_text="People who took part, summed.")
    materials_handed_out = counts("Quantities handed out by campaign material.")
    follow_ups = BoardFollowUpActionsSerializer(help_text="Follow-up actions due in the period.")


class BoardNightTimeEconomySerializer(serializers.Serializer[Any]):
    partnerships_by_status_at_end = counts("Venue partnerships by status on the period's last day.")
    signed_up_in_period = serializers.IntegerField(min_value=0)
    lapsed_in_period = serializers.IntegerField(min_value=0)
    withdrawn_in_period = serializers.IntegerField(min_value=0)
    live_at_end = serializers.IntegerField(min_value=0, help_text="Signed up or active on the period's last day.")
    commitment_share_of_live_partnerships = serializers.DictField(
        child=serializers.FloatField(allow_null=True), help_text="Each commitment's share of live partnerships."
    )
    commitment_counts = counts("Live partnerships keeping each commitment.")
    reviews_overdue_at_end = serializers.IntegerField(min_value=0)


class BoardOffenderBehaviourSerializer(serializers.Serializer[Any]):
    referrals_made = serializers.IntegerField(min_value=0, help_text="Referrals submitted in the period.")
    accepted = serializers.IntegerField(min_value=0)
    declined = serializers.IntegerField(min_value=0)
    declined_by_reason_group = counts("Declined referrals by reason group: person, provider, legal, other.")
    started = serializers.IntegerField(min_value=0)
    completed = serializers.IntegerField(min_value=0)
    not_completed = serializers.IntegerField(min_value=0)
    withdrawn = serializers.IntegerField(min_value=0)
    completion_rate = share("Completed out of completed and not completed.")
    median_days_submission_to_acceptance = serializers.FloatField(allow_null=True)
    median_days_acceptance_to_start = serializers.FloatField(allow_null=True)
    sessions_happened = serializers.IntegerField(min_value=0)
    sessions_attended = serializers.IntegerField(min_value=0, help_text="Attended, on time or late.")
    attendance_rate = share("Sessions attended out of sessions that took place.")
    outcome_ratings = counts("Intervention outcome ratings: achieved, partly_achieved, not_achieved.")
    follow_ups_due = serializers.IntegerField(min_value=0, help_text="Twelve-month follow-ups due in the period.")
    follow_ups_recorded = serializers.IntegerField(min_value=0)
    follow_ups_charged_again = serializers.IntegerField(min_value=0)
    charged_again_share = share("Charged with a further assault, of follow-ups recorded.")


class BoardOutcomesSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField(min_value=0)
    by_type_and_rating = serializers.DictField(
        child=counts("Count by rating."), help_text="For each outcome type, counts by rating."
    )
    by_strand = counts("Outcomes by strand: engagement, night_time_economy, offender_behaviour.")


class BoardFiguresSerializer(serializers.Serializer[Any]):
    period = PeriodSerializer()
    area = serializers.CharField(allow_null=True, help_text="The area's name; null for the whole force.")
    assaults = AssaultFiguresSerializer()
    engagement = BoardEngagementSerializer()
    night_time_economy = BoardNightTimeEconomySerializer()
    offender_behaviour = BoardOffenderBehaviourSerializer()
    outcomes = BoardOutcomesSerializer(help_text="Outcomes dated in the period, across the strands.")


class BoardFiguresView(APIView):
    """The board report's figures for a period and optionally one area."""

    allowed_roles = EXACT_FIGURES
    permission_classes = [permissions.IsAuthenticated, HasRole]

    @extend_schema(
        operation_id="reports_board_figures",
        summary="Board report figures",
        description=f"The figures of the board progress report for a whole `period`, or `start` to `end` "
        f"inclusive (whole days, Europe/London), for the whole force or one `area`. Users who may not choose "
        f"their own dates ask for whole months, quarters and financial years that have ended. {UNSUPPRESSED} "
        f"Board members get 403: their figures are the dashboard and the board report.",
        parameters=[
            # Declared one by one (rather than from BoardQuerySerializer) to carry
            # examples: the docs page's "Try it out" and the fuzzer start from a valid query.
            OpenApiParameter(
                name,
                OpenApiTypes.DATE if name != "area" else OpenApiTypes.STR,
                required=False,
                description=str(BoardQuerySerializer().fields[name].help_text),
                examples=[OpenApiExample(label, value=value) for label, value in examples],
            )
            for name, examples in (
                ("period", [("July to September 2018", "2018-Q3"), ("2018/19 financial year", "FY2018")]),
                ("start", [("July to September 2018", "2018-07-01")]),
                ("end", [("July to September 2018", "2018-09-30")]),
                ("area", [("Whole force", ""), ("One area", "Shropshire")]),
            )
        ],
        responses={
            200: BoardFiguresSerializer,
            400: OpenApiResponse(
                description="The period or area is not valid, or dates were given by a user who may choose "
                "whole periods only; the body names each field and what to do."
            ),
        },
        tags=["reports"],
    )
    def get(self, request: Request) -> Response:
        query = BoardQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        period, area = query.validated_data["period"], query.validated_data["area"]
        data = read_from_replica(request, lambda: BoardFiguresSerializer(figures.board(period, area).as_dict()).data)
        return Response(data)
