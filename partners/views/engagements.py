"""Engagement pages: the engagement, materials handed out, follow-ups and outcomes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from partners import services
from partners.filters import EngagementFilter
from partners.forms import EngagementForm, FollowUpForm, MaterialsForm
from partners.getters import get_engagement_for, get_follow_up_for
from partners.models import CommunityGroup, Engagement, EngagementKind, EngagementMaterial, FollowUpAction, Venue
from partners.resources import EngagementResource
from partners.views.common import outcome_page, partners_only
from tracker.core.forms import posted_version_change
from tracker.core.history import HistoryEntry, history_entries, related_entries, timeline
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.lists import FilteredListView
from tracker.core.outcomes import outcome_history, outcomes_for
from tracker.core.pages import form_page, posted
from tracker.core.permissions import PARTNERS


def with_links(queryset: QuerySet[Engagement]) -> QuerySet[Engagement]:
    """Groups and venues in two prefetch queries, whatever the number of rows."""
    return queryset.prefetch_related(
        Prefetch("groups", queryset=CommunityGroup.objects.only("id", "name").order_by("name")),
        Prefetch(
            "venues",
            queryset=Venue.objects.only("id", "name", "licence_number", "address", "postcode").order_by("name"),
        ),
    )


class EngagementListView(FilteredListView):
    allowed_roles = PARTNERS
    filterset_class = EngagementFilter
    resource_class = EngagementResource
    export_name = "engagements"
    template_name = "partners/engagement_list.html"

    def get_queryset(self) -> QuerySet[Engagement]:
        engagements = Engagement.objects.visible_to(self.request.user)
        return with_links(engagements.select_related("kind", "lead_officer", "area").order_by("-starts_at", "-id"))

    def export_queryset(self, rows: QuerySet[Engagement]) -> QuerySet[Engagement]:
        # The export's materials column: one more query, whatever the number of rows.
        return rows.prefetch_related(
            Prefetch("materials", queryset=EngagementMaterial.objects.select_related("material"))
        )


@partners_only
def engagement_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    engagement = get_engagement_for(request.user, pk)
    today = timezone.localdate()
    return render(
        request,
        "partners/engagement_detail.html",
        {
            "engagement": engagement,
            "groups": list(engagement.groups.select_related("area")),
            "venues": list(engagement.venues.select_related("area")),
            "materials": list(engagement.materials.select_related("material")),
            "follow_ups": list(engagement.follow_ups.with_overdue(today).select_related("owner")),
            "outcomes": list(outcomes_for(engagement)),
            "add_outcome_url": reverse("partners:engagement-outcome", args=[pk]),
            "history": engagement_history(engagement),
        },
    )


def engagement_history(engagement: Engagement) -> list[HistoryEntry]:
    """The engagement's own changes, the groups and venues linked, and the history of
    its materials, follow-ups and outcomes, as one timeline: five queries."""
    return timeline(
        history_entries(engagement, links=["groups", "venues"]),
        related_entries(
            EngagementMaterial.history.filter(engagement_id=engagement.pk).select_related("material"),
            noun="Material",
            name=lambda row: f"{row.material}: {row.quantity}",
            hidden=["engagement", "material"],
        ),
        related_entries(
            FollowUpAction.history.filter(engagement_id=engagement.pk),
            noun="Follow-up action",
            name=lambda row: row.description,
            hidden=["engagement"],
        ),
        outcome_history(engagement),
    )


def _engagement_values(form: EngagementForm) -> dict[str, Any]:
    values = form.changed_values()
    values["groups"] = list(form.cleaned_data["groups"])
    values["venues"] = list(form.cleaned_data["venues"])
    return values


def _initial_links(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """Coming from a venue's or a group's page ("Log a visit"), start with it chosen."""
    user = request.user
    venue_id, group_id = request.GET.get("venue", ""), request.GET.get("group", "")
    if venue_id.isdigit():
        venue = Venue.objects.visible_to(user).filter(pk=venue_id).first()
        if venue is not None:
            visit = EngagementKind.objects.filter(name="Venue visit", active=True).values_list("pk", flat=True).first()
            return {"venues": [venue.pk], "area": venue.area_id, "kind": visit}
    if group_id.isdigit():
        group = CommunityGroup.objects.visible_to(user).filter(pk=group_id).first()
        if group is not None:
            return {"groups": [group.pk], "area": group.area_id}
    return {}


@partners_only
def engagement_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = EngagementForm(posted(request), user=request.user, initial=_initial_links(request))
    return form_page(
        request,
        form,
        title="Log an engagement",
        back_url=reverse("partners:engagement-list"),
        submit="Save engagement",
        save=lambda: services.create_engagement(by=request.user, **_engagement_values(form)),
        saved="Engagement logged. Add the materials handed out and any follow-up actions.",
        then=lambda engagement: reverse("partners:engagement-detail", args=[engagement.pk]),
    )


@partners_only
def engagement_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    engagement = get_engagement_for(request.user, pk)
    form = EngagementForm(posted(request), instance=engagement, user=request.user)
    return form_page(
        request,
        form,
        title="Edit engagement",
        caption=str(engagement),
        back_url=reverse("partners:engagement-detail", args=[pk]),
        submit="Save changes",
        save=lambda: services.update_engagement(
            engagement,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            changes=_engagement_values(form),
        ),
        saved="Engagement saved.",
    )


@partners_only
def engagement_materials(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    engagement = get_engagement_for(request.user, pk)
    form = MaterialsForm(posted(request), engagement=engagement)
    back = reverse("partners:engagement-detail", args=[pk])
    return form_page(
        request,
        form,
        title="Campaign materials handed out",
        caption=str(engagement),
        back_url=back,
        submit="Save materials",
        save=lambda: services.set_materials(
            engagement, by=request.user, expected_version=form.expected_version(), quantities=form.quantities()
        ),
        saved="Materials handed out saved.",
        then=back + "#materials",
    )


@partners_only
def follow_up_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    engagement = get_engagement_for(request.user, pk)
    form = FollowUpForm(posted(request), user=request.user, versioned=engagement)
    back = reverse("partners:engagement-detail", args=[pk])
    return form_page(
        request,
        form,
        title="Add a follow-up action",
        caption=str(engagement),
        back_url=back,
        submit="Save action",
        save=lambda: services.add_follow_up(
            engagement,
            by=request.user,
            expected_version=form.expected_version(),
            **{k: v for k, v in form.cleaned_data.items() if k != "version"},
        ),
        saved="Follow-up action added.",
        then=back + "#follow-ups",
    )


@require_POST
@partners_only
def follow_up_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = get_follow_up_for(request.user, pk)
    if posted_version_change(
        request,
        action.engagement,
        lambda version: services.complete_follow_up(action, by=request.user, expected_version=version),
    ):
        messages.success(request, f"Follow-up action done: {action}.")
    return redirect(reverse("partners:engagement-detail", args=[action.engagement_id]) + "#follow-ups")


@partners_only
def engagement_outcome(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    engagement = get_engagement_for(request.user, pk)
    return outcome_page(request, engagement, back_url=reverse("partners:engagement-detail", args=[pk]))
