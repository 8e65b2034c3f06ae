"""The person picker's search: only people the user can see, a page at a time, at
a fixed cost, and every answer written to the consultation log."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from interventions.models import Offender, Referral
from tracker.core.models import AccessLog, ConsultedPerson

pytestmark = pytest.mark.django_db

URL = "/search/people/"


def test_the_people_search_has_its_address() -> None:
    assert reverse("search-people") == URL


def test_a_liaison_finds_only_people_they_can_see(
    client: Any,
    referral_factory: Callable[..., Referral],
    offender_factory: Callable[..., Offender],
    liaison: Any,
    prison: Any,
) -> None:
    seen = referral_factory("submitted", offender=offender_factory(last_name="Hargreaves"))
    referral_factory("submitted", handler=prison, offender=offender_factory(last_name="Hargrove"))
    offender_factory(last_name="Harper")  # kept by the officer, referred nowhere
    client.force_login(liaison)
    answer = client.get(URL, {"q": "Har"}).json()
    assert answer == {
        "results": [
            {"id": seen.offender_id, "label": f"Sam Hargreaves ({seen.offender.case_reference}), born 1 January 1990"}
        ],
        "more": False,
    }


def test_every_search_is_logged_naming_the_people_it_showed(
    client: Any, offender_factory: Callable[..., Offender], officer: Any
) -> None:
    shown = [offender_factory(last_name=f"Smith{n}") for n in range(3)]
    offender_factory(last_name="Jones")
    client.force_login(officer)
    client.get(URL, {"q": "smith"})
    row = AccessLog.objects.get(user=officer)
    assert (row.action, row.path, row.people) == (AccessLog.Action.SEARCH, URL, 3)
    assert sorted(ConsultedPerson.objects.filter(log=row).values_list("person_id", flat=True)) == sorted(
        p.pk for p in shown
    )


def test_a_search_answers_twenty_people_and_says_there_are_more(
    client: Any, offender_factory: Callable[..., Offender], officer: Any
) -> None:
    for n in range(25):
        offender_factory(last_name=f"Walker{n:02d}")
    client.force_login(officer)
    answer = client.get(URL, {"q": "walker"}).json()
    assert len(answer["results"]) == 20 and answer["more"] is True
    assert answer["results"][0]["label"].startswith("Sam Walker00 ")
    assert AccessLog.objects.get(user=officer).people == 20  # the 21st was not shown


def test_a_search_costs_the_same_with_5_or_200_people(
    client: Any, offender_factory: Callable[..., Offender], officer: Any, django_assert_num_queries: Any
) -> None:
    for _ in range(5):
        offender_factory()
    client.force_login(officer)
    client.get(URL, {"q": "sam"})
    # 1 session, 2 user, 3 the page of people, 4-5 the log row and the people it names,
    # 6-8 saving the session (savepoint, update, release)
    with django_assert_num_queries(8):
        assert len(client.get(URL, {"q": "sam"}).json()["results"]) == 5
    for _ in range(195):
        offender_factory()
    with django_assert_num_queries(8):
        assert len(client.get(URL, {"q": "sam"}).json()["results"]) == 20


def test_board_members_cannot_search_people(client: Any, board: Any) -> None:
    client.force_login(board)
    assert client.get(URL, {"q": "a"}).status_code == 403
    assert not AccessLog.objects.filter(action=AccessLog.Action.SEARCH).exists()


def test_the_referral_form_lists_no_one_but_the_person_chosen(
    client: Any, offender_factory: Callable[..., Offender], officer: Any
) -> None:
    chosen = offender_factory(last_name="Chosen")
    offender_factory(last_name="Bystander")
    client.force_login(officer)
    html = client.get(reverse("interventions:referral-create"), {"offender": chosen.pk}).content.decode()
    assert "Chosen" in html and "Bystander" not in html
    assert f'name="offender" type="checkbox" value="{chosen.pk}" checked' in html


def test_a_person_the_user_cannot_see_is_refused_as_one_that_does_not_exist(
    client: Any,
    offender_factory: Callable[..., Offender],
    liaison: Any,
    officer: Any,
    programme: Any,
    probation: Any,
    areas: Any,
) -> None:
    hidden = offender_factory(by=officer)  # in the officer's own book
    client.force_login(liaison)

    def post(offender_id: object) -> str:
        response = client.post(
            reverse("interventions:referral-create"),
            {"offender": offender_id, "programme": programme.pk, "handling_organisation": probation.pk},
        )
        assert not Referral.objects.exists()
        return str(response.content.decode())

    hidden_answer, unknown_answer = post(hidden.pk), post(hidden.pk + 1000)
    assert "Choose a person from the search results" in hidden_answer
    errors = re.compile(r'<p id="[^"]+" class="govuk-error-message">.*?</p>', re.S)
    assert errors.findall(hidden_answer) == errors.findall(unknown_answer)
    assert hidden.last_name not in hidden_answer


def test_without_scripts_a_typed_case_reference_chooses_the_person(
    client: Any, offender_factory: Callable[..., Offender], officer: Any, programme: Any, probation: Any, areas: Any
) -> None:
    person = offender_factory(case_reference="CR-777")
    offender_factory(case_reference="CR-888")
    client.force_login(officer)
    response = client.post(
        reverse("interventions:referral-create"),
        {
            "offender__find": "CR-777",
            "programme": programme.pk,
            "handling_organisation": probation.pk,
            "offence_date": "2026-01-05",
            "area": next(iter(areas.values())).pk,
            "victim_role": "pcso",
            "injury": "True",
            "charged_under_act": "False",
            "priority": "normal",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert Referral.objects.get().offender == person
