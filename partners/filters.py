"""FilterSets for the strand's lists: the pages use them now and the API will reuse them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet

from partners.models import OPEN_STATUSES, CommunityGroup, Engagement, EngagementKind, Partnership, Venue
from partners.search import group_label, search_groups, search_venues, venue_label
from tracker.core.filters import FilterSet, PickerFilter, Select
from tracker.core.forms import DateInput
from tracker.core.models import Area, User
from tracker.core.search import officer_label, search_users


def _lead_officer() -> PickerFilter:
    # Whoever led work may have left since: any partnership officer, active or not.
    officers = User.objects.filter(Q(is_partnership_officer=True) | Q(is_administrator=True))
    return PickerFilter(
        queryset=officers.select_related("organisation"),
        label="Lead officer",
        search=search_users,
        search_url_name="search-officers",
        noun="officer",
        describe=officer_label,
    )


def _searchable(value: str) -> str:
    # PostgreSQL refuses NUL characters in a query; nobody searches for one.
    return value.replace("\x00", "").strip()


def _search(fields: list[str]) -> Callable[[QuerySet[Any], str, str], QuerySet[Any]]:
    def method(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": _searchable(value)})
        return queryset.filter(condition)

    return method


NO_PARTNERSHIP = "none"


class GroupFilter(FilterSet):
    q = django_filters.CharFilter(label="Search", method=_search(["name"]))
    kind = django_filters.ChoiceFilter(choices=CommunityGroup.Kind.choices, empty_label="Any kind")
    area = django_filters.ModelChoiceFilter(queryset=Area.objects.all(), empty_label="Any area")
    active = django_filters.BooleanFilter(
        widget=forms.Select(choices=[("", "Active or not"), ("true", "Active"), ("false", "Not active")])
    )
    sort = django_filters.OrderingFilter(
        fields=(("name", "name"), ("kind", "kind"), ("area__name", "area")),
        field_labels={"name": "Name", "kind": "Kind", "area__name": "Area"},
        label="Sort by",
        empty_label="Default order",
        widget=Select,
    )

    class Meta:
        model = CommunityGroup
        fields = ["q", "kind", "area", "active"]


class VenueFilter(FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        help_text="Name, licence number, postcode or operator",
        method=_search(["name", "licence_number", "postcode", "operator"]),
    )
    kind = django_filters.ChoiceFilter(choices=Venue.Kind.choices, empty_label="Any kind")
    area = django_filters.ModelChoiceFilter(queryset=Area.objects.all(), empty_label="Any area")
    partnership = django_filters.ChoiceFilter(
        label="Partnership",
        help_text="“No partnership”: none open now (never had one, or it lapsed or was withdrawn)",
        choices=[(NO_PARTNERSHIP, "No partnership")]
        + [(value, label) for value, label in Partnership.Status.choices if value in OPEN_STATUSES],
        empty_label="Any partnership status",
        method="filter_partnership",
    )
    sort = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("licence_number", "licence"),
            ("postcode", "postcode"),
            ("area__name", "area"),
            ("latest_licensed_hour", "hour"),
        ),
        field_labels={
            "name": "Name",
            "licence_number": "Licence number",
            "postcode": "Postcode",
            "area__name": "Area",
            "latest_licensed_hour": "Latest licensed hour",
        },
        label="Sort by",
        empty_label="Default order",
        widget=Select,
    )

    class Meta:
        model = Venue
        fields = ["q", "kind", "area", "partnership"]

    def filter_partnership(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        """Venues by the status of their open partnership (a venue has at most one),
        or with none open: the venues an officer can sign up."""
        open_now = Partnership.objects.filter(venue=OuterRef("pk")).open()
        if value == NO_PARTNERSHIP:
            return queryset.filter(~Exists(open_now))
        return queryset.filter(Exists(open_now.filter(status=value)))


class PartnershipFilter(FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        help_text="Venue name or licence number",
        method=_search(["venue__name", "venue__licence_number"]),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Partnership.Status.choices, widget=forms.CheckboxSelectMultiple
    )
    area = django_filters.ModelChoiceFilter(
        field_name="venue__area", queryset=Area.objects.all(), empty_label="Any area"
    )
    lead_officer = _lead_officer()
    review_before = django_filters.DateFilter(
        field_name="next_review_on", lookup_expr="lte", label="Review due by", widget=DateInput
    )
    sort = django_filters.OrderingFilter(
        fields=(
            ("venue__name", "venue"),
            ("status", "status"),
            ("started_on", "started"),
            ("next_review_on", "review"),
        ),
        field_labels={
            "venue__name": "Venue",
            "status": "Status",
            "started_on": "Start date",
            "next_review_on": "Next review date",
        },
        label="Sort by",
        empty_label="Default order",
        widget=Select,
    )

    class Meta:
        model = Partnership
        fields = ["q", "status", "area", "lead_officer", "review_before"]


class EngagementFilter(FilterSet):
    q = django_filters.CharFilter(label="Search", help_text="Summary, group or venue name", method="search")
    kind = django_filters.ModelChoiceFilter(queryset=EngagementKind.objects.all(), empty_label="Any kind")
    area = django_filters.ModelChoiceFilter(queryset=Area.objects.all(), empty_label="Any area")
    lead_officer = _lead_officer()
    group = PickerFilter(
        field_name="groups",
        queryset=CommunityGroup.objects.all(),
        label="Community group",
        search=search_groups,
        search_url_name="search-groups",
        noun="community group",
        describe=group_label,
    )
    venue = PickerFilter(
        field_name="venues",
        queryset=Venue.objects.all(),
        label="Venue",
        search=search_venues,
        search_url_name="search-venues",
        noun="venue",
        describe=venue_label,
    )
    date_from = django_filters.DateFilter(
        field_name="starts_at__date", lookup_expr="gte", label="From", widget=DateInput
    )
    date_to = django_filters.DateFilter(field_name="starts_at__date", lookup_expr="lte", label="To", widget=DateInput)
    sort = django_filters.OrderingFilter(
        fields=(("starts_at", "date"), ("kind__name", "kind"), ("area__name", "area"), ("attendance", "attendance")),
        field_labels={"starts_at": "Date", "kind__name": "Kind", "area__name": "Area", "attendance": "Attendance"},
        label="Sort by",
        empty_label="Default order",
        widget=Select,
    )

    class Meta:
        model = Engagement
        fields = ["q", "kind", "area", "lead_officer", "group", "date_from", "date_to"]

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = _searchable(value)
        # A subquery keeps one row per engagement whatever the number of matches.
        matching = Engagement.objects.filter(
            Q(summary__icontains=value) | Q(groups__name__icontains=value) | Q(venues__name__icontains=value)
        ).values("pk")
        return queryset.filter(pk__in=matching)
