"""The one vocabulary every import kind reads its cells with: text trimming,
yes/no words, dates and date-times with their accepted layouts, times, postcodes,
whole numbers, choices and names looked up in managed lists. docs/imports.md
("Cells") describes it once for every kind.

Each parser takes a cell as the file reader gives it (text already trimmed, or a
number, date or boolean from an `.xlsx` cell) and returns the value or raises
`CellError` with a message that says what to write. Dates and counts take the
rule of the field they fill (tracker/core/validation.py: not before the campaign's
data, not after today, count maxima), the same rule its forms, API and services
apply."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any

from django.db.models import Model, TextChoices
from django.utils import timezone

from tracker.core import validation

YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})
DATE_LAYOUTS = ("%Y-%m-%d", "%d/%m/%Y")
DATE_HINT = "YYYY-MM-DD (or DD/MM/YYYY), for example 2026-03-31"
DATE_TIME_HINT = "YYYY-MM-DD HH:MM (UK local time), for example 2026-03-31 19:30"
DATE_ONLY = re.compile(r"\s*(\d{4}-?\d{2}-?\d{2}|\d{1,2}/\d{1,2}/\d{4})\s*")
DAY_FIRST = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})([ T].*)?")
# A UK postcode: outward code, a space (optional) and inward code, in any case.
# The model field's validator uses this same pattern (partners.models).
POSTCODE = r"(?i)^(GIR ?0AA|[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2})$"
POSTCODE_PATTERN = re.compile(POSTCODE)
WHOLE = re.compile(r"\s*\d[\d,]*\s*")
LIST_SEPARATOR = ";"


class CellError(ValueError):
    """A cell that cannot be read; the message says what to write instead."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any, *, max_length: int | None = None) -> str:
    """The cell as trimmed text ("" for an empty cell). A number cell holding a
    whole number reads without its ".0" (a reference such as 12345)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = str(value).strip()
    if "\x00" in result:
        raise CellError("The cell holds a null character.")
    if max_length is not None and len(result) > max_length:
        raise CellError(f"Enter at most {max_length} characters.")
    return result


def required_text(value: Any, *, max_length: int | None = None) -> str:
    result = text(value, max_length=max_length)
    if not result:
        raise CellError("This cell is empty.")
    return result


def yes_no(value: Any) -> bool:
    """yes/no, y/n, true/false, 1/0 in any letter case, or a TRUE/FALSE cell."""
    if isinstance(value, bool):
        return value
    word = text(value).lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise CellError(f"Enter yes or no, not “{text(value)[:50]}”.")


def _within(value: Any, rule: validation.DateWithin | validation.CountWithin | None) -> None:
    for problem in validation.problems(value, [rule] if rule is not None else []):
        raise CellError(f"{problem}.")


def a_date(value: Any, rule: validation.DateWithin | None = None) -> date:
    """YYYY-MM-DD or DD/MM/YYYY, or a date cell (a spreadsheet gives a date as
    a datetime at midnight), within `rule` if given."""
    day = _date(value)
    _within(day, rule)
    return day


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        if value.time() != time.min or value.tzinfo is not None:
            raise CellError(f"Enter a date without a time, as {DATE_HINT}.")
        return value.date()
    if isinstance(value, date):
        return value
    given = text(value)
    for layout in DATE_LAYOUTS:
        try:
            return datetime.strptime(given, layout).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise CellError(f"Enter a real date as {DATE_HINT}.")


def a_date_time(value: Any, rule: validation.DateWithin | None = None) -> datetime:
    """An ISO 8601 date and time (`YYYY-MM-DD HH:MM`, a `T`, seconds and an offset
    allowed), or DD/MM/YYYY HH:MM, or a date-and-time cell. A time without an
    offset is UK local time; of the autumn's repeated hour the first is taken
    unless an offset says otherwise. Within `rule` (its day in UK local time) if
    given. Returned in UTC, so that comparing with a stored value is exact. A date
    without a time is refused."""
    if isinstance(value, str):
        if DATE_ONLY.fullmatch(value):
            raise CellError(f"Give the time as well as the date: {DATE_TIME_HINT}.")
        given = value.strip()
        day_first = DAY_FIRST.fullmatch(given)
        if day_first:
            day, month, year, rest = day_first.groups()
            given = f"{year}-{int(month):02d}-{int(day):02d}{rest or ''}"
        try:
            value = datetime.fromisoformat(given)
        except ValueError:
            raise CellError(f"Enter a date and time as {DATE_TIME_HINT}.") from None
    if not isinstance(value, datetime):
        raise CellError(f"Enter a date and time as {DATE_TIME_HINT}.")
    moment: datetime = value
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=timezone.get_default_timezone())
    _within(moment, rule)
    return moment.astimezone(UTC)


def a_time(value: Any) -> time | None:
    """HH:MM (24-hour), or a time cell; None for an empty cell."""
    if blank(value):
        return None
    if isinstance(value, time):
        return value
    if isinstance(value, datetime):
        return value.time()
    try:
        return time.fromisoformat(text(value))
    except ValueError:
        raise CellError("Enter a time as HH:MM (24-hour), for example 02:00.") from None


def postcode(value: Any) -> str:
    """A UK postcode in any letter case, stored in capitals."""
    given = text(value).upper()
    if not POSTCODE_PATTERN.match(given):
        raise CellError("Enter a real UK postcode, like WR1 2AB.")
    return given


def whole_number(value: Any, rule: validation.CountWithin | None = None) -> int:
    """A whole number within `rule` (by default 0 or more, as the database holds
    it); `2,000` is accepted, as is a number cell without a fraction."""
    rule = rule or validation.CountWithin("The number", maximum=2**31 - 1)
    number: Any = value
    if isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and WHOLE.fullmatch(value):
        number = int(value.replace(",", ""))
    if isinstance(number, bool) or not isinstance(number, int):
        raise CellError(f"{rule.message()}.")
    _within(number, rule)
    return number


@cache
def _choice_words(choices: type[TextChoices]) -> dict[str, str]:
    """Each option's stored value and label, in lower case, to its stored value;
    the first option wins a word two of them share. Built once a choices class:
    walking the enum and its labels for every cell cost more than the rest of the
    cell's reading."""
    words: dict[str, str] = {}
    for option in choices:
        words.setdefault(option.value.lower(), str(option.value))
        words.setdefault(str(option.label).lower(), str(option.value))
    return words


