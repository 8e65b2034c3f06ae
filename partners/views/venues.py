"""Venue (licensed premises) pages."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from partners import services
from partners.filters import VenueFilter
from partners.forms import VenueForm
from partners.getters import get_venue_for
from partners.models import Partnership, Venue
from partners.resources import VenueResource
from partners.views.common import partners_only
from tracker.core.history import history_entries
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.lists import FilteredListView
from tracker.core.pages import form_page, posted
from tracker.core.permissions import PARTNERS

VISITS_SHOWN = 20


def with_open_partnership(queryset: QuerySet[Venue]) -> QuerySet[Venue]:
    """Annotate each venue with its open partnership's status (a subquery, no extra query)."""
    open_partnership = Partnership.objects.filter(venue=OuterRef("pk")).open()
    return queryset.annotate(
        partnership_status=Subquery(open_partnership.values("status")[:1]),
        partnership_id=Subquery(open_partnership.values("pk")[:1]),
    )


class VenueListView(FilteredListView):
    allowed_roles = PARTNERS
    filterset_class = VenueFilter
    resource_class = VenueResource
    export_name = "venues"
    template_name = "partners/venue_list.html"

    def get_queryset(self) -> QuerySet[Venue]:
        venues = Venue.objects.visible_to(self.request.user).select_related("area").order_by("name", "licence_number")
        return with_open_partnership(venues)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        labels = dict(Partnership.Status.choices)
        for venue in context["object_list"]:
            venue.partnership_label = labels.get(venue.partnership_status, "")
        return context


@partners_only
def venue_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    venue = get_venue_for(request.user, pk)
    partnerships = list(venue.partnerships.select_related("lead_officer", "end_reason").order_by("-started_on", "-id"))
    visits = list(venue.engagements.select_related("kind", "lead_officer").order_by("-starts_at")[:VISITS_SHOWN])
    return render(
        request,
        "partners/venue_detail.html",
        {
            "venue": venue,
            "partnerships": partnerships,
            "open_partnership": next((p for p in partnerships if p.is_open), None),
            "visits": visits,
            "statuses": dict(Partnership.Status.choices),
            "history": history_entries(venue),
        },
    )


@partners_only
def venue_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = VenueForm(posted(request))
    return form_page(
        request,
        form,
        title="Add a venue",
        back_url=reverse("partners:venue-list"),
        submit="Save venue",
        save=lambda: services.create_venue(by=request.user, **form.changed_values()),
        saved=lambda venue: f"{venue} added.",
        then=lambda venue: reverse("partners:venue-detail", args=[venue.pk]),
    )


@partners_only
def venue_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    venue = get_venue_for(request.user, pk)
    form = VenueForm(posted(request), instance=venue)
    return form_page(
        request,
        form,
        title="Edit venue details",
        caption=str(venue),
        back_url=reverse("partners:venue-detail", args=[pk]),
        submit="Save changes",
        save=lambda: services.update_venue(
            venue, by=request.user, expected_version=form.cleaned_data["version"], changes=form.changed_values()
        ),
        saved="Venue details saved.",
    )
