"""The issuing of board reports. (Changes to the figures' inputs are
tracker.assaults.services.)"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from tracker.core.errors import DomainError
from tracker.core.history import set_history_user
from tracker.core.models import Area, User
from tracker.reports.models import IssuedReport
from tracker.reports.pdf import filename as pdf_filename
from tracker.reports.pdf import render_board_pdf
from tracker.reports.periods import Period, today
from tracker.reports.permissions import can_issue


class IssueError(DomainError):
    """The report could not be issued; nothing was stored."""

    status_code = 403


def why_not_issuable(period: Period) -> str | None:
    """Why a report for `period` cannot be issued, or None if it can. What the board
    receives follows the rule for what it may ask for: a whole month, quarter or
    financial year that has ended (so no two reports differ by a few days)."""
    if not period.is_whole:
        return f"Only a whole month, quarter or financial year can be issued to the board, not {period.label()}."
    if period.end >= today():
        return f"{period.label()} has not ended yet: its report can be issued once it has."
    return None


def issue_board_report(*, period: Period, area: Area | None, by: User) -> IssuedReport:
    """Render the board report and archive it: the PDF through the storage API,
    then its row (parameters, user, time, SHA-256) in a transaction. If the row
    cannot be written the file is deleted again, so a failure leaves neither.

    Only whole periods that have ended are issued (`why_not_issuable`).

    Not wrapped in an outer transaction on purpose: a stored file cannot be rolled
    back, so the row's transaction must be the last step."""
    if not can_issue(by):
        raise IssueError("Only administrators and partnership officers can issue reports.")
    if (reason := why_not_issuable(period)) is not None:
        raise IssueError(reason)
    issued_at = timezone.now()
    content = render_board_pdf(period, area, generated_at=issued_at)
    report = IssuedReport(
        title=f"Board progress report, {period.title()}" + (f", {area.name}" if area is not None else ""),
        period_start=period.start,
        period_end=period.end,
        area=area,
        issued_by=by,
        issued_at=issued_at,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
    )
    report.file.save(pdf_filename(period, area), ContentFile(content), save=False)
    try:
        with transaction.atomic():
            set_history_user(report, by)
            report.save()
    except Exception:
        report.file.delete(save=False)
        raise
    return report
