"""The strands' figures for the board report: community engagement, the night-time
economy (venue partnerships), offender behaviour and outcomes.

Part of the figures module (`figures.board()` puts them together): every number is
a SQL aggregate over a period of whole local days and optionally one area, in a fixed
number of queries whatever the amount of data. Numbers are unrounded.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.utils import timezone

from interventions.models import FollowUp, ReasonCode, Referral, ReferralTransition, Session, Status
from partners.models import (
    LIVE_STATUSES,
    Engagement,
    EngagementMaterial,
    FollowUpAction,
    Partnership,
    PartnershipCommitment,
    PartnershipStatus,
    PartnershipTransition,
)
from tracker.core.models import Area, Outcome
from tracker.reports.periods import Period


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# Community engagement -------------------------------------------------------------


@dataclass
class EngagementFigures:
    total: int
    by_kind: dict[str, int]
    by_area: dict[str, int]
    groups_engaged: int
    groups_first_engaged: int
    venues_engaged: int
    attendance: int
    materials: dict[str, int]
    follow_ups_on_time: int
    follow_ups_late: int
    follow_ups_overdue: int
    follow_ups_open: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_kind": dict(self.by_kind),
            "by_area": dict(self.by_area),
            "groups_engaged": self.groups_engaged,
            "groups_engaged_first_time": self.groups_first_engaged,
            "venues_engaged": self.venues_engaged,
            "attendance": self.attendance,
            "materials_handed_out": dict(self.materials),
            "follow_ups": {
                "done_on_time": self.follow_ups_on_time,
                "done_late": self.follow_ups_late,
                "overdue": self.follow_ups_overdue,
                "open_not_yet_due": self.follow_ups_open,
            },
        }


def engagement(period: Period, area: Area | None = None, *, today: date | None = None) -> EngagementFigures:
    """Engagements that took place in the period. Follow-ups are those due in it:
    done by their due date, done after it, or still not done after it."""
    in_period = Q(starts_at__gte=period.starts_at, starts_at__lt=period.ends_before)
    engagements = Engagement.objects.filter(in_period)
    if area is not None:
        engagements = engagements.filter(area=area)
    by_kind = dict(engagements.values_list("kind__name").annotate(n=Count("id")).order_by("kind__name"))
    by_area = dict(engagements.values_list("area__name").annotate(n=Count("id")).order_by("area__name"))
    # Separate aggregates: summing attendance across the group and venue joins would
    # count an engagement with two groups twice.
    attendance = engagements.aggregate(n=Sum("attendance"))["n"] or 0
    groups_engaged = Engagement.groups.through.objects.filter(engagement__in=engagements).aggregate(
        n=Count("communitygroup", distinct=True)
    )["n"]
    venues_engaged = Engagement.venues.through.objects.filter(engagement__in=engagements).aggregate(
        n=Count("venue", distinct=True)
    )["n"]
    # A group is engaged for the first time if its earliest engagement ever is in the period.
    firsts = (
        Engagement.groups.through.objects.filter(communitygroup__in=engagements.values("groups"))
        .values("communitygroup")
        .annotate(first=Min("engagement__starts_at"))
        # The Django plugin does not see the `first` annotation on the through model, hence the ignore.
        .filter(first__gte=period.starts_at, first__lt=period.ends_before)  # type: ignore[misc]
        .count()
    )
    materials = dict(
        EngagementMaterial.objects.filter(engagement__in=engagements)
        .values_list("material__name")
        .annotate(n=Sum("quantity"))
        .order_by("material__name")
    )
    cutoff = min(today or timezone.localdate(), period.end + timedelta(days=1))
    follow_ups = FollowUpAction.objects.filter(due_on__gte=period.start, due_on__lte=period.end)
    if area is not None:
        follow_ups = follow_ups.filter(engagement__area=area)
    counts = follow_ups.aggregate(
        on_time=Count("id", filter=Q(done_on__isnull=False, done_on__lte=F("due_on"))),
        late=Count("id", filter=Q(done_on__gt=F("due_on"))),
        overdue=Count("id", filter=Q(done_on__isnull=True, due_on__lt=cutoff)),
        open=Count("id", filter=Q(done_on__isnull=True, due_on__gte=cutoff)),
    )
    return EngagementFigures(
        total=sum(by_kind.values()),
        by_kind=by_kind,
        by_area=by_area,
        groups_engaged=groups_engaged,
        groups_first_engaged=firsts,
        venues_engaged=venues_engaged,
        attendance=attendance,
        materials={k: int(v) for k, v in materials.items()},
        follow_ups_on_time=counts["on_time"],
        follow_ups_late=counts["late"],
        follow_ups_overdue=counts["overdue"],
        follow_ups_open=counts["open"],
    )


# Night-time economy ---------------------------------------------------------------


@dataclass
class NightTimeEconomyFigures:
    by_status_at_end: dict[str, int]
    signed_up: int
    lapsed: int
    withdrawn: int
    active_at_end: int
    commitments: dict[str, float | None]
    commitment_counts: dict[str, int]
    reviews_overdue: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "partnerships_by_status_at_end": dict(self.by_status_at_end),
            "signed_up_in_period": self.signed_up,
            "lapsed_in_period": self.lapsed,
            "withdrawn_in_period": self.withdrawn,
            "live_at_end": self.active_at_end,
            "commitment_share_of_live_partnerships": dict(self.commitments),
            "commitment_counts": dict(self.commitment_counts),
            "reviews_overdue_at_end": self.reviews_overdue,
        }


def night_time_economy(period: Period, area: Area | None = None) -> NightTimeEconomyFigures:
    """Venue partnerships. The status at the end of the period is the last move on or
    before the period's last day, so later moves do not rewrite the past."""
    partnerships: QuerySet[Partnership] = Partnership.objects.filter(started_on__lte=period.end)
    if area is not None:
        partnerships = partnerships.filter(venue__area=area)
    last_moves = (
        PartnershipTransition.objects.filter(partnership__in=partnerships, on__lte=period.end)
        .values("partnership")
        .annotate(last=Max("id"))
        .values("last")
    )
    status_rows = (
        PartnershipTransition.objects.filter(id__in=last_moves)
        .values_list("to_status")
        .annotate(n=Count("id"))
        .order_by("to_status")
    )
    by_status = {value: 0 for value in Partnership.Status.values}
    by_status.update(dict(status_rows))
    live_ids = PartnershipTransition.objects.filter(id__in=last_moves, to_status__in=LIVE_STATUSES).values(
        "partnership"
    )
    moves = PartnershipTransition.objects.filter(
        partnership__in=partnerships, on__gte=period.start, on__lte=period.end
    ).aggregate(
        signed_up=Count("id", filter=Q(to_status=PartnershipStatus.SIGNED_UP)),
        lapsed=Count("id", filter=Q(to_status=PartnershipStatus.LAPSED)),
        withdrawn=Count("id", filter=Q(to_status=PartnershipStatus.WITHDRAWN)),
    )
    live = sum(by_status[status] for status in LIVE_STATUSES)
    commitment_counts = dict(
        PartnershipCommitment.objects.filter(partnership__in=live_ids, confirmed_on__lte=period.end)
        .values_list("commitment_type__name")
        .annotate(n=Count("partnership", distinct=True))
        .order_by("commitment_type__name")
    )
    overdue = partnerships.filter(pk__in=live_ids, next_review_on__lt=period.end).count()
    return NightTimeEconomyFigures(
        by_status_at_end=by_status,
        signed_up=moves["signed_up"],
        lapsed=moves["lapsed"],
        withdrawn=moves["withdrawn"],
        active_at_end=live,
        commitments={name: _ratio(n, live) for name, n in commitment_counts.items()},
        commitment_counts=commitment_counts,
        reviews_overdue=overdue,
    )


