"""PDFs about one record: the referral progress report for a case conference and
the venue partnership summary. Rendered by the core renderer like the board report
(tagged PDF/UA, OFFICIAL on every page, page numbers) from the strands' own read paths."""

from __future__ import annotations

from interventions.models import Referral
from interventions.services import progress
from partners.models import Partnership
from tracker.core.outcomes import outcomes_for
from tracker.core.pdf import render_pdf


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
    return render_pdf("reports/referral_pdf.html", context)


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
    return render_pdf("reports/partnership_pdf.html", context)
