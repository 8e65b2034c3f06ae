"""The dashboard's charts in a real browser: each is an image whose accessible name
states its numbers, and its text is legible on a desktop and on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

RENDERED_SIZES = """svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll("text")]
    .filter(t => getComputedStyle(t).display !== "none")
    .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
}"""


@pytest.mark.parametrize(("width", "smallest"), [(1280, 13.5), (390, 12)])
def test_charts_are_named_by_their_numbers_and_legible(
    page: Any, live_server: Any, demo_users: str, width: int, smallest: float
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, "board", demo_users)
    page.goto(f"{live_server.url}/reports/")
    charts = page.locator("svg.app-chart")
    expect(charts).to_have_count(2)
    months = page.get_by_role("table", name="Assaults per month, in numbers")
    first_month = months.locator("tbody tr").first
    month, total = first_month.locator("th").inner_text(), first_month.locator("td").first.inner_text()
    expect(page.get_by_role("img", name=f"Assaults per month, bar chart. {month}: {total};")).to_have_count(1)
    expect(page.get_by_role("img", name="Assaults by role of the person assaulted, bar chart.")).to_have_count(1)
    for n in range(2):
        sizes = charts.nth(n).evaluate(RENDERED_SIZES)
        assert sizes and min(sizes) >= smallest, (width, sizes)
