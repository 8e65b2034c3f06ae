"""The weekday × time-of-day pattern of assaults as published: at a grain whose cells
survive suppression, with the slots that stand out said in words.

The figures keep the exact weekday × hour counts; here they are added up into bands
of hours (one, four or six), suppressed like every breakdown (`breakdown()`, `[c]`),
and read for slots that stand out. Only shown cells are read: a suppressed cell never
shades the grid differently from another or makes a slot stand out."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tracker.reports.figures import WEEKDAYS, AssaultFigures
from tracker.reports.suppression import Shown, breakdown, marked

# Hours per column, finest first. Hours for a year or more, four-hour bands for a
# shorter period; the next wider band when the chosen one would hide more than
# HIDDEN_SHARE of the slots that had assaults. Six-hour bands put the night-time
# economy window (midnight to 6am) in one column. Twelve hours (morning and
# afternoon) and whole days are the last resorts: a quarter's board report hides a
# slot that differs by 1 to 4 from the same slot of one of its months
# (disclosure.py), which narrow slots of a quarter mostly do.
BAND_WIDTHS = (1, 4, 6, 12, 24)
HOURS_FROM_DAYS = 365
HIDDEN_SHARE = 0.25
# A slot stands out when it had at least this many times the average slot.
STANDS_OUT = 1.5
STANDS_OUT_WORDS = "one and a half times"
SAID_AT_MOST = 3
HEAT_LEVELS = 4


def clock(hour: int) -> str:
    """0 -> midnight, 12 -> midday, 4 -> 4am, 20 -> 8pm."""
    hour %= 24
    if hour == 0:
        return "midnight"
    if hour == 12:
        return "midday"
    return f"{hour}am" if hour < 12 else f"{hour - 12}pm"


@dataclass(frozen=True)
class Band:
    start: int
    width: int

    @property
    def heading(self) -> str:
        if self.width == 24:
            return "All day"
        if self.width == 1:
            return f"{self.start:02d}"
        return f"{self.start:02d}–{(self.start + self.width) % 24:02d}"

    @property
    def spoken(self) -> str:
        if self.width == 24:
            return "over the whole day"
        return f"between {clock(self.start)} and {clock(self.start + self.width)}"

    @property
    def full(self) -> str:
        return f"{self.start:02d}:00 to {self.start + self.width - 1:02d}:59"


def starting_width(days: int) -> int:
    return 1 if days >= HOURS_FROM_DAYS else 4


def band_path(width: int, day: int, start: int) -> str:
    """The path of a band's count for the differencing rule (disclosure.py); an
    hour's count is the figures' own."""
    return f"assaults.by_weekday_hour.{day}.{start}" if width == 1 else f"assaults:band.{width}.{day}.{start}"


def banded(grid: list[list[int]], width: int) -> dict[tuple[int, int], int]:
    """The grid added up into bands of `width` hours, by (weekday, first hour)."""
    return {
        (day, start): sum(int(n) for n in hours[start : start + width])
        for day, hours in enumerate(grid)
        for start in range(0, 24, width)
    }


def _banded(grid: list[list[int]], width: int, hidden_paths: frozenset[str]) -> dict[tuple[int, int], int]:
    cells = banded(grid, width)
    if width == 1:
        # The hours as the figures hold them: a count the differencing rule hid is `Hidden`.
        return {(day, hour): grid[day][hour] for day, hour in cells}
    # A band the differencing rule hid (its own count, checked like any other).
    return {key: marked(count, band_path(width, *key), hidden_paths) for key, count in cells.items()}


def _too_hidden(counts: dict[tuple[int, int], int], shown: dict[tuple[int, int], Shown]) -> bool:
    with_assaults = [key for key, n in counts.items() if n]
    hidden_ones = [key for key in with_assaults if shown[key].suppressed]
    return len(hidden_ones) > HIDDEN_SHARE * len(with_assaults)


def _mostly_hidden(counts: dict[tuple[int, int], int], shown: dict[tuple[int, int], Shown]) -> bool:
    """Half or more of the slots that had assaults are hidden: saying that none of the
    rest stands out would tell the reader nothing true."""
    with_assaults = [key for key, n in counts.items() if n]
    return 2 * sum(1 for key in with_assaults if shown[key].suppressed) >= len(with_assaults)


def _days_words(days: list[int]) -> str:
    names = [WEEKDAYS[d] for d in days]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def weekday_time_display(
    figures: AssaultFigures, *, local: bool, total: Shown, hidden_paths: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The grid's rows and columns, which cells stand out, and a sentence saying so.
    `total` is the period's total as published (for one area it may be `[c]`)."""
    widths = [w for w in BAND_WIDTHS if w >= starting_width(figures.period.days)]
    for width in widths:
        counts = _banded(figures.by_weekday_hour, width, hidden_paths)
        cells = breakdown(counts, protect_total=local, total=figures.total).cells
        if not _too_hidden(counts, cells):
            break
    bands = [Band(start, width) for start in range(0, 24, width)]
    average = figures.total / len(counts)
    readable = not total.suppressed and figures.total > 0
    standouts = {
        key
        for key, cell in cells.items()
        if readable and cell.value is not None and cell.value > 0 and cell.value >= STANDS_OUT * average
    }
    top = max((cell.value or 0 for cell in cells.values() if cell.value is not None), default=0)
    rows = []
    for day, name in enumerate(WEEKDAYS):
        row = []
        for band in bands:
            cell = cells[(day, band.start)]
            if cell.value is None:
                level = "c"
            else:
                level = str(0 if not cell.value else max(1, math.ceil(HEAT_LEVELS * cell.value / top)))
            row.append({"text": cell.text, "level": level, "peak": (day, band.start) in standouts})
        rows.append({"day": name, "cells": row})
    # Standing-out slots grouped by time band ("Saturday and Sunday between
    # midnight and 4am"), the biggest groups first.
    groups: dict[int, list[int]] = {}
    for day, start in sorted(standouts):
        groups.setdefault(start, []).append(day)
    ranked = sorted(groups.items(), key=lambda item: (-sum(cells[(d, item[0])].value or 0 for d in item[1]), item[0]))
    said = [
        f"{_days_words(days)} {Band(start, width).spoken}: {sum(cells[(d, start)].value or 0 for d in days):,}"
        f" of {figures.total:,}"
        for start, days in ranked[:SAID_AT_MOST]
    ]
    unsaid = sum(len(days) for _, days in ranked[SAID_AT_MOST:])
    return {
        "band_width": width,
        # Wider than the period's length calls for, because the finer grain would hide
        # too much; the page says so.
        "widened_from": widths[0] if width != widths[0] else None,
        "grain": "hour" if width == 1 else "day" if width == 24 else f"{width}-hour band",
        "bands": bands,
        "grid": rows,
        "average": average,
        "standouts": [f"{WEEKDAYS[d]} {Band(s, width).full}" for d, s in sorted(standouts)],
        "sentence": _sentence(said, unsaid, average, readable=readable and not _mostly_hidden(counts, cells)),
        "suppressed_any": any(cell.suppressed for cell in cells.values()),
    }


def _average_words(average: float) -> str:
    return f"{math.floor(average * 10 + 0.5) / 10:,.1f} assault{'' if average == 1 else 's'}"


def _sentence(said: list[str], unsaid: int, average: float, *, readable: bool) -> str:
    if not readable:
        return ""
    rule = f"A slot stands out when it had at least {STANDS_OUT_WORDS} the average of {_average_words(average)}."
    if not said:
        return f"No time slot stands out. {rule}"
    more = f"; and {unsaid} other slot{'' if unsaid == 1 else 's'}" if unsaid else ""
    return f"Assaults stood out on {'; '.join(said)}{more}. {rule}"
