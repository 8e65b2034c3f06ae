"""The board report PDF read by an accessibility checker that does not come from the
tool that made it (tests/pdf_accessibility.py, built on pikepdf): tags, language,
title, charts whose text alternatives state their numbers, headings, tables and
reading order; chart text printed at 9 pt or more. The checker is shown to fail on
PDFs that break each rule."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pikepdf
import pytest
from django.template.loader import render_to_string
from weasyprint import HTML

from tests.pdf_accessibility import accessibility_problems, read
from tests.reports.conftest import local
from tracker.core.models import Area
from tracker.core.pdf import render_pdf
from tracker.reports.pdf import render_board_pdf
from tracker.reports.periods import Period

pytestmark = pytest.mark.django_db

Q3_2018 = Period(date(2018, 7, 1), date(2018, 9, 30))
TREND = "Assaults per month"
ROLES = "Assaults by role of the person assaulted"
ROLE_LABELS = {
    "police_officer": "Police officer",
    "student_officer": "Student officer",
    "police_staff": "Police staff",
    "pcso": "Police community support officer",
    "special_constable": "Special constable",
}
MONTHS = [date(2017, 10, 1), date(2017, 11, 1), date(2017, 12, 1)] + [date(2018, m, 1) for m in range(1, 10)]


def counted(area: Area | None = None) -> tuple[Counter[str], Counter[str]]:
    """Assaults per month (October 2017 to September 2018) and per role in the
    quarter, counted straight from the incidents, not through the report's code."""
    from tracker.assaults.models import AssaultIncident

    incidents = AssaultIncident.objects.all() if area is None else AssaultIncident.objects.filter(area=area)
    london = ZoneInfo("Europe/London")
    months: Counter[str] = Counter()
    roles: Counter[str] = Counter()
    for occurred_at, role in incidents.values_list("occurred_at", "victim_role"):
        when = occurred_at.astimezone(london).date()
        months[f"{when:%B %Y}"] += 1
        if Q3_2018.start <= when <= Q3_2018.end:
            roles[ROLE_LABELS[role]] += 1
    return months, roles


def test_the_q3_2018_board_report_passes_the_checker(campaign_figures: dict[str, Any]) -> None:
    months, roles = counted()
    assert months["July 2018"] + months["August 2018"] + months["September 2018"] == 152
    charts = {
        TREND: [(f"{month:%B %Y}", str(months[f"{month:%B %Y}"])) for month in MONTHS],
        ROLES: [(label, str(roles[label])) for label in ROLE_LABELS.values()],
    }
    assert ("Police staff", "19") in charts[ROLES]
    content = render_board_pdf(Q3_2018)
    assert accessibility_problems(content, language="en-GB", charts=charts, min_figure_text_pt=9) == []

    # Chart text is printed at 9 pt or more: the two charts, each with its text inside the figure.
    sizes = read(content).figure_text_sizes()
    assert len(sizes) == 2
    assert all(name.startswith((TREND, ROLES)) for name in sizes)
    assert min(sizes.values()) >= 9.0, sizes

    # The same check fails when a chart's text alternative misstates a value.
    wrong = str(months["July 2018"] + 1)
    problems = accessibility_problems(content, charts={TREND: [("July 2018", wrong)]})
    assert len(problems) == 1
    assert problems[0].startswith(
        f"Chart 'Assaults per month': its alternative text does not state July 2018 as {wrong}"
    )


def test_an_area_report_with_small_counts_states_c_in_its_charts(incident_factory: Any, areas: Any) -> None:
    for day, role in ((1, "police_officer"), (2, "police_officer"), (3, "police_staff")):
        incident_factory(local(2018, 8, day, 1), area="Herefordshire", victim_role=role)
    incident_factory(local(2018, 8, 4, 1), area="Shropshire")
    charts = {
        TREND: [("June 2018", "0"), ("July 2018", "0"), ("August 2018", "[c]"), ("September 2018", "0")],
        ROLES: [("Police officer", "[c]"), ("Police staff", "[c]"), ("Student officer", "0")],
    }
    content = render_board_pdf(Q3_2018, areas["Herefordshire"])
    assert accessibility_problems(content, language="en-GB", charts=charts, min_figure_text_pt=9) == []
    alts = [e.alt or "" for e in read(content).root.walk() if e.tag == "/Figure"]  # type: ignore[union-attr]
    assert all("[c]: too few to publish" in alt for alt in alts)
    assert not any(": 2;" in alt or ": 3;" in alt or ": 1;" in alt for alt in alts)  # nothing small shows


def test_a_campaign_area_report_passes_the_checker(campaign_figures: dict[str, Any], areas: Any) -> None:
    content = render_board_pdf(Q3_2018, areas["Herefordshire"])
    assert accessibility_problems(content, language="en-GB", min_figure_text_pt=9) == []


