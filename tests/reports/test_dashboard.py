"""The dashboard and the board report PDF: who may see them, what they say, and
that bad links answer 400, never 500."""

from __future__ import annotations

import re
import subprocess
import zlib
from datetime import date
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from tests.pdfs import pdf_text
from tests.reports.conftest import local
from tests.reports.counts import LATTICE_AREA_QUARTER, LATTICE_FORCE_QUARTER_AT_MOST, STRAND_QUERIES
from tracker.reports import figures
from tracker.reports.periods import Period

pytestmark = pytest.mark.django_db

QUARTER = {"start": "2018-07-01", "end": "2018-09-30"}
CAMPAIGN = {"start": "2015-04-01", "end": "2018-09-30"}


def pdf_objects(content: bytes) -> bytes:
    """The PDF's objects with their compressed streams inflated (the catalog sits
    in a compressed object stream)."""
    parts = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def pdf_info(content: bytes) -> str:
    result = subprocess.run(["/usr/bin/pdfinfo", "-"], input=content, capture_output=True, check=True)  # noqa: S603
    return result.stdout.decode()


@pytest.mark.parametrize("role", ["officer", "admin", "board", "liaison", "liaison2"])
def test_every_role_sees_the_dashboard_and_can_download_the_pdf(client: Any, users: dict[str, Any], role: str) -> None:
    client.force_login(users[role])
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert "Download board report (PDF)" in response.text
    assert client.get(reverse("reports:board-pdf"), QUARTER).status_code == 200


def test_a_user_without_a_role_is_refused(client: Any, user_factory: Any) -> None:
    client.force_login(user_factory())
    assert client.get(reverse("reports:dashboard")).status_code == 403
    assert client.get(reverse("reports:board-pdf"), QUARTER).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client: Any) -> None:
    for url in (reverse("reports:dashboard"), reverse("reports:board-pdf")):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_dashboard_is_in_the_navigation_for_board_members(client: Any, board: Any) -> None:
    client.force_login(board)
    assert f'href="{reverse("reports:dashboard")}"' in client.get("/").text


@time_machine.travel("2026-11-25 10:00 +0000")
def test_dashboard_opens_on_last_quarter_with_its_pdf_link(client: Any, board: Any) -> None:
    client.force_login(board)
    response = client.get(reverse("reports:dashboard"))
    assert "All areas, July to September 2026." in response.text
    assert f"{reverse('reports:board-pdf')}?period=2026-Q3" in response.text
    assert "Issue this report" not in response.text  # board members read, they do not issue


def test_dashboard_states_the_campaigns_figures_exactly(
    client: Any, board: Any, officer: Any, campaign_figures: dict[str, Any]
) -> None:
    # The campaign's span is not a whole period: the office chooses such dates, the board cannot.
    client.force_login(officer)
    whole = client.get(reverse("reports:dashboard"), CAMPAIGN).text
    assert '<span class="app-figure">2,219</span>' in whole
    assert '<span class="app-figure">680</span>' in whole
    client.force_login(board)
    quarter = client.get(reverse("reports:dashboard"), QUARTER).text
    assert '<span class="app-figure">152</span>' in quarter
    assert '<span class="app-figure">46</span>' in quarter
    assert '<span class="app-figure">1.7</span>' in quarter  # 152 / 92 = 1.652…
    assert '<span class="app-figure">13</span>' in quarter  # 2,000 officers / 152


def test_pdf_states_the_campaigns_figures_and_is_marked_on_every_page(
    client: Any, board: Any, officer: Any, campaign_figures: dict[str, Any]
) -> None:
    client.force_login(officer)  # the campaign's span is not a whole period: not for the board
    response = client.get(reverse("reports:board-pdf"), CAMPAIGN)
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Assaults                                          2,219" in text or " 2,219\n" in text
    assert "With injury" in text and " 680" in text
    client.force_login(board)
    quarter = pdf_text(client.get(reverse("reports:board-pdf"), QUARTER).content)
    pages = quarter.split("\f")[:-1]
    assert all("OFFICIAL" in page for page in pages)
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))
    assert "Period: July to September 2018 (92 days)" in quarter
    assert "Area: All areas" in quarter
    assert "Contents" in quarter
    headline = quarter[quarter.index("Assaults on on-duty personnel\n") :]
    assert [line.split()[-1] for line in headline.splitlines()[1:5] if line.strip()][:2] == ["152", "46"]
    assert "1.7 (over 92 days)" in quarter
    assert "13 (force-wide workforce figures)" in quarter


def test_pdf_is_tagged_with_title_and_language(client: Any, board: Any) -> None:
    client.force_login(board)
    content = client.get(reverse("reports:board-pdf"), QUARTER).content
    info = pdf_info(content)
    assert "Tagged:          yes" in info
    assert "Title:           Behind the Badge: board progress report" in info
    objects = pdf_objects(content)
    assert re.search(rb"/Type /Catalog.*?/Lang \(en-GB\)", objects)
    assert b"/StructTreeRoot" in objects
    assert b"pdfuaid" in objects  # the PDF/UA identification in the XMP metadata


