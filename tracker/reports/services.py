"""The issuing of board reports. (Changes to the figures' inputs are
tracker.assaults.services.)"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from tracker.core.errors import DomainError
from tracker.core.history import set_history_user
from tracker.core.models import Area, User
from tracker.reports.models import IssuedReport, ReportIssue
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


def issue_board_report(
    *, period: Period, area: Area | None, by: User, before_commit: Callable[[IssuedReport], None] | None = None
) -> IssuedReport:
    """Render the board report and archive it: the PDF through the storage API,
    then its row (parameters, user, time, SHA-256) in a transaction. If the row
    cannot be written the file is deleted again, so a failure leaves neither.

    Only whole periods that have ended are issued (`why_not_issuable`).

    Not wrapped in an outer transaction on purpose: a stored file cannot be rolled
    back, so the row's transaction must be the last step. `before_commit` runs inside
    that transaction once the row is saved; raising there stores nothing."""
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
            if before_commit is not None:
                before_commit(report)
    except Exception:
        report.file.delete(save=False)
        raise
    return report


# Issuing in the background ----------------------------------------------------

logger = logging.getLogger(__name__)

STOPPED = (
    "The report stopped before it was issued (the server doing the work stopped). "
    "Nothing was issued. Issue it again from the dashboard."
)
BROKE = "Something went wrong while the report was being issued. Nothing was issued. Try again later."


def request_board_report(*, period: Period, area: Area | None, by: User) -> ReportIssue:
    """Ask for the board report to be issued by a background task (`issue_requested`).
    What would refuse it is checked here, so the person asking hears at once. The
    request and its task are one transaction (the queue is a database table): both
    or neither."""
    from tracker.reports.tasks import issue_requested

    if not can_issue(by):
        raise IssueError("Only administrators and partnership officers can issue reports.")
    if (reason := why_not_issuable(period)) is not None:
        raise IssueError(reason)
    with transaction.atomic():
        request = ReportIssue.objects.create(
            period_start=period.start, period_end=period.end, period_kind=period.kind, area=area, requested_by=by
        )
        issue_requested.enqueue(request.pk)
    return request


class Superseded(Exception):
    """The request stopped being this attempt's while it worked (marked stalled)."""


def run_report_issue(request_id: int) -> ReportIssue | None:
    """Issue what `request_id` asked for, once: the request is claimed (queued →
    issuing), and marked issued in the same transaction as the report's row, which
    refuses to commit if the request was meanwhile given up as stalled."""
    claimed = ReportIssue.objects.filter(pk=request_id, status=ReportIssue.Status.QUEUED).update(
        status=ReportIssue.Status.ISSUING, started_at=timezone.now()
    )
    if not claimed:
        return None  # already issued, failed or taken by another worker
    request = ReportIssue.objects.select_related("area", "requested_by").get(pk=request_id)

    def mark_issued(report: IssuedReport) -> None:
        still_ours = (
            ReportIssue.objects.select_for_update()
            .filter(pk=request_id, status=ReportIssue.Status.ISSUING)
            .update(status=ReportIssue.Status.ISSUED, report=report, finished_at=timezone.now())
        )
        if not still_ours:
            raise Superseded

    try:
        issue_board_report(period=request.period, area=request.area, by=request.requested_by, before_commit=mark_issued)
    except Superseded:
        return request
    except IssueError as error:
        _fail(request_id, str(error))
    except Exception:
        _fail(request_id, BROKE)
        raise
    request.refresh_from_db()
    return request


def _fail(request_id: int, message: str) -> None:
    ReportIssue.objects.filter(pk=request_id, status=ReportIssue.Status.ISSUING).update(
        status=ReportIssue.Status.FAILED, message=message[:300], finished_at=timezone.now()
    )


def give_up_stalled_issues(now: datetime | None = None) -> int:
    """Requests issuing for longer than TASK_STALLED_SECONDS lost their worker (a
    report renders in seconds): mark them failed. Their report, if the worker is in
    fact alive, then refuses to commit."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.TASK_STALLED_SECONDS)
    stalled = ReportIssue.objects.filter(status=ReportIssue.Status.ISSUING, started_at__lt=cutoff).update(
        status=ReportIssue.Status.FAILED, message=STOPPED, finished_at=timezone.now()
    )
    if stalled:
        logger.warning("Gave up %s report issue(s) whose worker stopped.", stalled)
    return stalled
