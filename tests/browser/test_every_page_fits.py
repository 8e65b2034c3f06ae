"""Every page of every role fits the window (issue 15, item 3): signed in as each demo
user, the walk opens every page the user's role may use, at 1280 px and at 390 px
wide, and fails if the document is wider than the window; axe runs at both widths.

Axe runs at both widths the first time a page (a URL name) is walked: it costs a
second a page, the widths a tenth of that, so the walk stays within a few minutes.

The pages come from the URL resolver. `PAGES` and `NOT_PAGES` below are the one table
that classifies every URL name: a new URL pattern that is in neither fails
`test_every_url_name_is_classified`, so a page cannot escape the walk unnoticed. To
classify one: a page gets a function giving, for a user, the URL's arguments for a
record that user may open from the demo data (None when the user has none); anything
else (a download, a POST-only action, JSON, the admin site) gets its reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from tests.browser.conftest import accessibility_problems, load_axe_on_every_page, sign_in
from tests.core.test_url_protection import ALL
from tracker.core.middleware import declared_roles, is_api_view

WIDTHS = (1280, 390)
# Each demo user (tracker/core/demo.py): together they hold every role.
USERNAMES = ("admin", "officer", "liaison", "liaison2", "board", "dpo")

Kwargs = dict[str, Any] | None


def _no_args(user: Any) -> Kwargs:
    return {}


def _pk(queryset: Any) -> Kwargs:
    pk = queryset.order_by("pk").values_list("pk", flat=True).first()
    return None if pk is None else {"pk": pk}


def _referral_where(test: Callable[[Any, Any], bool]) -> Callable[[Any], Kwargs]:
    """The first referral the user sees for which `test(user, referral)` holds."""

    def find(user: Any) -> Kwargs:
        from interventions.models import Referral

        for referral in Referral.objects.visible_to(user).select_related("programme").order_by("pk")[:300]:
            if test(user, referral):
                return {"pk": referral.pk}
        return None

    return find


def _referral_move(user: Any) -> Kwargs:
    from interventions import services
    from interventions.models import Referral

    for referral in Referral.objects.visible_to(user).order_by("pk")[:300]:
        moves = [verb for verb, _ in services.available_moves(referral, user) if verb != "complete"]
        if moves:
            # The accept form, with its "Assign to", where there is one to accept.
            return {"pk": referral.pk, "move": "accept" if "accept" in moves else moves[0]}
    return None


def _may(name: str) -> Callable[[Any, Any], bool]:
    from interventions import permissions

    check = getattr(permissions, name)
    return lambda user, referral: bool(check(user, referral))


def _completable(user: Any, referral: Any) -> bool:
    from interventions import permissions

    return referral.status == "started" and permissions.may_move(user, referral, "complete")


def _follow_up(user: Any, referral: Any) -> bool:
    from interventions import permissions

    return referral.status in {"completed", "not_completed"} and permissions.may_follow_up(user, referral)


def _visible(model_path: str, **filters: Any) -> Callable[[Any], Kwargs]:
    def find(user: Any) -> Kwargs:
        from django.apps import apps

        model = apps.get_model(model_path)
        return _pk(model.objects.visible_to(user).filter(**filters))

    return find


def _programme(user: Any) -> Kwargs:
    from interventions.models import Programme

    return _pk(Programme.objects.all())


def _venue_without_partnership(user: Any) -> Kwargs:
    from partners.models import Partnership, Venue

    return _pk(Venue.objects.visible_to(user).exclude(partnerships__in=Partnership.objects.open()))


def _partnership_move(user: Any) -> Kwargs:
    from partners.lifecycle import LIFECYCLE
    from partners.models import Partnership

    for partnership in Partnership.objects.visible_to(user).open().order_by("pk")[:50]:
        targets = [move.target for _, move in LIFECYCLE.available(partnership)]
        if targets:
            return {"pk": partnership.pk, "to": targets[0]}
    return None


def _import_kind(user: Any) -> Kwargs:
    from tracker.core.imports import registry

    kinds = registry.kinds_for(user)
    return {"slug": kinds[0].slug} if kinds else None


def _import_check(user: Any) -> Kwargs:
    from tracker.core.models import ImportJob

    return _pk(ImportJob.objects.filter(uploaded_by=user))


def _anyone() -> int:
    """A person, for the data protection officer's pages (which reach everyone)."""
    from interventions.models import Offender

    return Offender.objects.order_by("pk").values_list("pk", flat=True)[0]


