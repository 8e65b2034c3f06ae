"""Hostile bodies and parameters get a 400 with a JSON body, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from tracker.core.api.parsers import MAX_JSON_DEPTH

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


def nested(depth: int) -> str:
    return '{"username": ' + "[" * depth + "]" * depth + ', "password": "x"}'


@pytest.mark.parametrize("depth", [200_000, 5_000, MAX_JSON_DEPTH + 1])
def test_deeply_nested_json_to_the_token_endpoint_is_a_400(depth: int) -> None:
    # Unauthenticated, the first door an attacker reaches; 200,000 levels used to
    # raise RecursionError inside the JSON decoder (a 500).
    api = APIClient(raise_request_exception=False)
    response = api.post(TOKEN_URL, nested(depth), content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_deeply_nested_json_is_refused_on_every_endpoint_not_only_the_token_one(officer: Any) -> None:
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(officer)
    body = '{"name": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = api.post("/api/v1/community-groups/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_ordinary_nesting_still_reaches_the_view() -> None:
    # Shallow enough to parse: the token endpoint's own validation answers.
    api = APIClient(raise_request_exception=False)
    response = api.post(TOKEN_URL, nested(MAX_JSON_DEPTH - 2), content_type="application/json")
    assert response.status_code == 400
    assert "username" in response.json()
