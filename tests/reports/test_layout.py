"""The board report as a publication: its pages (no heading or caption ends one, none
but the last is near empty), the weekday × time pattern at a grain that survives
suppression with the slots that stand out said in words, sections with nothing to
report saying so, and 'About these figures' defining each figure and dating the
last imports."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from tests.pdfs import pdf_text
from tracker.assaults.models import AssaultIncident
from tracker.reports import pattern
from tracker.reports.figures import AssaultFigures, Change, Workforce
from tracker.reports.pdf import board_context, render_board_pdf
from tracker.reports.periods import Period

QUARTER = Period(date(2018, 7, 1), date(2018, 9, 30))
YEAR = Period(date(2017, 10, 1), date(2018, 9, 30))
HEADINGS = {"h1", "h2", "h3", "h4", "caption", "summary"}


# The PDF's pages ---------------------------------------------------------------------


def _pages(html: str) -> list[tuple[boxes.PageBox, list[boxes.Box]]]:
    """Each page with the boxes of its body (the running header and footer left out)."""
    document = HTML(string=html).render()
    result = []
    for page in document.pages:
        page_box = page._page_box
        content = [
            box for child in page_box.children if not isinstance(child, boxes.MarginBox) for box in child.descendants()
        ]
        result.append((page_box, content))
    return result


def _ink(content: list[boxes.Box]) -> list[boxes.Box]:
    """The boxes that put something on the page: text and pictures."""
    return [box for box in content if isinstance(box, boxes.TextBox | boxes.ReplacedBox) and box.height > 0]


def _bottom(box: boxes.Box) -> float:
    return float(box.position_y + box.margin_height())


def _stranded_headings(content: list[boxes.Box]) -> list[str]:
    """Headings and captions with nothing of their own section below them on the page."""
    ink = _ink(content)
    stranded = []
    for box in content:
        if isinstance(box, boxes.BlockBox) and box.element_tag in HEADINGS:
            below = [b for b in ink if b.element_tag not in HEADINGS and b.position_y >= _bottom(box) - 1]
            if not below:
                stranded.append(" ".join(t.text for t in box.descendants() if isinstance(t, boxes.TextBox)))
    return stranded


def _fullness(page_box: boxes.PageBox, content: list[boxes.Box]) -> float:
    top = page_box.content_box_y()
    lowest = max((_bottom(box) for box in _ink(content)), default=top)
    return float((lowest - top) / page_box.height)


def _check_pages(html: str) -> int:
    pages = _pages(html)
    for number, (page_box, content) in enumerate(pages, start=1):
        assert _stranded_headings(content) == [], f"page {number} ends with a heading"
        if number < len(pages):
            assert _fullness(page_box, content) > 1 / 3, f"page {number} is nearly empty"
    return len(pages)


@pytest.mark.django_db
def test_the_campaigns_q3_report_has_no_stranded_heading_and_no_near_empty_page(
    campaign_figures: dict[str, Any],
) -> None:
    html = render_to_string("reports/board_pdf.html", board_context(QUARTER, None))
    pages = _check_pages(html)
    # The old layout forced a page per section: ten pages, five of them nearly empty.
    assert pages <= 7


@pytest.mark.django_db
def test_one_areas_report_and_a_year_also_keep_headings_with_their_content(
    campaign_figures: dict[str, Any], areas: dict[str, Any]
) -> None:
    _check_pages(render_to_string("reports/board_pdf.html", board_context(QUARTER, areas["Shropshire"])))
    _check_pages(render_to_string("reports/board_pdf.html", board_context(YEAR, None)))


def test_the_page_checks_can_fail() -> None:
    """A heading pushed to the foot of a page by a tall block, then a short page."""
    filler = '<div style="height: 230mm; border: 1px solid">x</div>'
    html = f"<html><body>{filler}<h2>Stranded</h2><div style='break-before: page'>x</div><p>y</p></body></html>"
    pages = _pages(html)
    assert _stranded_headings(pages[0][1]) == ["Stranded"]
    assert _fullness(*pages[1]) < 1 / 3


@pytest.mark.django_db
def test_the_grid_text_is_at_least_9pt(campaign_figures: dict[str, Any]) -> None:
    html = render_to_string("reports/board_pdf.html", board_context(QUARTER, None))
    cells = [
        box
        for _, content in _pages(html)
        for box in content
        if isinstance(box, boxes.TextBox) and box.element_tag in {"td", "th"}
    ]
    assert cells
    # CSS pixels: 9pt is 12px.
    assert min(box.style["font_size"] for box in cells) >= 12


# The weekday × time pattern -----------------------------------------------------------


def _figures(period: Period, cells: dict[tuple[int, int], int], area: str | None = None) -> AssaultFigures:
    grid = [[0] * 24 for _ in range(7)]
    for (day, hour), n in cells.items():
        grid[day][hour] = n
    total = sum(map(sum, grid))
    change = Change(period.start, period.end, total, total)
    return AssaultFigures(
        period=period,
        area=area,
        total=total,
        with_injury=0,
        charged=0,
        by_victim_role={},
        by_weekday_hour=grid,
        workforce=Workforce(None, None, 0),
        previous_period=change,
        year_earlier=change,
    )


def _show(figures: AssaultFigures) -> dict[str, Any]:
    from tracker.reports.suppression import show

    return pattern.weekday_time_display(
        figures, local=figures.area is not None, total=show(figures.total, suppress=figures.area is not None)
    )


def test_a_year_is_shown_by_hour_and_a_quarter_by_four_hour_band() -> None:
    # Every hour of every day has 6 assaults: nothing is too small at either grain.
    cells = {(d, h): 6 for d in range(7) for h in range(24)}
    year = _show(_figures(YEAR, cells))
    assert year["band_width"] == 1
    assert [band.heading for band in year["bands"]][:3] == ["00", "01", "02"]
    assert len(year["grid"][0]["cells"]) == 24
    quarter = _show(_figures(QUARTER, cells))
    assert quarter["band_width"] == 4
    assert quarter["widened_from"] is None
    assert [band.heading for band in quarter["bands"]] == ["00–04", "04–08", "08–12", "12–16", "16–20", "20–00"]
    assert [cell["text"] for cell in quarter["grid"][0]["cells"]] == ["24"] * 6


def test_a_grain_that_would_be_mostly_hidden_gives_way_to_a_wider_band() -> None:
    # One assault an hour: every hour cell would be [c]; four-hour bands hold 4 (still
    # [c]), six-hour bands 6, which can be published.
    cells = {(d, h): 1 for d in range(7) for h in range(24)}
    year = _show(_figures(YEAR, cells))
    assert year["band_width"] == 6
    assert year["widened_from"] == 1
    assert {cell["text"] for row in year["grid"] for cell in row["cells"]} == {"6"}


def test_the_slots_that_stand_out_are_said_in_words() -> None:
    cells = {(d, h): 5 for d in range(7) for h in range(0, 24, 4)}
    cells[(5, 0)] = cells[(6, 0)] = 19  # Saturday and Sunday, midnight to 4am
    shown = _show(_figures(QUARTER, cells))
    assert shown["sentence"].startswith(
        "Assaults stood out on Saturday and Sunday between midnight and 4am: 38 of 238."
    )
    assert "at least one and a half times the average of 5.7 assaults" in shown["sentence"]
    assert shown["standouts"] == ["Saturday 00:00 to 03:59", "Sunday 00:00 to 03:59"]
    assert [c["peak"] for c in shown["grid"][5]["cells"]] == [True] + [False] * 5


def test_at_most_three_groups_of_slots_are_named_and_the_rest_counted() -> None:
    cells = {(d, h): 10 for d in range(7) for h in range(24)}
    for day in range(7):
        cells[(day, day)] = 30 + day  # Monday 00:00, Tuesday 01:00, ... Sunday 06:00
    shown = _show(_figures(YEAR, cells))
    assert shown["band_width"] == 1
    assert shown["sentence"].startswith(
        "Assaults stood out on Sunday between 6am and 7am: 36 of 1,841; Saturday between 5am and 6am: 35 of 1,841;"
        " Friday between 4am and 5am: 34 of 1,841; and 4 other slots."
    )


def test_no_slot_stands_out_when_none_is_well_above_the_average() -> None:
    cells = {(d, h): 5 + d % 2 for d in range(7) for h in range(0, 24, 4)}
    shown = _show(_figures(QUARTER, cells))
    assert shown["sentence"].startswith("No time slot stands out.")
    assert shown["standouts"] == []


def test_a_hidden_cell_never_stands_out_nor_shades_the_grid_differently() -> None:
    # Monday midnight to 4am holds 4: hidden, and so is a second cell (secondary
    # suppression), one of them 0 or not; both look the same.
    cells = {(d, h): 5 for d in range(7) for h in range(0, 24, 4) if (d, h) != (0, 0)}
    cells[(0, 0)] = 4
    shown = _show(_figures(QUARTER, cells))
    hidden = [cell for row in shown["grid"] for cell in row["cells"] if cell["text"] == "[c]"]
    assert len(hidden) >= 2
    assert {cell["level"] for cell in hidden} == {"c"}
    assert not any(cell["peak"] for cell in hidden)
    assert shown["standouts"] == []


def test_no_slot_is_said_to_stand_out_when_most_are_hidden() -> None:
    # Three slots of 5 and four of 2 (hidden), on seven different days: even whole
    # days are mostly hidden, and "no slot stands out" would mislead.
    cells = {(d, 0): 5 for d in range(3)} | {(d, 4): 2 for d in range(3, 7)}
    shown = _show(_figures(QUARTER, cells))
    assert shown["band_width"] == 24
    assert shown["sentence"] == ""


def test_an_area_whose_total_is_hidden_shows_no_pattern() -> None:
    shown = _show(_figures(QUARTER, {(5, 1): 3}, area="Herefordshire"))
    assert shown["sentence"] == ""
    assert shown["standouts"] == []
    assert shown["grid"][5]["cells"][0]["text"] == "[c]"
    assert "3" not in {cell["text"] for row in shown["grid"] for cell in row["cells"]}


# Sections with nothing to report, and About these figures -----------------------------


@pytest.mark.django_db
def test_sections_with_nothing_to_report_say_so_in_a_sentence(campaign_figures: dict[str, Any]) -> None:
    text = " ".join(pdf_text(render_board_pdf(QUARTER)).split())
    for sentence in (
        "No engagements took place in this period.",
        "No partnerships were signed up or active in this period.",
        "No referrals were made, started or ended in this period.",
        "No outcomes were recorded in this period.",
    ):
        assert sentence in text
    assert "No assaults were recorded in this period." not in text
    assert "Assaults stood out on" in text or "No time slot stands out." in text
    # No tables of zeros in their place.
    assert "Outcomes by strand" not in text
    assert "Referrals made" not in text.split("About these figures")[-2]
    empty = " ".join(pdf_text(render_board_pdf(Period(date(2010, 1, 1), date(2010, 3, 31)))).split())
    assert "No assaults were recorded in this period." in empty
    assert "By role of the person assaulted Role" not in empty


def _import(kind: str, content: bytes, name: str, by: Any) -> None:
    from tracker.core.imports import registry
    from tracker.core.imports.services import confirm_import, preview_import

    chosen = registry.get(kind)
    assert chosen is not None
    job = preview_import(chosen, content, name, by=by)
    confirm_import(job, chosen, by=by)


@pytest.mark.django_db
def test_about_these_figures_is_the_last_section_and_dates_the_last_imports(
    campaign_figures: dict[str, Any], admin_user: Any
) -> None:
    loaded = timezone.localtime(AssaultIncident.history.latest("history_date").history_date)
    before = " ".join(pdf_text(render_board_pdf(QUARTER)).split())
    # The campaign's data, loaded as the command line imports it: dated too.
    assert f"Assault incidents last imported {loaded:%-d %B %Y} at {loaded:%H:%M}" in before
    with time_machine.travel(datetime(2030, 10, 3, 9, 15, tzinfo=UTC), tick=False):
        _import(
            "incidents",
            b"reference,occurred_at,area,victim_role,injury,outcome\n"
            b"NEW1,2018-09-01 01:20,Shropshire,police_officer,yes,charged\n",
            "incidents.csv",
            admin_user,
        )
    with time_machine.travel(datetime(2030, 10, 4, 9, 15, tzinfo=UTC), tick=False):
        # Checked but never confirmed: not an import.
        from tracker.core.imports import registry
        from tracker.core.imports.services import preview_import

        workforce = registry.get("workforce")
        assert workforce is not None
        preview_import(
            workforce,
            b"period_start,period_end,officers,staff\n2018-10-01,2018-12-31,2010,1500\n",
            "workforce.csv",
            by=admin_user,
        )
    pages = pdf_text(render_board_pdf(QUARTER)).split("\f")[:-1]
    text = " ".join(" ".join(pages).split())
    last = " ".join(pages[-1].split())
    assert text.rindex("About these figures") > text.index("Outcomes No outcomes")
    assert "Assault incidents last imported 3 October 2030 at 10:15" in text  # BST
    assert "Workforce figures last imported 4 October 2030" not in text
    assert f"Workforce figures last imported {loaded:%-d %B %Y}" in text
    assert "Where the figures come from" in last
    for words in (
        '"Started" can be more than "Accepted" when referrals accepted in an earlier period started in this one',
        "completed ÷ (completed + not completed)",
        "Of the sessions that took place in the period, the share the person attended, on time or late.",
        "The average number of police officers over the period, divided by the number of assaults.",
        "Friday, Saturday and Sunday from midnight to 6am",
        "at least one and a half times the average number of assaults a slot",
        "[c] means confidential",
        "based on fewer than 5 cases is not shown",
    ):
        assert words in text


@pytest.mark.django_db
def test_the_dashboard_has_the_same_definitions_behind_a_details_element(
    client: Any, board: Any, campaign_figures: dict[str, Any]
) -> None:
    client.force_login(board)
    page = client.get(reverse("reports:dashboard"), {"start": "2018-07-01", "end": "2018-09-30"})
    assert page.status_code == 200
    html = page.text
    details = html[html.index('<details class="govuk-details app-about"') :]
    assert '<span class="govuk-details__summary-text">About these figures</span>' in details
    assert "completed ÷ (completed + not completed)" in details
    assert "Assault incidents last imported" in details
    assert "Never imported" not in details
    assert 'href="#about-these-figures"' in html
    assert "No engagements took place in this period." in html


@pytest.mark.django_db
def test_about_says_never_imported_when_nothing_was(areas: Any) -> None:
    text = " ".join(pdf_text(render_board_pdf(QUARTER)).split())
    assert "Assault incidents last imported Never imported" in text
    assert "Workforce figures last imported Never imported" in text
