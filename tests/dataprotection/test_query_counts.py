"""Query counts of the log pages and the API list at two data sizes: the same ceiling
for 3 rows of 3 people and 30 rows of 30 people, so no N+1 can hide."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from interventions.models import Offender
from tests.dataprotection.conftest import local
from tracker.core.models import AccessLog

pytestmark = pytest.mark.django_db
SIZES = [3, 30]


@pytest.fixture
def log_of_size(
    liaison: Any, liaison2: Any, offender_factory: Callable[..., Offender], logged: Callable[..., AccessLog]
) -> Callable[[int], Offender]:
    """`size` rows, each showing `size` people, by two users of two organisations; all
    show the returned person."""

    def make(size: int) -> Offender:
        crowd = [offender_factory() for _ in range(size)]
        for n in range(size):
            logged(liaison if n % 2 else liaison2, crowd, at=local(2026, 11, 2, 9, n))
        return crowd[0]

    return make


@pytest.mark.parametrize("size", SIZES)
def test_log_list(
    size: int, client: Any, dpo: Any, log_of_size: Callable[[int], Offender], django_assert_max_num_queries: Any
) -> None:
    log_of_size(size)
    client.force_login(dpo)
    # 1 session, 2 user, 3 count, 4 page of rows with user and organisation joined,
    # 5 first people of each row (one windowed query), 6 their names, 7-8 own log row
    # and its people (one bulk insert), 9 organisation in the banner, 10-12 session save
    # (savepoint, update, release)
    with django_assert_max_num_queries(13):  # + My work's count in the navigation
        response = client.get(reverse("dataprotection:log"), {"person": "Sam", "sign_ins": "exclude"})
    assert response.context["result_count"] == size


@pytest.mark.parametrize("size", SIZES)
def test_log_export(
    size: int, client: Any, dpo: Any, log_of_size: Callable[[int], Offender], django_assert_max_num_queries: Any
) -> None:
    log_of_size(size)
    client.force_login(dpo)
    # 1 session, 2 user, 3 the rows' count (a large export goes to the background),
    # 4 people in the export, 5-6 own log row and its people, 7-9 session save, and
    # 10 the rows with user, organisation and person ids, read as the file streams
    with django_assert_max_num_queries(10):
        response = client.get(reverse("dataprotection:log"), {"user": "liaison2", "export": "csv"})
        body = response.getvalue().decode()
    assert body.count("\n") == (size + 1) // 2 + 1


@pytest.mark.parametrize("size", SIZES)
def test_person_history(
    size: int, client: Any, dpo: Any, log_of_size: Callable[[int], Offender], django_assert_max_num_queries: Any
) -> None:
    person = log_of_size(size)
    client.force_login(dpo)
    # 1 session, 2 user, 3 person, 4-5 summary by organisation and by user, 6 count,
    # 7 page of rows, 8 first people of each, 9 their names, 10-11 own log row and its
    # people, 12 organisation in the banner, 13-15 session save
    with django_assert_max_num_queries(16):  # + My work's count in the navigation
        response = client.get(reverse("dataprotection:log-person", args=[person.pk]))
    assert response.context["summary"].requests == size


@pytest.mark.parametrize("size", SIZES)
def test_person_search(
    size: int, client: Any, dpo: Any, log_of_size: Callable[[int], Offender], django_assert_max_num_queries: Any
) -> None:
    log_of_size(size)
    client.force_login(dpo)
    # 1 session, 2 user, 3 count, 4 people with their organisation, 5-6 own log row
    # and its people, 7 organisation in the banner, 8-10 session save
    with django_assert_max_num_queries(11):  # + My work's count in the navigation
        response = client.get(reverse("dataprotection:log-people"), {"q": "Sam"})
    assert response.context["found"] == size


@pytest.mark.parametrize("size", SIZES)
def test_unusual_volume(
    size: int,
    client: Any,
    settings: Any,
    dpo: Any,
    log_of_size: Callable[[int], Offender],
    django_assert_max_num_queries: Any,
) -> None:
    from datetime import date

    from tracker.dataprotection.consultations import flag_unusual_volume

    settings.ACCESS_LOG_DAILY_PEOPLE_THRESHOLD = 1
    log_of_size(size)
    assert len(flag_unusual_volume(date(2026, 11, 2))) == 2
    client.force_login(dpo)
    # 1 session, 2 user, 3 count, 4 flags with user and organisation, 5 organisation in
    # the banner, 6-8 session save
    with django_assert_max_num_queries(9):  # + My work's count in the navigation
        response = client.get(reverse("dataprotection:log-unusual-volume"))
    assert len(response.context["flags"]) == 2


@pytest.mark.parametrize("size", SIZES)
def test_api_list(
    size: int, dpo: Any, log_of_size: Callable[[int], Offender], django_assert_max_num_queries: Any
) -> None:
    log_of_size(size)
    api = APIClient()
    api.force_authenticate(dpo)
    # 1 the username filter exists, 2 count, 3 page with user and organisation,
    # 4 every person of each row, 5-6 own log row and its people
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/access-log/", {"user": "liaison2"})
    assert response.json()["count"] == (size + 1) // 2
