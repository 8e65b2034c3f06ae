"""Pages of the offender behaviour strand. Every read starts from `visible_to(user)`
(or a getter built on it), so a record outside the user's scope is a 404; every
page or export that shows personal data marks the people it shows
(`tracker.core.access_log.consulted`): the request then writes one access-log row
naming them all. Form pages mark only when they render, so a save that redirects
logs nothing more."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import DetailView

from tracker.core.access_log import consulted
from tracker.core.forms import posted_version_change
from tracker.core.history import history_entries
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.lists import FilteredListView
from tracker.core.models import AccessLog
from tracker.core.moves import move_page
from tracker.core.outcomes import outcomes_for
from tracker.core.pages import form_page, posted
from tracker.core.permissions import INTERVENTIONS, RolesRequiredMixin, roles_required

from . import permissions, services
from .filters import OffenderFilter, ProgrammeFilter, ReferralFilter
from .forms import (
    AssignForm,
    CompleteForm,
    FollowUpForm,
    OffenderEditForm,
    OffenderForm,
    ReferralForm,
    SessionForm,
    accept_fields,
)
from .importing import ReferralImportResource
from .lifecycle import LIFECYCLE
from .models import Offender, Programme, Referral, Session
from .querysets import get_offender_for, get_referral_for
from .resources import OffenderResource, ProgrammeResource


class PersonalDataListView(FilteredListView):
    """A list of personal records: the request's access-log row names every person
    on the page, or every person exported."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        searched = bool(self.request.GET.get("q", "").strip())
        consulted(context["object_list"], action=AccessLog.Action.SEARCH if searched else AccessLog.Action.LIST)
        return context

    # The field holding the id of the person each row shows.
    person_field = "pk"

    def export_people(self, rows: QuerySet[Any]) -> list[int]:
        # One query of ids: the export itself then streams the rows.
        return list(rows.order_by().values_list(self.person_field, flat=True).distinct())


# Referrals ------------------------------------------------------------------


class ReferralListView(PersonalDataListView):
    """The caseload: tabs, search, filters, sorting and export of visible referrals."""

    allowed_roles = INTERVENTIONS
    filterset_class = ReferralFilter
    # The import layout: an exported caseload imports back with every row unchanged.
    resource_class = ReferralImportResource
    export_name = "referrals"
    person_field = "offender_id"
    template_name = "interventions/referral_list.html"

    def get_queryset(self) -> QuerySet[Any]:
        return Referral.objects.visible_to(self.request.user).for_list()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        for key in ("tab", "page", "export"):
            query.pop(key, None)
        rest = query.urlencode()
        current = self.request.GET.get("tab", "")
        context["tabs"] = [
            {"label": label, "url": f"?tab={value}" + (f"&{rest}" if rest else ""), "current": current == value}
            for value, label in [("", "All referrals"), *ReferralFilter.TABS]
            # Unassigned and assigned-to-me are the handling liaisons' views.
            if value not in {"unassigned", "mine"} or self.request.user.is_probation_liaison
        ]
        return context


@roles_required(INTERVENTIONS)
def referral_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    referral = get_referral_for(user, pk)
    consulted(about=referral, action=AccessLog.Action.VIEW)
    sessions = list(referral.sessions.select_related("recorded_by").order_by("scheduled_on", "id"))
    attended, planned = services.progress(referral, sessions)
    follow_up = getattr(referral, "follow_up", None) if referral.status in {"completed", "not_completed"} else None
    context = {
        "referral": referral,
        "offender": referral.offender,
        "sessions": sessions,
        "attended": attended,
        "planned": planned,
        "transitions": referral.transitions.select_related("by", "reason"),
        "outcomes": outcomes_for(referral),
        "follow_up": follow_up,
        "history": history_entries(referral),
        "moves": [(n, m) for n, m in services.available_moves(referral, user) if n != "complete"],
        "may_complete": referral.status == "started" and permissions.may_move(user, referral, "complete"),
        "may_edit": permissions.may_edit(user, referral),
        "may_assign": permissions.may_assign(user, referral),
        "may_record_sessions": permissions.may_record_sessions(user, referral),
        "may_follow_up": permissions.may_follow_up(user, referral),
    }
    return render(request, "interventions/referral_detail.html", context)