def choice(value: Any, choices: type[TextChoices], *, what: str = "one of the choices") -> str:
    """A choice by its label or its stored value, in any letter case. `what`
    names the choice in the message ("a victim role")."""
    found = _choice_words(choices).get(text(value).lower())
    if found is not None:
        return found
    labels = ", ".join(str(label) for label in choices.labels)
    raise CellError(f"“{text(value)[:50]}” is not {what}. Use one of: {labels}.")


def separated(value: Any) -> list[str]:
    """A cell listing several names, separated by `;`."""
    return [part.strip() for part in text(value).split(LIST_SEPARATOR) if part.strip()]


class Names[T: Model]:
    """The records of a managed list (areas, kinds, programmes…) by name, in any
    letter case, read in one query when a file is checked."""

    def __init__(self, records: Iterable[T], *, what: str, key: str = "name"):
        self.what = what
        self.by_name: dict[str, T] = {str(getattr(r, key)).casefold(): r for r in records}

    def __call__(self, value: Any) -> T:
        name = text(value)
        found = self.by_name.get(name.casefold())
        if found is None:
            raise CellError(f"There is no {self.what} called “{name[:100]}”. Use a name as listed in the service.")
        return found

    def many(self, value: Any) -> list[T]:
        names = separated(value)
        missing = [n for n in names if n.casefold() not in self.by_name]
        if missing:
            listed = ", ".join(f"“{m[:100]}”" for m in missing)
            raise CellError(f"There is no {self.what} called {listed}. Use names as listed in the service.")
        return [self.by_name[n.casefold()] for n in names]
