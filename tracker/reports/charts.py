"""Bar charts drawn as SVG on the server, for the dashboard and the PDF alike (no
JavaScript). Colours are SVG presentation attributes, which the content security
policy allows. Every chart's title element is its text alternative and states each
bar's value as shown (the PDF's Figure takes its /Alt from it); the pages also put
the numbers in a table beside it.

Text sizes: the board report prints the 640-unit chart 160 mm (453.5 pt) wide, so a
unit prints as 0.709 pt and FONT_SIZE units print at 9.9 pt (at least 9 pt).
On a phone the dashboard's stylesheet enlarges the text to NARROW_FONT_SIZE units
(12 px on a 360 px wide chart); the margins and the bars' spacing are sized for
that, so labels do not overlap at either size."""

from __future__ import annotations

import math
from dataclasses import dataclass

from tracker.reports.suppression import Shown

WIDTH = 640
HEIGHT = 260
FONT_SIZE = 14
NARROW_FONT_SIZE = 22  # must match .app-chart text in reports.css (narrow screens)
CHAR_WIDTH = 0.6  # a generous average width of a digit or letter, in ems
RIGHT, TOP, BOTTOM = 8, 30, 36
EMPTY_PLOT = 10  # the plot's height when no bar has a height


@dataclass(frozen=True)
class Bar:
    label: str
    short_label: str
    text: str
    x: float
    y: float
    width: float
    height: float
    highlight: bool
    suppressed: bool

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    bars: list[Bar]
    ticks: list[Tick]
    left: int
    width: int = WIDTH
    height: int = HEIGHT
    font_size: int = FONT_SIZE

    @property
    def baseline(self) -> float:
        return self.height - BOTTOM

    @property
    def alt(self) -> str:
        """The text alternative: the title and every bar's value as shown."""
        values = "; ".join(f"{bar.label}: {bar.text}" for bar in self.bars)
        note = " ([c]: too few to publish)" if any(bar.suppressed for bar in self.bars) else ""
        return f"{self.title}, bar chart. {values}.{note}"

    @property
    def crowded(self) -> bool:
        """Whether the values above the bars would overlap at the narrow-screen
        size (then the dashboard's stylesheet hides the numbers there; they are
        in the table beside the chart, and [c] stays)."""
        slot = (self.right - self.left) / max(len(self.bars), 1)
        return any(len(bar.text) * CHAR_WIDTH * NARROW_FONT_SIZE > slot for bar in self.bars)

    @property
    def right(self) -> int:
        return self.width - RIGHT


def _nice_step(top: int) -> int:
    if top <= 5:
        return 1
    raw = top / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    return int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw))


def bar_chart(*, chart_id: str, title: str, items: list[tuple[str, str, Shown, bool]]) -> BarChart:
    """`items`: (label, short label under the bar, value as shown, highlighted).
    A suppressed value is drawn as no bar, with its "[c]" text above the axis.
    The text alternative (`BarChart.alt`) is built from the bars themselves, so it
    always states the numbers drawn."""
    values = [shown.value or 0 for _, _, shown, _ in items]
    drawn = max(values, default=0) > 0
    top = max([*values, 1])
    step = _nice_step(top)
    scale_top = step * math.ceil(top / step)
    # With nothing to draw (every value 0 or hidden) the chart is only its axis at 0,
    # with the values written above it: a scale up to 1 would suggest a size the
    # hidden values may not have, and an empty plot would waste half a page.
    chart_height = HEIGHT if drawn else TOP + BOTTOM + EMPTY_PLOT
    tick_values = range(0, scale_top + 1, step) if drawn else range(1)
    widest_tick = max(len(f"{value:,}") for value in tick_values)
    left = math.ceil(widest_tick * CHAR_WIDTH * NARROW_FONT_SIZE) + 8
    baseline = chart_height - BOTTOM
    plot_height = chart_height - TOP - BOTTOM
    plot_width = WIDTH - left - RIGHT
    slot = plot_width / max(len(items), 1)
    bars = []
    for index, (label, short, shown, highlight) in enumerate(items):
        height = plot_height * (shown.value or 0) / scale_top
        bars.append(
            Bar(
                label=label,
                short_label=short,
                text=shown.text,
                x=left + index * slot + slot * 0.15,
                y=baseline - height,
                width=slot * 0.7,
                height=height,
                highlight=highlight,
                suppressed=shown.suppressed,
            )
        )
    ticks = [Tick(baseline - plot_height * value / scale_top, f"{value:,}") for value in tick_values]
    return BarChart(chart_id, title, bars, ticks, left, height=chart_height)
