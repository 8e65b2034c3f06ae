from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from partners import services
from partners.lifecycle import LIFECYCLE
from partners.models import CommunityGroup, Engagement, Partnership, PartnershipTransition
from partners.services import PartnershipError
from tracker.core.lifecycle import apply_move

pytestmark = pytest.mark.django_db

ALL_STATUSES = [s.value for s in Partnership.Status]


def _reach(status: str, make_partnership: Any, lists: dict[str, Any], officer: Any) -> Partnership:
    """A partnership in any status, lapsed and withdrawn included."""
    if status in ("lapsed", "withdrawn"):
        partnership = make_partnership("active")
        mover = services.lapse if status == "lapsed" else services.withdraw
        mover(
            partnership,
            by=officer,
            expected_version=partnership.version,
            on=date(2026, 2, 1),
            reason=lists["reasons"]["Venue closed"],
        )
        return partnership
    return make_partnership(status)


def _call(partnership: Partnership, to: str, officer: Any, lists: dict[str, Any]) -> Partnership:
    kwargs: dict[str, Any] = {"by": officer, "expected_version": partnership.version, "on": date(2026, 2, 1)}
    if to in ("lapsed", "withdrawn"):
        kwargs["reason"] = lists["reasons"]["Change of management"]
    verb = LIFECYCLE.verb_to(to)
    assert verb is not None
    return apply_move(partnership, verb, **kwargs)


# Sorted: the sources are a frozenset, whose order differs between test workers.
ALLOWED = sorted((src, move.target) for move in LIFECYCLE.moves.values() for src in move.sources)
REFUSED = [
    (src, dst) for src in ALL_STATUSES for dst in ALL_STATUSES if dst != "prospect" and (src, dst) not in ALLOWED
]


@pytest.mark.parametrize(("src", "dst"), ALLOWED)
def test_every_allowed_move_changes_status_and_is_recorded(
    src: str, dst: str, make_partnership: Any, lists: dict[str, Any], officer: Any
) -> None:
    partnership = _reach(src, make_partnership, lists, officer)
    before = partnership.transitions.count()
    _call(partnership, dst, officer, lists)
    partnership.refresh_from_db()
    assert partnership.status == dst
    move = partnership.transitions.order_by("-id").first()
    assert (move.from_status, move.to_status, move.by, move.on) == (src, dst, officer, date(2026, 2, 1))
    assert partnership.transitions.count() == before + 1
    assert partnership.history.first().history_user == officer


@pytest.mark.parametrize(("src", "dst"), REFUSED)
def test_every_other_move_is_refused_with_a_clear_message(
    src: str, dst: str, make_partnership: Any, lists: dict[str, Any], officer: Any
) -> None:
    partnership = _reach(src, make_partnership, lists, officer)
    with pytest.raises(PartnershipError, match=f"cannot be marked {Partnership.Status(dst).label.lower()}"):
        _call(partnership, dst, officer, lists)
    partnership.refresh_from_db()
    assert partnership.status == src


def test_lapsing_or_withdrawing_needs_a_reason(make_partnership: Any, officer: Any) -> None:
    partnership = make_partnership("active")
    with pytest.raises(PartnershipError, match="Choose why"):
        services.lapse(partnership, by=officer, expected_version=partnership.version, on=date(2026, 2, 1), reason=None)
    with pytest.raises(PartnershipError, match="Choose why"):
        services.withdraw(
            partnership, by=officer, expected_version=partnership.version, on=date(2026, 2, 1), reason=None
        )


def test_ending_records_reason_and_end_date(make_partnership: Any, lists: dict[str, Any], officer: Any) -> None:
    partnership = make_partnership("signed_up")
    reason = lists["reasons"]["Venue closed"]
    services.lapse(
        partnership,
        by=officer,
        expected_version=partnership.version,
        on=date(2026, 3, 1),
        reason=reason,
        note="Shut for refit",
    )
    partnership.refresh_from_db()
    assert (partnership.end_reason, partnership.ended_on, partnership.is_open) == (reason, date(2026, 3, 1), False)
    move = PartnershipTransition.objects.get(partnership=partnership, to_status="lapsed")
    assert (move.reason, move.note) == (reason, "Shut for refit")


def test_review_date_defaults_to_twelve_months_after_signing_up(make_partnership: Any, officer: Any) -> None:
    partnership = make_partnership("engaged")
    services.sign_up(partnership, by=officer, expected_version=partnership.version, on=date(2026, 2, 28))
    assert (partnership.signed_up_on, partnership.next_review_on) == (date(2026, 2, 28), date(2027, 2, 28))


def test_review_date_after_leap_day_falls_on_the_last_day_of_february() -> None:
    assert services.default_review_date(date(2028, 2, 29)) == date(2029, 2, 28)


def test_officer_can_choose_another_review_date(make_partnership: Any, officer: Any) -> None:
    partnership = make_partnership("engaged")
    services.sign_up(
        partnership,
        by=officer,
        expected_version=partnership.version,
        on=date(2026, 2, 1),
        next_review_on=date(2026, 8, 1),
    )
    assert partnership.next_review_on == date(2026, 8, 1)
    with pytest.raises(PartnershipError, match="after the sign-up date"):
        engaged = make_partnership("engaged")
        services.sign_up(
            engaged, by=officer, expected_version=engaged.version, on=date(2026, 2, 1), next_review_on=date(2026, 1, 1)
        )


