"""Every change to a versioned record moves its version by exactly one, whichever
door it comes through (the pages or the API), and a stale version is refused with
nothing changed: 409 from the API, the conflict message on the page.

CASES lists every change through every door. The completeness tests fail when a
lifecycle move, a service taking `expected_version`, an API action on a versioned
record or a page of the strands is added without a case here (or a stated reason
in NO_CASE / NOT_A_CHANGE)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from interventions import services as referrals
from interventions.models import Referral
from partners import services as partners
from tests.interventions.conftest import (  # noqa: F401 - fixtures
    offender_factory,
    outcome_types,
    programme,
    reason,
    referral_factory,
)
from tests.partners.conftest import (  # noqa: F401 - fixtures
    lists,
    local,
    make_engagement,
    make_group,
    make_partnership,
    make_venue,
)
from tracker.api_urls import router
from tracker.assaults import services as assaults
from tracker.core import lifecycle, outcomes
from tracker.core.api.base import ServiceUpdateMixin
from tracker.core.models import Outcome
from tracker.core.versioning import VersionedModel, claim_version

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate().isoformat()


@dataclass
class World:
    """Factories and people for every case (fixtures of both strands)."""

    officer: Any
    liaison: Any
    lists: dict[str, Any]
    reason: Any
    group: Callable[..., Any]
    venue: Callable[..., Any]
    partnership: Callable[..., Any]
    engagement: Callable[..., Any]
    referral: Callable[..., Referral]
    offender: Callable[..., Any]

    def engagement_with_follow_up(self, done: bool = False) -> Any:
        engagement = self.engagement(groups=[self.group()])
        action = partners.add_follow_up(
            engagement, by=self.officer, expected_version=engagement.version, description="Call back",
            owner=self.officer, due_on=date(2026, 4, 1),
        )  # fmt: skip
        if done:
            partners.complete_follow_up(action, by=self.officer, expected_version=engagement.version)
        return engagement

    def group_with_contact(self) -> Any:
        group = self.group()
        partners.add_contact(group, by=self.officer, expected_version=group.version, name="Ann Example")
        return group

    def session_with_concern(self) -> Any:
        referral = self.referral("accepted")
        return referrals.record_session(
            referral, by=self.liaison, scheduled_on=date(2026, 2, 1), happened=True, attendance="attended",
            concern=True, concern_note="Aggressive on the phone",
        )  # fmt: skip

    def outcome(self) -> Outcome:
        return outcomes.record_outcome(
            self.engagement(groups=[self.group()]), by=self.officer, date=date(2026, 3, 3),
            outcome_type=self.lists["outcome_type"], rating=Outcome.Rating.ACHIEVED, description="Posters up",
        )  # fmt: skip


@pytest.fixture
def world(
    officer: Any,
    liaison: Any,
    lists: dict[str, Any],  # noqa: F811
    reason: Any,  # noqa: F811
    make_group: Any,  # noqa: F811
    make_venue: Any,  # noqa: F811
    make_partnership: Any,  # noqa: F811
    make_engagement: Any,  # noqa: F811
    referral_factory: Any,  # noqa: F811
    offender_factory: Any,  # noqa: F811
) -> World:
    return World(
        officer, liaison, lists, reason, make_group, make_venue, make_partnership, make_engagement,
        referral_factory, offender_factory,
    )  # fmt: skip


@dataclass(frozen=True)
class Case:
    """One change through one door. `route` is the URL name (ui), the viewset's
    basename and action (api) or the function (service); `change` names what is
    changed: a service function, or `move:<verb>` of a lifecycle."""

    change: str
    door: str
    route: str
    user: str
    # The versioned record, in a state where the change is allowed.
    record: Callable[[World], Any]
    # The request body (or the service's arguments) without the version.
    data: Callable[[World, Any], dict[str, Any]] = lambda w, r: {}
    # The URL's arguments (ui), when not just the record's id.
    args: Callable[[Any], list[Any]] | None = None

    @property
    def id(self) -> str:
        return f"{self.door}-{self.route}"


def _referral_edit(w: World, r: Any) -> dict[str, Any]:
    return {
        "programme": r.programme_id, "offence_date": "2026-01-11", "area": r.area_id, "victim_role": r.victim_role,
        "injury": "False", "charged_under_act": "False", "priority": "high", "notes": "Changed",
    }  # fmt: skip


def _ratings(r: Any) -> dict[str, Any]:
    types = r.programme.desired_outcomes.all()
    return {
        **{f"rating_{t.pk}": "achieved" for t in types},
        **{f"comment_{t.pk}": "Good" for t in types},
        # No sessions recorded: completing short of the plan is confirmed.
        "confirm_fewer_sessions": "on",
    }


def _posters(w: World) -> Any:
    return w.lists["commitments"]["Campaign posters displayed"]


def _leaflet(w: World) -> Any:
    return w.lists["materials"]["Leaflet"]


def _end_reason(w: World) -> Any:
    return w.lists["reasons"]["Venue closed"]


def _referral_reason(w: World, r: Any) -> dict[str, Any]:
    return {"reason": w.reason.pk, "note": "Why"}


UI: list[Case] = [
    # Partnership strand (the officer)
    Case("update_group", "ui", "partners:group-edit", "officer", lambda w: w.group(),
         lambda w, r: {"name": "Renamed group", "kind": r.kind, "area": r.area_id, "active": "on"}),
    Case("add_contact", "ui", "partners:contact-add", "officer", lambda w: w.group(),
         lambda w, r: {"name": "Ann Example", "role": "Chair", "email": "", "phone": ""}),
    Case("remove_contact", "ui", "partners:contact-remove", "officer", lambda w: w.group_with_contact(),
         args=lambda r: [r.pk, r.contacts.get().pk]),
    Case("update_venue", "ui", "partners:venue-edit", "officer", lambda w: w.venue(),
         lambda w, r: {"licence_number": r.licence_number, "name": r.name, "address": r.address,
                       "postcode": r.postcode, "area": r.area_id, "kind": r.kind, "latest_licensed_hour": "",
                       "operator": "New operator"}),
    Case("update_partnership", "ui", "partners:partnership-edit", "officer", lambda w: w.partnership("active"),
         lambda w, r: {"lead_officer": r.lead_officer_id, "next_review_on": "2027-06-01"}),
    Case("move:mark_engaged", "ui", "partners:partnership-move:engaged", "officer",
         lambda w: w.partnership("prospect"), lambda w, r: {"on": TODAY}, args=lambda r: [r.pk, "engaged"]),
    Case("move:sign_up", "ui", "partners:partnership-move:signed_up", "officer",
         lambda w: w.partnership("engaged"), lambda w, r: {"on": TODAY, "next_review_on": ""},
         args=lambda r: [r.pk, "signed_up"]),
    Case("move:activate", "ui", "partners:partnership-move:active", "officer",
         lambda w: w.partnership("signed_up"), lambda w, r: {"on": TODAY}, args=lambda r: [r.pk, "active"]),
    Case("move:lapse", "ui", "partners:partnership-move:lapsed", "officer",
         lambda w: w.partnership("active"), lambda w, r: {"on": TODAY, "reason": _end_reason(w).pk},
         args=lambda r: [r.pk, "lapsed"]),
    Case("move:withdraw", "ui", "partners:partnership-move:withdrawn", "officer",
         lambda w: w.partnership("prospect"), lambda w, r: {"on": TODAY, "reason": _end_reason(w).pk},
         args=lambda r: [r.pk, "withdrawn"]),
    Case("set_commitments", "ui", "partners:partnership-commitments", "officer",
         lambda w: w.partnership("signed_up"),
         lambda w, r: {f"c{_posters(w).pk}_ticked": "on", f"c{_posters(w).pk}_on": "2026-02-01"}),
    Case("update_engagement", "ui", "partners:engagement-edit", "officer",
         lambda w: w.engagement(groups=[w.group()]),
         lambda w, r: {"starts_at": "2026-03-02T19:00", "kind": r.kind_id, "lead_officer": r.lead_officer_id,
                       "area": r.area_id, "groups": [g.pk for g in r.groups.all()], "attendance": "12",
                       "summary": "Changed"}),
    Case("set_materials", "ui", "partners:engagement-materials", "officer",
         lambda w: w.engagement(groups=[w.group()]), lambda w, r: {f"m{_leaflet(w).pk}": "40"}),
    Case("add_follow_up", "ui", "partners:follow-up-add", "officer", lambda w: w.engagement(groups=[w.group()]),
         lambda w, r: {"description": "Send posters", "owner": w.officer.pk, "due_on": "2026-04-01"}),
    Case("complete_follow_up", "ui", "partners:follow-up-done", "officer", lambda w: w.engagement_with_follow_up(),
         args=lambda r: [r.follow_ups.get().pk]),
    # Offender behaviour strand
    Case("update_offender", "ui", "interventions:offender-edit", "officer", lambda w: w.offender(),
         lambda w, r: {"case_reference": r.case_reference, "first_name": "Samuel", "last_name": r.last_name,
                       "date_of_birth": "1990-01-01"}),
    Case("update_referral", "ui", "interventions:referral-edit", "officer", lambda w: w.referral("draft"),
         _referral_edit),
    Case("move:submit", "ui", "interventions:referral-move:submit", "officer", lambda w: w.referral("draft"),
         args=lambda r: [r.pk, "submit"]),
    Case("move:accept", "ui", "interventions:referral-move:accept", "liaison", lambda w: w.referral("submitted"),
         args=lambda r: [r.pk, "accept"]),
    Case("move:decline", "ui", "interventions:referral-move:decline", "liaison",
         lambda w: w.referral("submitted"), _referral_reason, args=lambda r: [r.pk, "decline"]),
    Case("move:start", "ui", "interventions:referral-move:start", "liaison", lambda w: w.referral("accepted"),
         args=lambda r: [r.pk, "start"]),
    Case("move:complete", "ui", "interventions:referral-complete", "liaison", lambda w: w.referral("started"),
         lambda w, r: _ratings(r)),
    Case("move:mark_not_completed", "ui", "interventions:referral-move:mark_not_completed", "liaison",
         lambda w: w.referral("started"), _referral_reason, args=lambda r: [r.pk, "mark_not_completed"]),
    Case("move:withdraw", "ui", "interventions:referral-move:withdraw", "officer",
         lambda w: w.referral("submitted"), _referral_reason, args=lambda r: [r.pk, "withdraw"]),
    Case("assign", "ui", "interventions:referral-assign", "liaison", lambda w: w.referral("submitted"),
         lambda w, r: {"liaison": w.liaison.pk}),
    Case("acknowledge_concern", "ui", "interventions:concern-acknowledge", "officer",
         lambda w: w.session_with_concern(), args=lambda r: [r.referral_id, r.pk]),
    Case("record_follow_up", "ui", "interventions:follow-up", "officer",
         lambda w: w.referral("completed").follow_up, lambda w, r: {"result": "no", "note": ""},
         args=lambda r: [r.referral_id]),
]  # fmt: skip

API: list[Case] = [
    Case("update_group", "api", "community-group.partial_update", "officer", lambda w: w.group(),
         lambda w, r: {"name": "Renamed group"}),
    Case("add_contact", "api", "community-group.add_contact", "officer", lambda w: w.group(),
         lambda w, r: {"name": "Ann Example"}),
    Case("remove_contact", "api", "community-group.remove_contact", "officer", lambda w: w.group_with_contact(),
         lambda w, r: {"contact": r.contacts.get().pk}),
    Case("update_venue", "api", "venue.partial_update", "officer", lambda w: w.venue(),
         lambda w, r: {"operator": "New operator"}),
    Case("update_partnership", "api", "partnership.partial_update", "officer", lambda w: w.partnership("active"),
         lambda w, r: {"next_review_on": "2027-06-01"}),
    Case("move:mark_engaged", "api", "partnership.mark_engaged", "officer", lambda w: w.partnership("prospect")),
    Case("move:sign_up", "api", "partnership.sign_up", "officer", lambda w: w.partnership("engaged")),
    Case("move:activate", "api", "partnership.activate", "officer", lambda w: w.partnership("signed_up")),
    Case("move:lapse", "api", "partnership.lapse", "officer", lambda w: w.partnership("active"),
         lambda w, r: {"reason": _end_reason(w).pk}),
    Case("move:withdraw", "api", "partnership.withdraw", "officer", lambda w: w.partnership("prospect"),
         lambda w, r: {"reason": _end_reason(w).pk}),
    Case("set_commitments", "api", "partnership.set_commitments", "officer", lambda w: w.partnership("signed_up"),
         lambda w, r: {"commitments": [{"commitment_type": _posters(w).pk, "confirmed_on": "2026-02-01"}]}),
    Case("update_engagement", "api", "engagement.partial_update", "officer",
         lambda w: w.engagement(groups=[w.group()]), lambda w, r: {"attendance": 12}),
    Case("set_materials", "api", "engagement.set_materials", "officer", lambda w: w.engagement(groups=[w.group()]),
         lambda w, r: {"materials": [{"material": _leaflet(w).pk, "quantity": 40}]}),
    Case("add_follow_up", "api", "engagement.add_follow_up", "officer", lambda w: w.engagement(groups=[w.group()]),
         lambda w, r: {"description": "Send posters", "owner": w.officer.pk, "due_on": "2026-04-01"}),
    Case("complete_follow_up", "api", "engagement.complete_follow_up", "officer",
         lambda w: w.engagement_with_follow_up(), lambda w, r: {"follow_up": r.follow_ups.get().pk}),
    Case("reopen_follow_up", "api", "engagement.reopen_follow_up", "officer",
         lambda w: w.engagement_with_follow_up(done=True), lambda w, r: {"follow_up": r.follow_ups.get().pk}),
    Case("update_offender", "api", "offender.partial_update", "officer", lambda w: w.offender(),
         lambda w, r: {"first_name": "Samuel"}),
    Case("update_referral", "api", "referral.partial_update", "officer", lambda w: w.referral("draft"),
         lambda w, r: {"notes": "Changed"}),
    Case("move:submit", "api", "referral.submit", "officer", lambda w: w.referral("draft")),
    Case("move:accept", "api", "referral.accept", "liaison", lambda w: w.referral("submitted")),
    Case("move:decline", "api", "referral.decline", "liaison", lambda w: w.referral("submitted"), _referral_reason),
    Case("move:start", "api", "referral.start", "liaison", lambda w: w.referral("accepted")),
    Case("move:complete", "api", "referral.complete", "liaison", lambda w: w.referral("started"),
         lambda w, r: {"ratings": [{"outcome_type": t.pk, "rating": "achieved", "comment": "Good"}
                                   for t in r.programme.desired_outcomes.all()],
                       "confirm_fewer_sessions": True}),
    Case("move:mark_not_completed", "api", "referral.mark_not_completed", "liaison",
         lambda w: w.referral("started"), _referral_reason),
    Case("move:withdraw", "api", "referral.withdraw", "officer", lambda w: w.referral("submitted"),
         _referral_reason),
    Case("assign", "api", "referral.assign", "liaison", lambda w: w.referral("submitted"),
         lambda w, r: {"liaison": w.liaison.pk}),
    Case("record_follow_up", "api", "referral.follow_up", "officer", lambda w: w.referral("completed").follow_up,
         lambda w, r: {"result": "no"}),
    Case("acknowledge_concern", "api", "session.acknowledge", "officer", lambda w: w.session_with_concern()),
    Case("update_outcome", "api", "outcome.partial_update", "officer", lambda w: w.outcome(),
         lambda w, r: {"rating": "partly_achieved"}),
]  # fmt: skip

# Changes with no page or no API: the door each lacks, and why.
NO_CASE: dict[tuple[str, str], str] = {
    ("reopen_follow_up", "ui"): "the pages only mark follow-ups done",
    ("update_outcome", "ui"): "the pages record outcomes but do not edit them",
    ("update_incident", "ui"): "incidents are imported, not edited on a page",
    ("update_incident", "api"): "the API reads the board's figures only",
    ("update_workforce_period", "ui"): "workforce figures are imported",
    ("update_workforce_period", "api"): "the API reads the board's figures only",
}

# Changes only a service (and the importer, which moves versions by one) makes:
# checked at the service door.
SERVICE: list[Case] = [
    Case("update_incident", "service", "update_incident", "officer", lambda w: _incident(w),
         lambda w, r: {"outcome": "caution"}),
    Case("update_workforce_period", "service", "update_workforce_period", "officer", lambda w: _period(w),
         lambda w, r: {"staff": 1490}),
]  # fmt: skip

# Pages of the strands that change no existing versioned record (they read, or
# create a record).
NOT_A_CHANGE = {
    "partners:group-list", "partners:group-create", "partners:group-detail", "partners:venue-list",
    "partners:venue-create", "partners:venue-detail", "partners:partnership-start", "partners:partnership-list",
    "partners:partnership-detail", "partners:partnership-outcome", "partners:engagement-list",
    "partners:engagement-create", "partners:engagement-detail", "partners:engagement-outcome",
    "partners:partnership-pdf", "interventions:referral-pdf",
    "interventions:referrals", "interventions:referral-create", "interventions:referral", "interventions:session-add",
    "interventions:offenders", "interventions:offender-create", "interventions:offender", "interventions:programmes",
    "interventions:programme",
}  # fmt: skip

CASES = UI + API + SERVICE


def _incident(w: World) -> Any:
    return assaults.create_incident(
        by=w.officer, reference="INC-1", occurred_at=local(2026, 2, 1, 22), area="Herefordshire",
        victim_role="police_officer", injury=False, outcome="charged",
    )  # fmt: skip


def _period(w: World) -> Any:
    return assaults.create_workforce_period(
        by=w.officer, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31), officers=2000, staff=1500
    )


# The state a refused change must leave untouched -----------------------------------


def state(record: models.Model) -> dict[str, Any]:
    """The stored record (its version aside), the rows that hang off it, its
    outcomes and the length of its history."""
    model = type(record)
    stored = model._default_manager.get(pk=record.pk)
    found: dict[str, Any] = {
        f.attname: getattr(stored, f.attname) for f in model._meta.concrete_fields if f.name != "version"
    }
    for relation in model._meta.related_objects:
        if relation.one_to_many or relation.one_to_one:
            rows = relation.related_model._default_manager.filter(**{relation.field.name: record.pk})
            found[relation.name] = list(rows.order_by("pk").values())
    for field in model._meta.many_to_many:
        found[field.name] = sorted(getattr(stored, field.name).values_list("pk", flat=True))
    content_type = ContentType.objects.get_for_model(model)
    found["outcomes"] = list(Outcome.objects.filter(content_type=content_type, object_id=record.pk).values())
    found["history"] = stored.history.count()  # type: ignore[attr-defined]
    return found


def stored_version(record: models.Model) -> int:
    return type(record)._default_manager.filter(pk=record.pk).values_list("version", flat=True).get()  # type: ignore[no-any-return]


def someone_else_saves(record: VersionedModel) -> None:
    """Another person's save, as every service makes it: the version moves on."""
    other = type(record)._default_manager.get(pk=record.pk)
    claim_version(other, other.version)


