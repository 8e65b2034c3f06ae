"""Shared fixtures: users for each role, and the browser harness."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# The live server runs in a thread beside Playwright's sync API (tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
TESTS = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_dir = TESTS / "browser"
    for item in items:
        if browser_dir in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
    if CHROMIUM.exists() or os.environ.get("CI") == "true":
        return  # in CI a missing browser must fail the run, not skip it
    skip = pytest.mark.skip(
        reason="Debian's chromium is not installed (apt-get install chromium): browser tests skipped"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def areas(db: None) -> dict[str, Any]:
    from tracker.core.demo import AREAS
    from tracker.core.models import Area

    return {name: Area.objects.get_or_create(name=name)[0] for name in AREAS}


@pytest.fixture
def org_factory(db: None) -> Callable[..., Any]:
    from tracker.core.models import Organisation

    def make(name: str, kind: str = Organisation.Kind.PCC_OFFICE) -> Organisation:
        return Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0]

    return make


@pytest.fixture
def pcc(org_factory: Callable[..., Any]) -> Any:
    return org_factory("Office of the Police and Crime Commissioner")


@pytest.fixture
def probation(org_factory: Callable[..., Any]) -> Any:
    from tracker.core.models import Organisation

    return org_factory("Probation Service – West Mercia", Organisation.Kind.PROBATION)


@pytest.fixture
def prison(org_factory: Callable[..., Any]) -> Any:
    from tracker.core.models import Organisation

    return org_factory("HMP Long Lartin", Organisation.Kind.PRISON)


PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def user_factory(db: None, pcc: Any) -> Callable[..., Any]:
    from tracker.core.models import User

    counter = {"n": 0}

    def make(*roles: str, organisation: Any = None, username: str | None = None, **fields: Any) -> User:
        counter["n"] += 1
        name = username or f"user{counter['n']}"
        user = User(
            username=name,
            first_name=name.capitalize(),
            last_name="Tester",
            organisation=organisation or pcc,
            **{f"is_{role}": True for role in roles},
            **fields,
        )
        user.set_password(PASSWORD)
        user.save()
        return user

    return make


@pytest.fixture
def officer(user_factory: Callable[..., Any]) -> Any:
    return user_factory("partnership_officer", username="officer")


@pytest.fixture
def admin_user(user_factory: Callable[..., Any]) -> Any:
    return user_factory("administrator", username="admin")


@pytest.fixture
def board(user_factory: Callable[..., Any]) -> Any:
    return user_factory("board_member", username="board")


@pytest.fixture
def liaison(user_factory: Callable[..., Any], probation: Any) -> Any:
    return user_factory("probation_liaison", username="liaison", organisation=probation)


@pytest.fixture
def liaison2(user_factory: Callable[..., Any], prison: Any) -> Any:
    return user_factory("probation_liaison", username="liaison2", organisation=prison)


@pytest.fixture
def users(officer: Any, admin_user: Any, board: Any, liaison: Any, liaison2: Any) -> dict[str, Any]:
    return {"officer": officer, "admin": admin_user, "board": board, "liaison": liaison, "liaison2": liaison2}
