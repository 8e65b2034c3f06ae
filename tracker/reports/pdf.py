"""The board report as a PDF, rendered by WeasyPrint from the same figures and the
same section templates as the dashboard."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from tracker.core.models import Area
from tracker.reports import figures
from tracker.reports.display import board_display
from tracker.reports.periods import Period

STATIC = Path(__file__).resolve().parent / "static"
TITLE = "Behind the Badge: board progress report"


class StaticOnlyFetcher(URLFetcher):
    """No network, and no files but this app's static folder: the report is built
    from our own template, but a figure's text must never make it fetch anything."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(STATIC) and path.is_file():
                return super().fetch(url, headers)
        raise ValueError(f"Refused to fetch {url[:80]}")


def board_context(period: Period, area: Area | None, *, generated_at: datetime | None = None) -> dict[str, Any]:
    board = figures.board(period, area)
    return {
        "title": TITLE,
        "board": board,
        "period": period,
        "area_label": area.name if area is not None else "All areas",
        "generated_at": timezone.localtime(generated_at or timezone.now()),
        **board_display(board),
    }


def render_board_pdf(period: Period, area: Area | None = None, *, generated_at: datetime | None = None) -> bytes:
    """A tagged PDF (PDF/UA-1) with its title and language set."""
    html = render_to_string("reports/board_pdf.html", board_context(period, area, generated_at=generated_at))
    document = HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=StaticOnlyFetcher())
    pdf: bytes | None = document.write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None  # noqa: S101  # write_pdf returns bytes when given no target
    return pdf


def filename(period: Period, area: Area | None) -> str:
    where = f"-{area.name.lower().replace(' ', '-').replace('&', 'and')}" if area is not None else ""
    return f"board-report-{period.start.isoformat()}-to-{period.end.isoformat()}{where}.pdf"
