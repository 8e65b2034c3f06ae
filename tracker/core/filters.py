"""What every FilterSet shares: whole-number filters that refuse numbers the database
cannot hold.

django-filter's NumberFilter accepts any decimal, so `?referral=9223372036854775808`
reached the database: SQLite raises OverflowError and PostgreSQL a DataError beyond
bigint, both a 500. (Django itself guards a plain integer column's lookups, but not a
lookup through a relation such as `venues` or `referral_id`.) Here the number is checked
by the form field, so the page shows a field error and the API answers 400.
"""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django import forms
from django.db import models
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from django_filters.widgets import BaseCSVWidget

from tracker.core.pickers import PickerChoiceField

# The largest value of a 64-bit column: ids are BigAutoField (DEFAULT_AUTO_FIELD), and
# no integer column here is wider, so nothing larger can match a row.
MAX_DB_INTEGER = 2**63 - 1
MIN_DB_INTEGER = -(2**63)


class IntegerFilter(django_filters.NumberFilter):
    """A whole number within what the database can compare: anything else is a field
    error naming the filter, e.g. "Enter the referral as a whole number from 1 to …"."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, min_value: int = MIN_DB_INTEGER, max_value: int = MAX_DB_INTEGER, **kwargs: Any):
        kwargs["min_value"] = max(min_value, MIN_DB_INTEGER)
        kwargs["max_value"] = min(max_value, MAX_DB_INTEGER)
        super().__init__(*args, **kwargs)

    @property
    def field(self) -> forms.Field:
        if not hasattr(self, "_field"):
            field = super().field
            name = str(self.label or self.field_name or "number").lower()
            low, high = self.extra["min_value"], self.extra["max_value"]
            message = f"Enter the {name} as a whole number from {low} to {high}"
            # Form fields put their own message on their validators' errors by code.
            field.error_messages.update(invalid=message, min_value=message, max_value=message)
        return cast(forms.Field, self._field)  # django-filter is untyped


class IdFilter(IntegerFilter):
    """The id of a record (ids start at 1)."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("min_value", 1)
        super().__init__(*args, **kwargs)


_INTEGER_FIELDS: list[type[models.Field[Any, Any]]] = [
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField,
]


class FilterSet(django_filters.FilterSet):
    """The base of every FilterSet: integer columns named in `Meta.fields` get a
    bounded IntegerFilter rather than django-filter's unbounded NumberFilter."""

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        **{field: {"filter_class": IntegerFilter} for field in _INTEGER_FIELDS},
    }


class Select(BaseCSVWidget, forms.Select):
    """The sort box of every list (OrderingFilter's widget). Named `Select` so the GOV.UK
    form renderer, which styles widgets by class name, treats it as one (django-filter's
    own is "CSVSelect")."""


class PickerFilter(django_filters.ModelChoiceFilter):
    """A record picked by typing (tracker/core/pickers.py) rather than chosen from a
    select of every record: pass `search`, `search_url_name`, `noun` and optionally
    `describe`, as to PickerChoiceField."""

    field_class = PickerChoiceField

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Settings of django-filter's own select that a picker has no use for.
        self.extra.pop("null_label", None)
        self.extra.pop("empty_label", None)
