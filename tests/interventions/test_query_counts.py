"""Query counts at two data sizes: the same ceiling for 3 rows and 30, so no N+1."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse

from interventions import services
from interventions.models import Referral

pytestmark = pytest.mark.django_db
SIZES = [3, 30]


@pytest.fixture(autouse=True)
def only_this_strands_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Other strands' My work counts in the navigation badge are theirs to test;
    keep only this strand's provider so the ceilings below are this strand's."""
    from tracker.core import mywork

    monkeypatch.setattr(mywork, "_providers", {"interventions": mywork._providers["interventions"]})


@pytest.mark.parametrize("size", SIZES)
def test_caseload_list(
    size: int, client: Any, liaison: Any, referral_factory: Callable[..., Referral], django_assert_max_num_queries: Any
) -> None:
    for _ in range(size):
        started = referral_factory("started")
        services.assign(started, by=liaison, expected_version=started.version, liaison=liaison)
    client.force_login(liaison)
    # 1 session, 2 user, 3 count, 4 page of referrals with offender/programme/area/
    # organisation/liaison joined, 5-7 My work badge (waiting, concerns, follow-ups due),
    # 8 organisation in the banner, 9-11 filter choices (programme, area, organisation),
    # 12-13 the access-log row and its people (one bulk INSERT), 14-16 session save
    # (savepoint, update, release)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("interventions:referrals"), {"sort": "name"})
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_caseload_export(
    size: int, client: Any, liaison: Any, referral_factory: Callable[..., Referral], django_assert_max_num_queries: Any
) -> None:
    for _ in range(size):
        referral_factory("submitted")
    client.force_login(liaison)
    # 1 session, 2 user, 3 count (at once or in the background?), 4 the people named
    # for the access log, 5 rows for the file (read as the response streams), 6-7 the
    # access-log row and its people (one bulk INSERT), 8-10 session save
    with django_assert_max_num_queries(10):
        response = client.get(reverse("interventions:referrals"), {"export": "csv"})
        content = response.getvalue()
    assert content.decode().count("\n") == size + 1


@pytest.mark.parametrize("size", SIZES)
def test_referral_page(
    size: int,
    client: Any,
    liaison: Any,
    officer: Any,
    referral_factory: Callable[..., Referral],
    django_assert_max_num_queries: Any,
) -> None:
    referral = referral_factory("started")
    for n in range(size):
        services.record_session(
            referral,
            by=liaison,
            scheduled_on=date(2026, 1, 1) + timedelta(days=n),
            happened=True,
            attendance="attended",
            concern=n % 2 == 0,
            concern_note="Worry",
        )
    client.force_login(liaison)
    # 1 session, 2 user, 3 referral with joins, 4 log insert, 5 sessions, 6 content type
    # (cached after the first request), 7 history, 8-10 My work badge, 11 organisation in
    # the banner, 12 outcomes, 13 transitions, 14-16 session save
    with django_assert_max_num_queries(16):
        response = client.get(reverse("interventions:referral", args=[referral.pk]))
    assert response.context["attended"] == size


def _people(size: int, referral_factory: Callable[..., Referral], offender_factory: Any) -> Any:
    person = offender_factory()
    for _ in range(size):
        referral_factory("submitted", offender=person)
        offender_factory()
    return person


@pytest.mark.parametrize("size", SIZES)
def test_offender_list(
    size: int,
    client: Any,
    officer: Any,
    referral_factory: Callable[..., Referral],
    offender_factory: Any,
    django_assert_max_num_queries: Any,
) -> None:
    _people(size, referral_factory, offender_factory)
    client.force_login(officer)
    # 1 session, 2 user, 3 count, 4 page, 5-6 My work badge (concerns, follow-ups),
    # 7 organisation in the banner, 8-9 the access-log row and its people, 10-12 session
    # save (savepoint, update, release)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("interventions:offenders")).status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_offender_page(
    size: int,
    client: Any,
    officer: Any,
    referral_factory: Callable[..., Referral],
    offender_factory: Any,
    django_assert_max_num_queries: Any,
) -> None:
    person = _people(size, referral_factory, offender_factory)
    client.force_login(officer)
    # 1 session, 2 user, 3 offender, 4 log insert, 5 referrals with joins, 6 their log
    # insert, 7 history, 8-9 My work badge, 10 organisation in the banner, 11-13 session save
    with django_assert_max_num_queries(13):
        response = client.get(reverse("interventions:offender", args=[person.pk]))
    assert response.content.decode().count("/interventions/referrals/") >= size


@pytest.mark.parametrize("size", SIZES)
def test_programme_list(
    size: int, client: Any, officer: Any, probation: Any, django_assert_max_num_queries: Any
) -> None:
    from interventions.models import Programme

    for n in range(size):
        Programme.objects.create(name=f"Programme {n}", provider=probation, setting="community")
    client.force_login(officer)
    # 1 session, 2 user, 3 count, 4 page, 5 desired outcomes (prefetched), 6-7 My work
    # badge, 8 organisation in the banner, 9 provider choices, 10-12 session save
    with django_assert_max_num_queries(12):
        assert client.get(reverse("interventions:programmes")).status_code == 200


def _work(size: int, referral_factory: Callable[..., Referral], liaison: Any) -> None:
    for _ in range(size):
        referral_factory("submitted")
        referral_factory("completed")
        started = referral_factory("started")
        services.record_session(
            started,
            by=liaison,
            scheduled_on=date(2026, 1, 1),
            happened=True,
            attendance="late",
            concern=True,
            concern_note="x",
        )


@pytest.mark.parametrize("size", SIZES)
def test_my_work_for_a_referrer(
    size: int,
    client: Any,
    officer: Any,
    liaison: Any,
    referral_factory: Callable[..., Referral],
    django_assert_max_num_queries: Any,
) -> None:
    _work(size, referral_factory, liaison)
    client.force_login(officer)
    # 1 session, 2 user, 3 concerns, 4 follow-ups, 5-6 badge counts, 7 organisation in
    # the banner, 8-9 the access-log row and its people, 10-12 session save
    with django_assert_max_num_queries(12):
        response = client.get(reverse("my-work"))
    assert response.content.decode().count("#sessions") == min(size, 50)


@pytest.mark.parametrize("size", SIZES)
def test_my_work_for_a_liaison(
    size: int,
    client: Any,
    liaison: Any,
    referral_factory: Callable[..., Referral],
    django_assert_max_num_queries: Any,
) -> None:
    _work(size, referral_factory, liaison)
    client.force_login(liaison)
    # 1 session, 2 user, 3 waiting, 4 unassigned, 5 concerns, 6 follow-ups, 7-9 badge
    # counts, 10 organisation in the banner, 11-12 the access-log row and its people,
    # 13-15 session save
    with django_assert_max_num_queries(15):
        response = client.get(reverse("my-work"))
    # The section once (its table's region repeats the title as its label).
    assert response.content.decode().count('<h2 class="govuk-heading-m">Referrals waiting for acceptance') == 1