def _referral_url(referral: Referral) -> str:
    return reverse("interventions:referral", args=[referral.pk])


@roles_required(INTERVENTIONS)
def referral_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    initial = {"offender": request.GET.get("offender")} if request.GET.get("offender", "").isdigit() else {}
    form = ReferralForm(posted(request), user=user, initial=initial)
    return form_page(
        request,
        form,
        title="Make a referral",
        submit="Save draft",
        back_url=reverse("interventions:referrals"),
        save=lambda: services.create_referral(by=user, **form.cleaned_data),
        saved=lambda referral: f"Draft {referral.reference} saved. Submit it when it is ready.",
        then=_referral_url,
    )


@roles_required(INTERVENTIONS)
def referral_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    referral = get_referral_for(user, pk)
    permissions.check(permissions.may_edit(user, referral))
    form = ReferralForm(posted(request), instance=referral, user=user)
    return form_page(
        request,
        form,
        title=f"Edit {referral.reference}",
        about=referral,
        submit="Save changes",
        back_url=_referral_url(referral),
        save=lambda: services.update_referral(
            referral, by=user, expected_version=form.cleaned_data["version"], changes=form.changed_values()
        ),
        saved=f"{referral.reference} updated.",
    )


@roles_required(INTERVENTIONS)
def referral_move(request: AuthenticatedHttpRequest, pk: int, move: str) -> HttpResponse:
    """Confirm and make one status move (complete has its own page)."""
    user = request.user
    referral = get_referral_for(user, pk)
    if move not in LIFECYCLE.moves or move == "complete":
        raise Http404
    label = LIFECYCLE.moves[move].label
    return move_page(
        request,
        referral,
        move,
        lifecycle=LIFECYCLE,
        back_url=_referral_url(referral),
        title=f"{label}: {referral.reference}",
        caption=str(referral.offender),
        submit=label,
        extra_fields=accept_fields(user, referral) if move == "accept" else None,
    )


