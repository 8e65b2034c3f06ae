"""The data protection officer's log pages: who may use them, searching the log by
person, user, period, way in and action, sign-ins beside consultations, finding a
person, and a person's access history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from interventions.models import Offender
from tests.dataprotection.conftest import local
from tracker.core.models import AccessLog

pytestmark = pytest.mark.django_db

LOG = reverse("dataprotection:log")
PEOPLE = reverse("dataprotection:log-people")
FLAGS = reverse("dataprotection:log-unusual-volume")


def _rows(response: Any) -> list[AccessLog]:
    """The rows listed, less the officer's own: reading the log names the people it
    shows, so each search adds a row of its own (see the test near the end)."""
    return [row for row in response.context["object_list"] if row.user is None or row.user.username != "dpo"]


@pytest.mark.parametrize("url", [LOG, PEOPLE, FLAGS, reverse("dataprotection:index")])
def test_dpo_and_administrators_may_read_the_log_pages(client: Any, dpo: Any, admin_user: Any, url: str) -> None:
    for user in (dpo, admin_user):
        client.force_login(user)
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", ["officer", "liaison", "board"])
def test_casework_and_board_roles_are_refused(
    client: Any, users: dict[str, Any], people: list[Offender], role: str
) -> None:
    client.force_login(users[role])
    for url in (LOG, PEOPLE, FLAGS, reverse("dataprotection:log-person", args=[people[0].pk])):
        assert client.get(url).status_code == 403, url
    assert client.get(LOG, {"export": "csv"}).status_code == 403


def test_the_dpo_sees_no_casework(client: Any, dpo: Any, people: list[Offender]) -> None:
    client.force_login(dpo)
    assert client.get(reverse("interventions:offenders")).status_code == 403
    assert client.get(reverse("interventions:offender", args=[people[0].pk])).status_code == 403


def test_rows_are_newest_first_with_who_what_where_and_the_names_shown(
    client: Any, dpo: Any, liaison: Any, officer: Any, people: list[Offender], logged: Callable[..., AccessLog]
) -> None:
    older = logged(officer, [people[1]], at=local(2026, 11, 20, 9), action="list", path="/interventions/people/")
    newer = logged(liaison, [people[0]], at=local(2026, 11, 24, 14, 5), action="view", path="/interventions/people/7/")
    client.force_login(dpo)
    response = client.get(LOG, {"sign_ins": "exclude", "user": "liaison"})
    assert _rows(response) == [newer]
    response = client.get(LOG, {"person": "DEMO00"})
    assert _rows(response) == [newer, older]
    html = response.content.decode()
    assert "24 Nov 2026<br>14:05:00" in html
    assert "Liaison Tester (liaison)" in html
    assert "Probation Service – West Mercia" in html  # the user's organisation
    assert "Viewed" in html and "/interventions/people/7/" in html
    assert "192.0.2.10" in html
    assert "Jordan Baker (DEMO00123)" in html
    assert reverse("dataprotection:log-person", args=[people[0].pk]) in html


def test_a_row_showing_many_people_names_the_first_and_counts_the_rest(
    client: Any, dpo: Any, liaison: Any, offender_factory: Callable[..., Offender], logged: Callable[..., AccessLog]
) -> None:
    many = [offender_factory() for _ in range(8)]
    logged(liaison, many, at=local(2026, 11, 24, 10), action="list")
    client.force_login(dpo)
    html = client.get(LOG).content.decode()
    assert html.count('href="/data-protection/log/people/') == 3
    assert "and 5 more" in html


@pytest.mark.parametrize(
    ("term", "expected"),
    [("DEMO00123", {"baker"}), ("jordan", {"baker", "dale"}), ("carter", {"carter"}), ("nobody", set())],
)
def test_search_by_person_finds_their_rows_among_everyone(
    client: Any,
    dpo: Any,
    liaison: Any,
    liaison2: Any,
    people: list[Offender],
    logged: Callable[..., AccessLog],
    term: str,
    expected: set[str],
) -> None:
    rows = {
        "baker": logged(liaison, [people[0]], at=local(2026, 11, 2, 10)),
        "carter": logged(liaison2, [people[1]], at=local(2026, 11, 3, 10)),
        "dale": logged(liaison2, [people[2], people[1]], at=local(2026, 11, 4, 10)),
    }
    client.force_login(dpo)
    found = set(_rows(client.get(LOG, {"person": term})))
    # Carter was shown beside Dale too.
    wanted = {rows[name] for name in expected} | ({rows["dale"]} if term == "carter" else set())
    assert found == wanted


def test_search_by_person_id(
    client: Any, dpo: Any, liaison: Any, people: list[Offender], logged: Callable[..., AccessLog]
) -> None:
    row = logged(liaison, [people[2]], at=local(2026, 11, 2, 10))
    logged(liaison, [people[0]], at=local(2026, 11, 2, 11))
    client.force_login(dpo)
    assert _rows(client.get(LOG, {"person": str(people[2].pk)})) == [row]


def test_search_by_user_period_way_and_action(
    client: Any, dpo: Any, liaison: Any, officer: Any, people: list[Offender], logged: Callable[..., AccessLog]
) -> None:
    before = logged(liaison, [people[0]], at=local(2026, 11, 1, 23, 59))
    first_day = logged(liaison, [people[0]], at=local(2026, 11, 2, 0, 0), way="api", action="api")
    last_day = logged(officer, [people[1]], at=local(2026, 11, 8, 23, 59), way="export", action="export")
    after = logged(officer, [people[1]], at=local(2026, 11, 9, 0, 0), way="pdf", action="report")
    client.force_login(dpo)
    assert _rows(client.get(LOG, {"since": "2026-11-02", "until": "2026-11-08"})) == [last_day, first_day]
    assert _rows(client.get(LOG, {"until": "2026-11-01"})) == [before]
    assert _rows(client.get(LOG, {"since": "2026-11-09"})) == [after]
    assert _rows(client.get(LOG, {"user": "officer"})) == [after, last_day]
    assert _rows(client.get(LOG, {"user": "Liaison Tester"})) == [first_day, before]
    assert _rows(client.get(LOG, {"way": "export"})) == [last_day]
    assert _rows(client.get(LOG, {"way": "api"})) == [first_day]
    assert _rows(client.get(LOG, {"action": "report"})) == [after]
    assert _rows(client.get(LOG, {"way": "page", "since": "2026-11-01", "until": "2026-11-01"})) == [before]


def test_sign_ins_appear_beside_consultations_and_can_be_left_out(
    client: Any, dpo: Any, liaison: Any, people: list[Offender], logged: Callable[..., AccessLog]
) -> None:
    sign_in = logged(liaison, at=local(2026, 11, 2, 8), action="sign_in", path="/accounts/login/")
    refused = logged(None, at=local(2026, 11, 2, 7), action="sign_in_failed", path="/accounts/login/")
    view = logged(liaison, [people[0]], at=local(2026, 11, 2, 9))
    client.force_login(dpo)
    response = client.get(LOG, {"until": "2026-11-30"})
    assert _rows(response) == [view, sign_in, refused]
    html = response.content.decode()
    assert "Signed in" in html and "Sign-in refused" in html and "Unknown user" in html
    assert _rows(client.get(LOG, {"sign_ins": "exclude", "until": "2026-11-30"})) == [view]
    assert _rows(client.get(LOG, {"sign_ins": "only"})) == [sign_in, refused]


def test_a_wrong_date_is_an_error_on_the_field(
    client: Any, dpo: Any, liaison: Any, people: list[Offender], logged: Callable[..., AccessLog]
) -> None:
    logged(liaison, [people[0]], at=local(2026, 11, 2, 9))
    client.force_login(dpo)
    response = client.get(LOG, {"since": "2026-13-45"})
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()


def test_the_log_is_paged_twenty_five_to_a_page(
    client: Any, dpo: Any, liaison: Any, people: list[Offender], logged: Callable[..., AccessLog]
) -> None:
    for minute in range(30):
        logged(liaison, [people[0]], at=local(2026, 11, 2, 9, minute))
    client.force_login(dpo)
    first = client.get(LOG, {"person": "DEMO00123", "user": "liaison"})
    assert len(_rows(first)) == 25 and first.context["result_count"] == 30
    second = client.get(LOG, {"person": "DEMO00123", "user": "liaison", "page": 2})
    assert [r.at.minute for r in _rows(second)] == [4, 3, 2, 1, 0]


def test_reading_the_log_is_itself_logged_naming_the_people_shown(
    client: Any, dpo: Any, liaison: Any, people: list[Offender], logged: Callable[..., AccessLog]
) -> None:
    logged(liaison, [people[0], people[1]], at=local(2026, 11, 2, 9))
    client.force_login(dpo)
    client.get(LOG, {"person": "baker"})
    own = AccessLog.objects.filter(user=dpo).get()
    assert own.action == "search" and own.path == LOG
    assert sorted(own.consulted.values_list("person_id", flat=True)) == sorted([people[0].pk, people[1].pk])


# Finding a person and their access history -----------------------------------


def test_finding_a_person_searches_everyone_whoever_holds_them(client: Any, dpo: Any, people: list[Offender]) -> None:
    client.force_login(dpo)
    response = client.get(PEOPLE, {"q": "jordan"})
    html = response.content.decode()
    assert "2 people found" in html
    assert "Jordan Baker" in html and "Jordan Dale" in html and "Carter" not in html
    assert reverse("dataprotection:log-person", args=[people[0].pk]) in html
    assert "1 person found" in client.get(PEOPLE, {"q": str(people[1].pk)}).content.decode()
    assert "Nobody has that case reference" in client.get(PEOPLE, {"q": "zzz"}).content.decode()
    assert "Enter a case reference, a name or a person" in client.get(PEOPLE, {"q": ""}).content.decode()
    assert AccessLog.objects.filter(user=dpo, action="search").count() == 3  # the searches that showed people or none


def test_a_persons_history_shows_every_request_and_who_accessed_them(
    client: Any,
    dpo: Any,
    liaison: Any,
    liaison2: Any,
    officer: Any,
    people: list[Offender],
    logged: Callable[..., AccessLog],
) -> None:
    baker = people[0]
    logged(liaison, [baker], at=local(2026, 11, 2, 9))
    logged(liaison, [baker, people[1]], at=local(2026, 11, 20, 16, 30), action="list")
    logged(liaison2, [baker], at=local(2026, 11, 10, 12), way="api", action="api")
    logged(officer, [people[1]], at=local(2026, 11, 21, 9))  # not Baker
    client.force_login(dpo)
    response = client.get(reverse("dataprotection:log-person", args=[baker.pk]))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.requests == 3
    by_org = {o["user__organisation__name"]: (o["users"], o["requests"]) for o in summary.organisations}
    assert by_org == {"Probation Service – West Mercia": (1, 2), "HMP Long Lartin": (1, 1)}
    by_user = {u["user__username"]: (u["requests"], u["first"], u["last"]) for u in summary.users}
    assert by_user == {
        "liaison": (2, local(2026, 11, 2, 9), local(2026, 11, 20, 16, 30)),
        "liaison2": (1, local(2026, 11, 10, 12), local(2026, 11, 10, 12)),
    }
    assert [r.at for r in response.context["object_list"]] == [
        local(2026, 11, 20, 16, 30),
        local(2026, 11, 10, 12),
        local(2026, 11, 2, 9),
    ]
    html = response.content.decode()
    assert "Jordan Baker" in html and "DEMO00123" in html
    assert "20 Nov 2026, 16:30" in html
    # The history is itself a consultation of the person.
    assert AccessLog.objects.filter(user=dpo, action="view", consulted__person_id=baker.pk).exists()


def test_a_persons_history_for_a_period(
    client: Any, dpo: Any, liaison: Any, liaison2: Any, people: list[Offender], logged: Callable[..., AccessLog]
) -> None:
    logged(liaison, [people[0]], at=local(2026, 11, 2, 9))
    last_week = logged(liaison2, [people[0]], at=local(2026, 11, 24, 9))
    client.force_login(dpo)
    url = reverse("dataprotection:log-person", args=[people[0].pk])
    response = client.get(url, {"since": "2026-11-23", "until": "2026-11-29"})
    assert list(response.context["object_list"]) == [last_week]
    assert [u["user__username"] for u in response.context["summary"].users] == ["liaison2"]
    wrong = client.get(url, {"since": "2026-11-29", "until": "2026-11-23"})
    assert "Enter a &#x27;to&#x27; date the same as or after" in wrong.content.decode()


def test_an_unknown_person_is_not_found(client: Any, dpo: Any) -> None:
    client.force_login(dpo)
    assert client.get(reverse("dataprotection:log-person", args=[999999])).status_code == 404


def test_the_ends_of_the_calendar_and_nul_characters_are_answered(
    client: Any, dpo: Any, liaison: Any, people: list[Offender], logged: Callable[..., AccessLog]
) -> None:
    logged(liaison, [people[0]], at=local(2026, 11, 2, 9))
    client.force_login(dpo)
    assert len(_rows(client.get(LOG, {"since": "0001-01-01", "until": "9999-12-31"}))) == 1
    assert _rows(client.get(LOG, {"since": "9999-12-31"})) == []
    assert client.get(LOG, {"person": "Ba\x00ker", "user": "x\x00"}).status_code == 200
    assert client.get(PEOPLE, {"q": "Ba\x00ker"}).status_code == 200
    history = reverse("dataprotection:log-person", args=[people[0].pk])
    assert client.get(history, {"since": "0001-01-01", "until": "9999-12-31"}).status_code == 200
