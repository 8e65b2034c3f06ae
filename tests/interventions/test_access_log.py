"""Every consultation of personal data writes the access log: one row per request
(page, list, search, export, form, API answer), naming every person it showed, and
holding no personal data itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from interventions.models import Offender, Referral
from tracker.core.models import AccessLog

pytestmark = pytest.mark.django_db


def _rows(user: Any, action: str) -> list[AccessLog]:
    return list(AccessLog.objects.filter(user=user, action=action).prefetch_related("consulted").order_by("id"))


def _people(row: AccessLog) -> list[int]:
    return sorted(c.person_id for c in row.consulted.all())


def test_viewing_a_referral_and_an_offender_is_logged_against_the_person(
    referral_factory: Callable[..., Referral], liaison: Any, client: Any
) -> None:
    referral = referral_factory("submitted")
    client.force_login(liaison)
    client.get(reverse("interventions:referral", args=[referral.pk]))
    client.get(reverse("interventions:offender", args=[referral.offender_id]))
    # One row per page, each naming the record it is about and the person shown
    # (the person's page lists their referrals too: still one row).
    rows = _rows(liaison, "view")
    assert [(r.record_type, r.record_id, _people(r)) for r in rows] == [
        ("referral", referral.pk, [referral.offender_id]),
        ("offender", referral.offender_id, [referral.offender_id]),
    ]
    assert AccessLog.objects.count() == 2
    assert rows[0].record_label == referral.reference
    assert rows[1].record_label == f"Person {referral.offender_id}"
    assert rows[0].path == reverse("interventions:referral", args=[referral.pk])
    assert rows[0].way == AccessLog.Way.PAGE
    assert rows[0].people == 1


def test_the_log_holds_no_personal_data(referral_factory: Callable[..., Referral], liaison: Any, client: Any) -> None:
    referral = referral_factory("submitted")
    person = referral.offender
    client.force_login(liaison)
    for url in [
        reverse("interventions:referral", args=[referral.pk]),
        reverse("interventions:offender", args=[person.pk]),
        reverse("interventions:referrals") + "?q=" + person.case_reference,
        reverse("interventions:offenders") + "?export=csv",
    ]:
        assert client.get(url).status_code == 200
    stored = " ".join(" ".join(str(v) for v in row) for row in AccessLog.objects.values_list())
    for value in [person.case_reference, person.first_name, person.last_name, f"{person.date_of_birth:%Y-%m-%d}"]:
        assert value not in stored


def test_a_page_listing_three_people_writes_one_row_naming_all_three(
    referral_factory: Callable[..., Referral], liaison: Any, client: Any
) -> None:
    shown = [referral_factory("submitted") for _ in range(3)]
    client.force_login(liaison)
    client.get(reverse("interventions:referrals"))
    (row,) = _rows(liaison, "list")
    assert _people(row) == sorted(r.offender_id for r in shown)
    assert row.people == 3
    assert (row.record_type, row.record_id, row.record_label) == ("", None, "")
    client.get(reverse("interventions:offenders"))
    assert len(_rows(liaison, "list")) == 2
    assert _people(_rows(liaison, "list")[1]) == sorted(r.offender_id for r in shown)


def test_searches_are_logged_with_what_they_found(
    referral_factory: Callable[..., Referral], liaison: Any, client: Any
) -> None:
    wanted, _other = referral_factory("submitted"), referral_factory("submitted")
    client.force_login(liaison)
    client.get(reverse("interventions:referrals"), {"q": wanted.offender.case_reference})
    assert [_people(r) for r in _rows(liaison, "search")] == [[wanted.offender_id]]
    client.get(reverse("interventions:offenders"), {"q": wanted.offender.last_name})
    assert wanted.offender_id in _people(_rows(liaison, "search")[1])


def test_a_search_that_shows_nobody_writes_nothing(
    referral_factory: Callable[..., Referral], liaison: Any, client: Any
) -> None:
    referral_factory("submitted")
    client.force_login(liaison)
    assert client.get(reverse("interventions:referrals"), {"q": "nobody-has-this"}).status_code == 200
    assert not AccessLog.objects.exists()


def test_exports_log_every_exported_person_in_one_row(
    referral_factory: Callable[..., Referral], liaison: Any, client: Any
) -> None:
    rows = [referral_factory("submitted") for _ in range(2)]
    client.force_login(liaison)
    client.get(reverse("interventions:referrals") + "?export=xlsx")
    client.get(reverse("interventions:offenders") + "?export=csv")
    exports = _rows(liaison, "export")
    assert [(r.way, _people(r)) for r in exports] == [
        (AccessLog.Way.EXPORT, sorted(r.offender_id for r in rows)),
        (AccessLog.Way.EXPORT, sorted(r.offender_id for r in rows)),
    ]


def test_my_work_logs_the_people_it_names(referral_factory: Callable[..., Referral], liaison: Any, client: Any) -> None:
    waiting = referral_factory("submitted")
    client.force_login(liaison)
    client.get(reverse("my-work"))
    (row,) = _rows(liaison, "list")
    assert _people(row) == [waiting.offender_id]
    assert row.path == reverse("my-work")
    assert row.client_address == "127.0.0.1"


def test_the_referral_forms_picker_logs_the_people_it_shows_and_no_others(
    offender_factory: Callable[..., Offender], liaison: Any, officer: Any, client: Any
) -> None:
    """The person picker renders only the person chosen, or those the typed text found
    (without JavaScript): the log names exactly those, never the whole book."""
    mine = [offender_factory(by=officer, last_name=f"Sharedname{n}") for n in range(3)]
    offender_factory(by=liaison, last_name="Sharedname9")  # in another book: never shown to the officer
    client.force_login(officer)

    assert client.get(reverse("interventions:referral-create")).status_code == 200
    assert not _rows(officer, "form")  # an empty picker shows nobody

    chosen = client.get(reverse("interventions:referral-create"), {"offender": mine[0].pk})
    assert mine[0].case_reference in chosen.content.decode()
    (row,) = _rows(officer, "form")
    assert _people(row) == [mine[0].pk]

    # Without JavaScript, typed text that matches several people offers them to tick.
    found = client.post(reverse("interventions:referral-create"), {"offender__find": "Sharedname"})
    assert found.status_code == 200
    newest = AccessLog.objects.filter(user=officer).order_by("-id").first()
    assert newest is not None and _people(newest) == sorted(p.pk for p in mine)


def test_a_form_page_about_a_referral_logs_its_person_but_a_successful_save_does_not(
    referral_factory: Callable[..., Referral], officer: Any, client: Any
) -> None:
    referral = referral_factory("draft")
    client.force_login(officer)
    url = reverse("interventions:offender-edit", args=[referral.offender_id])
    page = client.get(url)
    assert referral.offender.case_reference in page.content.decode()
    (row,) = _rows(officer, "form")
    assert (row.record_type, row.record_id, _people(row)) == ("offender", referral.offender_id, [referral.offender_id])
    person = referral.offender
    saved = client.post(
        url,
        {
            "case_reference": person.case_reference,
            "first_name": "Changed",
            "last_name": person.last_name,
            "date_of_birth": f"{person.date_of_birth:%Y-%m-%d}",
            "version": person.version,
        },
    )
    assert saved.status_code == 302
    assert len(_rows(officer, "form")) == 1


def test_a_refused_page_logs_nothing(referral_factory: Callable[..., Referral], liaison2: Any, client: Any) -> None:
    referral = referral_factory("submitted")
    client.force_login(liaison2)
    assert client.get(reverse("interventions:referral", args=[referral.pk])).status_code == 404
    assert client.get(reverse("interventions:referral-complete", args=[referral.pk])).status_code == 404
    assert not AccessLog.objects.exists()


def test_administrators_can_find_who_saw_a_person_in_the_admin(
    referral_factory: Callable[..., Referral], liaison: Any, admin_user: Any, client: Any
) -> None:
    referral = referral_factory("submitted")
    client.force_login(liaison)
    client.get(reverse("interventions:referral", args=[referral.pk]))
    client.force_login(admin_user)
    response = client.get(reverse("admin:core_accesslog_changelist"), {"q": referral.offender_id})
    assert response.status_code == 200
    page = response.content.decode()
    assert referral.reference in page
    assert str(liaison) in page


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
    row = AccessLog.objects.get(action="api")
    assert row.client_address == "203.0.113.5"
    assert row.way == AccessLog.Way.API
    assert row.user == liaison


@pytest.mark.parametrize("size", [3, 30])
def test_the_log_admin_list_queries_do_not_grow(
    size: int,
    referral_factory: Callable[..., Referral],
    liaison: Any,
    admin_user: Any,
    client: Any,
    django_assert_max_num_queries: Any,
) -> None:
    referrals = [referral_factory("submitted") for _ in range(size)]
    client.force_login(liaison)
    for referral in referrals:
        client.get(reverse("interventions:referral", args=[referral.pk]))
    client.get(reverse("interventions:referrals"))
    client.force_login(admin_user)
    # 1 session, 2 user, 3 count, 4 count without filters, 5 page of rows with their
    # users, 6 their people (prefetched), 7-8 date hierarchy (range, days), 9-11 session save
    with django_assert_max_num_queries(11):
        response = client.get(reverse("admin:core_accesslog_changelist"))
    assert response.status_code == 200
    assert "and 0 more" not in response.content.decode()