@roles_required(INTERVENTIONS)
def referral_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The end-of-intervention summary: a rating and comment per desired outcome."""
    user = request.user
    referral = get_referral_for(user, pk)
    permissions.check(permissions.may_move(user, referral, "complete"))
    outcome_types = list(referral.programme.desired_outcomes.all())
    attended, planned = services.progress(referral, list(referral.sessions.all()))
    form = CompleteForm(
        posted(request), outcome_types=outcome_types, attended=attended, planned=planned, versioned=referral
    )
    return form_page(
        request,
        form,
        title=f"Complete {referral.reference}",
        about=referral,
        caption=str(referral.offender),
        submit="Complete referral",
        back_url=_referral_url(referral),
        save=lambda: services.complete(
            referral,
            by=user,
            expected_version=form.expected_version(),
            ratings=form.ratings(),
            note=form.cleaned_data["note"],
            confirm_fewer_sessions=form.confirmed_fewer_sessions(),
        ),
        saved=f"{referral.reference} is completed. A 12-month follow-up is now due.",
    )


@roles_required(INTERVENTIONS)
def referral_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    referral = get_referral_for(user, pk)
    permissions.check(permissions.may_assign(user, referral))
    form = AssignForm(posted(request), referral=referral, initial={"liaison": referral.assigned_liaison_id})
    return form_page(
        request,
        form,
        title=f"Assign {referral.reference}",
        about=referral,
        submit="Assign",
        back_url=_referral_url(referral),
        save=lambda: services.assign(
            referral, by=user, expected_version=form.expected_version(), liaison=form.cleaned_data["liaison"]
        ),
        saved=f"{referral.reference} assigned.",
        refusal_field="liaison",
    )


@roles_required(INTERVENTIONS)
def session_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    referral = get_referral_for(user, pk)
    permissions.check(permissions.may_record_sessions(user, referral))
    form = SessionForm(posted(request))
    return form_page(
        request,
        form,
        title=f"Record a session: {referral.reference}",
        about=referral,
        caption=str(referral.offender),
        submit="Save session",
        back_url=_referral_url(referral),
        save=lambda: services.record_session(referral, by=user, **form.cleaned_data),
        saved="Session recorded.",
        then=_referral_url(referral) + "#sessions",
    )


@require_POST
@roles_required(INTERVENTIONS)
def concern_acknowledge(request: AuthenticatedHttpRequest, pk: int, session_pk: int) -> HttpResponse:
    user = request.user
    referral = get_referral_for(user, pk)
    session = get_object_or_404(Session.objects.select_related("referral"), pk=session_pk, referral=referral)
    permissions.check(permissions.may_follow_up(user, referral))
    if posted_version_change(
        request, session, lambda version: services.acknowledge_concern(session, by=user, expected_version=version)
    ):
        messages.success(request, "Concern acknowledged.")
    return HttpResponseRedirect(reverse("interventions:referral", args=[pk]) + "#sessions")


@roles_required(INTERVENTIONS)
def follow_up(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    referral = get_referral_for(user, pk)
    record = getattr(referral, "follow_up", None)
    if record is None:
        raise Http404
    permissions.check(permissions.may_follow_up(user, referral))
    form = FollowUpForm(posted(request), instance=record)
    return form_page(
        request,
        form,
        title=f"12-month follow-up: {referral.reference}",
        about=referral,
        caption=str(referral.offender),
        submit="Save follow-up",
        back_url=_referral_url(referral),
        save=lambda: services.record_follow_up(
            record,
            by=user,
            expected_version=form.cleaned_data["version"],
            result=form.cleaned_data["result"],
            note=form.cleaned_data["note"],
        ),
        saved="Follow-up recorded.",
    )


# Offenders ------------------------------------------------------------------


class OffenderListView(PersonalDataListView):
    allowed_roles = INTERVENTIONS
    filterset_class = OffenderFilter
    resource_class = OffenderResource
    export_name = "offenders"
    export_title = "People referred"
    template_name = "interventions/offender_list.html"

    def get_queryset(self) -> QuerySet[Any]:
        return Offender.objects.visible_to(self.request.user)


@roles_required(INTERVENTIONS)
def offender_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    offender = get_offender_for(user, pk)
    consulted(about=offender, action=AccessLog.Action.VIEW)
    referrals = list(Referral.objects.visible_to(user).filter(offender=offender).for_list())
    return render(
        request,
        "interventions/offender_detail.html",
        {"offender": offender, "referrals": referrals, "history": history_entries(offender)},
    )


@roles_required(INTERVENTIONS)
def offender_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = OffenderForm(posted(request), user=user)
    return form_page(
        request,
        form,
        title="Add a person",
        submit="Add person",
        back_url=reverse("interventions:offenders"),
        save=lambda: services.create_offender(
            by=user, **{k: v for k, v in form.cleaned_data.items() if k != "confirm_duplicate"}
        ),
        saved=lambda offender: f"{offender} added. You can now refer them.",
        then=lambda offender: reverse("interventions:offender", args=[offender.pk]),
        refusal_field="case_reference",
        confirm_shown=form.duplicate_warning,
    )


@roles_required(INTERVENTIONS)
def offender_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Anyone who can see the person may correct their details (version-checked)."""
    user = request.user
    offender = get_offender_for(user, pk)
    form = OffenderEditForm(posted(request), instance=offender, user=user)
    return form_page(
        request,
        form,
        title="Change a person's details",
        about=offender,
        submit="Save changes",
        back_url=reverse("interventions:offender", args=[pk]),
        save=lambda: services.update_offender(
            offender, by=user, expected_version=form.cleaned_data["version"], changes=form.changed_values()
        ),
        saved="Details updated.",
        refusal_field="case_reference",
    )


# Programmes (no personal data) -----------------------------------------------


class ProgrammeListView(FilteredListView):
    allowed_roles = INTERVENTIONS
    filterset_class = ProgrammeFilter
    resource_class = ProgrammeResource
    export_name = "programmes"
    template_name = "interventions/programme_list.html"

    def get_queryset(self) -> QuerySet[Any]:
        return Programme.objects.select_related("provider").prefetch_related("desired_outcomes")


class ProgrammeDetailView(RolesRequiredMixin, DetailView[Programme]):
    allowed_roles = INTERVENTIONS
    template_name = "interventions/programme_detail.html"
    context_object_name = "programme"

    def get_queryset(self) -> QuerySet[Any]:
        return Programme.objects.select_related("provider").prefetch_related("desired_outcomes")
