"""Every consultation of personal data writes the access log: pages, lists (one row
per record shown), searches and exports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from interventions.models import Referral
from tracker.core.models import AccessLog

pytestmark = pytest.mark.django_db


def _logged(user: Any, action: str) -> list[tuple[str, int | None]]:
    return sorted(AccessLog.objects.filter(user=user, action=action).values_list("record_type", "record_id"))


def test_viewing_a_referral_and_an_offender_is_logged(
    referral_factory: Callable[..., Referral], liaison: Any, client: Any
) -> None:
    referral = referral_factory("submitted")
    client.force_login(liaison)
    client.get(reverse("interventions:referral", args=[referral.pk]))
    client.get(reverse("interventions:offender", args=[referral.offender_id]))
    assert _logged(liaison, "view") == sorted([("referral", referral.pk), ("offender", referral.offender_id)])
    assert _logged(liaison, "list") == [("referral", referral.pk)]  # listed on the person's page
    row = AccessLog.objects.get(record_type="referral", action="view")
    assert row.record_label == f"{referral.reference} ({referral.offender.case_reference})"
    assert row.path == reverse("interventions:referral", args=[referral.pk])


def test_lists_log_one_row_per_record_shown(
    referral_factory: Callable[..., Referral], liaison: Any, client: Any
) -> None:
    shown = [referral_factory("submitted") for _ in range(3)]
    client.force_login(liaison)
    client.get(reverse("interventions:referrals"))
    assert _logged(liaison, "list") == sorted(("referral", r.pk) for r in shown)
    client.get(reverse("interventions:offenders"))
    assert len(_logged(liaison, "list")) == 6


def test_searches_are_logged_with_what_they_found(
    referral_factory: Callable[..., Referral], liaison: Any, client: Any
) -> None:
    wanted, _other = referral_factory("submitted"), referral_factory("submitted")
    client.force_login(liaison)
    client.get(reverse("interventions:referrals"), {"q": wanted.offender.case_reference})
    assert _logged(liaison, "search") == [("referral", wanted.pk)]
    client.get(reverse("interventions:offenders"), {"q": wanted.offender.last_name})
    assert ("offender", wanted.offender_id) in _logged(liaison, "search")


def test_exports_log_every_exported_record(
    referral_factory: Callable[..., Referral], liaison: Any, client: Any
) -> None:
    rows = [referral_factory("submitted") for _ in range(2)]
    client.force_login(liaison)
    client.get(reverse("interventions:referrals") + "?export=xlsx")
    assert _logged(liaison, "export") == sorted(("referral", r.pk) for r in rows)
    client.get(reverse("interventions:offenders") + "?export=csv")
    assert sum(1 for kind, _ in _logged(liaison, "export") if kind == "offender") == 2


def test_my_work_logs_the_referrals_it_names(
    referral_factory: Callable[..., Referral], liaison: Any, client: Any
) -> None:
    waiting = referral_factory("submitted")
    client.force_login(liaison)
    client.get(reverse("my-work"))
    assert _logged(liaison, "list") == [("referral", waiting.pk)]


def test_a_refused_page_logs_nothing(referral_factory: Callable[..., Referral], liaison2: Any, client: Any) -> None:
    referral = referral_factory("submitted")
    client.force_login(liaison2)
    assert client.get(reverse("interventions:referral", args=[referral.pk])).status_code == 404
    assert not AccessLog.objects.exists()


def test_administrators_can_search_the_log(
    referral_factory: Callable[..., Referral], liaison: Any, admin_user: Any, client: Any
) -> None:
    referral = referral_factory("submitted")
    client.force_login(liaison)
    client.get(reverse("interventions:referral", args=[referral.pk]))
    client.force_login(admin_user)
    response = client.get(reverse("admin:core_accesslog_changelist"), {"q": referral.offender.case_reference})
    assert response.status_code == 200
    assert referral.reference in response.content.decode()


@pytest.mark.parametrize(
    ("proxies", "forwarded", "logged"),
    [
        (0, "198.51.100.7", "127.0.0.1"),  # no trusted proxy: the header is the client's word, ignored
        (1, "10.0.0.1, 198.51.100.7", "198.51.100.7"),  # the address the proxy appended
    ],
)
def test_the_log_records_where_the_consultation_came_from(
    referral_factory: Callable[..., Referral],
    liaison: Any,
    client: Any,
    settings: Any,
    proxies: int,
    forwarded: str,
    logged: str,
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    referral = referral_factory("submitted")
    client.force_login(liaison)
    client.get(reverse("interventions:referral", args=[referral.pk]), HTTP_X_FORWARDED_FOR=forwarded)
    row = AccessLog.objects.get(record_type="referral", action="view")
    assert row.client_address == logged


def test_the_log_records_where_an_api_read_came_from(
    referral_factory: Callable[..., Referral], liaison: Any, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    referral = referral_factory("submitted")
    api = APIClient()
    api.force_authenticate(liaison)
    api.get(f"/api/v1/referrals/{referral.pk}/", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert AccessLog.objects.get(action="api").client_address == "203.0.113.5"
