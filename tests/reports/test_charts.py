"""The bar charts' text alternative, axis and spacing (tracker/reports/charts.py)."""

from __future__ import annotations

from django.template.loader import render_to_string

from tracker.reports.charts import CHAR_WIDTH, NARROW_FONT_SIZE, bar_chart
from tracker.reports.suppression import Shown

MONTHS = ["Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep"]


def shown(value: int | None) -> Shown:
    return Shown(value, "[c]" if value is None else f"{value:,}")


def test_the_text_alternative_states_every_bar_as_shown() -> None:
    chart = bar_chart(
        chart_id="c",
        title="Assaults by role",
        items=[("Police officer", "Officer", shown(None), False), ("Police staff", "Staff", shown(19), False)],
    )
    assert chart.alt == "Assaults by role, bar chart. Police officer: [c]; Police staff: 19. ([c]: too few to publish)"
    svg = render_to_string("reports/includes/bar_chart.html", {"chart": chart})
    assert f'<title id="c-title">{chart.alt}</title>' in svg
    assert 'aria-labelledby="c-title"' in svg


def test_a_chart_with_nothing_to_draw_shows_only_zero_on_its_axis() -> None:
    chart = bar_chart(chart_id="c", title="T", items=[("A", "A", shown(None), False), ("B", "B", shown(0), False)])
    assert [tick.label for tick in chart.ticks] == ["0"]
    assert chart.height < 100  # no empty plot: the axis and the values written above it
    assert all(bar.y == chart.baseline for bar in chart.bars)


def test_labels_fit_their_bars_at_the_narrow_screen_size() -> None:
    chart = bar_chart(chart_id="c", title="T", items=[(m, m, shown(60), False) for m in MONTHS])
    slot = (chart.right - chart.left) / len(MONTHS)
    assert all(len(bar.short_label) * CHAR_WIDTH * NARROW_FONT_SIZE <= slot for bar in chart.bars)
    assert not chart.crowded
    assert chart.left >= len("80") * CHAR_WIDTH * NARROW_FONT_SIZE  # the widest tick label fits left of the axis
    busy = bar_chart(chart_id="c", title="T", items=[(m, m, shown(1250), False) for m in MONTHS])
    assert busy.crowded  # four-digit values over twelve bars: left to the table on a phone
    assert busy.left >= len("1,400") * CHAR_WIDTH * NARROW_FONT_SIZE
