"""Which address a request is counted under: REMOTE_ADDR unless TRUSTED_PROXY_COUNT
says proxies stand in front, then the address the outermost trusted proxy saw.
The sign-in page's lockout follows the same rule."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.conftest import PASSWORD
from tracker.core.client_address import client_address
from tracker.core.models import User

PROXY = "127.0.0.1"


def address(settings: Any, forwarded: str | None, *, proxies: int, remote: str = PROXY) -> str | None:
    """`settings` is pytest-django's fixture, which puts the setting back afterwards."""
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **meta)  # type: ignore[arg-type]
    settings.TRUSTED_PROXY_COUNT = proxies
    return client_address(request)


@pytest.mark.parametrize(
    ("forwarded", "proxies", "expected"),
    [
        # No trusted proxy: whatever the client writes is ignored.
        (None, 0, PROXY),
        ("203.0.113.5", 0, PROXY),
        ("203.0.113.5, 198.51.100.7", 0, PROXY),
        # One proxy: the address it appended, the rightmost one.
        ("203.0.113.5", 1, "203.0.113.5"),
        ("10.9.9.9, 203.0.113.5", 1, "203.0.113.5"),  # a prepended address is not believed
        ("  203.0.113.5 ", 1, "203.0.113.5"),
        ("2001:db8::1", 1, "2001:db8::1"),
        # Two proxies: the outer one's entry, second from the right.
        ("10.9.9.9, 203.0.113.5, 192.0.2.10", 2, "203.0.113.5"),
        # Not written by the proxies as configured: the socket's address, never a client's pick.
        (None, 1, PROXY),
        ("", 1, PROXY),
        ("203.0.113.5", 2, PROXY),
        ("10.9.9.9, not-an-address", 1, PROXY),
        ("203.0.113.5,", 1, PROXY),
        ("unknown", 1, PROXY),
    ],
)
def test_client_address(settings: Any, forwarded: str | None, proxies: int, expected: str) -> None:
    assert address(settings, forwarded, proxies=proxies) == expected


def test_no_socket_address_is_none(settings: Any) -> None:
    assert address(settings, None, proxies=0, remote="") is None


def fail_sign_in(browser: Client, username: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        browser.post(reverse("login"), {"username": username, "password": "wrong"})


def sign_in_status(forwarded: str, username: str = "officer") -> int:
    response = Client(HTTP_X_FORWARDED_FOR=forwarded).post(
        reverse("login"), {"username": username, "password": PASSWORD}
    )
    return int(response.status_code)


@pytest.mark.django_db
def test_rotating_forwarded_for_does_not_escape_the_sign_in_lockout(officer: User) -> None:
    """Default settings: nobody is trusted to say where a request came from."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client(HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").post(
            reverse("login"), {"username": "officer", "password": "wrong"}
        )
    assert sign_in_status("203.0.113.77") == 429


@pytest.mark.django_db
def test_behind_a_proxy_one_client_locked_out_does_not_lock_out_another(settings: Any, officer: User) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = Client(HTTP_X_FORWARDED_FOR="198.51.100.7")  # REMOTE_ADDR is the proxy's for both
    fail_sign_in(attacker, "officer")
    assert sign_in_status("198.51.100.7") == 429
    # The officer, at another address behind the same proxy, still signs in.
    assert sign_in_status("203.0.113.5") == 302


@pytest.mark.django_db
def test_behind_a_proxy_prepending_addresses_does_not_escape_the_lockout(settings: Any, officer: User) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    # The proxy appends the real address (198.51.100.7) to whatever the client sent.
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client(HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 198.51.100.7").post(
            reverse("login"), {"username": "officer", "password": "wrong"}
        )
    assert sign_in_status("203.0.113.5, 198.51.100.7") == 429
