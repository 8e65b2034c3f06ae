"""The venue partnership summary: a PDF about one partnership, rendered by the core
renderer (tagged PDF/UA, the marking on every page, page numbers) from this strand's
own read paths, and its download."""

from __future__ import annotations

from django.http import HttpResponse

from partners.getters import get_partnership_for
from partners.models import Partnership
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.outcomes import outcomes_for
from tracker.core.pdf import pdf_download, render_pdf
from tracker.core.permissions import PARTNERS, roles_required


def partnership_pdf(partnership: Partnership) -> bytes:
    """Summary of one venue partnership: the venue, the lifecycle, commitments,
    visits since it started, and outcomes."""
    venue = partnership.venue
    visits = list(
        venue.engagements.filter(starts_at__date__gte=partnership.started_on)
        .select_related("kind", "lead_officer")
        .order_by("-starts_at")
    )
    context = {
        "title": f"Venue partnership summary: {venue.name}",
        "partnership": partnership,
        "venue": venue,
        "commitments": list(
            partnership.commitments.select_related("commitment_type").order_by("commitment_type__order")
        ),
        "transitions": list(partnership.transitions.select_related("by", "reason").order_by("at", "id")),
        "visits": visits,
        "outcomes": list(outcomes_for(partnership)),
    }
    return render_pdf("partners/partnership_pdf.html", context)


@roles_required(PARTNERS)
def partnership_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partnership = get_partnership_for(request.user, pk)
    slug = "".join(c if c.isalnum() else "-" for c in partnership.venue.name.lower()).strip("-")
    return pdf_download(partnership_pdf(partnership), f"partnership-{slug}.pdf")
