"""Small-number suppression for published figures.

A count from 1 to threshold − 1 in a breakdown could identify the people behind
it, so it is shown as "<5" (for the default threshold of 5). Primary suppression
alone is not enough when the breakdown's total is shown: with one hidden cell,
total minus the others gives it away. So when exactly one cell is hidden, the
smallest other non-zero cell is hidden as well (secondary suppression); if every
other cell is 0, a zero cell is hidden instead, so the reader still cannot tell
where the small count sits.

Totals are suppressed the same way, except the force-wide headline totals, which
are published anyway (`protect_total=False`).

The threshold is `settings.REPORT_SUPPRESSION_THRESHOLD` (default 5).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from django.conf import settings


def threshold() -> int:
    return int(getattr(settings, "REPORT_SUPPRESSION_THRESHOLD", 5))


@dataclass(frozen=True)
class Shown:
    """A count as published: its value, or None if suppressed, with its text."""

    value: int | None
    text: str

    @property
    def suppressed(self) -> bool:
        return self.value is None


def is_small(count: int, limit: int | None = None) -> bool:
    return 0 < count < (limit if limit is not None else threshold())


def show(count: int, *, suppress: bool = True, limit: int | None = None) -> Shown:
    """One count on its own (a headline). `suppress=False` for force-wide totals."""
    limit = limit if limit is not None else threshold()
    if suppress and is_small(count, limit):
        return Shown(None, f"<{limit}")
    return Shown(count, f"{count:,}")


@dataclass(frozen=True)
class Breakdown[K]:
    cells: dict[K, Shown]
    total: Shown


def breakdown[K: Hashable](
    counts: Mapping[K, int], *, protect_total: bool = True, limit: int | None = None
) -> Breakdown[K]:
    """Suppress a breakdown whose cells add up to its total (shown beside it)."""
    limit = limit if limit is not None else threshold()
    total = sum(counts.values())
    hidden = {key for key, count in counts.items() if is_small(count, limit)}
    total_hidden = protect_total and is_small(total, limit)
    if len(hidden) == 1 and not total_hidden:
        others = sorted(
            (key for key in counts if key not in hidden),
            key=lambda key: (counts[key] == 0, counts[key]),
        )
        if others:
            hidden.add(others[0])
    placeholder = Shown(None, f"<{limit}")
    cells = {key: placeholder if key in hidden else Shown(count, f"{count:,}") for key, count in counts.items()}
    return Breakdown(cells, placeholder if total_hidden else Shown(total, f"{total:,}"))
