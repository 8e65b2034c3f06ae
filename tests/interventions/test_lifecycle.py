"""The referral lifecycle: every state × every move, who may make each move, the
coded reasons, the reporting timestamps, completion and the follow-up it creates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from interventions import services
from interventions.models import FollowUp, ReasonCode, Referral, ReferralTransition, Status
from interventions.services import MOVES, ReferralError
from tracker.core.models import Outcome
from tracker.core.outcomes import outcomes_for

pytestmark = pytest.mark.django_db

ALLOWED = {
    ("draft", "submit"): "submitted",
    ("draft", "withdraw"): "withdrawn",
    ("submitted", "accept"): "accepted",
    ("submitted", "decline"): "declined",
    ("submitted", "withdraw"): "withdrawn",
    ("accepted", "start"): "started",
    ("accepted", "withdraw"): "withdrawn",
    ("started", "complete"): "completed",
    ("started", "mark_not_completed"): "not_completed",
    ("started", "withdraw"): "withdrawn",
}


def _make_move(referral: Referral, move: str, by: Any, reason: ReasonCode) -> Referral:
    if move == "complete":
        ratings = {t.pk: ("partly_achieved", "Some progress") for t in referral.programme.desired_outcomes.all()}
        return services.complete(
            referral, by=by, expected_version=referral.version, ratings=ratings, confirm_fewer_sessions=True
        )
    if MOVES[move].needs_reason:
        return getattr(services, move)(referral, by=by, expected_version=referral.version, reason=reason)
    return getattr(services, move)(referral, by=by, expected_version=referral.version)


def test_the_transition_table_is_the_documented_lifecycle() -> None:
    table = {(source, name): move.target for name, move in MOVES.items() for source in move.sources}
    assert table == ALLOWED


@pytest.mark.parametrize("state", Status.values)
@pytest.mark.parametrize("move", list(MOVES))
def test_every_state_and_every_move(
    state: str, move: str, referral_factory: Callable[..., Referral], admin_user: Any, reason: ReasonCode
) -> None:
    referral = referral_factory(state)
    transitions_before = ReferralTransition.objects.filter(referral=referral).count()
    if (state, move) in ALLOWED:
        _make_move(referral, move, admin_user, reason)
        referral.refresh_from_db()
        assert referral.status == ALLOWED[(state, move)]
        last = ReferralTransition.objects.filter(referral=referral).last()
        assert last is not None and (last.from_status, last.to_status, last.by) == (state, referral.status, admin_user)
    else:
        with pytest.raises(ReferralError, match="cannot be moved"):
            _make_move(referral, move, admin_user, reason)
        referral.refresh_from_db()
        assert referral.status == state
        assert ReferralTransition.objects.filter(referral=referral).count() == transitions_before


@pytest.mark.parametrize("move", ["decline", "withdraw", "mark_not_completed"])
def test_moves_that_end_a_referral_need_a_coded_reason(
    move: str, referral_factory: Callable[..., Referral], liaison: Any
) -> None:
    referral = referral_factory("started" if move == "mark_not_completed" else "submitted")
    with pytest.raises(ReferralError, match="Choose a reason"):
        getattr(services, move)(referral, by=liaison, expected_version=referral.version, reason=None)
    referral.refresh_from_db()
    assert referral.status != MOVES[move].target


def test_moves_keep_who_when_and_why(
    referral_factory: Callable[..., Referral], officer: Any, liaison: Any, reason: ReasonCode
) -> None:
    with time_machine.travel("2026-03-02 10:00 +00:00", tick=False):
        referral = referral_factory("draft")
        services.submit(referral, by=officer, expected_version=referral.version)
    with time_machine.travel("2026-03-05 10:00 +00:00", tick=False):
        services.accept(referral, by=liaison, expected_version=referral.version)
    with time_machine.travel("2026-03-16 10:00 +00:00", tick=False):
        services.start(referral, by=liaison, expected_version=referral.version)
    with time_machine.travel("2026-04-01 10:00 +00:00", tick=False):
        services.mark_not_completed(
            referral, by=liaison, expected_version=referral.version, reason=reason, note="Recalled"
        )
    referral.refresh_from_db()
    assert (referral.accepted_at - referral.submitted_at).days == 3  # days to accept
    assert (referral.started_at - referral.accepted_at).days == 11  # days to start
    timed = Referral.objects.with_durations().get(pk=referral.pk)
    assert (timed.time_to_accept.days, timed.time_to_start.days) == (3, 11)
    assert referral.ended_at is not None and referral.ended_at.date() == date(2026, 4, 1)
    last = referral.transitions.last()
    assert last is not None and (last.by, last.reason, last.note) == (liaison, reason, "Recalled")
    assert referral.follow_up.due == date(2027, 4, 1)
    assert referral.history.first().history_user == liaison


def test_only_the_right_people_may_make_each_move(
    referral_factory: Callable[..., Referral],
    officer: Any,
    liaison: Any,
    liaison2: Any,
    user_factory: Any,
    probation: Any,
) -> None:
    colleague = user_factory("probation_liaison", organisation=probation)
    referral = referral_factory("draft")
    with pytest.raises(PermissionDenied):
        services.submit(referral, by=liaison, expected_version=referral.version)  # only the referrer submits
    services.submit(referral, by=officer, expected_version=referral.version)
    with pytest.raises(PermissionDenied):
        services.accept(referral, by=officer, expected_version=referral.version)  # the referrer cannot accept
    with pytest.raises(PermissionDenied):
        services.accept(
            referral, by=liaison2, expected_version=referral.version
        )  # another organisation's liaison cannot
    services.accept(
        referral, by=colleague, expected_version=referral.version
    )  # any liaison of the handling organisation can
    services.start(referral, by=liaison, expected_version=referral.version)
    with pytest.raises(PermissionDenied):
        services.complete(referral, by=officer, expected_version=referral.version, ratings={})
    reason = ReasonCode.objects.create(name="Moved away", group=ReasonCode.Group.PERSON)
    services.withdraw(
        referral, by=officer, expected_version=referral.version, reason=reason
    )  # the referrer may withdraw
    assert referral.status == Status.WITHDRAWN


def test_completion_needs_a_rating_for_every_desired_outcome(
    referral_factory: Callable[..., Referral], liaison: Any
) -> None:
    referral = referral_factory("started")
    first, second = referral.programme.desired_outcomes.all()
    with pytest.raises(ReferralError, match=second.name):
        services.complete(
            referral, by=liaison, expected_version=referral.version, ratings={first.pk: ("achieved", "Clear insight")}
        )
    referral.refresh_from_db()
    assert referral.status == Status.STARTED
    assert not outcomes_for(referral).exists()
    services.complete(
        referral,
        by=liaison,
        expected_version=referral.version,
        ratings={first.pk: ("achieved", "Clear insight"), second.pk: ("not_achieved", "Still volatile")},
        confirm_fewer_sessions=True,
    )
    referral.refresh_from_db()
    assert referral.status == Status.COMPLETED
    recorded = {(o.outcome_type, o.rating, o.description) for o in outcomes_for(referral)}
    assert recorded == {
        (first, Outcome.Rating.ACHIEVED, "Clear insight"),
        (second, Outcome.Rating.NOT_ACHIEVED, "Still volatile"),
    }
    assert FollowUp.objects.get(referral=referral).result == ""


def test_an_inactive_reason_cannot_be_chosen(referral_factory: Callable[..., Referral], liaison: Any) -> None:
    retired = ReasonCode.objects.create(name="Old reason", group=ReasonCode.Group.OTHER, active=False)
    referral = referral_factory("submitted")
    with pytest.raises(ReferralError, match="no longer in use"):
        services.decline(referral, by=liaison, expected_version=referral.version, reason=retired)


def test_follow_up_falls_due_twelve_months_after_the_end(
    referral_factory: Callable[..., Referral], liaison: Any
) -> None:
    referral = referral_factory("started")
    with time_machine.travel("2028-02-29 12:00 +00:00", tick=False):
        ratings = {t.pk: ("achieved", "ok") for t in referral.programme.desired_outcomes.all()}
        services.complete(
            referral, by=liaison, expected_version=referral.version, ratings=ratings, confirm_fewer_sessions=True
        )
    assert FollowUp.objects.get(referral=referral).due == date(2029, 2, 28)


def test_recording_the_follow_up(referral_factory: Callable[..., Referral], officer: Any, liaison: Any) -> None:
    referral = referral_factory("completed")
    follow_up = referral.follow_up
    with pytest.raises(PermissionDenied):
        services.record_follow_up(follow_up, by=liaison, expected_version=1, result="no")
    with pytest.raises(ReferralError):
        services.record_follow_up(follow_up, by=officer, expected_version=1, result="maybe")
    services.record_follow_up(follow_up, by=officer, expected_version=1, result="yes", note="Charged March")
    follow_up.refresh_from_db()
    assert (follow_up.result, follow_up.recorded_by) == ("yes", officer)


def test_assigning_only_to_a_liaison_of_the_handling_organisation(
    referral_factory: Callable[..., Referral], liaison: Any, liaison2: Any, user_factory: Any, probation: Any
) -> None:
    colleague = user_factory("probation_liaison", organisation=probation)
    referral = referral_factory("accepted")
    services.assign(referral, by=liaison, expected_version=referral.version, liaison=colleague)
    assert Referral.objects.get(pk=referral.pk).assigned_liaison == colleague
    with pytest.raises(ReferralError, match="organisation that handles it"):
        services.assign(referral, by=liaison, expected_version=referral.version, liaison=liaison2)
    with pytest.raises(PermissionDenied):
        services.assign(referral, by=liaison2, expected_version=referral.version, liaison=liaison2)


def test_sessions_record_attendance_and_progress(referral_factory: Callable[..., Referral], liaison: Any) -> None:
    referral = referral_factory("started")
    services.record_session(referral, by=liaison, scheduled_on=date(2026, 2, 1), happened=True, attendance="attended")
    services.record_session(referral, by=liaison, scheduled_on=date(2026, 2, 8), happened=True, attendance="late")
    with pytest.raises(ReferralError, match="absence"):
        services.record_session(
            referral, by=liaison, scheduled_on=date(2026, 2, 15), happened=True, attendance="did_not_attend"
        )
    with pytest.raises(ReferralError, match="Describe the concern"):
        services.record_session(
            referral, by=liaison, scheduled_on=date(2026, 2, 15), happened=True, attendance="attended", concern=True
        )
    services.record_session(
        referral,
        by=liaison,
        scheduled_on=date(2026, 2, 15),
        happened=True,
        attendance="did_not_attend",
        absence="unacceptable",
        behaviour=4,
    )
    sessions = list(referral.sessions.all())
    assert sessions[-1].behaviour is None  # no behaviour to rate when absent
    assert services.progress(referral, sessions) == (2, 6)


def test_sessions_only_on_accepted_or_started_referrals(
    referral_factory: Callable[..., Referral], liaison: Any
) -> None:
    referral = referral_factory("submitted")
    with pytest.raises(PermissionDenied):
        services.record_session(referral, by=liaison, scheduled_on=date(2026, 2, 1), happened=False)


def test_a_referral_is_made_only_for_a_visible_person_and_an_offered_programme(
    referral_factory: Callable[..., Referral],
    offender_factory: Callable[..., Any],
    officer: Any,
    liaison2: Any,
    probation: Any,
    programme: Any,
    areas: dict[str, Any],
) -> None:
    someone_elses = offender_factory(by=liaison2)
    details = {
        "handling_organisation": probation,
        "offence_date": date(2026, 1, 1),
        "area": next(iter(areas.values())),
        "victim_role": "pcso",
    }
    with pytest.raises(ReferralError, match="can already see"):
        services.create_referral(by=officer, offender=someone_elses, programme=programme, **details)
    programme.active = False
    programme.save()
    with pytest.raises(ReferralError, match="no longer offered"):
        services.create_referral(by=officer, offender=offender_factory(), programme=programme, **details)
    assert not Referral.objects.exists()