# Offender behaviour ---------------------------------------------------------------


@dataclass
class OffenderFigures:
    made: int
    accepted: int
    declined: int
    declined_by_reason_group: dict[str, int]
    started: int
    completed: int
    not_completed: int
    withdrawn: int
    median_days_to_accept: float | None
    median_days_to_start: float | None
    sessions_happened: int
    sessions_attended: int
    outcome_ratings: dict[str, int]
    follow_ups_due: int
    follow_ups_done: int
    follow_ups_charged_again: int

    @property
    def completion_rate(self) -> float | None:
        return _ratio(self.completed, self.completed + self.not_completed)

    @property
    def attendance_rate(self) -> float | None:
        return _ratio(self.sessions_attended, self.sessions_happened)

    @property
    def charged_again_share(self) -> float | None:
        return _ratio(self.follow_ups_charged_again, self.follow_ups_done)

    def as_dict(self) -> dict[str, Any]:
        return {
            "referrals_made": self.made,
            "accepted": self.accepted,
            "declined": self.declined,
            "declined_by_reason_group": dict(self.declined_by_reason_group),
            "started": self.started,
            "completed": self.completed,
            "not_completed": self.not_completed,
            "withdrawn": self.withdrawn,
            "completion_rate": self.completion_rate,
            "median_days_submission_to_acceptance": self.median_days_to_accept,
            "median_days_acceptance_to_start": self.median_days_to_start,
            "sessions_happened": self.sessions_happened,
            "sessions_attended": self.sessions_attended,
            "attendance_rate": self.attendance_rate,
            "outcome_ratings": dict(self.outcome_ratings),
            "follow_ups_due": self.follow_ups_due,
            "follow_ups_recorded": self.follow_ups_done,
            "follow_ups_charged_again": self.follow_ups_charged_again,
            "charged_again_share": self.charged_again_share,
        }