def test_a_venue_has_at_most_one_open_partnership(
    make_partnership: Any, make_venue: Any, lists: dict[str, Any], officer: Any
) -> None:
    venue = make_venue()
    make_partnership("engaged", venue=venue)
    with pytest.raises(PartnershipError, match="already has an open partnership"):
        services.start_partnership(venue, by=officer, lead_officer=officer)
    assert venue.partnerships.count() == 1


def test_the_database_refuses_a_second_open_partnership_even_behind_the_services(
    make_partnership: Any, make_venue: Any, officer: Any
) -> None:
    venue = make_venue()
    make_partnership("prospect", venue=venue)
    with pytest.raises(IntegrityError), transaction.atomic():
        Partnership.objects.create(venue=venue, started_on=date(2026, 1, 1), lead_officer=officer)


def test_a_venue_can_start_again_after_its_partnership_ended(
    make_partnership: Any, make_venue: Any, lists: dict[str, Any], officer: Any
) -> None:
    venue = make_venue()
    old = make_partnership("active", venue=venue)
    services.withdraw(
        old, by=officer, expected_version=old.version, on=date(2026, 2, 1), reason=lists["reasons"]["Other"]
    )
    new = services.start_partnership(venue, by=officer, lead_officer=officer)
    assert new.status == "prospect"
    assert venue.partnerships.count() == 2


def test_a_move_cannot_predate_the_start(make_partnership: Any, officer: Any) -> None:
    partnership = make_partnership("prospect")
    with pytest.raises(PartnershipError, match="before the partnership started"):
        services.mark_engaged(partnership, by=officer, expected_version=partnership.version, on=date(2025, 12, 1))


def test_commitments_checklist_adds_changes_and_removes(
    make_partnership: Any, lists: dict[str, Any], officer: Any
) -> None:
    partnership = make_partnership("signed_up")
    posters = lists["commitments"]["Campaign posters displayed"]
    angela = lists["commitments"]['Welfare scheme / "Ask for Angela"']
    with pytest.raises(PartnershipError, match="staff training date"):
        services.set_commitments(
            partnership,
            by=officer,
            expected_version=partnership.version,
            confirmed={angela: (date(2026, 2, 1), "", None)},
        )
    services.set_commitments(
        partnership,
        by=officer,
        expected_version=partnership.version,
        confirmed={
            posters: (date(2026, 2, 1), "Posters in the toilets", None),
            angela: (date(2026, 2, 3), "Staff briefed", date(2026, 1, 20)),
        },
    )
    assert {(c.commitment_type.name, c.staff_training_date) for c in partnership.commitments.all()} == {
        (posters.name, None),
        (angela.name, date(2026, 1, 20)),
    }
    services.set_commitments(
        partnership,
        by=officer,
        expected_version=partnership.version,
        confirmed={posters: (date(2026, 2, 1), "Posters moved", None)},
    )
    assert [(c.commitment_type, c.evidence) for c in partnership.commitments.all()] == [(posters, "Posters moved")]


def test_engagement_needs_a_group_or_a_venue(make_engagement: Any) -> None:
    with pytest.raises(PartnershipError, match="at least one community group or venue"):
        make_engagement()
    assert not Engagement.objects.exists()


def test_engagement_with_groups_materials_and_follow_ups(
    make_engagement: Any, make_group: Any, lists: dict[str, Any], officer: Any
) -> None:
    first, second = make_group(), make_group()
    engagement = make_engagement(groups=[first, second])
    leaflet, poster = lists["materials"]["Leaflet"], lists["materials"]["Custody poster"]
    services.set_materials(
        engagement, by=officer, expected_version=engagement.version, quantities={leaflet: 50, poster: 5}
    )
    services.set_materials(
        engagement, by=officer, expected_version=engagement.version, quantities={leaflet: 40, poster: 0}
    )
    assert [(m.material, m.quantity) for m in engagement.materials.all()] == [(leaflet, 40)]
    action = services.add_follow_up(
        engagement,
        by=officer,
        expected_version=engagement.version,
        description="Send posters",
        owner=officer,
        due_on=date(2026, 3, 9),
    )
    services.complete_follow_up(
        action, by=officer, expected_version=action.engagement.version, done_on=date(2026, 3, 8)
    )
    assert action.done_on == date(2026, 3, 8)
    with pytest.raises(PartnershipError, match="already done"):
        services.complete_follow_up(action, by=officer, expected_version=action.engagement.version)
    assert set(engagement.groups.all()) == {first, second}
    assert action.history.first().history_user == officer


def test_group_edit_keeps_history_and_refuses_stale_versions(make_group: Any, officer: Any, admin_user: Any) -> None:
    from tracker.core.versioning import EditConflict

    group = make_group("Hereford Youth Club")
    services.update_group(group, by=admin_user, expected_version=1, changes={"kind": CommunityGroup.Kind.YOUTH})
    with pytest.raises(EditConflict):
        services.update_group(group, by=officer, expected_version=1, changes={"active": False})
    group.refresh_from_db()
    assert (group.kind, group.active, group.version) == ("youth", True, 2)
