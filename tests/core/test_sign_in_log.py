"""Sign-ins and refused sign-ins, on the page and through the API token endpoint,
are recorded in the access log beside the consultations; never the password."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import PASSWORD
from tracker.core.models import AccessLog, User

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


def _events() -> list[tuple[Any, str, str, str]]:
    return [(r.user, r.action, r.way, r.record_label) for r in AccessLog.objects.order_by("id")]


def _nowhere_in_the_log(secret: str) -> bool:
    return all(secret not in " ".join(str(v) for v in row) for row in AccessLog.objects.values_list())


def test_a_sign_in_is_recorded_with_who_and_from_where(client: Any, officer: User) -> None:
    response = client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    assert _events() == [(officer, AccessLog.Action.SIGN_IN, AccessLog.Way.PAGE, "")]
    row = AccessLog.objects.get()
    assert row.client_address == "127.0.0.1"
    assert row.path == reverse("login")
    assert _nowhere_in_the_log(PASSWORD)


def test_a_wrong_password_is_recorded_against_the_account_tried(client: Any, officer: User) -> None:
    response = client.post(reverse("login"), {"username": "officer", "password": "not-the-password-1"})
    assert response.status_code == 200
    assert _events() == [(officer, AccessLog.Action.SIGN_IN_FAILED, AccessLog.Way.PAGE, "officer")]
    assert _nowhere_in_the_log("not-the-password-1")


def test_an_unknown_username_is_recorded_with_no_user_and_the_name_typed(client: Any, officer: User) -> None:
    client.post(reverse("login"), {"username": "nobody-here", "password": "guess-guess-1"})
    assert _events() == [(None, AccessLog.Action.SIGN_IN_FAILED, AccessLog.Way.PAGE, "nobody-here")]
    assert _nowhere_in_the_log("guess-guess-1")


def test_an_empty_form_is_not_an_attempt(client: Any, officer: User) -> None:
    client.post(reverse("login"), {"username": "", "password": ""})
    assert not AccessLog.objects.exists()


def test_attempts_while_locked_out_are_recorded_as_refused(client: Any, officer: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "officer", "password": "wrong"})
    assert client.post(reverse("login"), {"username": "officer", "password": PASSWORD}).status_code == 429
    assert [a for _, a, _, _ in _events()] == [AccessLog.Action.SIGN_IN_FAILED] * (settings.AXES_FAILURE_LIMIT + 1)


def test_token_requests_are_recorded_as_api_sign_ins(liaison: User) -> None:
    api = APIClient()
    assert api.post(TOKEN_URL, {"username": "liaison", "password": "wrong-wrong-1"}).status_code == 400
    assert api.post(TOKEN_URL, {"username": "ghost", "password": "wrong-wrong-1"}).status_code == 400
    assert api.post(TOKEN_URL, {"username": "liaison", "password": PASSWORD}).status_code == 201
    assert _events() == [
        (liaison, AccessLog.Action.SIGN_IN_FAILED, AccessLog.Way.API, "liaison"),
        (None, AccessLog.Action.SIGN_IN_FAILED, AccessLog.Way.API, "ghost"),
        (liaison, AccessLog.Action.SIGN_IN, AccessLog.Way.API, ""),
    ]
    assert _nowhere_in_the_log("wrong-wrong-1")
    assert _nowhere_in_the_log(PASSWORD)