def _api_url(case: Case, record: Any) -> tuple[str, str]:
    basename, action = case.route.split(".")
    prefix = next(p for p, _, b in router.registry if b == basename)
    if action == "partial_update":
        return "patch", f"/api/v1/{prefix}/{record.pk}/"
    viewset = next(v for p, v, b in router.registry if b == basename)
    url_path = getattr(viewset, action).url_path
    pk = record.referral_id if basename == "referral" and action == "follow_up" else record.pk
    return "post", f"/api/v1/{prefix}/{pk}/{url_path}/"


def _url_name(route: str) -> str:
    """partners:partnership-move:engaged → partners:partnership-move"""
    return ":".join(route.split(":")[:2])


def _ui_url(case: Case, record: Any) -> str:
    name = _url_name(case.route)
    args = case.args(record) if case.args else [record.pk]
    return reverse(name, args=args)


def attempt(case: Case, world: World, record: Any, version: int) -> Any:
    """Make the change through the case's door, stating `version` as the one read."""
    user = getattr(world, case.user)
    data = case.data(world, record)
    if case.door == "service":
        return getattr(assaults, case.route)(record, by=user, expected_version=version, **data)
    if case.door == "api":
        api = APIClient()
        api.force_authenticate(user)
        method, url = _api_url(case, record)
        return getattr(api, method)(url, {**data, "version": version}, format="json")
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.post(_ui_url(case, record), {**data, "version": version})


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_change_moves_the_version_by_one_and_a_stale_one_changes_nothing(case: Case, world: World) -> None:
    record = case.record(world)
    someone_else_saves(record)
    read = stored_version(record) - 1  # what the page or client loaded before that save
    before = state(record)

    if case.door == "service":
        from tracker.core.versioning import EditConflict

        with pytest.raises(EditConflict):
            attempt(case, world, record, read)
    else:
        refused = attempt(case, world, record, read)
        if case.door == "api":
            assert refused.status_code == 409, refused.content
            assert refused.json()["code"] == "edit_conflict"
        else:
            # The form again with the conflict (the partnership strand's forms answer
            # 400), or, after a button, the record's page with it as a message.
            assert refused.status_code in {200, 302, 400}
            page = _messages(refused) if refused.status_code == 302 else refused.content.decode()
            assert "after you opened this page" in page, page[:2000]
    assert stored_version(record) == read + 1
    assert state(record) == before

    done = attempt(case, world, record, read + 1)
    if case.door == "api":
        assert done.status_code == 200, done.content
    elif case.door == "ui":
        assert done.status_code == 302, done.content.decode()[:3000]
    assert stored_version(record) == read + 2
    assert state(record) != before


