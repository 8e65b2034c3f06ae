"""Downloads of the per-record PDFs, behind the strands' own scoping."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from interventions.permissions import is_handler
from interventions.querysets import get_referral_for
from partners.getters import get_partnership_for
from tracker.core.access_log import consulted
from tracker.core.downloads import attachment
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.models import AccessLog, User
from tracker.core.permissions import PARTNERS, roles_required
from tracker.core.roles import Role
from tracker.reports.record_pdfs import partnership_pdf, referral_pdf


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    attachment(response, name)  # the name holds a case reference or a venue name
    response["Cache-Control"] = "no-store"
    return response


@roles_required(Role.LIAISON, Role.ADMIN)
def referral_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """For a case conference: the handling organisation's liaisons and administrators only."""
    user: User = request.user
    referral = get_referral_for(user, pk)
    if not is_handler(user, referral):
        raise Http404
    content = referral_pdf(referral)
    consulted(about=referral, action=AccessLog.Action.REPORT, way=AccessLog.Way.PDF)
    return _pdf(content, f"referral-{referral.offender.case_reference}.pdf")


@roles_required(PARTNERS)
def partnership_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partnership = get_partnership_for(request.user, pk)
    slug = "".join(c if c.isalnum() else "-" for c in partnership.venue.name.lower()).strip("-")
    return _pdf(partnership_pdf(partnership), f"partnership-{slug}.pdf")
