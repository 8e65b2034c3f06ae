"""A password change or a deactivation ends every API token and every signed-in
session of that user, whichever way it is made; other users keep theirs."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import PASSWORD
from tracker.core.models import ApiToken, User

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"
AREAS_URL = "/api/v1/areas/"
NEW_PASSWORD = "a-brand-new-passphrase-42"


@pytest.fixture(autouse=True)
def fresh_throttles() -> None:
    cache.clear()  # throttle counts from other tests in this process


def token_for(username: str, password: str = PASSWORD) -> str:
    response = APIClient().post(TOKEN_URL, {"username": username, "password": password}, format="json")
    assert response.status_code == 201, response.content
    token: str = response.json()["token"]
    return token


def api_status(token: str) -> int:
    return APIClient().get(AREAS_URL, HTTP_AUTHORIZATION=f"Token {token}").status_code


def signed_in(username: str) -> Client:
    browser = Client()
    response = browser.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "sign-in failed"
    return browser


def session_row_exists(browser: Client) -> bool:
    key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return bool(import_module(settings.SESSION_ENGINE).SessionStore().exists(key))


def is_signed_in(browser: Client) -> bool:
    return browser.get(reverse("home")).status_code == 200


@pytest.fixture
def bystander(officer: User) -> dict[str, Any]:
    """Another user's token and session, which must survive."""
    return {"token": token_for("officer"), "browser": signed_in("officer")}


def assert_untouched(bystander: dict[str, Any]) -> None:
    assert api_status(bystander["token"]) == 200
    assert is_signed_in(bystander["browser"])
    assert session_row_exists(bystander["browser"])


def test_password_change_page_revokes_tokens_and_ends_the_other_sessions(
    liaison: User, bystander: dict[str, Any]
) -> None:
    token = token_for("liaison")
    here, elsewhere = signed_in("liaison"), signed_in("liaison")
    assert api_status(token) == 200  # signing in twice left the token alone

    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302

    assert api_status(token) == 401
    assert ApiToken.objects.get(user=liaison).revoked_at is not None
    # The other browser's session is gone from the server, not merely refused.
    assert not session_row_exists(elsewhere)
    assert not is_signed_in(elsewhere)
    # The browser that changed the password stays signed in.
    assert is_signed_in(here)
    assert_untouched(bystander)
    # The new password gets a working token.
    assert api_status(token_for("liaison", NEW_PASSWORD)) == 200


def test_administrator_setting_a_password_in_the_admin_site_ends_access(
    liaison: User, admin_user: User, bystander: dict[str, Any]
) -> None:
    token = token_for("liaison")
    browser = signed_in("liaison")
    admin = signed_in("admin")

    response = admin.post(
        reverse("admin:auth_user_password_change", args=[liaison.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    liaison.refresh_from_db()
    assert liaison.check_password(NEW_PASSWORD)

    assert api_status(token) == 401
    assert not session_row_exists(browser)
    assert is_signed_in(admin)
    assert_untouched(bystander)


def test_set_password_and_save_in_code_ends_access(liaison: User, bystander: dict[str, Any]) -> None:
    """What a management command or a service does."""
    token = token_for("liaison")
    browser = signed_in("liaison")

    user = User.objects.get(username="liaison")
    user.set_password(NEW_PASSWORD)
    user.save()

    assert api_status(token) == 401
    assert not session_row_exists(browser)
    assert not is_signed_in(browser)
    assert_untouched(bystander)


def test_deactivation_ends_access_for_good(liaison: User, admin_user: User, bystander: dict[str, Any]) -> None:
    token = token_for("liaison")
    browser = signed_in("liaison")

    user = User.objects.get(username="liaison")
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert api_status(token) == 401
    assert not session_row_exists(browser)
    assert not is_signed_in(browser)
    assert_untouched(bystander)
    # Switching the account back on does not bring the old token or session back.
    user.is_active = True
    user.save(update_fields=["is_active"])
    assert api_status(token) == 401
    assert not is_signed_in(browser)


def test_deactivation_in_the_admin_site_ends_access(liaison: User, admin_user: User) -> None:
    token = token_for("liaison")
    browser = signed_in("liaison")
    admin = signed_in("admin")
    form = {
        "username": "liaison",
        "first_name": liaison.first_name,
        "last_name": liaison.last_name,
        "email": "",
        "organisation": liaison.organisation_id,
        "is_probation_liaison": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
    }  # is_active left unticked
    response = admin.post(reverse("admin:core_user_change", args=[liaison.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not User.objects.get(pk=liaison.pk).is_active

    assert api_status(token) == 401
    assert not session_row_exists(browser)


def test_token_of_an_inactive_user_is_refused_even_if_not_revoked(liaison: User) -> None:
    token = token_for("liaison")
    User.objects.filter(pk=liaison.pk).update(is_active=False)  # no save, so no revocation
    assert ApiToken.objects.get(user=liaison).revoked_at is None
    response = APIClient().get(AREAS_URL, HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_saving_other_details_keeps_tokens_and_sessions(liaison: User) -> None:
    token = token_for("liaison")
    browser = signed_in("liaison")
    user = User.objects.get(username="liaison")
    user.first_name = "Renamed"
    user.save()
    assert api_status(token) == 200
    assert is_signed_in(browser)


def test_password_rehash_at_sign_in_is_not_a_password_change(liaison: User) -> None:
    """Django re-hashes a correct password when its hasher settings change; the
    password is the same, so the tokens stay."""
    token = token_for("liaison")
    weak = make_password(PASSWORD, salt="short")  # a salt too short for the hasher: re-hashed at sign-in
    User.objects.filter(pk=liaison.pk).update(password=weak)

    browser = signed_in("liaison")

    assert User.objects.get(pk=liaison.pk).password != weak  # it was re-hashed
    assert api_status(token) == 200
    assert is_signed_in(browser)


def test_password_rehash_in_async_code_is_not_a_password_change(liaison: User) -> None:
    token = token_for("liaison")
    weak = make_password(PASSWORD, salt="short")
    User.objects.filter(pk=liaison.pk).update(password=weak)
    user = User.objects.get(pk=liaison.pk)

    assert async_to_sync(user.acheck_password)(PASSWORD)

    assert User.objects.get(pk=liaison.pk).password != weak
    assert api_status(token) == 200
