"""Bar charts drawn as SVG on the server, for the dashboard and the PDF alike (no
JavaScript). Colours are SVG presentation attributes, which the content security
policy allows; every chart carries a title and a description, and the pages put
the numbers in a table beside it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from tracker.reports.suppression import Shown

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 44


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
    description: str
    bars: list[Bar]
    ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def baseline(self) -> float:
        return self.height - BOTTOM

    @property
    def left(self) -> int:
        return LEFT

    @property
    def right(self) -> int:
        return self.width - RIGHT


def _nice_step(top: int) -> int:
    if top <= 5:
        return 1
    raw = top / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    return int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw))


def bar_chart(*, chart_id: str, title: str, description: str, items: list[tuple[str, str, Shown, bool]]) -> BarChart:
    """`items`: (label, short label under the bar, value as shown, highlighted).
    A suppressed value is drawn as no bar, with its "[c]" text above the axis."""
    values = [shown.value or 0 for _, _, shown, _ in items]
    top = max([*values, 1])
    step = _nice_step(top)
    scale_top = step * math.ceil(top / step)
    plot_height = HEIGHT - TOP - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / max(len(items), 1)
    bars = []
    for index, (label, short, shown, highlight) in enumerate(items):
        height = plot_height * (shown.value or 0) / scale_top
        bars.append(
            Bar(
                label=label,
                short_label=short,
                text=shown.text,
                x=LEFT + index * slot + slot * 0.15,
                y=HEIGHT - BOTTOM - height,
                width=slot * 0.7,
                height=height,
                highlight=highlight,
                suppressed=shown.suppressed,
            )
        )
    ticks = [
        Tick(HEIGHT - BOTTOM - plot_height * value / scale_top, f"{value:,}") for value in range(0, scale_top + 1, step)
    ]
    return BarChart(chart_id, title, description, bars, ticks)