def _median_days(pairs: list[tuple[Any, Any]]) -> float | None:
    days = [(later - earlier).total_seconds() / 86400 for earlier, later in pairs if earlier and later]
    return statistics.median(days) if days else None


def offenders(period: Period, area: Area | None = None) -> OffenderFigures:
    """Referrals by the moves made in the period (a referral made in March and
    accepted in April counts as made in March and accepted in April)."""
    referrals = Referral.objects.all()
    if area is not None:
        referrals = referrals.filter(area=area)
    moves = ReferralTransition.objects.filter(
        referral__in=referrals, at__gte=period.starts_at, at__lt=period.ends_before
    )
    counts = moves.aggregate(
        made=Count("id", filter=Q(to_status=Status.SUBMITTED)),
        accepted=Count("id", filter=Q(to_status=Status.ACCEPTED)),
        declined=Count("id", filter=Q(to_status=Status.DECLINED)),
        started=Count("id", filter=Q(to_status=Status.STARTED)),
        completed=Count("id", filter=Q(to_status=Status.COMPLETED)),
        not_completed=Count("id", filter=Q(to_status=Status.NOT_COMPLETED)),
        withdrawn=Count("id", filter=Q(to_status=Status.WITHDRAWN)),
    )
    by_group = {value: 0 for value in ReasonCode.Group.values}
    by_group.update(
        dict(
            moves.filter(to_status=Status.DECLINED, reason__isnull=False)
            .values_list("reason__group")
            .annotate(n=Count("id"))
            .order_by("reason__group")
        )
    )
    in_period = {"gte": period.starts_at, "lt": period.ends_before}
    to_accept = list(
        referrals.filter(accepted_at__gte=in_period["gte"], accepted_at__lt=in_period["lt"]).values_list(
            "submitted_at", "accepted_at"
        )
    )
    to_start = list(
        referrals.filter(started_at__gte=in_period["gte"], started_at__lt=in_period["lt"]).values_list(
            "accepted_at", "started_at"
        )
    )
    sessions = Session.objects.filter(
        referral__in=referrals, scheduled_on__gte=period.start, scheduled_on__lte=period.end, happened=True
    ).aggregate(
        happened=Count("id"),
        attended=Count("id", filter=Q(attendance__in=["attended", "late"])),
    )
    referral_type = ContentType.objects.get_for_model(Referral)
    ratings = dict(
        Outcome.objects.filter(
            content_type=referral_type,
            object_id__in=referrals.values("pk"),
            date__gte=period.start,
            date__lte=period.end,
        )
        .values_list("rating")
        .annotate(n=Count("id"))
        .order_by("rating")
    )
    follow_ups = FollowUp.objects.filter(referral__in=referrals, due__gte=period.start, due__lte=period.end).aggregate(
        due=Count("id"),
        done=Count("id", filter=Q(result__in=["yes", "no"])),
        charged=Count("id", filter=Q(result="yes")),
    )
    return OffenderFigures(
        made=counts["made"],
        accepted=counts["accepted"],
        declined=counts["declined"],
        declined_by_reason_group=by_group,
        started=counts["started"],
        completed=counts["completed"],
        not_completed=counts["not_completed"],
        withdrawn=counts["withdrawn"],
        median_days_to_accept=_median_days(to_accept),
        median_days_to_start=_median_days(to_start),
        sessions_happened=sessions["happened"],
        sessions_attended=sessions["attended"],
        outcome_ratings={value: ratings.get(value, 0) for value in Outcome.Rating.values},
        follow_ups_due=follow_ups["due"],
        follow_ups_done=follow_ups["done"],
        follow_ups_charged_again=follow_ups["charged"],
    )


