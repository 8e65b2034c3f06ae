"""Issued reports: stored as issued, listed, downloaded byte for byte."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.reports.conftest import local
from tracker.reports.models import IssuedReport
from tracker.reports.periods import Period

pytestmark = pytest.mark.django_db

QUARTER = {"start": "2018-07-01", "end": "2018-09-30"}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _download(client: Any, report: IssuedReport) -> bytes:
    response = client.get(reverse("reports:issued-download", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_officers_and_administrators_issue_a_report(
    client: Any, users: dict[str, Any], areas: dict[str, Any], role: str
) -> None:
    client.force_login(users[role])
    response = client.post(reverse("reports:issue"), {**QUARTER, "area": "Shropshire"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:issued")
    report = IssuedReport.objects.get()
    assert (report.period_start.isoformat(), report.period_end.isoformat()) == (QUARTER["start"], QUARTER["end"])
    assert report.area is not None and report.area.name == "Shropshire"
    assert report.issued_by == users[role]
    assert "issued" in response.text
    assert report.title in response.text


@pytest.mark.parametrize("role", ["board", "liaison"])
def test_others_may_not_issue_but_may_list_and_download(client: Any, users: dict[str, Any], role: str) -> None:
    client.force_login(users["officer"])
    client.post(reverse("reports:issue"), QUARTER)
    client.force_login(users[role])
    assert client.post(reverse("reports:issue"), QUARTER).status_code == 403
    assert IssuedReport.objects.count() == 1
    assert client.get(reverse("reports:issued")).status_code == 200
    _download(client, IssuedReport.objects.get())


def test_download_is_exactly_the_issued_bytes_whatever_changes_later(
    client: Any, officer: Any, board: Any, incident_factory: Any
) -> None:
    incident_factory(local(2018, 8, 1))
    client.force_login(officer)
    client.post(reverse("reports:issue"), QUARTER)
    report = IssuedReport.objects.get()
    client.force_login(board)
    first = _download(client, report)
    assert hashlib.sha256(first).hexdigest() == report.sha256
    assert len(first) == report.size
    for day in range(1, 20):
        incident_factory(local(2018, 8, day, 3))
    again = _download(client, report)
    assert again == first
    fresh = client.get(reverse("reports:board-pdf"), QUARTER).content
    assert hashlib.sha256(fresh).hexdigest() != report.sha256


def test_a_failed_row_write_leaves_no_file(officer: Any, media: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.reports import services

    def broken_save(self: Any, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(IssuedReport, "save", broken_save)
    with pytest.raises(RuntimeError):
        services.issue_board_report(period=_quarter(), area=None, by=officer)
    assert not [p for p in media.rglob("*") if p.is_file()]
    assert not IssuedReport.objects.exists()


def _quarter() -> Period:
    from datetime import date

    return Period(date(2018, 7, 1), date(2018, 9, 30))


def test_bad_parameters_to_issue_answer_400(client: Any, officer: Any) -> None:
    client.force_login(officer)
    response = client.post(reverse("reports:issue"), {"start": "2018-09-30", "end": "2018-07-01"})
    assert response.status_code == 400
    assert not IssuedReport.objects.exists()


def test_an_unknown_issued_report_is_404(client: Any, board: Any) -> None:
    client.force_login(board)
    assert client.get(reverse("reports:issued-download", args=[999])).status_code == 404


def _issue(officer: Any, count: int) -> None:
    from tracker.reports.services import issue_board_report

    for _ in range(count):
        issue_board_report(period=_quarter(), area=None, by=officer)


@pytest.mark.parametrize("count", [2, 6])
def test_issued_list_queries_do_not_grow(
    client: Any, officer: Any, board: Any, django_assert_max_num_queries: Any, count: int
) -> None:
    _issue(officer, count)
    client.force_login(board)
    # 1 session, 2 user, 3 areas for the filter, 4 count, 5 page of reports (+ area, user),
    # 6 organisation (banner), 7-9 session save
    with django_assert_max_num_queries(9):
        response = client.get(reverse("reports:issued"), {"sort": "-issued"})
    assert response.text.count("Board progress report, July to September 2018") == count


def test_issued_list_filters_and_exports_the_filtered_rows(client: Any, officer: Any, areas: dict[str, Any]) -> None:
    from tracker.reports.services import issue_board_report

    issue_board_report(period=_quarter(), area=areas["Herefordshire"], by=officer)
    issue_board_report(period=_quarter(), area=None, by=officer)
    client.force_login(officer)
    page = client.get(reverse("reports:issued"), {"area": areas["Herefordshire"].pk})
    assert "1 issued report" in page.text
    csv = client.get(reverse("reports:issued"), {"area": areas["Herefordshire"].pk, "export": "csv"})
    lines = csv.getvalue().decode().strip().splitlines()
    assert len(lines) == 2 and "Herefordshire" in lines[1]
    assert client.get(reverse("reports:issued"), {"export": "xlsx"}).status_code == 200


def test_board_report_command_writes_the_pdf(tmp_path: Path, areas: dict[str, Any]) -> None:
    output = tmp_path / "board.pdf"
    call_command(
        "board_report", "--start", "2018-07-01", "--end", "2018-09-30", "--area", "Shropshire", "--output", output
    )
    assert output.read_bytes().startswith(b"%PDF-")


def test_board_report_command_refuses_bad_dates(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--end"):
        call_command("board_report", "--start", "2018-09-30", "--end", "2018-07-01", "--output", tmp_path / "x.pdf")


def test_the_pdf_renderer_fetches_nothing_from_the_network_or_other_files() -> None:
    from tracker.core.pdf import InlineOnlyFetcher

    fetcher = InlineOnlyFetcher()
    here = Path(__file__).resolve().as_uri()
    for url in ("https://example.org/x.png", "http://127.0.0.1/", "file:///etc/passwd", here, "reports.css"):
        with pytest.raises(ValueError, match="Refused"):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,hello") is not None


def test_issued_list_sorts_by_period(client: Any, officer: Any) -> None:
    from datetime import date

    from tracker.reports.services import issue_board_report

    issue_board_report(period=Period(date(2019, 1, 1), date(2019, 3, 31)), area=None, by=officer)
    issue_board_report(period=_quarter(), area=None, by=officer)
    client.force_login(officer)
    text = client.get(reverse("reports:issued"), {"sort": "period"}).text
    assert text.index("July to September 2018") < text.index("January to March 2019")
    text = client.get(reverse("reports:issued"), {"sort": "-period"}).text
    assert text.index("January to March 2019") < text.index("July to September 2018")
