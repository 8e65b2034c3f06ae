"""The board report as a PDF, rendered by WeasyPrint from the same figures and the
same section templates as the dashboard."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from tracker.core.models import Area
from tracker.core.pdf import render_pdf
from tracker.reports.definitions import about_context
from tracker.reports.disclosure import published_board
from tracker.reports.display import board_display
from tracker.reports.messages import CAUTION_RULE, key_messages
from tracker.reports.periods import Period

TITLE = "Behind the Badge: board progress report"


def board_context(period: Period, area: Area | None, *, generated_at: datetime | None = None) -> dict[str, Any]:
    board = published_board(period, area)
    display = board_display(board)
    return {
        "title": TITLE,
        "board": board,
        "period": period,
        "area_label": area.name if area is not None else "All areas",
        "generated_at": timezone.localtime(generated_at or timezone.now()),
        "key_messages": key_messages(board, display),
        "caution_rule": CAUTION_RULE,
        **display,
        **about_context(),
    }


def render_board_pdf(period: Period, area: Area | None = None, *, generated_at: datetime | None = None) -> bytes:
    """A tagged PDF (PDF/UA-1) with its title and language set."""
    return render_pdf("reports/board_pdf.html", board_context(period, area, generated_at=generated_at))


def filename(period: Period, area: Area | None) -> str:
    where = f"-{area.name.lower().replace(' ', '-').replace('&', 'and')}" if area is not None else ""
    return f"board-report-{period.start.isoformat()}-to-{period.end.isoformat()}{where}.pdf"