def _messages(response: Any) -> str:
    from django.contrib.messages import get_messages

    return " ".join(str(m) for m in get_messages(response.wsgi_request))


# Completeness: a new change without a case fails here --------------------------------


def _covered(door: str) -> set[str]:
    return {case.change for case in CASES if case.door == door} | {
        change for change, missing in NO_CASE if missing == door
    }


def _versioned_services() -> set[str]:
    found = set()
    for module in (partners, referrals, outcomes, assaults):
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and "expected_version" in inspect.signature(function).parameters:
                found.add(name)
    return found


def _moves() -> set[str]:
    return {f"move:{verb}" for record_lifecycle in lifecycle.registered() for verb in record_lifecycle.moves}


def _is_move_wrapper(name: str) -> bool:
    return f"move:{name}" in _moves()


@pytest.mark.parametrize("door", ["ui", "api"])
def test_every_move_and_versioned_service_has_a_case_through_each_door(door: str) -> None:
    changes = _moves() | {name for name in _versioned_services() if not _is_move_wrapper(name)}
    changes -= {case.change for case in SERVICE}
    missing = changes - _covered(door)
    assert not missing, f"no {door} case for {sorted(missing)}: add one to CASES (or a reason to NO_CASE)"


def test_every_api_change_to_a_versioned_record_has_a_case() -> None:
    routes = set()
    for _, viewset, basename in router.registry:
        model = getattr(getattr(viewset, "queryset", None), "model", None)
        if model is None or not issubclass(model, VersionedModel):
            continue
        if issubclass(viewset, ServiceUpdateMixin) and "patch" in viewset.http_method_names:
            routes.add(f"{basename}.partial_update")
        for extra in viewset.get_extra_actions():
            if extra.detail and "post" in extra.mapping:
                routes.add(f"{basename}.{extra.__name__}")
    covered = {case.route for case in API}
    assert routes - covered == set(), "add an API case to CASES"


def test_every_page_of_the_strands_is_a_case_or_changes_no_versioned_record() -> None:
    names = set()
    for namespace in ("partners", "interventions"):
        _, resolver = get_resolver().namespace_dict[namespace]
        names |= {f"{namespace}:{p.name}" for p in resolver.url_patterns if p.name}
    covered = {_url_name(case.route) for case in UI}
    assert names - covered - NOT_A_CHANGE == set(), "add a UI case to CASES, or the page to NOT_A_CHANGE"
    assert not (covered & NOT_A_CHANGE)
