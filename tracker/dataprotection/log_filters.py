"""Filters over the consultation log, shared by the log page and /api/v1/access-log/.
Periods are local days, applied as ranges on the indexed time column."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from tracker.core.filters import FilterSet, IdFilter
from tracker.core.forms import DateInput
from tracker.core.models import AccessLog, User

from . import consultations

SIGN_IN_ACTIONS = [AccessLog.Action.SIGN_IN, AccessLog.Action.SIGN_IN_FAILED]


class AccessLogFilter(FilterSet):
    """The API's filters: a person by id, a user by username, and the first day."""

    person = IdFilter(label="Person", method="filter_person", help_text="The person's id (an offender id).")
    user = django_filters.CharFilter(
        label="User", method="filter_user", max_length=150, help_text="A username, exactly."
    )
    since = django_filters.DateFilter(
        label="From", method="filter_since", widget=DateInput, help_text="The first day, YYYY-MM-DD (local time)."
    )

    class Meta:
        model = AccessLog
        fields: list[str] = []

    def filter_person(self, queryset: QuerySet[Any], name: str, value: int) -> QuerySet[Any]:
        return queryset.filter(pk__in=consultations.logs_showing([value]).values("pk"))

    def filter_user(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(user__username=value)

    def filter_since(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset.filter(consultations.day_bounds(value, None))

    def filter_until(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset.filter(consultations.day_bounds(None, value))

    def is_valid(self) -> bool:
        valid = bool(super().is_valid())
        username = self.form.cleaned_data.get("user") if valid else None
        if username and not User.objects.filter(username=username).exists():
            self.form.add_error("user", f"There is no user with the username {username}")
            return False
        return valid


class AccessLogSearch(AccessLogFilter):
    """The log page's filters: a person by case reference, name or id; a user by
    username or name; a period; the way in; the action; sign-ins in or out."""

    person = django_filters.CharFilter(
        label="Person", method="filter_person_text", max_length=200, help_text="Case reference, name or id"
    )
    user = django_filters.CharFilter(
        label="User", method="filter_user_text", max_length=150, help_text="Username or name"
    )
    since = django_filters.DateFilter(label="From", method="filter_since", widget=DateInput)
    until = django_filters.DateFilter(label="To", method="filter_until", widget=DateInput)
    way = django_filters.ChoiceFilter(label="Way in", choices=AccessLog.Way.choices, empty_label="Any way in")
    action = django_filters.ChoiceFilter(choices=AccessLog.Action.choices, empty_label="Any action")
    sign_ins = django_filters.ChoiceFilter(
        label="Sign-in events",
        choices=[("exclude", "Leave out sign-ins"), ("only", "Only sign-ins")],
        empty_label="Include sign-ins",
        method="filter_sign_ins",
        widget=forms.Select,
    )

    def filter_person_text(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(pk__in=consultations.logs_showing(consultations.find_people(value).values("pk")))

    def filter_user_text(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        matches = Q(user__username__iexact=value.strip())
        words = Q()
        for word in value.split()[:5]:
            words &= Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word)
        return queryset.filter(matches | words) if value.split() else queryset

    def filter_sign_ins(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "exclude":
            return queryset.exclude(action__in=SIGN_IN_ACTIONS)
        if value == "only":
            return queryset.filter(action__in=SIGN_IN_ACTIONS)
        return queryset

    def is_valid(self) -> bool:
        # Any text finds users here; only the API's exact username is checked.
        return bool(FilterSet.is_valid(self))
