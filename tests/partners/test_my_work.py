"""My work shows an officer's follow-ups due within 7 days or overdue, reviews due
within 30 days or overdue, and this week's engagements; the navigation counts them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from partners import mywork, services
from partners.models import FollowUpAction
from tests.partners.conftest import local

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TODAY = datetime(2026, 6, 10, 9, 0, tzinfo=LONDON)  # a Wednesday


@pytest.fixture
def work(
    make_engagement: Any, make_group: Any, make_partnership: Any, officer: Any, user_factory: Any
) -> dict[str, Any]:
    other = user_factory("partnership_officer")
    group = make_group()
    old = make_engagement(groups=[group], starts_at=local(2026, 5, 1, 10))
    add = services.add_follow_up
    add(
        old,
        by=officer,
        expected_version=old.version,
        description="Overdue call",
        owner=officer,
        due_on=date(2026, 6, 1),
    )
    add(
        old,
        by=officer,
        expected_version=old.version,
        description="Due in a week",
        owner=officer,
        due_on=date(2026, 6, 17),
    )
    add(old, by=officer, expected_version=old.version, description="Later on", owner=officer, due_on=date(2026, 6, 18))
    add(
        old,
        by=officer,
        expected_version=old.version,
        description="Someone else's",
        owner=other,
        due_on=date(2026, 6, 1),
    )
    done = add(
        old,
        by=officer,
        expected_version=old.version,
        description="Already done",
        owner=officer,
        due_on=date(2026, 6, 2),
    )
    services.complete_follow_up(done, by=officer, expected_version=done.engagement.version, done_on=date(2026, 6, 2))
    # Reviews: signed up 1 Jul 2025 → review 1 Jul 2026 (within 30 days of 10 Jun);
    # signed up 1 Aug 2025 → 1 Aug 2026 (too far).
    due = make_partnership("active", signed_up_on=date(2026, 1, 10))
    services.update_partnership(
        due, by=officer, expected_version=due.version, changes={"next_review_on": date(2026, 7, 1)}
    )
    late = make_partnership("signed_up")
    services.update_partnership(
        late, by=officer, expected_version=late.version, changes={"next_review_on": date(2026, 5, 1)}
    )
    far = make_partnership("signed_up")
    services.update_partnership(
        far, by=officer, expected_version=far.version, changes={"next_review_on": date(2026, 8, 1)}
    )
    make_engagement(groups=[group], starts_at=local(2026, 6, 8, 0, 30), summary="Monday")
    make_engagement(groups=[group], starts_at=local(2026, 6, 14, 23, 30), summary="Sunday")
    make_engagement(groups=[group], starts_at=local(2026, 6, 15, 0, 30), summary="Next week")
    return {"due": due, "late": late, "far": far, "group": group}


def test_my_work_lists_what_is_due_for_the_officer(officer: Any, work: dict[str, Any]) -> None:
    with time_machine.travel(TODAY, tick=False):
        follow_ups, reviews, engagements = mywork.sections(officer)
        assert [(i.label, i.overdue) for i in follow_ups.items] == [("Overdue call", True), ("Due in a week", False)]
        assert [(i.due, i.overdue) for i in reviews.items] == [(date(2026, 5, 1), True), (date(2026, 7, 1), False)]
        assert [i.due for i in engagements.items] == [date(2026, 6, 8), date(2026, 6, 14)]
        assert mywork.count(officer) == 6


def test_review_appears_only_when_it_falls_due(officer: Any, work: dict[str, Any]) -> None:
    # The 1 August review enters the 30-day window on 2 July, not before.
    with time_machine.travel(datetime(2026, 7, 1, 23, 30, tzinfo=LONDON), tick=False):
        assert date(2026, 8, 1) not in [i.due for i in mywork.sections(officer)[1].items]
    with time_machine.travel(datetime(2026, 7, 2, 0, 30, tzinfo=LONDON), tick=False):
        assert date(2026, 8, 1) in [i.due for i in mywork.sections(officer)[1].items]


def test_closed_partnerships_have_no_review_due(officer: Any, work: dict[str, Any], lists: dict[str, Any]) -> None:
    services.withdraw(
        work["late"],
        by=officer,
        expected_version=work["late"].version,
        on=date(2026, 2, 1),
        reason=lists["reasons"]["Other"],
    )
    with time_machine.travel(TODAY, tick=False):
        assert [i.due for i in mywork.sections(officer)[1].items] == [date(2026, 7, 1)]


def test_my_work_page_and_navigation_count(client: Any, officer: Any, work: dict[str, Any]) -> None:
    client.force_login(officer)
    with time_machine.travel(TODAY, tick=False):
        html = client.get(reverse("my-work")).content.decode()
    assert "Overdue call" in html and "Review partnership with" in html and "Engagements you lead this week" in html
    assert '<span class="app-nav-count"><span class="govuk-visually-hidden">(</span>6<' in html


def test_nothing_due_for_another_officer(user_factory: Any, work: dict[str, Any]) -> None:
    newcomer = user_factory("partnership_officer")
    with time_machine.travel(TODAY, tick=False):
        assert mywork.count(newcomer) == 0


def test_items_name_the_groups_and_venues_they_are_about(officer: Any, work: dict[str, Any]) -> None:
    with time_machine.travel(TODAY, tick=False):
        follow_ups, reviews, engagements = mywork.sections(officer)
    group = work["group"]
    assert follow_ups.items[0].detail == f"From: Meeting with {group.name}, 1 May 2026"
    assert [i.label for i in engagements.items] == [f"Meeting with {group.name}"] * 2
    assert all(str(p.venue) in i.label for p, i in zip([work["late"], work["due"]], reviews.items, strict=True))


def test_an_officer_sees_only_their_own_partnership_work(
    officer: Any, work: dict[str, Any], user_factory: Any, make_partnership: Any, make_engagement: Any, make_group: Any
) -> None:
    """Another officer's follow-ups, partnerships and engagements stay off this list."""
    other = FollowUpAction.objects.get(description="Someone else's").owner
    theirs = make_partnership("signed_up")
    services.update_partnership(
        theirs,
        by=officer,
        expected_version=theirs.version,
        changes={"lead_officer": other, "next_review_on": date(2026, 6, 1)},
    )
    make_engagement(groups=[make_group()], starts_at=local(2026, 6, 9, 10), lead_officer=other, summary="Theirs")
    with time_machine.travel(TODAY, tick=False):
        follow_ups, reviews, engagements = mywork.sections(officer)
        assert "Someone else's" not in [i.label for i in follow_ups.items]
        assert str(theirs.venue) not in " ".join(i.label for i in reviews.items)
        assert len(engagements.items) == 2
        assert [i.label for i in mywork.sections(other)[0].items] == ["Someone else's"]


@pytest.mark.parametrize("size", [2, 12])
def test_my_work_query_count_does_not_grow_with_items(
    size: int,
    client: Any,
    officer: Any,
    make_engagement: Any,
    make_group: Any,
    make_venue: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(size):
        engagement = make_engagement(
            groups=[make_group(), make_group()], venues=[make_venue()], starts_at=local(2026, 6, 9, 10, n)
        )
        services.add_follow_up(
            engagement,
            by=officer,
            expected_version=engagement.version,
            description=f"Call {n}",
            owner=officer,
            due_on=date(2026, 6, 12),
        )
    client.force_login(officer)
    # 1 session, 2 user, 3 follow-ups, 4-5 their engagements' groups and venues, 6 reviews,
    # 7 engagements, 8-9 their groups and venues, 10-11 the referrer's concerns and
    # follow-ups, 12 access log, 13-17 badge counts, 18 organisation in the banner,
    # 19-21 session save
    with time_machine.travel(TODAY, tick=False), django_assert_max_num_queries(21):
        response = client.get(reverse("my-work"))
    assert response.content.decode().count("Call ") == size
