"""Signing in, lockout, the shell each role sees, health and the demo data."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.utils import OperationalError
from django.urls import reverse

from tests.conftest import PASSWORD
from tracker.core.models import Area, Organisation, User

pytestmark = pytest.mark.django_db


def test_sign_in_takes_the_user_home(client: Any, officer: User) -> None:
    response = client.post(reverse("login"), {"username": "officer", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Olivia" not in response.content.decode()  # fixture user, not the demo one
    assert "signed in as partnership officer" in response.content.decode()


def test_wrong_password_shows_a_govuk_error(client: Any, officer: User) -> None:
    response = client.post(reverse("login"), {"username": "officer", "password": "nope"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Please enter a correct username and password" in html


def test_repeated_failures_lock_the_username_from_that_address(client: Any, officer: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "officer", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    # Another person at the same address is not locked out.
    User.objects.filter(pk=officer.pk).update(username="other")
    response = client.post(reverse("login"), {"username": "other", "password": PASSWORD})
    assert response.status_code == 302


def test_sessions_expire_after_inactivity() -> None:
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


@pytest.mark.parametrize(
    ("role", "sees_admin"),
    [("administrator", True), ("partnership_officer", False), ("board_member", False), ("probation_liaison", False)],
)
def test_only_administrators_reach_the_admin_site(client: Any, user_factory: Any, role: str, sees_admin: bool) -> None:
    client.force_login(user_factory(role))
    response = client.get(reverse("admin:index"))
    assert (response.status_code == 200) is sees_admin


def test_user_with_no_role_is_refused(client: Any, user_factory: Any) -> None:
    client.force_login(user_factory())
    assert client.get(reverse("home")).status_code == 403


def test_security_headers_are_sent(client: Any, officer: User) -> None:
    client.force_login(officer)
    response = client.get(reverse("home"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_healthz_answers_when_the_database_does(client: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_healthz_answers_503_when_the_database_does_not(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db.backends.utils import CursorWrapper

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503


def test_seed_demo_is_idempotent_and_creates_each_role(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Area.objects.count() == 5
    assert Organisation.objects.filter(name="HMP Long Lartin", kind="prison").exists()
    users = {u.username: u for u in User.objects.select_related("organisation")}
    assert users["liaison"].is_probation_liaison and users["liaison"].organisation.kind == "probation_service"
    assert users["liaison2"].organisation.kind == "prison"
    assert users["board"].is_board_member and not users["board"].is_partnership_officer
    assert users["admin"].is_administrator and users["admin"].is_staff
    assert users["officer"].check_password(settings.DEMO_PASSWORD)


def test_seed_demo_refuses_with_debug_off(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")


def test_app_refuses_to_start_without_a_secret_key_when_debug_is_off() -> None:
    env = {"DEBUG": "false", "PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "tracker.settings"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_database_is_configured_for_concurrent_use() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"]
        return
    # SQLite: writers wait for the lock instead of failing with "database is locked".
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] == 20
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