# Outcomes across the strands ---------------------------------------------------------


@dataclass
class OutcomeFigures:
    by_type_and_rating: dict[str, dict[str, int]]
    by_strand: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_strand.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_type_and_rating": {k: dict(v) for k, v in self.by_type_and_rating.items()},
            "by_strand": dict(self.by_strand),
        }


STRANDS = {
    "engagement": (Engagement, "area"),
    "night_time_economy": (Partnership, "venue__area"),
    "offender_behaviour": (Referral, "area"),
}


def outcomes(period: Period, area: Area | None = None) -> OutcomeFigures:
    """Outcomes dated in the period, on any strand's records (in one area: records of
    that area)."""
    condition = Q(pk__in=[])
    strand_of: dict[int, str] = {}
    for strand, (model, area_path) in STRANDS.items():
        content_type = ContentType.objects.get_for_model(model)  # cached: no query after the first
        strand_of[content_type.pk] = strand
        records = model._default_manager.all()
        if area is not None:
            records = records.filter(**{area_path: area})
        condition |= Q(content_type=content_type, object_id__in=records.values("pk"))
    rows = (
        Outcome.objects.filter(condition, date__gte=period.start, date__lte=period.end)
        .values_list("content_type", "outcome_type__name", "rating")
        .annotate(n=Count("id"))
        .order_by("outcome_type__name", "rating")
    )
    by_type: dict[str, dict[str, int]] = {}
    by_strand = dict.fromkeys(STRANDS, 0)
    for content_type_id, type_name, rating, n in rows:
        by_type.setdefault(type_name, dict.fromkeys(Outcome.Rating.values, 0))[rating] += n
        by_strand[strand_of[content_type_id]] += n
    return OutcomeFigures(by_type_and_rating=by_type, by_strand=by_strand)


def everything(period: Period, area: Area | None = None, *, today: date | None = None) -> dict[str, Any]:
    """The four strand sections, for figures.board()."""
    return {
        "engagement": engagement(period, area, today=today),
        "night_time_economy": night_time_economy(period, area),
        "offender_behaviour": offenders(period, area),
        "outcomes": outcomes(period, area),
    }
