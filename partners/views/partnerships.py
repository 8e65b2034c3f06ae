"""Venue partnership pages: the lifecycle, the commitments checklist and reviews."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from partners import services
from partners.filters import PartnershipFilter
from partners.forms import CommitmentsForm, MoveForm, PartnershipEditForm, PartnershipStartForm
from partners.getters import get_partnership_for, get_venue_for
from partners.models import CommitmentType, Partnership
from partners.resources import PartnershipResource
from partners.views.common import form_page, outcome_page, partners_only
from tracker.core.history import history_entries
from tracker.core.lists import FilteredListView
from tracker.core.outcomes import outcomes_for
from tracker.core.permissions import PARTNERS
from tracker.core.versioning import EditConflict

Status = Partnership.Status
VISITS_SHOWN = 20

# The button each move shows on the partnership page.
MOVE_LABELS = {
    Status.ENGAGED: "Record as engaged",
    Status.SIGNED_UP: "Sign up",
    Status.ACTIVE: "Mark as active",
    Status.LAPSED: "Record as lapsed",
    Status.WITHDRAWN: "Withdraw",
}


class PartnershipListView(FilteredListView):
    allowed_roles = PARTNERS
    filterset_class = PartnershipFilter
    resource_class = PartnershipResource
    export_name = "partnerships"
    template_name = "partners/partnership_list.html"

    def get_queryset(self) -> QuerySet[Partnership]:
        return (
            Partnership.objects.visible_to(self.request.user)  # type: ignore[arg-type,union-attr]
            .select_related("venue__area", "lead_officer", "end_reason")
            .with_review_overdue(timezone.localdate())
            .order_by("venue__name", "-started_on", "-id")
        )


@partners_only
def partnership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = get_partnership_for(request.user, pk)  # type: ignore[arg-type]
    today = timezone.localdate()
    moves = [(to, MOVE_LABELS[Status(to)]) for to in services.allowed_moves(partnership)]
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
def partnership_start(request: HttpRequest, pk: int) -> HttpResponse:
    venue = get_venue_for(request.user, pk)  # type: ignore[arg-type]
    form = PartnershipStartForm(request.POST or None, user=request.user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            partnership = services.start_partnership(venue, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except services.PartnershipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Partnership with {venue} started as a prospect.")
            return redirect("partners:partnership-detail", pk=partnership.pk)
    back = reverse("partners:venue-detail", args=[pk])
    return form_page(
        request, form, title="Start a partnership", caption=str(venue), back_url=back, submit="Start partnership"
    )


@partners_only
def partnership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = get_partnership_for(request.user, pk)  # type: ignore[arg-type]
    back = reverse("partners:partnership-detail", args=[pk])
    if not partnership.is_open:
        messages.error(request, "A closed partnership cannot be edited.")
        return redirect(back)
    form = PartnershipEditForm(request.POST or None, instance=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_partnership(
                partnership,
                by=request.user,  # type: ignore[arg-type]
                expected_version=form.cleaned_data["version"],
                changes=form.changed_values(),
            )
        except EditConflict as conflict:
            form.add_conflict(conflict)
        except services.PartnershipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Partnership saved.")
            return redirect(back)
    return form_page(
        request, form, title="Lead officer and review date", caption=str(partnership), back_url=back, submit="Save"
    )


@partners_only
def partnership_move(request: HttpRequest, pk: int, to: str) -> HttpResponse:
    partnership = get_partnership_for(request.user, pk)  # type: ignore[arg-type]
    if to not in services.MOVES:
        raise Http404("No such move")
    back = reverse("partners:partnership-detail", args=[pk])
    form = MoveForm(request.POST or None, to=to)
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = dict(form.cleaned_data)
        if to != Status.SIGNED_UP:
            data.pop("next_review_on", None)
        try:
            services.MOVES[Status(to)](partnership, by=request.user, **data)  # type: ignore[operator]
        except services.PartnershipError as error:
            form.add_error(None, str(error))
        else:
            partnership.refresh_from_db()
            messages.success(request, f"Partnership is now {partnership.get_status_display().lower()}.")
            return redirect(back)
    elif request.method != "POST" and to not in services.allowed_moves(partnership):
        messages.error(
            request,
            f"A partnership that is {partnership.get_status_display().lower()} cannot be marked "
            f"{Status(to).label.lower()}.",
        )
        return redirect(back)
    return form_page(
        request, form, title=MOVE_LABELS[Status(to)], caption=str(partnership), back_url=back, submit="Confirm"
    )


@partners_only
def partnership_commitments(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = get_partnership_for(request.user, pk)  # type: ignore[arg-type]
    back = reverse("partners:partnership-detail", args=[pk])
    used = partnership.commitments.values("commitment_type")
    types = list(CommitmentType.objects.filter(Q(active=True) | Q(pk__in=used)))
    form = CommitmentsForm(request.POST or None, partnership=partnership, types=types)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_commitments(partnership, by=request.user, confirmed=form.confirmed())  # type: ignore[arg-type]
        except services.PartnershipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Commitments saved.")
            return redirect(back + "#commitments")
    return render(
        request,
        "partners/commitments.html",
        {"form": form, "partnership": partnership, "back_url": back},
        status=400 if form.is_bound and form.errors else 200,
    )


@partners_only
def partnership_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = get_partnership_for(request.user, pk)  # type: ignore[arg-type]
    return outcome_page(request, partnership, back_url=reverse("partners:partnership-detail", args=[pk]))
