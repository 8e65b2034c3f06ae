"""Background tasks of the reports: issuing a board report."""

from __future__ import annotations

from django.tasks import task

from tracker.reports.services import run_report_issue


@task()
def issue_requested(request_id: int) -> str:
    """Issue the board report a ReportIssue asked for."""
    request = run_report_issue(request_id)
    return request.status if request is not None else "not claimed"
