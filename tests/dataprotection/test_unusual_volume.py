"""The daily flag for unusual volume: a user who viewed more distinct people in one
(local) day than ACCESS_LOG_DAILY_PEOPLE_THRESHOLD, flagged once per user and day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from interventions.models import Offender
from tests.dataprotection.conftest import local
from tracker.core.models import AccessLog
from tracker.dataprotection.consultations import flag_unusual_volume
from tracker.dataprotection.models import UnusualVolumeFlag

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 24)


@pytest.fixture
def crowd(offender_factory: Callable[..., Offender]) -> list[Offender]:
    return [offender_factory() for _ in range(6)]


def test_users_over_the_threshold_are_flagged_counting_distinct_people(
    settings: Any, liaison: Any, liaison2: Any, officer: Any, crowd: list[Offender], logged: Callable[..., AccessLog]
) -> None:
    settings.ACCESS_LOG_DAILY_PEOPLE_THRESHOLD = 3
    # liaison: 4 distinct people over three requests (one seen twice) -> flagged
    logged(liaison, crowd[:2], at=local(2026, 11, 24, 9))
    logged(liaison, crowd[1:3], at=local(2026, 11, 24, 13))
    logged(liaison, [crowd[3]], at=local(2026, 11, 24, 23, 59))
    # liaison2: exactly the threshold (3) -> not flagged; 6 the day before -> not this day
    logged(liaison2, crowd[:3], at=local(2026, 11, 24, 10))
    logged(liaison2, crowd, at=local(2026, 11, 23, 23, 59))
    # officer: 6 people, but just after midnight -> the next day
    logged(officer, crowd, at=local(2026, 11, 25, 0, 0))
    flags = flag_unusual_volume(DAY)
    assert [(f.user, f.people, f.threshold, f.day) for f in flags] == [(liaison, 4, 3, DAY)]
    assert [(f.user, f.people) for f in flag_unusual_volume(date(2026, 11, 23))] == [(liaison2, 6)]
    assert [(f.user, f.people) for f in flag_unusual_volume(date(2026, 11, 25))] == [(officer, 6)]


def test_flagging_twice_changes_nothing(
    settings: Any, liaison: Any, crowd: list[Offender], logged: Callable[..., AccessLog]
) -> None:
    settings.ACCESS_LOG_DAILY_PEOPLE_THRESHOLD = 2
    logged(liaison, crowd, at=local(2026, 11, 24, 9))
    first = flag_unusual_volume(DAY)
    again = flag_unusual_volume(DAY)
    assert [f.pk for f in again] == [f.pk for f in first]
    assert UnusualVolumeFlag.objects.count() == 1
    assert UnusualVolumeFlag.objects.get().people == 6


def test_a_day_checked_before_it_ended_is_brought_up_to_date(
    settings: Any, liaison: Any, crowd: list[Offender], logged: Callable[..., AccessLog]
) -> None:
    settings.ACCESS_LOG_DAILY_PEOPLE_THRESHOLD = 2
    logged(liaison, crowd[:3], at=local(2026, 11, 24, 9))
    assert flag_unusual_volume(DAY)[0].people == 3
    logged(liaison, crowd[3:], at=local(2026, 11, 24, 18))
    assert flag_unusual_volume(DAY)[0].people == 6
    assert UnusualVolumeFlag.objects.count() == 1


def test_sign_ins_and_unknown_users_raise_no_flag(
    settings: Any, crowd: list[Offender], liaison: Any, logged: Callable[..., AccessLog]
) -> None:
    settings.ACCESS_LOG_DAILY_PEOPLE_THRESHOLD = 0
    logged(liaison, at=local(2026, 11, 24, 9), action="sign_in")
    logged(None, at=local(2026, 11, 24, 9), action="sign_in_failed")
    assert flag_unusual_volume(DAY) == []


def test_the_default_threshold_is_fifty_people() -> None:
    from django.conf import settings

    assert settings.ACCESS_LOG_DAILY_PEOPLE_THRESHOLD == 50


def test_the_page_lists_recent_flags_with_a_link_to_the_days_requests(
    client: Any, settings: Any, dpo: Any, liaison: Any, crowd: list[Offender], logged: Callable[..., AccessLog]
) -> None:
    settings.ACCESS_LOG_DAILY_PEOPLE_THRESHOLD = 4
    logged(liaison, crowd, at=local(2026, 11, 24, 9))
    flag_unusual_volume(DAY)
    client.force_login(dpo)
    html = client.get(reverse("dataprotection:log-unusual-volume")).content.decode()
    assert "more than 4 different people" in html
    assert "Tuesday 24 November 2026" in html
    assert "Liaison Tester" in html and "Probation Service – West Mercia" in html
    link = f"{reverse('dataprotection:log')}?user=liaison&amp;since=2026-11-24&amp;until=2026-11-24"
    assert link in html
    rows = client.get(reverse("dataprotection:log"), {"user": "liaison", "since": "2026-11-24", "until": "2026-11-24"})
    assert rows.context["result_count"] == 1
