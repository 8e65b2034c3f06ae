"""Small-number suppression for published figures, by the Government Statistical
Service convention: every hidden cell shows `[c]` (confidential), whatever the
reason it is hidden, and the page says what `[c]` means (`NOTE`).

A count from 1 to threshold − 1 could identify the people behind it, so it is
hidden (primary suppression). Hiding it is not enough when the breakdown's total
is shown: total minus the shown cells is the sum of the hidden ones. So more cells
are hidden (secondary suppression), smallest first, until the hidden cells add up
to at least the threshold (or every cell is hidden); if every other cell is 0, a
zero cell is hidden as well, so the reader cannot tell where the small count sits.
A secondary cell may hold any count, 0 included; it is labelled `[c]` like the
others and never "<5", which would be untrue.

A count may also arrive already hidden (`Hidden`): the board's differencing rule
(`disclosure.py`) hides counts that another output the reader can request would
reveal by subtraction. Such a count is suppressed wherever it is shown.

Totals are suppressed the same way, except the force-wide headline totals, which
are published anyway (`protect_total=False`), unless they arrive hidden.

The threshold is `settings.REPORT_SUPPRESSION_THRESHOLD` (default 5).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from django.conf import settings

SYMBOL = "[c]"
NOTE = (
    "[c] means confidential: the figure is hidden to protect individuals. Counts from 1 to 4 are hidden, "
    "and where needed other figures too, so that totals, and reports for other periods or areas, "
    "cannot reveal them."
)


def threshold() -> int:
    return int(getattr(settings, "REPORT_SUPPRESSION_THRESHOLD", 5))


class Hidden(int):
    """A count that must not be published, although it is not itself small: it is
    kept as the number it is (so sums and comparisons still work inside the
    report) and shown as `[c]`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Hidden({int(self)})"


def hidden(count: int) -> bool:
    return isinstance(count, Hidden)


def marked(count: int, path: str, hidden_paths: frozenset[str]) -> int:
    """`count` as `Hidden` if its path is among the hidden ones (a derived count)."""
    return Hidden(count) if path in hidden_paths else count


def suppressed(count: int) -> bool:
    """Whether `count` is hidden or small: not to be stated, nor anything that
    would give it away (a rate, a difference)."""
    return hidden(count) or is_small(count)


@dataclass(frozen=True)
class Shown:
    """A count as published: its value, or None if suppressed, with its text."""

    value: int | None
    text: str

    @property
    def suppressed(self) -> bool:
        return self.value is None


CONFIDENTIAL = Shown(None, SYMBOL)


def is_small(count: int, limit: int | None = None) -> bool:
    return 0 < count < (limit if limit is not None else threshold())


def _shown(count: int) -> Shown:
    return Shown(int(count), f"{int(count):,}")


def show(count: int, *, suppress: bool = True, limit: int | None = None) -> Shown:
    """One count on its own (a headline). `suppress=False` for force-wide totals,
    which are published whatever their size unless they arrive `Hidden`."""
    limit = limit if limit is not None else threshold()
    if hidden(count) or (suppress and is_small(count, limit)):
        return CONFIDENTIAL
    return _shown(count)


@dataclass(frozen=True)
class Breakdown[K]:
    cells: dict[K, Shown]
    total: Shown


def breakdown[K: Hashable](
    counts: Mapping[K, int], *, protect_total: bool = True, limit: int | None = None, total: int | None = None
) -> Breakdown[K]:
    """Suppress a breakdown whose cells add up to its total (shown beside it).

    `total` is the total as computed elsewhere, when it may arrive `Hidden`;
    by default the sum of the cells."""
    limit = limit if limit is not None else threshold()
    whole = sum(int(count) for count in counts.values()) if total is None else total
    hide = {key for key, count in counts.items() if hidden(count) or is_small(count, limit)}
    total_hidden = hidden(whole) or (protect_total and is_small(whole, limit))
    if hide and not total_hidden:
        # Total minus the shown cells must not be a small count, nor one cell.
        others = sorted(
            (key for key in counts if key not in hide), key=lambda key: (counts[key] == 0, int(counts[key]))
        )
        while others and (len(hide) == 1 or is_small(sum(int(counts[key]) for key in hide), limit)):
            hide.add(others.pop(0))
    cells = {key: CONFIDENTIAL if key in hide else _shown(count) for key, count in counts.items()}
    return Breakdown(cells, CONFIDENTIAL if total_hidden else _shown(whole))
