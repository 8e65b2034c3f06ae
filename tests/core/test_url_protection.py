"""Every URL the project serves is behind login and declares who may use it.

The walk covers each pattern the URL configuration holds, including ones added by
later issues, so a view that drops its login requirement or its role declaration
cannot land unnoticed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from rest_framework.permissions import AllowAny

from tracker.core.api.authentication import HasRole
from tracker.core.middleware import declared_roles, is_api_view, is_self_guarded

PUBLIC = {"login", "healthz", "favicon", "admin:login", "api-token"}

SAMPLES = {
    "int": "1",
    "str": "sample",
    "slug": "sample",
    "path": "sample",
    "uuid": "00000000-0000-0000-0000-000000000001",
}


def _sample_route(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "1"), route)


def _sample_regex(regex: str) -> str:
    def group(match: re.Match[str]) -> str:
        body = match.group(1)
        return body.split("|")[0] if re.fullmatch(r"[\w|]+", body) else "1"

    text = re.sub(r"\(\?P<\w+>([^)]*)\)", group, regex)
    return text.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, URLPattern]]:
    for entry in patterns:
        pattern = entry.pattern
        piece = (
            _sample_route(str(pattern))
            if isinstance(pattern, RoutePattern)
            else _sample_regex(pattern.regex.pattern if isinstance(pattern, RegexPattern) else str(pattern))
        )
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + piece, ns)
        else:
            yield f"/{prefix}{piece}", f"{namespace}{entry.name or ''}", entry


ALL = list(walk(get_resolver().url_patterns))


def test_the_walk_finds_the_project_urls() -> None:
    names = {name for _, name, _ in ALL}
    assert {"home", "login", "healthz", "admin:index"} <= names


@pytest.mark.parametrize(("url", "name"), [(u, n) for u, n, _ in ALL if n not in PUBLIC], ids=lambda v: v)
@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in(client: Any, url: str, name: str) -> None:
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code in {301, 302, 401, 403, 405}, (
            f"{method.upper()} {url} ({name}) answered {response.status_code} to an anonymous visitor"
        )
        if response.status_code in {301, 302}:
            assert "login" in response["Location"], f"{url} redirects anonymously to {response['Location']}"


@pytest.mark.parametrize(
    ("url", "name", "pattern"), [e for e in ALL if e[1] not in PUBLIC], ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_view_declares_who_may_use_it(url: str, name: str, pattern: URLPattern) -> None:
    view = pattern.callback
    if is_api_view(view):
        view_class = view.cls  # type: ignore[attr-defined]
        assert any(issubclass(p, HasRole) for p in view_class.permission_classes), f"{name} lacks the role check"
        assert view_class.allowed_roles, f"{name} ({url}) declares no roles"
        return
    assert getattr(view, "login_required", True), f"{name} is marked login_not_required"
    assert declared_roles(view) is not None or is_self_guarded(view, name.split(":")[:-1]), (
        f"{name} ({url}) declares no roles"
    )


def test_public_pages_are_only_the_expected_ones() -> None:
    def is_public(view: Any) -> bool:
        if is_api_view(view):
            return any(issubclass(p, AllowAny) for p in view.cls.permission_classes)
        return not getattr(view, "login_required", True)

    public = {name for _, name, pattern in ALL if is_public(pattern.callback)}
    assert public <= PUBLIC, f"unexpected public views: {public - PUBLIC}"