def _subject_access(user: Any) -> Kwargs:
    from tracker.dataprotection.models import SubjectAccessRequest

    return _pk(SubjectAccessRequest.objects.all())


PAGES: dict[str, Callable[[Any], Kwargs]] = {
    "home": _no_args,
    "password_change": _no_args,
    "password_change_done": _no_args,
    "notification-preferences": _no_args,
    "notification-preferences-for": lambda user: {"pk": user.pk},
    "my-work": _no_args,
    "imports": _no_args,
    "import-upload": _import_kind,
    "import-preview": _import_check,
    "partners:group-list": _no_args,
    "partners:group-create": _no_args,
    "partners:group-detail": _visible("partners.CommunityGroup"),
    "partners:group-edit": _visible("partners.CommunityGroup"),
    "partners:contact-add": _visible("partners.CommunityGroup"),
    "partners:venue-list": _no_args,
    "partners:venue-create": _no_args,
    "partners:venue-detail": _visible("partners.Venue"),
    "partners:venue-edit": _visible("partners.Venue"),
    "partners:partnership-start": _venue_without_partnership,
    "partners:partnership-list": _no_args,
    "partners:partnership-detail": _visible("partners.Partnership"),
    "partners:partnership-edit": _visible("partners.Partnership", status__in=["prospect", "engaged", "active"]),
    "partners:partnership-move": _partnership_move,
    "partners:partnership-commitments": _visible("partners.Partnership", status="active"),
    "partners:partnership-outcome": _visible("partners.Partnership"),
    "partners:engagement-list": _no_args,
    "partners:engagement-create": _no_args,
    "partners:engagement-detail": _visible("partners.Engagement"),
    "partners:engagement-edit": _visible("partners.Engagement"),
    "partners:engagement-materials": _visible("partners.Engagement"),
    "partners:follow-up-add": _visible("partners.Engagement"),
    "partners:engagement-outcome": _visible("partners.Engagement"),
    "interventions:referrals": _no_args,
    "interventions:referral-create": _no_args,
    "interventions:referral": _referral_where(lambda user, referral: True),
    "interventions:referral-edit": _referral_where(_may("may_edit")),
    "interventions:referral-complete": _referral_where(_completable),
    "interventions:referral-assign": _referral_where(_may("may_assign")),
    "interventions:session-add": _referral_where(_may("may_record_sessions")),
    "interventions:follow-up": _referral_where(_follow_up),
    "interventions:referral-move": _referral_move,
    "interventions:offenders": _no_args,
    "interventions:offender-create": _no_args,
    "interventions:offender": _visible("interventions.Offender"),
    "interventions:offender-edit": _visible("interventions.Offender"),
    "interventions:programmes": _no_args,
    "interventions:programme": _programme,
    "reports:dashboard": _no_args,
    "reports:issued": _no_args,
    "dataprotection:index": _no_args,
    "dataprotection:log": _no_args,
    "dataprotection:log-people": _no_args,
    "dataprotection:log-person": lambda user: {"person_id": _anyone()},
    "dataprotection:log-unusual-volume": _no_args,
    "dataprotection:sar-list": _no_args,
    "dataprotection:sar-new": _no_args,
    "dataprotection:sar": _subject_access,
    "dataprotection:retention-queue": _no_args,
    "dataprotection:retention-person": lambda user: {"pk": _anyone()},
    "dataprotection:retention-keep": lambda user: {"pk": _anyone()},
    "dataprotection:retention-dispose": lambda user: {"pk": _anyone()},
    "dataprotection:retention-restriction": lambda user: {"pk": _anyone()},
}

