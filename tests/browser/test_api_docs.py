"""The API documentation page works in a real browser, from the app's own assets."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_liaison_reads_the_api_docs_without_errors(page: Any, live_server: Any, demo_users: str) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(r.url))
    page.on("request", lambda r: problems.append(f"outside request {r.url}") if live_server.url not in r.url else None)
    sign_in(page, live_server, "liaison", demo_users)
    page.goto(f"{live_server.url}/api/docs/")
    page.get_by_text("/api/v1/auth/token/").first.wait_for()
    expect(page.get_by_role("heading", name="Behind the Badge case tracker API")).to_be_visible()
    assert not problems, problems
