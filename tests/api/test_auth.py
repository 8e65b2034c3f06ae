"""API tokens: issued for a username and password, stored hashed, expiring,
revocable, and counted toward the sign-in lockout."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import PASSWORD
from tracker.core.models import ApiToken, Organisation

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"
AREAS_URL = "/api/v1/areas/"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def obtain(api: APIClient, username: str, password: str = PASSWORD) -> Any:
    return api.post(TOKEN_URL, {"username": username, "password": password}, format="json")


def test_token_for_username_and_password_opens_the_api(api: APIClient, liaison: Any, areas: Any) -> None:
    response = obtain(api, "liaison")
    assert response.status_code == 201
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listing = api.get(AREAS_URL)
    assert listing.status_code == 200
    assert listing.json()["count"] == 5
    assert {"count", "next", "previous", "results"} <= listing.json().keys()


def test_token_is_stored_only_as_a_digest(api: APIClient, liaison: Any) -> None:
    token = obtain(api, "liaison").json()["token"]
    stored = ApiToken.objects.get(user=liaison)
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {stored.digest, stored.prefix}
    assert not ApiToken.objects.filter(digest=token).exists()


def test_wrong_password_is_a_400_with_a_message(api: APIClient, liaison: Any) -> None:
    response = obtain(api, "liaison", "wrong")
    assert response.status_code == 400
    assert response.json()["detail"] == "The username or password is wrong."


def test_failures_through_the_api_lock_the_account_like_the_sign_in_page(
    api: APIClient, client: Any, liaison: Any
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        obtain(api, "liaison", "wrong")
    locked = obtain(api, "liaison")
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.json()["detail"]
    # The sign-in page honours the same lockout.
    assert client.post("/accounts/login/", {"username": "liaison", "password": PASSWORD}).status_code == 429


def test_expired_token_is_refused(api: APIClient, liaison: Any) -> None:
    token = obtain(api, "liaison").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    later = timezone.now() + timezone.timedelta(hours=settings.API_TOKEN_HOURS + 1)
    with time_machine.travel(later):
        response = api.get(AREAS_URL)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_owner_revokes_their_token(api: APIClient, liaison: Any) -> None:
    token = obtain(api, "liaison").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.delete(TOKEN_URL).status_code == 204
    assert api.get(AREAS_URL).status_code == 401


def test_administrator_revokes_anyones_token_and_others_cannot(
    api: APIClient, liaison: Any, liaison2: Any, admin_user: Any
) -> None:
    token = obtain(api, "liaison").json()["token"]
    record = ApiToken.objects.get(user=liaison)
    other = APIClient()
    other.force_authenticate(liaison2)
    assert other.delete(f"/api/v1/auth/tokens/{record.pk}/").status_code == 404
    admin = APIClient()
    admin.force_authenticate(admin_user)
    assert admin.delete(f"/api/v1/auth/tokens/{record.pk}/").status_code == 204
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get(AREAS_URL).status_code == 401


def test_owner_lists_only_their_own_tokens(api: APIClient, liaison: Any, liaison2: Any) -> None:
    obtain(api, "liaison")
    obtain(api, "liaison2")
    api.force_authenticate(liaison)
    rows = api.get("/api/v1/auth/tokens/").json()["results"]
    assert len(rows) == 1


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token nonsense", "Bearer abc"])
def test_bad_authorization_headers_get_a_json_401(api: APIClient, header: str) -> None:
    response = api.get(AREAS_URL, HTTP_AUTHORIZATION=header)
    assert response.status_code in {401, 403}
    assert "detail" in response.json()


def test_anonymous_request_gets_a_json_401_not_a_redirect(api: APIClient) -> None:
    response = api.get(AREAS_URL)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


def test_user_with_no_role_gets_403(api: APIClient, user_factory: Any) -> None:
    api.force_authenticate(user_factory())
    response = api.get(AREAS_URL)
    assert response.status_code == 403
    assert "role" in response.json()["detail"]


def test_browser_session_works_for_the_api(client: Any, board: Any, areas: Any) -> None:
    client.force_login(board)
    assert client.get(AREAS_URL).status_code == 200


def test_reference_lists_do_not_grow_their_queries(
    api: APIClient, board: Any, org_factory: Any, django_assert_max_num_queries: Any
) -> None:
    api.force_authenticate(board)
    for n in range(3):
        org_factory(f"Org {n}")
    # 1 count, 2 page of rows
    with django_assert_max_num_queries(2):
        assert api.get("/api/v1/organisations/").status_code == 200
    for n in range(3, 40):
        org_factory(f"Org {n}")
    expected = Organisation.objects.count()
    with django_assert_max_num_queries(2):
        assert len(api.get("/api/v1/organisations/").json()["results"]) == expected
