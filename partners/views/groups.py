"""Community group pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from partners import services
from partners.filters import GroupFilter
from partners.forms import ContactForm, GroupForm
from partners.getters import get_group_for
from partners.models import CommunityGroup, Engagement
from partners.resources import GroupResource
from partners.views.common import partners_only
from tracker.core.access_log import log_access
from tracker.core.forms import posted_version_change
from tracker.core.history import history_entries
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.lists import FilteredListView
from tracker.core.models import AccessLog
from tracker.core.outcomes import outcomes_for_model
from tracker.core.pages import form_page, posted
from tracker.core.permissions import PARTNERS

TIMELINE_LENGTH = 50


class GroupListView(FilteredListView):
    allowed_roles = PARTNERS
    filterset_class = GroupFilter
    resource_class = GroupResource
    export_name = "community-groups"
    template_name = "partners/group_list.html"

    def get_queryset(self) -> QuerySet[CommunityGroup]:
        return CommunityGroup.objects.visible_to(self.request.user).select_related("area").order_by("name")


def _timeline(group: CommunityGroup) -> list[dict[str, Any]]:
    """The group's latest engagements and their outcomes, newest first: two queries."""
    engagements = list(
        group.engagements.select_related("kind", "lead_officer").order_by("-starts_at")[:TIMELINE_LENGTH]
    )
    by_id = {e.pk: e for e in engagements}
    outcomes = outcomes_for_model(Engagement).filter(object_id__in=by_id).select_related("outcome_type", "recorded_by")
    entries: list[dict[str, Any]] = [
        {"when": e.starts_at.date(), "sort": e.starts_at.date(), "engagement": e} for e in engagements
    ]
    entries += [{"when": o.date, "sort": o.date, "outcome": o, "engagement": by_id[o.object_id]} for o in outcomes]
    entries.sort(key=lambda entry: (entry["sort"], "outcome" in entry), reverse=True)
    return entries


@partners_only
def group_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = get_group_for(request.user, pk)
    contacts = list(group.contacts.all())
    if contacts:
        log_access(request.user, [group], action=AccessLog.Action.VIEW, request=request)
    return render(
        request,
        "partners/group_detail.html",
        {"group": group, "contacts": contacts, "timeline": _timeline(group), "history": history_entries(group)},
    )


@partners_only
def group_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = GroupForm(posted(request))
    return form_page(
        request,
        form,
        title="Add a community group",
        back_url=reverse("partners:group-list"),
        submit="Save group",
        save=lambda: services.create_group(by=request.user, **form.changed_values()),
        saved=lambda group: f"{group} added.",
        then=lambda group: reverse("partners:group-detail", args=[group.pk]),
    )


@partners_only
def group_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = get_group_for(request.user, pk)
    form = GroupForm(posted(request), instance=group)
    return form_page(
        request,
        form,
        title="Edit group details",
        caption=str(group),
        back_url=reverse("partners:group-detail", args=[pk]),
        submit="Save changes",
        save=lambda: services.update_group(
            group, by=request.user, expected_version=form.cleaned_data["version"], changes=form.changed_values()
        ),
        saved="Group details saved.",
    )


@partners_only
def contact_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = get_group_for(request.user, pk)
    form = ContactForm(posted(request), versioned=group)
    back = reverse("partners:group-detail", args=[pk])
    return form_page(
        request,
        form,
        title="Add a contact",
        caption=str(group),
        back_url=back,
        submit="Save contact",
        save=lambda: services.add_contact(
            group,
            by=request.user,
            expected_version=form.expected_version(),
            **{k: v for k, v in form.cleaned_data.items() if k != "version"},
        ),
        saved="Contact added.",
        then=back + "#contacts",
    )


@require_POST
@partners_only
def contact_remove(request: AuthenticatedHttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    group = get_group_for(request.user, pk)
    contact = get_object_or_404(group.contacts, pk=contact_pk)
    if posted_version_change(
        request,
        group,
        lambda version: services.remove_contact(contact, by=request.user, expected_version=version),
    ):
        messages.success(request, f"{contact} removed from the contacts.")
    return redirect(reverse("partners:group-detail", args=[pk]) + "#contacts")