NOT_PAGES: dict[str, str] = {
    "healthz": "plain text for the load balancer",
    "login": "seen signed out; test_shell covers it",
    "logout": "POST only",
    "import-confirm": "POST only",
    "import-status": "JSON for the import job page's script",
    "export-job": "a background export's page: tests/core/test_exports_streaming.py; a screenshot was looked at",
    "export-job-status": "JSON for the export job page's script",
    "export-job-download": "a CSV or XLSX download",
    "reports:issue-request": "a report issue's page, gone once issued: tests/reports/test_issue_requests.py",
    "reports:issue-request-status": "JSON for the report request page's script",
    "import-template": "a CSV or XLSX download",
    "import-example": "a CSV download",
    "favicon": "a redirect to the icon",
    "search-groups": "JSON for the pickers",
    "search-venues": "JSON for the pickers",
    "search-officers": "JSON for the pickers",
    "search-people": "JSON for the pickers",
    "partners:contact-remove": "POST only",
    "partners:follow-up-done": "POST only",
    "interventions:concern-acknowledge": "POST only",
    "reports:issue": "POST only",
    "reports:board-pdf": "a PDF download",
    "reports:issued-download": "a PDF download",
    "interventions:referral-pdf": "a PDF download",
    "partners:partnership-pdf": "a PDF download",
    "dataprotection:sar-pdf": "POST only (produces the pack)",
    "dataprotection:sar-json": "POST only (produces the pack)",
    "dataprotection:sar-close": "POST only",
}


def _classify(name: str, pattern: Any) -> str:
    if name in PAGES:
        return "page"
    if name in NOT_PAGES or name.startswith("admin:"):  # the Django admin site keeps its own layout
        return "other"
    if is_api_view(pattern.callback):
        return "other"  # the JSON API and its schema and documentation pages
    return "unclassified"


def test_every_url_name_is_classified() -> None:
    unclassified = sorted({name or url for url, name, pattern in ALL if _classify(name, pattern) == "unclassified"})
    assert not unclassified, (
        "Classify these URL names in PAGES (a page to walk) or NOT_PAGES (why not) in " + __file__ + f": {unclassified}"
    )
    stale = sorted((set(PAGES) | set(NOT_PAGES)) - {name for _, name, _ in ALL})
    assert not stale, f"No longer URL names: {stale}"


def _roles_for(name: str) -> Any:
    pattern = next(p for _, n, p in ALL if n == name)
    return declared_roles(pattern.callback)


def _fits(page: Any) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.browser
def test_every_page_of_every_role_fits_the_window_and_passes_axe(page: Any, live_server: Any, demo_users: str) -> None:
    from tracker.core.imports import registry
    from tracker.core.imports.services import preview_import
    from tracker.core.models import User

    users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
    assert set(users) == set(USERNAMES)
    # An import check for each importing user, so that its page is walked too.
    for user in users.values():
        for kind in registry.kinds_for(user)[:1]:
            if kind.example:
                with open(kind.example, "rb") as example:
                    preview_import(kind, example.read(), kind.example.rsplit("/", 1)[-1], by=user)

    # A subject access request, so that its page is walked too.
    from interventions.models import Offender
    from tracker.dataprotection.subject_access import record_request

    record_request(person=Offender.objects.order_by("pk")[0], received_on=date(2026, 11, 2), by=users["dpo"])

    load_axe_on_every_page(page.context)
    problems: list[str] = []
    walked: set[str] = set()
    for username, user in users.items():
        page.context.clear_cookies()
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        sign_in(page, live_server, username, demo_users)
        for name, arguments in PAGES.items():
            roles = _roles_for(name)
            if roles is not None and not user.has_role(*roles):
                continue
            kwargs = arguments(user)
            if kwargs is None:
                continue  # the user has no such record in the demo data
            url = reverse(name, kwargs=kwargs)
            first_visit = name not in walked
            walked.add(name)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                if width == WIDTHS[0]:
                    response = page.goto(live_server.url + url)
                    if response.status != 200:
                        problems.append(f"{username} {url}: answered {response.status}")
                        break
                document, window = _fits(page)
                if document > window:
                    problems.append(f"{username} {url} at {width} px: the document is {document} px wide")
                if first_visit:
                    problems += [f"{username} at {width} px: {found}" for found in accessibility_problems(page)]
    assert not problems, "\n".join(problems)
    # Every page is walked by some role: a lookup that finds nothing cannot hide one.
    assert walked == set(PAGES), f"Not walked (no demo record for any role): {sorted(set(PAGES) - walked)}"
