"""Choosing a period: whole months, quarters and financial years for everyone;
custom dates for partnership officers and administrators only, everywhere the
board can ask (dashboard, PDF, JSON); reports are issued for whole periods only."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from tests.pdfs import pdf_text
from tests.reports.conftest import local
from tracker.reports.forms import NOT_ENDED, WHOLE_ONLY, PeriodForm
from tracker.reports.models import IssuedReport
from tracker.reports.periods import Kind, Period, add_months
from tracker.reports.services import IssueError, issue_board_report

pytestmark = pytest.mark.django_db

API = "/api/v1/reports/board/"
CUSTOM = {"start": "2018-07-01", "end": "2018-07-09"}
QUARTER_AS_DATES = {"start": "2018-07-01", "end": "2018-09-30"}
ON = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _form(data: dict[str, str], *, free_dates: bool) -> PeriodForm:
    form = PeriodForm(data, on=ON, free_dates=free_dates)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("data", "period", "kind"),
    [
        ({"period": "2018-07"}, Period(date(2018, 7, 1), date(2018, 7, 31)), Kind.MONTH),
        ({"period": "2018-Q3"}, Period(date(2018, 7, 1), date(2018, 9, 30)), Kind.QUARTER),
        ({"period": "FY2018-Q2"}, Period(date(2018, 7, 1), date(2018, 9, 30)), Kind.FY_QUARTER),
        ({"period": "FY2018"}, Period(date(2018, 4, 1), date(2019, 3, 31)), Kind.FINANCIAL_YEAR),
        ({"month": "2", "year": "2024"}, Period(date(2024, 2, 1), date(2024, 2, 29)), Kind.MONTH),
        (QUARTER_AS_DATES, Period(date(2018, 7, 1), date(2018, 9, 30)), Kind.QUARTER),
        ({"start": "2018-04-01", "end": "2019-03-31"}, Period.financial_year(2018), Kind.FINANCIAL_YEAR),
    ],
)
@pytest.mark.parametrize("free_dates", [True, False])
def test_every_role_may_choose_whole_periods(
    data: dict[str, str], period: Period, kind: Kind, free_dates: bool
) -> None:
    form = _form(data, free_dates=free_dates)
    assert form.errors == {}
    assert form.period == period
    assert form.period.kind == kind


def test_only_those_with_free_dates_may_choose_custom_dates() -> None:
    officer = _form(CUSTOM, free_dates=True)
    assert officer.errors == {}
    assert officer.period == Period(date(2018, 7, 1), date(2018, 7, 9))
    assert officer.query() == CUSTOM
    board = _form(CUSTOM, free_dates=False)
    assert board.errors == {"period": [WHOLE_ONLY]}


def test_only_those_with_free_dates_may_choose_a_period_not_yet_over() -> None:
    assert _form({"period": "2026-Q4"}, free_dates=True).errors == {}
    assert _form({"period": "2026-Q4"}, free_dates=False).errors == {"period": [NOT_ENDED]}
    assert _form({"period": "2026-11"}, free_dates=False).errors == {"period": [NOT_ENDED]}
    assert _form({"period": "2026-10"}, free_dates=False).errors == {}
    assert _form({"month": "11", "year": "2026"}, free_dates=False).errors == {"year": [NOT_ENDED]}
    assert _form({"start": "2026-10-01", "end": "2026-12-31"}, free_dates=False).errors == {"period": [NOT_ENDED]}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"period": "2018-Q5"}, "period", "from the lists"),
        ({"period": "FY0000"}, "period", "from the lists"),
        ({"period": "FY1999"}, "period", "on or after 1 January 2000"),
        ({"period": "2030-01"}, "period", "too far in the future"),
        ({"month": "7"}, "year", "Choose the year"),
        ({"year": "2018"}, "month", "Choose the month"),
        ({"month": "13", "year": "2018"}, "month", "Choose a month from the list"),
        ({"month": "1", "year": "99999"}, "year", "Choose a year from the list"),
        ({"month": "1", "year": "9998"}, "year", "too far in the future"),
    ],
)
def test_bad_choices_say_what_to_do(data: dict[str, str], field: str, message: str) -> None:
    form = _form(data, free_dates=True)
    assert any(message in error for error in form.errors[field]), form.errors


def test_a_bad_date_from_the_board_also_says_what_it_may_choose() -> None:
    form = _form({"start": "2018-02-30", "end": "2018-03-31"}, free_dates=False)
    assert "start" in form.errors
    assert form.errors["period"] == [WHOLE_ONLY]


# The board role on every door ---------------------------------------------------


def test_board_members_get_400_for_custom_dates_on_the_dashboard_pdf_and_json(
    client: Any, board: Any, liaison: Any
) -> None:
    client.force_login(board)
    page = client.get(reverse("reports:dashboard"), CUSTOM)
    assert page.status_code == 400
    assert WHOLE_ONLY in page.text
    assert "There is a problem" in page.text
    pdf = client.get(reverse("reports:board-pdf"), CUSTOM)
    assert pdf.status_code == 400
    assert WHOLE_ONLY in pdf.text
    # The JSON's exact figures are not for board members at all (403); other roles
    # without free dates get whole periods there too.
    api = APIClient()
    api.force_authenticate(board)
    assert api.get(API, CUSTOM).status_code == 403
    api.force_authenticate(liaison)
    response = api.get(API, CUSTOM)
    assert response.status_code == 400
    assert response.json()["period"] == [WHOLE_ONLY]


def test_board_members_get_whole_quarters_on_the_dashboard_pdf_and_json(
    client: Any, board: Any, liaison: Any, incident_factory: Any
) -> None:
    for day in (1, 2, 3, 4, 5, 6):
        incident_factory(local(2018, 8, day))
    client.force_login(board)
    for params in ({"period": "FY2018-Q2"}, {"period": "2018-Q3"}, QUARTER_AS_DATES):
        page = client.get(reverse("reports:dashboard"), params)
        assert page.status_code == 200
        assert "All areas, July to September 2018" in page.text
        pdf = client.get(reverse("reports:board-pdf"), params)
        assert pdf.status_code == 200
        assert "July to September 2018" in pdf_text(pdf.content)
    api = APIClient()
    api.force_authenticate(board)
    assert api.get(API, {"period": "FY2018-Q2"}).status_code == 403  # exact figures: not for the board
    api.force_authenticate(liaison)
    for params in ({"period": "FY2018-Q2"}, QUARTER_AS_DATES):
        response = api.get(API, params)
        assert response.status_code == 200
        assert response.json()["period"] == {"start": "2018-07-01", "end": "2018-09-30", "days": 92}
        assert response.json()["assaults"]["total"] == 6


def test_officers_keep_free_dates_everywhere(client: Any, officer: Any, incident_factory: Any) -> None:
    incident_factory(local(2018, 7, 3))
    client.force_login(officer)
    page = client.get(reverse("reports:dashboard"), CUSTOM)
    assert page.status_code == 200
    assert "1 July 2018 to 9 July 2018 (9 days)" in page.text
    assert "Issue this report" not in page.text
    assert "Only a whole month, quarter or financial year can be issued to the board" in page.text
    assert "Issue this report" in client.get(reverse("reports:dashboard"), {"period": "2018-Q3"}).text
    assert client.get(reverse("reports:board-pdf"), CUSTOM).status_code == 200
    api = APIClient()
    api.force_authenticate(officer)
    assert api.get(API, CUSTOM).json()["assaults"]["total"] == 1


def test_the_json_names_the_missing_dates_when_no_period_is_given(liaison: Any) -> None:
    api = APIClient()
    api.force_authenticate(liaison)
    body = api.get(API, {}).json()
    assert "required unless `period` is given" in body["start"][0]


# What the dashboard offers -----------------------------------------------------


@time_machine.travel("2026-11-25 10:00 +0000")
def test_the_dashboard_links_financial_years_and_quarters_carrying_the_area(
    client: Any, board: Any, incident_factory: Any
) -> None:
    incident_factory(local(2015, 4, 2))  # the data start in 2015/16
    client.force_login(board)
    page = client.get(reverse("reports:dashboard"), {"period": "2026-Q3", "area": "Shropshire"}).text
    assert 'href="?period=FY2018-Q2&amp;area=Shropshire"' in page
    assert 'Q2<span class="govuk-visually-hidden"> 2018/19, July to September 2018</span>' in page
    assert 'href="?period=FY2015&amp;area=Shropshire"' in page  # from the earliest data
    assert "?period=FY2014" not in page
    assert 'href="?period=2018-Q3&amp;area=Shropshire"' in page
    # 2026/27 has not ended; its third quarter neither: offered, but not as a link
    assert "?period=FY2026&" not in page and "?period=FY2026-Q3" not in page
    assert 'href="?period=FY2026-Q2&amp;area=Shropshire" aria-current="page"' not in page  # kind differs
    assert 'href="?period=2026-Q3&amp;area=Shropshire" aria-current="page"' in page
    assert "Other dates" not in page  # no custom dates for the board
    assert f"{reverse('reports:board-pdf')}?period=2026-Q3&amp;area=Shropshire" in page


@time_machine.travel("2026-11-25 10:00 +0000")
def test_officers_are_offered_custom_dates_and_periods_not_yet_over(client: Any, officer: Any) -> None:
    client.force_login(officer)
    page = client.get(reverse("reports:dashboard")).text
    assert "Other dates" in page
    assert 'href="?period=FY2026-Q3"' in page
    assert '<input type="hidden" name="period" value="2026-Q3">' in page  # the area form keeps the period


@pytest.mark.parametrize(
    ("params", "rows"),
    [
        (
            {"period": "FY2018-Q2"},
            [("Previous quarter", "April to June 2018"), ("Same quarter a year earlier", "July to September 2017")],
        ),
        (
            {"period": "2018-07"},
            [("Previous month", "June 2018"), ("Same month a year earlier", "July 2017")],
        ),
        ({"period": "FY2018"}, [("Previous financial year", "April 2017 to March 2018")]),
        (
            {"period": "FY2018-Q1"},
            [("Previous quarter", "January to March 2018"), ("Same quarter a year earlier", "April to June 2017")],
        ),
    ],
)
def test_comparisons_are_named_by_the_kind_of_period(
    client: Any, board: Any, params: dict[str, str], rows: list[tuple[str, str]]
) -> None:
    client.force_login(board)
    page = client.get(reverse("reports:dashboard"), params).text
    for label, period in rows:
        assert f'{label}<br><span class="govuk-body-s">{period}</span>' in page
    assert ("a year earlier<br>" in page) == (len(rows) == 2)


def test_the_financial_year_is_named_on_the_dashboard(client: Any, board: Any, incident_factory: Any) -> None:
    for first in (date(2017, 4, 1), date(2018, 4, 1)):  # five a month in both years
        for n in range(12):
            month = add_months(first, n)
            for day in range(1, 6):
                incident_factory(local(month.year, month.month, day))
    client.force_login(board)
    page = client.get(reverse("reports:dashboard"), {"period": "FY2018"}).text
    assert "All areas, April 2018 to March 2019 (2018/19 financial year)." in page
    # The key messages compare with the previous financial year once, not twice
    assert page.count("the same as in April 2017 to March 2018 (60)") == 1
    page = client.get(reverse("reports:dashboard"), {"period": "FY2018-Q4"}).text
    assert "All areas, January to March 2019 (Q4 2018/19)." in page


# Issuing ------------------------------------------------------------------------


def test_issuing_custom_dates_is_refused_and_stores_nothing(officer: Any, media: Path) -> None:
    with pytest.raises(IssueError, match="Only a whole month, quarter or financial year can be issued"):
        issue_board_report(period=Period(date(2018, 7, 1), date(2018, 7, 9)), area=None, by=officer)
    assert IssuedReport.objects.count() == 0
    assert not any(media.rglob("*.pdf"))


@time_machine.travel("2026-11-25 10:00 +0000")
def test_issuing_a_period_not_yet_over_is_refused(client: Any, officer: Any) -> None:
    with pytest.raises(IssueError, match="October to December 2026 has not ended yet"):
        issue_board_report(period=Period.quarter(2026, 4), area=None, by=officer)
    assert IssuedReport.objects.count() == 0
    client.force_login(officer)
    page = client.get(reverse("reports:dashboard"), {"period": "2026-Q4"}).text
    assert "Issue this report" not in page
    assert "October to December 2026 has not ended yet: its report can be issued once it has." in page
    assert "All areas, October to December 2026, not over yet: the figures so far." in page


def test_the_issue_button_refuses_custom_dates_with_a_message(client: Any, officer: Any) -> None:
    client.force_login(officer)
    response = client.post(reverse("reports:issue"), CUSTOM, follow=True)
    assert "Only a whole month, quarter or financial year can be issued" in response.text
    assert IssuedReport.objects.count() == 0


def test_a_financial_year_quarter_is_issued_under_its_name(client: Any, officer: Any) -> None:
    client.force_login(officer)
    response = client.post(reverse("reports:issue"), {"period": "FY2018-Q2"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:issued")
    report = IssuedReport.objects.get()
    assert report.title == "Board progress report, July to September 2018 (Q2 2018/19)"
    assert (report.period_start, report.period_end) == (date(2018, 7, 1), date(2018, 9, 30))