# The checker can fail.


def test_the_checker_reports_an_untagged_pdf(campaign_figures: dict[str, Any]) -> None:
    from tracker.reports.pdf import board_context

    html = render_to_string("reports/board_pdf.html", board_context(Q3_2018, None))
    untagged = HTML(string=html).write_pdf()
    assert untagged is not None
    problems = accessibility_problems(untagged)
    assert "No structure tree (/StructTreeRoot): the PDF is not tagged" in problems
    assert "Not marked as tagged (/MarkInfo /Marked true)" in problems


def without(content: bytes, change: Any) -> bytes:
    """A copy of the PDF `content` changed by `change(pdf)` with pikepdf."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def untag(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    """Take the page's tagged content out of its tags (its artifacts stay marked)."""
    kept: list[pikepdf.ContentStreamInstruction] = []
    dropped: list[bool] = []
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) in ("BDC", "BMC"):
            tagged = str(operator) == "BDC" and "/MCID" in operands[1]
            dropped.append(tagged)
            if tagged:
                continue
        elif str(operator) == "EMC" and dropped.pop():
            continue
        kept.append(pikepdf.ContentStreamInstruction(operands, operator))
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))


def test_the_checker_reports_what_was_stripped_from_a_copy_of_the_report(campaign_figures: dict[str, Any]) -> None:
    content = render_board_pdf(Q3_2018)

    def strip(pdf: pikepdf.Pdf) -> None:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Figure" and "/Alt" in obj:
                del obj["/Alt"]
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/TD" and "/A" in obj:
                obj.A.Headers = pikepdf.Array([pikepdf.String("no-such-header")])
        del pdf.Root["/Lang"]
        del pdf.Root["/ViewerPreferences"]
        del pdf.docinfo["/Title"]
        untag(pdf, pdf.pages[0])

    problems = accessibility_problems(without(content, strip), charts={TREND: [("July 2018", "62")]})
    # (pages vary with the layout: the problems are matched without them)
    assert sum(bool(re.fullmatch(r"Figure \d on page \d+ has no alternative text \(/Alt\)", p)) for p in problems) == 2
    assert "No figure whose alternative text names the chart 'Assaults per month'" in problems
    assert "No document language (/Lang)" in problems
    assert "No title in the document information (/Title)" in problems
    assert "The title is not shown as the window title (/ViewerPreferences /DisplayDocTitle true)" in problems
    assert any(
        re.fullmatch(r"Table 1 on page \d+: cells name header cells that are not in the table: no-such-header", p)
        for p in problems
    )
    assert "Text outside the tags (neither tagged content nor an artifact) on page 1" in problems


BROKEN = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{{ title }}</title></head><body>
<h1>Broken report</h1>
<h2>Contents</h2>
<h2>Key messages</h2>
<h4>Skipped a level</h4>
<table><tr><td>1</td><td>2</td></tr></table>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 100" style="width: 160mm">
<title>Tiny chart</title><text x="10" y="50" font-size="8">Tiny 12</text></svg>
</body></html>"""


def test_the_checker_reports_headings_tables_reading_order_and_small_chart_text(tmp_path: Any, settings: Any) -> None:
    (tmp_path / "broken.html").write_text(BROKEN)
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    content = render_pdf("broken.html", {"title": "Broken report"})
    problems = accessibility_problems(content, language="en-GB", min_figure_text_pt=9)
    assert "Heading level skipped: H2 then H4 ('Skipped a level')" in problems
    assert "Table 1 on page 1 has no header cells (TH)" in problems
    assert "'Key messages' is not read straight after the title: ['Contents'] come first" in problems
    assert "Text in figure 'Tiny chart' is 5.7 pt, under 9 pt" in problems  # 8 units of 640 across 160 mm


WELL_MADE = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{{ title }}</title></head><body>
<h1>Good report</h1>
<section><h2>Key messages</h2><ul><li>Assaults fell.</li></ul></section>
<h2 style="break-before: page">Contents</h2>
<h3>Figures</h3>
<table><caption>Counts</caption><tr><th scope="col">Month</th><th scope="col">Assaults</th></tr>
<tr><th scope="row">July 2018</th><td>62</td></tr></table>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 100" style="width: 160mm">
<title>Counts, bar chart. July 2018: 62.</title><text x="10" y="50" font-size="14">62</text></svg>
</body></html>"""


def test_the_checker_passes_a_well_made_report(tmp_path: Any, settings: Any) -> None:
    (tmp_path / "good.html").write_text(WELL_MADE)
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    content = render_pdf("good.html", {"title": "Good report: July 2018"})
    charts = {"Counts": [("July 2018", "62")]}
    assert accessibility_problems(content, language="en-GB", charts=charts, min_figure_text_pt=9) == []
