"""The one lifecycle mechanism (tracker/core/lifecycle.py) serves both strands alike:
the same answers for a bad form or body (200 with the errors / 400), a move the
status does not allow now (the message / 409) and a user who may see the record
but not make the move (403), and the same record of each move."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from interventions.models import Referral, ReferralTransition
from partners.models import Partnership, PartnershipTransition
from tests.interventions.conftest import (  # noqa: F401 - fixtures
    offender_factory,
    outcome_types,
    programme,
    reason,
    referral_factory,
)
from tests.partners.conftest import lists, make_partnership, make_venue  # noqa: F401 - fixtures
from tracker.core.lifecycle import TransitionRecord, apply_move, lifecycle_for
from tracker.core.versioning import EditConflict

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Strand:
    """How each strand names the same things: a record in a status where `right`
    is allowed and `wrong` is not, `ending` needs a reason; who moves it."""

    name: str
    right: str
    wrong: str
    ending: str
    ui_url: Callable[[Any, str], str]
    api_url: Callable[[Any, str], str]


PARTNERSHIP_TARGETS = {"mark_engaged": "engaged", "activate": "active", "withdraw": "withdrawn"}
STRANDS = [
    Strand(
        "partnership", "mark_engaged", "activate", "withdraw",
        lambda r, verb: reverse("partners:partnership-move", args=[r.pk, PARTNERSHIP_TARGETS[verb]]),
        lambda r, verb: f"/api/v1/partnerships/{r.pk}/{verb.replace('_', '-')}/",
    ),
    Strand(
        "referral", "accept", "start", "decline",
        lambda r, verb: reverse("interventions:referral-move", args=[r.pk, verb]),
        lambda r, verb: f"/api/v1/referrals/{r.pk}/{verb.replace('_', '-')}/",
    ),
]  # fmt: skip


@pytest.fixture
def setup(
    officer: Any,
    liaison: Any,
    make_partnership: Any,  # noqa: F811
    referral_factory: Any,  # noqa: F811
) -> Callable[[Strand], tuple[Any, Any]]:
    """The record, and the person who works it."""

    def make(strand: Strand) -> tuple[Any, Any]:
        if strand.name == "partnership":
            return make_partnership("prospect"), officer
        return referral_factory("submitted"), liaison

    return make


def snapshot(record: Any) -> tuple[Any, ...]:
    stored = type(record).objects.get(pk=record.pk)
    return stored.status, stored.version, stored.transitions.count(), stored.history.count()


def web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_both_strands_declare_a_lifecycle_with_a_core_transition_record() -> None:
    for model, transitions in ((Partnership, PartnershipTransition), (Referral, ReferralTransition)):
        declared = lifecycle_for(model)
        assert declared.transition_model is transitions
        assert issubclass(transitions, TransitionRecord)
        statuses = {value for value, _ in model._meta.get_field("status").choices}  # type: ignore[union-attr]
        assert all(move.target in statuses and move.sources <= statuses for move in declared.moves.values())


@pytest.mark.parametrize("strand", STRANDS, ids=lambda s: s.name)
def test_a_move_records_who_when_why_and_history_in_one_step(
    strand: Strand,
    setup: Any,
    lists: Any,
    reason: Any,  # noqa: F811
) -> None:
    record, worker = setup(strand)
    why = lists["reasons"]["Venue closed"] if strand.name == "partnership" else reason
    version, transitions = record.version, record.transitions.count()
    apply_move(record, strand.ending, by=worker, expected_version=version, reason=why, note="Their decision")
    stored = type(record).objects.get(pk=record.pk)
    assert (stored.status, stored.version) == (lifecycle_for(type(record)).moves[strand.ending].target, version + 1)
    move = stored.transitions.order_by("-id").first()
    assert (move.by, move.reason, move.note, move.to_status) == (worker, why, "Their decision", stored.status)
    assert move.at is not None and stored.transitions.count() == transitions + 1
    latest = stored.history.first()
    assert (latest.history_user, latest.version, latest.status) == (worker, version + 1, stored.status)


@pytest.mark.parametrize("strand", STRANDS, ids=lambda s: s.name)
def test_a_refused_move_changes_nothing_not_even_the_callers_copy(strand: Strand, setup: Any) -> None:
    record, worker = setup(strand)
    before, version = snapshot(record), record.version
    with pytest.raises(lifecycle_for(type(record)).error, match="cannot be"):
        apply_move(record, strand.wrong, by=worker, expected_version=version)
    with pytest.raises(EditConflict):
        apply_move(record, strand.right, by=worker, expected_version=version - 1)
    assert snapshot(record) == before and record.version == version
    apply_move(record, strand.right, by=worker, expected_version=record.version)
    assert record.version == version + 1


@pytest.mark.parametrize("strand", STRANDS, ids=lambda s: s.name)
def test_the_pages_answer_alike(strand: Strand, setup: Any) -> None:
    record, worker = setup(strand)
    client, before = web(worker), snapshot(record)
    # An invalid form (no reason) is shown again with its errors, as every form is.
    invalid = client.post(strand.ui_url(record, strand.ending), {"version": record.version})
    assert invalid.status_code == 200
    assert "Choose a reason" in invalid.content.decode()
    # A move the status does not allow: the form again, saying why.
    refused = client.post(strand.ui_url(record, strand.wrong), {"version": record.version, "on": "2026-02-01"})
    assert refused.status_code == 200
    assert "cannot be" in refused.content.decode()
    # Opened from a stale link: back to the record, with the reason.
    opened = client.get(strand.ui_url(record, strand.wrong))
    assert opened.status_code == 302
    assert snapshot(record) == before
    done = client.post(strand.ui_url(record, strand.right), {"version": record.version, "on": "2026-02-01"})
    assert done.status_code == 302
    assert snapshot(record)[1] == before[1] + 1


@pytest.mark.parametrize("strand", STRANDS, ids=lambda s: s.name)
def test_the_api_answers_alike(strand: Strand, setup: Any) -> None:
    record, worker = setup(strand)
    client, before = api(worker), snapshot(record)
    assert (
        client.post(strand.api_url(record, strand.ending), {"version": record.version}, format="json").status_code
        == 400
    )
    assert client.post(strand.api_url(record, strand.right), {"version": "x"}, format="json").status_code == 400
    refused = client.post(strand.api_url(record, strand.wrong), {"version": record.version}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "not_allowed")
    assert snapshot(record) == before
    done = client.post(strand.api_url(record, strand.right), {"version": record.version}, format="json")
    assert (done.status_code, done.json()["version"]) == (200, record.version + 1)


def test_a_user_who_may_see_but_not_make_the_move_gets_403_on_page_and_api(
    officer: Any,
    referral_factory: Any,  # noqa: F811
) -> None:
    """The referrer sees the referral they made, but accepting it is the handling
    organisation's move. (In the partnership strand everyone who may see a
    partnership may move it.)"""
    referral = referral_factory("submitted")
    before = snapshot(referral)
    url = reverse("interventions:referral-move", args=[referral.pk, "accept"])
    assert web(officer).get(url).status_code == 403
    assert web(officer).post(url, {"version": referral.version}).status_code == 403
    answer = api(officer).post(f"/api/v1/referrals/{referral.pk}/accept/", {"version": referral.version}, format="json")
    assert answer.status_code == 403
    assert snapshot(referral) == before


def test_a_referral_is_completed_only_with_its_outcomes_rated(
    liaison: Any,
    referral_factory: Any,  # noqa: F811
) -> None:
    referral = referral_factory("started")
    before = snapshot(referral)
    with pytest.raises(lifecycle_for(Referral).error, match="rate each"):
        apply_move(referral, "complete", by=liaison, expected_version=referral.version)
    assert snapshot(referral) == before
