"""The token endpoint's throttle and lockout count each client once, under the
address tracker.core.client_address finds: a new X-Forwarded-For per request is not
a new client, and behind a trusted proxy two clients are still two."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework import throttling
from rest_framework.test import APIClient

from tests.conftest import PASSWORD
from tracker.core.api.throttling import ClientAddressMixin
from tracker.core.models import User

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"
GRANTS = 3


@pytest.fixture(autouse=True)
def token_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    cache.clear()  # throttle counts from other tests in this process
    rates = {**throttling.SimpleRateThrottle.THROTTLE_RATES, "token": f"{GRANTS}/minute"}
    monkeypatch.setattr(throttling.SimpleRateThrottle, "THROTTLE_RATES", rates)


def ask(forwarded: str, username: str = "liaison", password: str = PASSWORD) -> Any:
    body = {"username": username, "password": password}
    return APIClient().post(TOKEN_URL, body, format="json", HTTP_X_FORWARDED_FOR=forwarded)


def is_throttled(response: Any) -> bool:
    return response.status_code == 429 and "throttled" in response.json()["detail"]


def is_locked_out(response: Any) -> bool:
    return response.status_code == 429 and "Too many failed attempts" in response.json()["detail"]


def test_rotating_forwarded_for_does_not_escape_the_token_throttle(liaison: User) -> None:
    answers = [ask(f"198.51.100.{n}") for n in range(GRANTS + 2)]
    assert [a.status_code for a in answers[:GRANTS]] == [201] * GRANTS
    assert all(is_throttled(a) for a in answers[GRANTS:])


def test_rotating_forwarded_for_does_not_escape_the_lockout(liaison: User) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT):
        cache.clear()  # so only the lockout can refuse
        ask(f"198.51.100.{n}", password="wrong")
    cache.clear()
    assert is_locked_out(ask("203.0.113.77"))


def test_behind_a_proxy_each_client_has_its_own_token_throttle(settings: Any, liaison: User) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(GRANTS):
        assert ask("198.51.100.7").status_code == 201
    assert is_throttled(ask("198.51.100.7"))
    # Addresses the client prepends are not believed: the proxy appended the real one.
    assert is_throttled(ask("10.0.0.1, 198.51.100.7"))
    assert is_throttled(ask("10.0.0.2, 198.51.100.7"))
    # Another client behind the same proxy is counted apart.
    assert ask("203.0.113.5").status_code == 201


def test_behind_a_proxy_one_client_locked_out_does_not_lock_out_another(settings: Any, liaison: User) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        cache.clear()
        ask(f"10.0.0.{n}, 198.51.100.7", password="wrong")
    cache.clear()
    assert is_locked_out(ask("10.0.0.99, 198.51.100.7"))
    assert ask("203.0.113.5").status_code == 201


def _views(patterns: list[Any]) -> Iterator[Any]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "cls"):
            yield pattern.callback.cls


def test_every_api_throttle_counts_by_the_one_client_address() -> None:
    views = list(_views(get_resolver().url_patterns))
    assert views
    for view in views:
        for throttle in getattr(view, "throttle_classes", []):
            assert issubclass(throttle, ClientAddressMixin), f"{view.__name__} uses {throttle.__name__}"
