"""Every form page, submitted empty, answers with an error summary whose every item
names the field and says what to do, and links to an element of the page.

The URL configuration is walked: each named page is either a FORM page (with how to
reach it) or listed in NOT_A_FORM_PAGE with the reason. A page added later without
either fails `test_every_page_is_classified`, so no new form escapes the check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from interventions.lifecycle import LIFECYCLE as REFERRALS
from partners.lifecycle import LIFECYCLE as PARTNERSHIPS
from tests.core.test_url_protection import ALL
from tests.interventions.conftest import (  # noqa: F401 - fixtures
    offender_factory,
    outcome_types,
    programme,
    reason,
    referral_factory,
)
from tests.partners.conftest import (  # noqa: F401 - fixtures
    lists,
    make_engagement,
    make_group,
    make_partnership,
    make_venue,
)
from tracker.core.imports import registry
from tracker.dataprotection.subject_access import record_request as record_subject_access

pytestmark = pytest.mark.django_db

BARE = {"This field is required.", "Enter a valid date.", "Select a valid choice."}

# Pages that are not forms, or whose POST is a button rather than a form page.
NOT_A_FORM_PAGE = {
    "home": "a landing page",
    "healthz": "a health check",
    "logout": "a button",
    "password_change_done": "a confirmation",
    "my-work": "a list",
    "imports": "a list of import kinds",
    "import-preview": "a preview with one confirm button",
    "import-confirm": "a button",
    "import-status": "an import's progress answering JSON",
    "export-job": "a background export's progress, then a download button",
    "export-job-status": "an export's progress answering JSON",
    "export-job-download": "a file",
    "reports:issue-request": "a report issue's progress",
    "reports:issue-request-status": "a report issue's progress answering JSON",
    "import-template": "a file",
    "favicon": "an icon",
    "search-groups": "a search answering JSON",
    "search-venues": "a search answering JSON",
    "search-officers": "a search answering JSON",
    "search-people": "a search answering JSON",
    "import-example": "a file",
    "partners:group-list": "a list (its filters are GET forms)",
    "partners:group-detail": "a record page",
    "partners:contact-remove": "a button",
    "partners:venue-list": "a list",
    "partners:venue-detail": "a record page",
    "partners:partnership-list": "a list",
    "partners:partnership-detail": "a record page",
    "partners:engagement-list": "a list",
    "partners:engagement-detail": "a record page",
    "partners:follow-up-done": "a button",
    "interventions:referrals": "a list",
    "interventions:referral": "a record page",
    "interventions:concern-acknowledge": "a button",
    "interventions:offenders": "a list",
    "interventions:offender": "a record page",
    "interventions:programmes": "a list",
    "interventions:programme": "a record page",
    "reports:dashboard": "a dashboard (its period form is a GET form)",
    "reports:board-pdf": "a PDF",
    "reports:issued": "a list",
    "reports:issue": "a button on the dashboard",
    "reports:issued-download": "a file",
    "interventions:referral-pdf": "a PDF",
    "partners:partnership-pdf": "a PDF",
    "dataprotection:index": "a landing page",
    "dataprotection:log": "a list (its filters are GET forms)",
    "dataprotection:log-people": "a search (a GET form)",
    "dataprotection:log-person": "a record page (its period filter is a GET form)",
    "dataprotection:log-unusual-volume": "a list",
    "dataprotection:sar-list": "a list",
    "dataprotection:sar-pdf": "a button that produces the pack",
    "dataprotection:sar-json": "a button that produces the pack",
    "dataprotection:sar-close": "a button",
    "dataprotection:retention-queue": "a list (its search is a GET form)",
    "dataprotection:retention-person": "a record page",
}


@dataclass
class Case:
    url: str
    users: list[Any]  # the first who may open the page submits it


@pytest.fixture
def world(
    officer: Any,
    liaison: Any,
    admin_user: Any,
    make_group: Callable[..., Any],
    make_venue: Callable[..., Any],
    make_engagement: Callable[..., Any],
    make_partnership: Callable[..., Any],
    referral_factory: Callable[..., Any],
    offender_factory: Callable[..., Any],
) -> dict[str, Any]:
    group = make_group()
    return {
        "people": [officer, liaison, admin_user],
        "group": group,
        "venue": make_venue(),
        "engagement": make_engagement(groups=[group]),
        "partnerships": [make_partnership(status) for status in ("prospect", "engaged", "signed_up", "active")],
        "referrals": [
            referral_factory(status) for status in ("draft", "submitted", "accepted", "started", "completed")
        ],
        "offender": offender_factory(by=liaison),
        "subject_access": record_subject_access(
            person=offender_factory(by=liaison, case_reference="SAR-1"), received_on=date(2026, 11, 2), by=admin_user
        ),
    }


def _in(records: list[Any], statuses: frozenset[str]) -> Any:
    """The first record in one of `statuses`: one the move can be made from."""
    return next(record for record in records if record.status in statuses)


def _cases(name: str, world: dict[str, Any]) -> list[Case]:
    """How to reach the form page `name`: its URLs, and who may open them."""
    people = world["people"]
    group, venue, engagement = world["group"], world["venue"], world["engagement"]
    partnership = world["partnerships"][0]
    referral = world["referrals"][-2]  # started: every liaison form applies
    by_name: dict[str, list[str]] = {
        "login": [reverse("login")],
        "password_change": [reverse("password_change")],
        "notification-preferences": [reverse("notification-preferences")],
        "notification-preferences-for": [reverse("notification-preferences-for", args=[people[0].pk])],
        "import-upload": [reverse("import-upload", args=[kind.slug]) for kind in registry.all_kinds()],
        "partners:group-create": [reverse("partners:group-create")],
        "partners:group-edit": [reverse("partners:group-edit", args=[group.pk])],
        "partners:contact-add": [reverse("partners:contact-add", args=[group.pk])],
        "partners:venue-create": [reverse("partners:venue-create")],
        "partners:venue-edit": [reverse("partners:venue-edit", args=[venue.pk])],
        "partners:partnership-start": [reverse("partners:partnership-start", args=[venue.pk])],
        "partners:partnership-edit": [reverse("partners:partnership-edit", args=[partnership.pk])],
        "partners:partnership-move": [
            reverse("partners:partnership-move", args=[_in(world["partnerships"], move.sources).pk, move.target])
            for move in PARTNERSHIPS.moves.values()
        ],
        "partners:partnership-commitments": [reverse("partners:partnership-commitments", args=[partnership.pk])],
        "partners:partnership-outcome": [reverse("partners:partnership-outcome", args=[partnership.pk])],
        "partners:engagement-create": [reverse("partners:engagement-create")],
        "partners:engagement-edit": [reverse("partners:engagement-edit", args=[engagement.pk])],
        "partners:engagement-materials": [reverse("partners:engagement-materials", args=[engagement.pk])],
        "partners:follow-up-add": [reverse("partners:follow-up-add", args=[engagement.pk])],
        "partners:engagement-outcome": [reverse("partners:engagement-outcome", args=[engagement.pk])],
        "interventions:referral-create": [reverse("interventions:referral-create")],
        "interventions:referral-edit": [reverse("interventions:referral-edit", args=[world["referrals"][0].pk])],
        "interventions:referral-complete": [reverse("interventions:referral-complete", args=[referral.pk])],
        "interventions:referral-assign": [reverse("interventions:referral-assign", args=[referral.pk])],
        "interventions:session-add": [reverse("interventions:session-add", args=[referral.pk])],
        "interventions:follow-up": [reverse("interventions:follow-up", args=[world["referrals"][-1].pk])],
        "interventions:referral-move": [
            reverse("interventions:referral-move", args=[_in(world["referrals"], move.sources).pk, verb])
            for verb, move in REFERRALS.moves.items()
            # complete has its own page (above); a move without a reason asks only
            # for an optional note, and posting it would make the move
            if move.needs_reason
        ],
        "interventions:offender-create": [reverse("interventions:offender-create")],
        "interventions:offender-edit": [reverse("interventions:offender-edit", args=[world["offender"].pk])],
        # the data protection officer's forms (administrators may use them too)
        "dataprotection:sar-new": [reverse("dataprotection:sar-new") + f"?person={world['subject_access'].person_id}"],
        "dataprotection:sar": [reverse("dataprotection:sar", args=[world["subject_access"].pk])],
        "dataprotection:retention-keep": [reverse("dataprotection:retention-keep", args=[world["offender"].pk])],
        "dataprotection:retention-dispose": [reverse("dataprotection:retention-dispose", args=[world["offender"].pk])],
        "dataprotection:retention-restriction": [
            reverse("dataprotection:retention-restriction", args=[world["offender"].pk])
        ],
    }
    return [Case(url, people) for url in by_name.get(name, [])]


# Forms whose every field may be left empty: an empty one is a valid answer (nothing
# ticked, nobody assigned).
VALID_WHEN_EMPTY = {
    "partners:partnership-commitments",
    "partners:engagement-materials",
    "interventions:referral-assign",
    "dataprotection:sar",  # the redaction review: nothing marked is an answer
    "notification-preferences",  # every email turned off is an answer
    "notification-preferences-for",
}


FORM_PAGES = [
    "login",
    "password_change",
    "notification-preferences",
    "notification-preferences-for",
    "import-upload",
    "partners:group-create",
    "partners:group-edit",
    "partners:contact-add",
    "partners:venue-create",
    "partners:venue-edit",
    "partners:partnership-start",
    "partners:partnership-edit",
    "partners:partnership-move",
    "partners:partnership-commitments",
    "partners:partnership-outcome",
    "partners:engagement-create",
    "partners:engagement-edit",
    "partners:engagement-materials",
    "partners:follow-up-add",
    "partners:engagement-outcome",
    "interventions:referral-create",
    "interventions:referral-edit",
    "interventions:referral-complete",
    "interventions:referral-assign",
    "interventions:session-add",
    "interventions:follow-up",
    "interventions:referral-move",
    "interventions:offender-create",
    "interventions:offender-edit",
    "dataprotection:sar-new",
    "dataprotection:sar",
    "dataprotection:retention-keep",
    "dataprotection:retention-dispose",
    "dataprotection:retention-restriction",
]


class Page(HTMLParser):
    """The ids on a page, its form's hidden inputs, and its error summary's items."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hidden: dict[str, str] = {}
        self.summary: list[tuple[str | None, str]] = []  # (href, text)
        self._in_summary = 0
        self._item: list[Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.hidden[str(a["name"])] = a.get("value") or ""
        if "govuk-error-summary__list" in (a.get("class") or ""):
            self._in_summary = 1
        elif self._in_summary and tag == "ul":
            self._in_summary += 1
        if self._in_summary and tag == "li":
            self._item = [None, ""]
        if self._item is not None and tag == "a":
            self._item[0] = a.get("href")

    def handle_endtag(self, tag: str) -> None:
        if self._in_summary and tag == "li" and self._item is not None:
            self.summary.append((self._item[0], " ".join(self._item[1].split())))
            self._item = None
        if self._in_summary and tag == "ul":
            self._in_summary -= 1

    def handle_data(self, data: str) -> None:
        if self._item is not None:
            self._item[1] += data


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def test_every_page_is_classified() -> None:
    """A page added without a case here (or a reason it is no form) fails."""
    names = {name for url, name, _ in ALL if not name.startswith("admin:") and not url.startswith("/api")}
    unclassified = names - set(FORM_PAGES) - set(NOT_A_FORM_PAGE)
    assert not unclassified, f"Classify these pages in {__name__}: {sorted(unclassified)}"
    assert not set(FORM_PAGES) & set(NOT_A_FORM_PAGE)


def _submit_empty(client: Client, case: Case) -> tuple[Any, str]:
    """Open the page as the first user allowed to, then post only its hidden fields."""
    for user in case.users:
        client.force_login(user)
        response = client.get(case.url)
        if response.status_code == 200:
            break
    else:
        raise AssertionError(f"Nobody could open {case.url}")
    # As a browser posts it: the hidden fields (the CSRF token, the version) and nothing else.
    return client.post(case.url, parse(response.content.decode()).hidden), str(user)


@pytest.mark.parametrize("name", FORM_PAGES)
def test_an_empty_form_says_what_to_do_for_each_field(client: Client, world: dict[str, Any], name: str) -> None:
    cases = _cases(name, world)
    assert cases, f"No way to reach {name}"
    if name == "login":
        response = client.post(reverse("login"), {"next": ""})
        cases = []
        _check(response, reverse("login"), "anonymous")
    for case in cases:
        response, who = _submit_empty(client, case)
        if response.status_code == 302 and name in VALID_WHEN_EMPTY:
            continue
        _check(response, case.url, who)
        client.logout()


def _check(response: Any, url: str, who: str) -> None:
    assert response.status_code in {200, 400}, f"POST {url} as {who}: {response.status_code}"
    page = parse(response.content.decode())
    assert page.summary, f"{url}: no error summary for an empty form"
    for href, text in page.summary:
        assert text not in BARE and "This field is required" not in text, f"{url}: bare message {text!r}"
        if href is None:
            continue  # a form-wide message; hidden fields are posted as the page gave them
        assert href.startswith("#"), f"{url}: {text!r} links to {href}"
        assert href[1:] in page.ids, f"{url}: {text!r} links to {href}, which is not on the page"
    linked = [href for href, _ in page.summary if href]
    assert linked, f"{url}: no error links to a field"
