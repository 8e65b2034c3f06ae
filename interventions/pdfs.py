"""The referral progress report for a case conference: a PDF about one referral,
rendered by the core renderer (tagged PDF/UA, the marking on every page, page
numbers) from this strand's own read paths, and its download."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from interventions.models import Referral
from interventions.permissions import is_handler
from interventions.querysets import get_referral_for
from interventions.services import progress
from tracker.core.access_log import consulted
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.models import AccessLog, User
from tracker.core.outcomes import outcomes_for
from tracker.core.pdf import pdf_download, render_pdf
from tracker.core.permissions import roles_required
from tracker.core.roles import Role


def referral_pdf(referral: Referral) -> bytes:
    """Progress of one referral: the person, the programme, every move, the sessions
    and attendance, outcomes and the follow-up. Personal data: callers check that
    the reader is a handling liaison or an administrator, and log the access."""
    sessions = list(referral.sessions.select_related("recorded_by").order_by("scheduled_on", "id"))
    attended, planned = progress(referral, sessions)
    context = {
        "title": f"Referral progress report: {referral.offender.case_reference}",
        "referral": referral,
        "transitions": list(referral.transitions.select_related("by", "reason").order_by("at", "id")),
        "sessions": sessions,
        "attended": attended,
        "planned": planned,
        "outcomes": list(outcomes_for(referral)),
        "follow_up": getattr(referral, "follow_up", None),
    }
    return render_pdf("interventions/referral_pdf.html", context)


@roles_required(Role.LIAISON, Role.ADMIN)
def referral_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """For a case conference: the handling organisation's liaisons and administrators only."""
    user: User = request.user
    referral = get_referral_for(user, pk)
    if not is_handler(user, referral):
        raise Http404
    content = referral_pdf(referral)
    consulted(about=referral, action=AccessLog.Action.REPORT, way=AccessLog.Way.PDF)
    return pdf_download(content, f"referral-{referral.offender.case_reference}.pdf")
