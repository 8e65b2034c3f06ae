"""Venue partnership pages: the lifecycle, the commitments checklist and reviews."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from partners import services
from partners.filters import PartnershipFilter
from partners.forms import CommitmentsForm, PartnershipEditForm, PartnershipStartForm, move_fields
from partners.getters import get_partnership_for, get_venue_for
from partners.lifecycle import LIFECYCLE
from partners.models import CommitmentType, Partnership
from partners.resources import PartnershipResource
from partners.views.common import outcome_page, partners_only
from tracker.core.history import history_entries
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.lists import FilteredListView
from tracker.core.moves import move_page
from tracker.core.outcomes import outcomes_for
from tracker.core.pages import form_page, posted
from tracker.core.permissions import PARTNERS

VISITS_SHOWN = 20


class PartnershipListView(FilteredListView):
    allowed_roles = PARTNERS
    filterset_class = PartnershipFilter
    resource_class = PartnershipResource
    export_name = "partnerships"
    template_name = "partners/partnership_list.html"

    def get_queryset(self) -> QuerySet[Partnership]:
        return (
            Partnership.objects.visible_to(self.request.user)
            .select_related("venue__area", "lead_officer", "end_reason")
            .with_review_overdue(timezone.localdate())
            .order_by("venue__name", "-started_on", "-id")
        )


@partners_only
def partnership_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partnership = get_partnership_for(request.user, pk)
    today = timezone.localdate()
    moves = [(move.target, move.label) for _, move in LIFECYCLE.available(partnership)]
    visits = list(
        partnership.venue.engagements.filter(starts_at__date__gte=partnership.started_on)
        .select_related("kind", "lead_officer")
        .order_by("-starts_at")[:VISITS_SHOWN]
    )
    return render(
        request,
        "partners/partnership_detail.html",
        {
            "partnership": partnership,
            "venue": partnership.venue,
            "moves": moves,
            "review_overdue": partnership.is_open
            and partnership.next_review_on is not None
            and partnership.next_review_on < today,
            "commitments": list(partnership.commitments.select_related("commitment_type")),
            "transitions": list(partnership.transitions.select_related("by", "reason")),
            "visits": visits,
            "outcomes": list(outcomes_for(partnership)),
            "add_outcome_url": reverse("partners:partnership-outcome", args=[pk]),
            "history": history_entries(partnership),
        },
    )


@partners_only
def partnership_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    venue = get_venue_for(request.user, pk)
    form = PartnershipStartForm(posted(request), user=request.user)
    return form_page(
        request,
        form,
        title="Start a partnership",
        caption=str(venue),
        back_url=reverse("partners:venue-detail", args=[pk]),
        submit="Start partnership",
        save=lambda: services.start_partnership(venue, by=request.user, **form.cleaned_data),
        saved=f"Partnership with {venue} started as a prospect.",
        then=lambda partnership: reverse("partners:partnership-detail", args=[partnership.pk]),
    )


@partners_only
def partnership_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partnership = get_partnership_for(request.user, pk)
    back = reverse("partners:partnership-detail", args=[pk])
    if not partnership.is_open:
        messages.error(request, "A closed partnership cannot be edited.")
        return redirect(back)
    form = PartnershipEditForm(posted(request), instance=partnership)
    return form_page(
        request,
        form,
        title="Lead officer and review date",
        caption=str(partnership),
        back_url=back,
        submit="Save",
        save=lambda: services.update_partnership(
            partnership, by=request.user, expected_version=form.cleaned_data["version"], changes=form.changed_values()
        ),
        saved="Partnership saved.",
    )


@partners_only
def partnership_move(request: AuthenticatedHttpRequest, pk: int, to: str) -> HttpResponse:
    """The core move page; the URL names the status the move leads `to`."""
    partnership = get_partnership_for(request.user, pk)
    verb = LIFECYCLE.verb_to(to)
    if verb is None:
        raise Http404("No such move")
    return move_page(
        request,
        partnership,
        verb,
        lifecycle=LIFECYCLE,
        back_url=reverse("partners:partnership-detail", args=[pk]),
        title=LIFECYCLE.moves[verb].label,
        caption=str(partnership),
        extra_fields=move_fields(verb),
    )


@partners_only
def partnership_commitments(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partnership = get_partnership_for(request.user, pk)
    back = reverse("partners:partnership-detail", args=[pk])
    used = partnership.commitments.values("commitment_type")
    types = list(CommitmentType.objects.filter(Q(active=True) | Q(pk__in=used)))
    form = CommitmentsForm(posted(request), partnership=partnership, types=types)
    return form_page(
        request,
        form,
        title="Commitments",
        caption=str(partnership),
        back_url=back,
        submit="Save commitments",
        save=lambda: services.set_commitments(
            partnership, by=request.user, expected_version=form.expected_version(), confirmed=form.confirmed()
        ),
        saved="Commitments saved.",
        then=back + "#commitments",
        template="partners/commitments.html",
        partnership=partnership,
    )


@partners_only
def partnership_outcome(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partnership = get_partnership_for(request.user, pk)
    return outcome_page(request, partnership, back_url=reverse("partners:partnership-detail", args=[pk]))
