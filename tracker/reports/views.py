"""The dashboard, the board report PDF and the archive of issued reports."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.db.models import Min, QuerySet
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from tracker.assaults.models import AssaultIncident
from tracker.core.downloads import attachment
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.lists import FilteredListView
from tracker.core.pdf import pdf_download
from tracker.core.permissions import REPORTS, roles_required
from tracker.core.replica import replica_view
from tracker.reports.definitions import about_context
from tracker.reports.disclosure import published_board
from tracker.reports.display import board_display
from tracker.reports.filters import IssuedReportFilter
from tracker.reports.forms import PeriodForm, chosen_kind, picker_rows
from tracker.reports.messages import CAUTION_RULE, key_messages
from tracker.reports.models import IssuedReport, ReportIssue
from tracker.reports.pdf import filename, render_board_pdf
from tracker.reports.periods import Kind, last_quarter, local_zone, today
from tracker.reports.permissions import ISSUERS, can_choose_dates, can_issue
from tracker.reports.resources import IssuedReportResource
from tracker.reports.services import IssueError, give_up_stalled_issues, request_board_report, why_not_issuable


def _bad_request(request: AuthenticatedHttpRequest, form: PeriodForm) -> HttpResponse:
    return render(request, "reports/bad_request.html", {"form": form}, status=400)


def _first_incident_day() -> date | None:
    """The local day of the earliest assault incident: the picker's lists start there."""
    first = AssaultIncident.objects.aggregate(first=Min("occurred_at"))["first"]
    return first.astimezone(local_zone()).date() if first is not None else None


@require_GET
@roles_required(REPORTS)
@replica_view
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Headline figures, trend, weekday × hour grid for a chosen period and area;
    the last complete quarter unless the reader chose otherwise."""
    on = today()
    free_dates = can_choose_dates(request.user)
    data = request.GET if request.GET else {"period": last_quarter(on).key}
    first = _first_incident_day()
    form = PeriodForm(data, on=on, free_dates=free_dates, first_year=first.year if first else None)
    valid = form.is_valid()
    area = form.cleaned_data.get("area")
    kind = chosen_kind(form)
    context: dict[str, Any] = {
        "form": form,
        "can_issue": can_issue(request.user),
        "free_dates": free_dates,
        "area_name": area.name if area is not None else "",
        # The area form keeps the period; after a bad link, the default one.
        "period_query": (form.period if valid else last_quarter(on)).params(),
        "open_kind": kind.value if kind is not None and (not valid or kind == Kind.CUSTOM) else "",
        **picker_rows(
            first=first,
            on=on,
            chosen=form.period if valid else None,
            area=area.name if area is not None else "",
            ended_only=not free_dates,
        ),
    }
    if not valid:
        return render(request, "reports/dashboard.html", context, status=400)
    board = published_board(form.period, form.chosen_area)
    query = urlencode(form.query())
    display = board_display(board)
    context.update(
        board=board,
        period=form.period,
        area_label=form.chosen_area.name if form.chosen_area is not None else "All areas",
        pdf_url=f"{reverse('reports:board-pdf')}?{query}",
        issue_params=form.query(),
        not_issuable=why_not_issuable(form.period),
        so_far=form.period.end >= on,
        key_messages=key_messages(board, display),
        caution_rule=CAUTION_RULE,
        **display,
        **about_context(),
    )
    return render(request, "reports/dashboard.html", context)


@require_GET
@roles_required(REPORTS)
@replica_view
def board_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The board report for the period (and `area`) in the link, rendered now."""
    form = PeriodForm(request.GET, free_dates=can_choose_dates(request.user))
    if not form.is_valid():
        return _bad_request(request, form)
    return pdf_download(render_board_pdf(form.period, form.chosen_area), filename(form.period, form.chosen_area))


@require_POST
@roles_required(ISSUERS)
def issue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask for the report to be issued; a background task renders and archives it
    while the request's page follows it."""
    # Issuers may choose any dates here; the service refuses all but whole periods.
    form = PeriodForm(request.POST, free_dates=can_choose_dates(request.user))
    if not form.is_valid():
        return _bad_request(request, form)
    try:
        issue = request_board_report(period=form.period, area=form.chosen_area, by=request.user)
    except IssueError as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('reports:dashboard')}?{urlencode(form.query())}")
    return redirect("reports:issue-request", pk=issue.pk)


def _request_for(request: AuthenticatedHttpRequest, pk: int) -> ReportIssue:
    """The request, if the signed-in user made it: anyone else's is a 404, the same
    as one that does not exist. A request stuck on a stopped worker is given up."""
    issue = get_object_or_404(ReportIssue.objects.select_related("area", "report"), pk=pk, requested_by=request.user)
    if issue.status == ReportIssue.Status.ISSUING and give_up_stalled_issues():
        issue.refresh_from_db()
    return issue


@require_GET
@roles_required(ISSUERS)
def issue_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Where the report being issued stands. Once issued, on to the archive."""
    issue = _request_for(request, pk)
    if issue.status == ReportIssue.Status.ISSUED and issue.report is not None:
        messages.success(request, f"{issue.report.title} issued. It is stored exactly as issued below.")
        return redirect("reports:issued")
    period = issue.period
    query = {**period.params(), **({"area": issue.area.name} if issue.area is not None else {})}
    context = {"issue": issue, "period": period, "dashboard_query": urlencode(query)}
    return render(request, "reports/issue_request.html", context)


@require_GET
@roles_required(ISSUERS)
def issue_request_status(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    """The request's status for the page's script, which reloads the page when done."""
    issue = _request_for(request, pk)
    return JsonResponse({"status": issue.status, "label": issue.get_status_display(), "done": issue.done})


class IssuedReportListView(FilteredListView):
    allowed_roles = REPORTS
    model = IssuedReport
    filterset_class = IssuedReportFilter
    resource_class = IssuedReportResource
    export_name = "issued-reports"
    template_name = "reports/issued_list.html"

    def get_queryset(self) -> QuerySet[IssuedReport]:
        # Issued reports hold no personal data: every role may see all of them.
        return IssuedReport.objects.select_related("area", "issued_by")


@require_GET
@roles_required(REPORTS)
def issued_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The stored bytes, exactly as issued; never regenerated."""
    report = get_object_or_404(IssuedReport, pk=pk)
    name = (report.file.name or "").rsplit("/", 1)[-1]
    response = FileResponse(report.file.open("rb"), content_type="application/pdf")
    attachment(response, name)
    return response
