"""Nobody can change or delete a log row through the app: the log pages answer only
GET, the API only lists, and the admin site shows the log read-only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from interventions.models import Offender
from tests.dataprotection.conftest import local
from tracker.core.models import AccessLog, ConsultedPerson

pytestmark = pytest.mark.django_db


def _log_urls(people: list[Offender]) -> list[str]:
    (resolver,) = [
        p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "dataprotection"
    ]
    names = [p.name for p in resolver.url_patterns if isinstance(p, URLPattern) and (p.name or "").startswith("log")]
    assert {"log", "log-people", "log-person", "log-unusual-volume"} <= set(names)
    return [
        reverse(f"dataprotection:{name}", args=[people[0].pk] if name == "log-person" else []) for name in names if name
    ]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_log_pages_refuse_every_change(
    client: Any,
    dpo: Any,
    admin_user: Any,
    liaison: Any,
    people: list[Offender],
    logged: Callable[..., AccessLog],
    method: str,
) -> None:
    row = logged(liaison, people, at=local(2026, 11, 2, 9))
    before = (list(AccessLog.objects.values_list()), list(ConsultedPerson.objects.values_list()))
    for user in (dpo, admin_user):
        client.force_login(user)
        for url in _log_urls(people):
            assert getattr(client, method)(url, {"pk": row.pk}).status_code == 405, url
    assert (list(AccessLog.objects.values_list()), list(ConsultedPerson.objects.values_list())) == before


def test_the_admin_site_shows_the_log_but_cannot_change_or_delete_it(
    client: Any, admin_user: Any, liaison: Any, people: list[Offender], logged: Callable[..., AccessLog]
) -> None:
    row = logged(liaison, people, at=local(2026, 11, 2, 9))
    client.force_login(admin_user)
    assert client.get(reverse("admin:core_accesslog_changelist")).status_code == 200
    assert client.post(reverse("admin:core_accesslog_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    client.post(reverse("admin:core_accesslog_change", args=[row.pk]), {"path": "/elsewhere/"})
    client.post(
        reverse("admin:core_accesslog_changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    row.refresh_from_db()
    assert row.path == "/interventions/people/"
    assert AccessLog.objects.filter(pk=row.pk).exists()
    assert ConsultedPerson.objects.filter(log=row).count() == 3
