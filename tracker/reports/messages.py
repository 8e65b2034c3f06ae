"""The board report's key messages: a handful of plain-English sentences, each with
its number and, where there is one, its comparison, written from the same figures
and the same suppression as the rest of the report.

Two promises hold for every sentence:

- Nothing hidden is stated. A count the report shows as `[c]` is never written out,
  nor anything it could be worked back from (a percentage, a rate a day, a ratio).
  A percentage is given only when both its counts are published.
- Nothing is claimed that the figures do not support. A change is always given with
  its direction and size, and where it is small enough to be chance the sentence says
  so (`CAUTION_RULE`, stated on the definitions page); "most" means more than half.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tracker.reports.display import one_decimal, whole
from tracker.reports.figures import NTE_HOURS, NTE_WEEKDAYS, AssaultFigures, BoardFigures, Change
from tracker.reports.periods import Period
from tracker.reports.suppression import SYMBOL, show

# Below this many cases a change, a percentage or a concentration is not read into.
FEW = 20
# Two standard deviations: chance alone gives less about 19 times in 20.
DEVIATIONS = 2
WINDOW = "the weekend night-time window (Friday to Sunday, midnight to 6am)"
WINDOW_HOURS = len(NTE_WEEKDAYS) * len(NTE_HOURS)
WEEK_HOURS = 7 * 24
WHAT = "assaults on on-duty police officers and staff"

CAUTION_RULE = (
    "Counts of events go up and down by chance even when nothing has changed. "
    f"A change between two counts is called clear only when the two add up to {FEW} or more and differ by at "
    "least twice the square root of their sum; chance alone gives a smaller difference about 19 times in 20. "
    "A smaller change is still given, with its direction and size, and a note that it is small enough to be "
    "chance. The same two-standard-deviation test decides whether assaults are clearly more frequent in the "
    "weekend night-time window than at other times. Percentages are not given for fewer than "
    f"{FEW} cases, where a few cases make a large percentage."
)


@dataclass(frozen=True)
class Reading:
    """A comparison as the key messages state it."""

    label: str
    change: Change

    @property
    def clear(self) -> bool:
        return is_clear(self.change.previous, self.change.current)

    def phrase(self) -> str:
        """'down about 5% on April to June 2018 (160)'."""
        previous, current = int(self.change.previous), int(self.change.current)
        if current == previous:
            return f"the same as in {self.label} ({previous:,})"
        direction = "up" if current > previous else "down"
        size = ""
        if previous >= FEW and current:
            percent = whole(abs(self.change.percent or 0))
            size = "less than 1% " if percent == "0" else f"about {percent}% "
        return f"{direction} {size}on {self.label} ({previous:,})"


def is_clear(previous: int, current: int) -> bool:
    """The caution rule: a difference chance alone seldom gives (a Poisson
    approximation: two counts at the same rate differ by less than twice the square
    root of their sum about 19 times in 20)."""
    total = int(previous) + int(current)
    return total >= FEW and abs(int(current) - int(previous)) >= DEVIATIONS * math.sqrt(total)


def _percent(part: int, of: int) -> str:
    return f"{whole(100 * int(part) / int(of))}%"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _headline_hidden(display: Mapping[str, Any] | None, label: str) -> bool:
    """Whether the report itself shows this headline as hidden or not shown."""
    for item in ((display or {}).get("assaults") or {}).get("headlines", []):
        if getattr(item, "label", None) == label:
            text = str(getattr(item, "text", ""))
            return text == SYMBOL or text.startswith("Not shown")
    return False


class _Published:
    """The assault counts as the report publishes them: the number, or None where
    the report shows [c]."""

    def __init__(self, figures: AssaultFigures, display: Mapping[str, Any] | None) -> None:
        self.figures = figures
        self.local = figures.area is not None
        self.display = display

    def count(self, count: int, label: str | None = None) -> int | None:
        shown = show(count, suppress=self.local)
        if shown.suppressed or (label is not None and _headline_hidden(self.display, label)):
            return None
        return shown.value

    def comparison(self, change: Change, index: int) -> Reading | None:
        if self.count(change.current, "Assaults") is None or self.count(change.previous) is None:
            return None
        shown = ((self.display or {}).get("assaults") or {}).get("comparisons") or []
        if index < len(shown) and str(shown[index].get("text", "")).startswith("Not shown"):
            return None
        return Reading(Period(change.start, change.end).label(), change)


def key_messages(board: BoardFigures, display: Mapping[str, Any] | None = None) -> list[str]:
    """Four to six sentences for the first page (fewer when there is less to say:
    an empty period, or an area whose counts are too small to publish)."""
    figures = board.assaults
    published = _Published(figures, display)
    messages = _assault_messages(board, published)
    strand = _strand_message(board)
    if strand:
        messages.append(strand)
    return messages


def _assault_messages(board: BoardFigures, published: _Published) -> list[str]:
    figures = board.assaults
    where = f" in {board.area}" if board.area else ""
    when = f"from {board.period.label()}"
    total = published.count(figures.total, "Assaults")
    if total is None:
        return [
            f"The number of {WHAT} recorded{where} {when} is not published ({SYMBOL}), to protect the people involved."
        ]
    messages = [_total_sentence(figures, total, where, when)]
    changes = [figures.previous_period]
    # A financial year's previous one is also the one a year earlier: said once (as in display.py).
    if (figures.year_earlier.start, figures.year_earlier.end) != (
        figures.previous_period.start,
        figures.previous_period.end,
    ):
        changes.append(figures.year_earlier)
    readings = [
        reading for index, change in enumerate(changes) if (reading := published.comparison(change, index)) is not None
    ]
    if readings:
        messages.append(_comparison_sentence(readings, empty=total == 0))
    if total == 0:
        return messages
    for sentence in (
        _injury_sentence(total, published.count(figures.with_injury, "With injury")),
        _charged_sentence(total, published.count(figures.charged, "Charged")),
        _window_sentence(total, published.count(figures.night_time_economy, "In the night-time economy window")),
    ):
        if sentence:
            messages.append(sentence)
    return messages


def _total_sentence(figures: AssaultFigures, total: int, where: str, when: str) -> str:
    if total == 0:
        return f"No {WHAT} were recorded{where} {when}."
    what = WHAT if total != 1 else WHAT.replace("assaults", "assault", 1)
    verb = "were" if total != 1 else "was"
    per_day = one_decimal(figures.per_day)
    rates = [f"{per_day} a day" if per_day != "0.0" else "fewer than 0.1 a day"]
    ratio = figures.officers_per_assault
    if ratio is not None:
        rates.append(f"one for every {whole(ratio)} officers")
    return f"{total:,} {what} {verb} recorded{where} {when}: {', or '.join(rates)}."


def _comparison_sentence(readings: list[Reading], *, empty: bool) -> str:
    if empty:
        counts = " and ".join(f"{int(r.change.previous):,} in {r.label}" for r in readings)
        return f"That compares with {counts}."
    text = "That is " + " and ".join(reading.phrase() for reading in readings)
    changed = [reading for reading in readings if reading.change.difference]
    unclear = [reading for reading in changed if not reading.clear]
    clear = [reading for reading in changed if reading.clear]
    if len(unclear) == 2:
        return f"{text}; both changes are small enough to be chance."
    if unclear and len(readings) == 1:
        return f"{text}, a change small enough to be chance."
    if unclear:
        return f"{text}; the change on {unclear[0].label} is small enough to be chance."
    if len(clear) == 2:
        return f"{text}: both are clear changes."
    if clear and len(readings) == 1:
        return f"{text}, a clear change."
    if clear:
        return f"{text}; the change on {clear[0].label} is a clear one."
    return f"{text}."


def _injury_sentence(total: int, injured: int | None) -> str | None:
    if injured is None:
        return None
    if injured == 0:
        return "None of these assaults resulted in injury."
    if total >= FEW:
        return f"{injured:,} of these assaults ({_percent(injured, total)}) resulted in injury."
    return f"{injured:,} of these {total:,} assaults resulted in injury."


def _charged_sentence(total: int, charged: int | None) -> str | None:
    if charged is None:
        return None
    if charged == 0:
        return f"No suspect had been charged in any of the {total:,} cases."
    if total >= FEW:
        return f"In {_percent(charged, total)} of cases the suspect was charged ({charged:,} of {total:,})."
    return f"The suspect was charged in {charged:,} of the {total:,} cases."


def _window_sentence(total: int, in_window: int | None) -> str | None:
    """Whether assaults were concentrated in the weekend night-time window: the
    window's count against what its share of the week's hours would give (a
    binomial test at two standard deviations). 'Most' only for more than half."""
    if in_window is None or total < FEW:
        return None
    share = WINDOW_HOURS / WEEK_HOURS
    expected = total * share
    deviation = math.sqrt(total * share * (1 - share))
    hours = f"{_percent(WINDOW_HOURS, WEEK_HOURS)} of the week's hours"
    if in_window == 0:
        return f"None of the {total:,} assaults were in {WINDOW}, which has {hours}."
    counted = f"{in_window:,} of {total:,} ({_percent(in_window, total)})"
    if in_window - expected < DEVIATIONS * deviation:
        if expected - in_window >= DEVIATIONS * deviation:
            return f"Assaults were less frequent in {WINDOW} than at other times: {counted}, in {hours}."
        return (
            f"{counted} were in {WINDOW}, which has {hours}: assaults were not clearly more frequent there "
            "than at other times in this period."
        )
    if 2 * in_window > total:
        return f"Most assaults, {counted}, were in {WINDOW}, which has just {hours}."
    rest = total - in_window
    times = (in_window / WINDOW_HOURS) / (rest / (WEEK_HOURS - WINDOW_HOURS))
    return f"Assaults were {one_decimal(times)} times as frequent in {WINDOW} as at other times: {counted}."


def _strand_message(board: BoardFigures) -> str | None:
    """The campaign's own work in the period, where there is some to report."""
    local = board.area is not None
    parts = []
    engagement = board.strands.get("engagement")
    nte = board.strands.get("night_time_economy")
    offenders = board.strands.get("offender_behaviour")
    for section, attribute, one, many in (
        (engagement, "total", "engagement with the community", "engagements with the community"),
        (nte, "signed_up", "venue signed up as a night-time partner", "venues signed up as night-time partners"),
        (
            offenders,
            "made",
            "referral to a behaviour-change programme",
            "referrals to behaviour-change programmes",
        ),
    ):
        if section is None:
            continue
        shown = show(getattr(section, attribute), suppress=local)
        if shown.value:
            parts.append(_plural(shown.value, one, many))
    if not parts:
        return None
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"The campaign recorded {listed} in the same period."
