"""FilterSets for the referral, offender and programme lists (shared with the API).
The querysets they filter always come from `visible_to(user)`."""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from tracker.core.filters import FilterSet, IdFilter, Select
from tracker.core.forms import DateInput
from tracker.core.models import Area, Organisation

from .models import Programme, ReasonCode, Referral, Session, Status
from .statuses import OPEN_STATUSES


def _person_matches(word: str, prefix: str) -> Q:
    return (
        Q(**{f"{prefix}case_reference__icontains": word})
        | Q(**{f"{prefix}first_name__icontains": word})
        | Q(**{f"{prefix}last_name__icontains": word})
    )


def search_people(queryset: QuerySet[Any], value: str, prefix: str = "") -> QuerySet[Any]:
    """Case reference or any part of the name; each word must match."""
    for word in value.split()[:5]:
        queryset = queryset.filter(_person_matches(word, prefix))
    return queryset


# A referral's number as people write it: R00109, r109 or 109 with the R.
REFERENCE = re.compile(r"R0*(\d{1,12})", re.IGNORECASE)
# Urgent first, then high, then normal: the order the caseload's work queues use.
PRIORITY_RANK = Case(
    When(priority=Referral.Priority.URGENT, then=Value(0)),
    When(priority=Referral.Priority.HIGH, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


class ReferralFilter(FilterSet):
    TABS = [("unassigned", "Unassigned"), ("mine", "Assigned to me"), ("open", "All open"), ("closed", "Closed")]

    q = django_filters.CharFilter(
        label="Referral number, case reference or name",
        help_text="For example R00109, a case reference or a surname",
        method="filter_q",
    )
    tab = django_filters.ChoiceFilter(label="Show", choices=TABS, method="filter_tab", empty_label="All referrals")
    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label="Any status")
    programme = django_filters.ModelChoiceFilter(queryset=Programme.objects.all(), empty_label="Any programme")
    area = django_filters.ModelChoiceFilter(queryset=Area.objects.all(), empty_label="Any area")
    # Offered: only the organisations handling referrals the user can see (see __init__).
    handling_organisation = django_filters.ModelChoiceFilter(
        label="Handled by", queryset=Organisation.objects.none(), empty_label="Any organisation"
    )
    submitted_from = django_filters.DateFilter(
        label="Submitted from", field_name="submitted_at", lookup_expr="date__gte", widget=DateInput
    )
    submitted_to = django_filters.DateFilter(
        label="Submitted to", field_name="submitted_at", lookup_expr="date__lte", widget=DateInput
    )
    sort = django_filters.OrderingFilter(
        label="Sort by",
        empty_label="Default order",
        widget=Select,
        fields=(
            ("submitted_at", "submitted"),
            ("offender__last_name", "name"),
            ("status", "status"),
            ("priority_rank", "priority"),
            ("created_at", "created"),
        ),
        field_labels={
            "submitted": "Submitted (oldest first)",
            "-submitted": "Submitted (newest first)",
            "name": "Name",
            "-name": "Name (Z to A)",
            "priority": "Priority (urgent first)",
            "-priority": "Priority (normal first)",
        },
    )

    class Meta:
        model = Referral
        fields = ["q", "tab", "status", "programme", "area", "handling_organisation"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        visible = Referral.objects.visible_to(user) if user is not None else Referral.objects.none()
        self.filters["handling_organisation"].queryset = Organisation.objects.filter(
            pk__in=visible.values("handling_organisation_id")
        )

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # The rank the priority sort and the work-queue tabs order by.
        filtered: QuerySet[Any] = super().filter_queryset(queryset.annotate(priority_rank=PRIORITY_RANK))
        return filtered

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.replace("\x00", "").strip()
        number = REFERENCE.fullmatch(value)
        if number is None:
            return search_people(queryset, value, "offender__")
        # A referral number, or a case reference or name that looks like one.
        return queryset.filter(Q(pk=int(number.group(1))) | _person_matches(value, "offender__"))

    def filter_tab(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "unassigned":
            unassigned = queryset.filter(status__in=OPEN_STATUSES, assigned_liaison=None).exclude(status=Status.DRAFT)
            return unassigned.order_by("priority_rank", "-created_at", "-id")
        if value == "mine":
            # Work queues: urgent and high priority first (a chosen sort still wins).
            mine = queryset.filter(assigned_liaison=getattr(self.request, "user", None))
            return mine.order_by("priority_rank", "-created_at", "-id")
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES).order_by("priority_rank", "-created_at", "-id")
        if value == "closed":
            return queryset.exclude(status__in=OPEN_STATUSES)
        return queryset


class OffenderFilter(FilterSet):
    q = django_filters.CharFilter(label="Case reference or name", method="filter_q")
    sort = django_filters.OrderingFilter(
        label="Sort by",
        empty_label="Default order",
        widget=Select,
        fields=(("last_name", "name"), ("case_reference", "reference"), ("date_of_birth", "born")),
        field_labels={"born": "Date of birth", "-born": "Date of birth (youngest first)"},
    )

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return search_people(queryset, value)


class ProgrammeFilter(FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    setting = django_filters.ChoiceFilter(choices=Programme.Setting.choices, empty_label="Any setting")
    provider = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(), empty_label="Any provider", widget=forms.Select
    )
    sort = django_filters.OrderingFilter(
        label="Sort by",
        empty_label="Default order",
        widget=Select,
        fields=(("name", "name"), ("planned_sessions", "sessions")),
    )

    class Meta:
        model = Programme
        fields = ["name", "setting", "provider"]


class ReasonCodeFilter(FilterSet):
    """The API's reason-code list (the pages offer reasons inside each move's form)."""

    class Meta:
        model = ReasonCode
        fields = ["group", "active"]


class SessionFilter(FilterSet):
    """The API's session list (the pages show sessions on the referral)."""

    # An id, not a choice among all referrals: an unseen referral's id must look like any other.
    referral = IdFilter(field_name="referral_id", label="Referral")
    scheduled_from = django_filters.DateFilter(field_name="scheduled_on", lookup_expr="gte")
    scheduled_to = django_filters.DateFilter(field_name="scheduled_on", lookup_expr="lte")
    sort = django_filters.OrderingFilter(fields=(("scheduled_on", "scheduled"), ("id", "id")))

    class Meta:
        model = Session
        fields = ["concern"]