def test_pdf_holds_no_personal_data(client: Any, user_factory: Any, incident_factory: Any) -> None:
    incident_factory(local(2018, 8, 1), reference="SECRET-REF-1")
    reader = user_factory("board_member", username="quentinreader")
    reader.first_name, reader.last_name = "Quentin", "Zebedee"
    reader.save()
    client.force_login(reader)
    text = pdf_text(client.get(reverse("reports:board-pdf"), QUARTER).content)
    for personal in ("SECRET-REF-1", "quentinreader", "Quentin", "Zebedee"):
        assert personal not in text


def test_area_report_suppresses_small_counts(client: Any, board: Any, incident_factory: Any) -> None:
    for day in (1, 2, 3):
        incident_factory(local(2018, 8, day, 1), area="Herefordshire")
    client.force_login(board)
    params = {**QUARTER, "area": "Herefordshire"}
    page = client.get(reverse("reports:dashboard"), params).text
    assert '<span class="app-figure">[c]</span>' in page
    assert '<span class="app-figure">3</span>' not in page
    text = pdf_text(client.get(reverse("reports:board-pdf"), params).content)
    assert "Area: Herefordshire" in text
    assert "[c]" in text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Enter the first day"),
        ({"start": "2018-07-01"}, "Enter the last day"),
        ({"start": "not-a-date", "end": "2018-09-30"}, "Enter a valid date"),
        ({"start": "2018-09-30", "end": "2018-07-01"}, "same as or after the first day"),
        ({**QUARTER, "area": "Atlantis"}, "Choose one of the areas"),
        ({"start": "1066-10-14", "end": "2018-09-30"}, "on or after 1 January 2000"),
        ({"start": "2001-01-01", "end": "2018-09-30"}, "at most 10 years"),
        ({"start": "2026-01-01", "end": "2028-06-30"}, "too far in the future"),
        ({"start": "2018-07-01\x00", "end": "2018-09-30"}, "Enter a valid date"),
    ],
)
def test_bad_pdf_links_answer_400_with_the_reason(
    client: Any, board: Any, params: dict[str, str], message: str
) -> None:
    client.force_login(board)
    response = client.get(reverse("reports:board-pdf"), params)
    assert response.status_code == 400
    assert message in response.text
    assert client.get(reverse("reports:dashboard"), params or {"preset": "custom"}).status_code == 400


def test_dashboard_shows_form_errors_for_bad_dates(client: Any, board: Any) -> None:
    client.force_login(board)
    response = client.get(reverse("reports:dashboard"), {"preset": "custom", "start": "2019-02-30", "end": ""})
    assert response.status_code == 400
    assert "There is a problem" in response.text


def _incidents(incident_factory: Any, count: int) -> None:
    for n in range(count):
        incident_factory(local(2018, 7 + n % 3, 1 + n % 28, n % 24), area="Herefordshire" if n % 2 else "Shropshire")


@pytest.mark.parametrize("count", [3, 30])
def test_dashboard_queries_do_not_grow_with_data(
    client: Any, board: Any, incident_factory: Any, django_assert_max_num_queries: Any, count: int
) -> None:
    _incidents(incident_factory, count)
    client.force_login(board)
    figures.board(Period(date(2026, 7, 1), date(2026, 9, 30)))  # caches content types
    # 1 session, 2 user, 3 first incident (the years the period picker offers),
    # 4 area (validating the choice), 5 headline counts, 6 grid, 7 workforce, 8 trend,
    # 9 organisation (banner), 10 areas for the select,
    # 11-13 session save (savepoint, update, release), 14 the last imports (About
    # these figures), then the strands' sections, and the differencing rule's
    # (disclosure.py): the quarter's three months' strand sections, the areas, the
    # monthly assault counts of the two financial years the trend spans.
    with django_assert_max_num_queries(14 + STRAND_QUERIES + LATTICE_AREA_QUARTER):
        response = client.get(reverse("reports:dashboard"), {**QUARTER, "area": "Shropshire"})
    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_pdf_queries_do_not_grow_with_data(
    client: Any, board: Any, incident_factory: Any, django_assert_max_num_queries: Any, count: int
) -> None:
    _incidents(incident_factory, count)
    client.force_login(board)
    figures.board(Period(date(2026, 7, 1), date(2026, 9, 30)))  # caches content types
    # 1 session, 2 user, 3 area, 4 headline counts, 5 grid, 6 workforce, 7 trend,
    # 8-10 session save (savepoint, update, release), 11 the last imports (About
    # these figures), then the strands' sections and the differencing rule's, as
    # for the dashboard
    with django_assert_max_num_queries(11 + STRAND_QUERIES + LATTICE_AREA_QUARTER):
        response = client.get(reverse("reports:board-pdf"), {**QUARTER, "area": "Shropshire"})
    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_force_dashboard_queries_stay_within_the_lattice_bound(
    client: Any, board: Any, incident_factory: Any, django_assert_max_num_queries: Any, count: int
) -> None:
    _incidents(incident_factory, count)
    client.force_login(board)
    figures.board(Period(date(2026, 7, 1), date(2026, 9, 30)))  # caches content types
    # As for one area (12 + the strands' sections), with the differencing rule over
    # at most every month and area of the quarter, whatever the number of incidents.
    with django_assert_max_num_queries(13 + STRAND_QUERIES + LATTICE_FORCE_QUARTER_AT_MOST):
        response = client.get(reverse("reports:dashboard"), QUARTER)
    assert response.status_code == 200
