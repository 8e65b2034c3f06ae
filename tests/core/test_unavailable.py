"""While the database cannot be reached every request answers 503 quickly and
cleanly: JSON for the API, a plain page for people, never a 500 or a traceback.
The outage is simulated by making the first database access raise."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from rest_framework.test import APIClient

from tracker.core.unavailable import MESSAGE

pytestmark = pytest.mark.django_db

OUTAGES = [
    OperationalError("connection failed: Connection refused"),
    OperationalError("terminating connection due to administrator command"),
    InterfaceError("connection already closed"),
]


def _assert_plain_page(response: Any) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "unavailable for a moment" in body
    assert "Traceback" not in body
    assert "Connection refused" not in body


def _assert_api_answer(response: Any) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": MESSAGE, "code": "service_unavailable"}


@pytest.mark.parametrize("error", OUTAGES, ids=["refused", "terminated", "closed"])
def test_api_answers_503_json_when_the_database_is_unreachable(
    error: Exception, officer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = APIClient()
    api.force_authenticate(officer)

    def down(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr("partners.api.views.EngagementViewSet.get_queryset", down)
    _assert_api_answer(api.get("/api/v1/engagements/"))


def test_api_answers_503_when_token_authentication_cannot_reach_the_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def down(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection failed: Connection refused")

    monkeypatch.setattr("tracker.core.api.authentication.TokenAuthentication.authenticate", down)
    response = APIClient().get("/api/v1/areas/", HTTP_AUTHORIZATION="Token abc.def")
    _assert_api_answer(response)


@pytest.mark.parametrize("error", OUTAGES, ids=["refused", "terminated", "closed"])
def test_page_answers_503_plain_page_when_its_view_cannot_reach_the_database(
    error: Exception, client: Client, officer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.force_login(officer)

    def down(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr("tracker.core.views.sections_for", down)
    _assert_plain_page(client.get("/"))


@pytest.fixture
def sessions_down(officer: Any, monkeypatch: pytest.MonkeyPatch) -> Client:
    """A signed-in client whose session cannot be loaded: the database is gone."""
    client = Client(raise_request_exception=False)
    client.force_login(officer)

    def down(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection failed: Connection refused")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", down)
    return client


def test_page_answers_503_when_the_session_cannot_be_loaded(sessions_down: Client) -> None:
    """The session and user are loaded by middleware before any view runs; that
    failure reaches handler500, which must still answer 503."""
    _assert_plain_page(sessions_down.get("/"))


def test_api_answers_503_json_when_the_session_cannot_be_loaded(sessions_down: Client) -> None:
    _assert_api_answer(sessions_down.get("/api/v1/areas/"))


def test_other_errors_are_still_500(officer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only an unreachable database is 503; a bug must not hide behind "try again"."""
    client = Client(raise_request_exception=False)
    client.force_login(officer)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("a bug")

    monkeypatch.setattr("tracker.core.views.sections_for", broken)
    response = client.get("/")
    assert response.status_code == 500
    assert "Traceback" not in response.content.decode()


def test_healthz_answers_503_when_the_database_is_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    def down(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection failed: Connection refused")

    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", down)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_an_outage_is_logged_in_one_line_without_a_traceback(
    officer: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(officer)

    def down(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection failed: Connection refused")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", down)
    with caplog.at_level("ERROR", logger="django.request"):
        client.get("/")
    # Once for the request, and again if saving the session at the end fails too.
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records
    for record in records:
        assert record.exc_info is None
        assert record.getMessage() == (
            "Service Unavailable: / (database unavailable: connection failed: Connection refused)"
        )


def test_other_server_errors_keep_their_traceback_in_the_log(
    officer: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(officer)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("a bug")

    monkeypatch.setattr("tracker.core.views.sections_for", broken)
    with caplog.at_level("ERROR", logger="django.request"):
        client.get("/")
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is not None
