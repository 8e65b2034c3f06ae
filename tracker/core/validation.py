"""Impossible values, refused the same way by forms, the API and imports.

The validators here sit on model fields, so ModelForms (through the model's own
validation) and DRF ModelSerializers (which copy a model field's validators) apply
them; services that save with `full_clean()` apply them too, and importers that read
cells themselves call `problems()` with the same validators. Each names its field, so
the message reads the same wherever the value came from ("The date of the offence must
be today or in the past").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.deconstruct import deconstructible

# The campaign's records start here: nothing it logs (an offence, an engagement, an
# incident, an outcome) happened earlier, so an earlier date is a typo (2001 for 2021).
DATA_START = date(2010, 1, 1)

# How far ahead something may be planned. A session is booked, and an engagement
# arranged (My work lists the week's), months ahead, not years; a follow-up action or a
# review is due within a year or two. Anything further ahead is a typo (2062 for 2026).
PLAN_AHEAD = timedelta(days=366)
DUE_AHEAD = timedelta(days=366 * 2)

# Counts. The largest events the campaign runs (a festival stand, a match-day stall)
# meet thousands of people, never 100,000; materials are printed in runs of thousands,
# never a million to one engagement. A programme has a session a week at most for a
# sentence's length (two years: about 100); a force has at most tens of thousands of
# officers or staff (the largest, about 35,000), and all 43 forces fewer than 250,000.
MAX_ATTENDANCE = 100_000
MAX_QUANTITY = 1_000_000
MAX_PLANNED_SESSIONS = 200
MAX_WORKFORCE = 250_000


def _day(value: date | datetime, zone: tzinfo) -> date:
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            return value.date()
        try:
            return timezone.localtime(value, zone).date()
        except OverflowError:  # year 1 or 9999 with an offset: far outside the range anyway
            return value.date()
    return value


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@deconstructible
class DateWithin:
    """A date (or date and time) not before DATA_START and not after today, or not more
    than `ahead` after today for something planned. `what` names the field as a
    sentence starts: "The date of the offence"."""

    def __init__(self, what: str, *, ahead: timedelta = timedelta(0)):
        self.what = what
        self.ahead = ahead

    def __call__(self, value: date | datetime | None) -> None:
        if value is None:
            return
        # The current time zone, looked up once: an import checks every row's date
        # (twice), and each lookup of it costs more than the rest of the rule.
        zone = timezone.get_current_timezone()
        day = _day(value, zone)
        if day < DATA_START:
            raise ValidationError(f"{self.what} must be on or after {_long_date(DATA_START)}", code="before_data_start")
        latest = timezone.localdate(timezone=zone) + self.ahead
        if day > latest:
            if not self.ahead:
                raise ValidationError(f"{self.what} must be today or in the past", code="in_future")
            raise ValidationError(f"{self.what} must be no later than {_long_date(latest)}", code="too_far_ahead")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateWithin) and (self.what, self.ahead) == (other.what, other.ahead)

    def __hash__(self) -> int:
        return hash((self.what, self.ahead))


@deconstructible
class CountWithin:
    """A whole number from `minimum` to `maximum`. `what` names the field as a
    sentence starts: "The attendance"."""

    def __init__(self, what: str, *, maximum: int, minimum: int = 0):
        self.what = what
        self.minimum = minimum
        self.maximum = maximum

    def message(self) -> str:
        return f"{self.what} must be a whole number from {self.minimum:,} to {self.maximum:,}"

    def __call__(self, value: int | None) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int) or not self.minimum <= value <= self.maximum:
            raise ValidationError(self.message(), code="count_range")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CountWithin) and (self.what, self.minimum, self.maximum) == (
            other.what,
            other.minimum,
            other.maximum,
        )

    def __hash__(self) -> int:
        return hash((self.what, self.minimum, self.maximum))


def count_form_messages(validator: CountWithin) -> dict[str, str]:
    """Error messages for a form's IntegerField bounded like `validator`, so that a
    value the form itself refuses reads the same as one the model refuses."""
    message = validator.message()
    return {"invalid": message, "min_value": message, "max_value": message}


def problems(value: Any, validators: Iterable[Any]) -> list[str]:
    """The messages of `validators` refusing `value` (for importers reading cells)."""
    found: list[str] = []
    for validator in validators:
        try:
            validator(value)
        except ValidationError as error:
            found.extend(error.messages)
    return found


# The rules, one per field, used by the models and by anything that reads the same
# value another way (an importer's cell, a serializer field of its own).
OFFENCE_DATE = DateWithin("The date of the offence")
ENGAGEMENT_DATE = DateWithin("The date of the engagement", ahead=PLAN_AHEAD)  # arranged ahead, or logged after
OUTCOME_DATE = DateWithin("The date of the outcome")
INCIDENT_DATE = DateWithin("The date of the incident")
SESSION_DATE = DateWithin("The session date", ahead=PLAN_AHEAD)  # booked ahead, or recorded after
FOLLOW_UP_DUE = DateWithin("The due date", ahead=DUE_AHEAD)  # planned
FOLLOW_UP_DONE = DateWithin("The date it was done")  # happened
REVIEW_DATE = DateWithin("The next review date", ahead=DUE_AHEAD)  # planned
ATTENDANCE = CountWithin("The attendance", maximum=MAX_ATTENDANCE)
QUANTITY = CountWithin("The quantity", maximum=MAX_QUANTITY)
PLANNED_SESSIONS = CountWithin("The number of planned sessions", minimum=1, maximum=MAX_PLANNED_SESSIONS)
OFFICERS = CountWithin("The number of officers", minimum=1, maximum=MAX_WORKFORCE)
STAFF = CountWithin("The number of staff", minimum=1, maximum=MAX_WORKFORCE)


def check_values(model: type[Model], values: Mapping[str, Any]) -> None:
    """Apply the rules above that `model`'s fields carry to `values` (field name →
    value), raising one ValidationError naming each refused field. For services that
    save without `full_clean()`; runs no queries."""
    rules: dict[str, list[Any]] = {}
    for name in values:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        rules[name] = [v for v in getattr(field, "validators", ()) if isinstance(v, DateWithin | CountWithin)]
    check_rules(values, rules)


def check_rules(values: Mapping[str, Any], rules: Mapping[str, Iterable[Any]]) -> None:
    """Apply `rules` (field name → validators) to `values`, raising one ValidationError
    naming each refused field."""
    errors = {name: found for name, value in values.items() if (found := problems(value, rules.get(name, ())))}
    if errors:
        raise ValidationError(errors)


def check_changes(instance: Model, changes: Mapping[str, Any]) -> None:
    """`check_values` for the values in `changes` that differ from `instance`'s, so an
    edit is not refused for a stored value it leaves alone."""
    check_values(type(instance), {k: v for k, v in changes.items() if getattr(instance, k, None) != v})
