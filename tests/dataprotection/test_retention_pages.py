"""The retention review pages (issue #14): the queue lists exactly the people due, a
decision is recorded with GOV.UK error messages when incomplete, and only the data
protection officer and administrators reach them. The queue's queries do not grow
with the number of people due."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interventions.models import Offender, Referral
from tests.interventions.conftest import (  # noqa: F401 - fixtures
    offender_factory,
    outcome_types,
    programme,
    reason,
    referral_factory,
)
from tracker.core.models import AccessLog, ConsultedPerson
from tracker.dataprotection import retention
from tracker.dataprotection.models import RetentionDecision

pytestmark = pytest.mark.django_db
QUEUE = "/data-protection/retention/"


@pytest.fixture
def dpo(user_factory: Any) -> Any:
    return user_factory("data_protection_officer", username="dpo")


def closed_years_ago(referral_factory: Any, years: float, status: str = "withdrawn", **fields: Any) -> Referral:
    """A referral closed `years` ago. The lifecycle stamps moves with the present, so
    the end date is moved back afterwards (the demo data does the same)."""
    referral: Referral = referral_factory(status, **fields)
    ended = timezone.now() - timedelta(days=round(365.25 * years))
    Referral.objects.filter(pk=referral.pk).update(ended_at=ended)
    return referral


def test_the_queue_lists_people_due_and_only_them(referral_factory: Any, dpo: Any, client: Client) -> None:
    due = closed_years_ago(referral_factory, 6.1).offender
    recent = closed_years_ago(referral_factory, 5.5).offender
    still_open = closed_years_ago(referral_factory, 7).offender
    referral_factory("submitted", offender=still_open)
    client.force_login(dpo)
    page = client.get(QUEUE).text
    assert due.case_reference in page and "1 review due" in page
    assert recent.case_reference not in page and still_open.case_reference not in page
    # The consultation log names the person shown.
    log = AccessLog.objects.filter(path=QUEUE).latest("at")
    assert set(ConsultedPerson.objects.filter(log=log).values_list("person_id", flat=True)) == {due.pk}


def test_a_keep_decision_takes_the_person_off_the_queue_until_the_next_review(
    referral_factory: Any, dpo: Any, client: Client
) -> None:
    person = closed_years_ago(referral_factory, 6.5).offender
    client.force_login(dpo)
    next_review = timezone.localdate() + timedelta(days=365)
    response = client.post(
        reverse("dataprotection:retention-keep", args=[person.pk]),
        {"reason": "Linked to an ongoing appeal", "next_review_on": next_review.isoformat()},
    )
    assert response.status_code == 302
    decision = RetentionDecision.objects.get(person=person)
    assert (decision.decision, decision.next_review_on, decision.by) == ("keep", next_review, dpo)
    assert person.case_reference not in client.get(QUEUE).text
    with time_machine.travel(timezone.now() + timedelta(days=366), tick=False):
        assert list(retention.reviews_due()) == [person]


def test_the_keep_form_says_what_to_fix(referral_factory: Any, dpo: Any, client: Client) -> None:
    person = closed_years_ago(referral_factory, 6.5).offender
    client.force_login(dpo)
    url = reverse("dataprotection:retention-keep", args=[person.pk])
    empty = client.post(url, {"reason": "", "next_review_on": ""}).text
    assert "There is a problem" in empty and "<title>Error:" in empty
    assert "Enter the reason for keeping this person&#x27;s records" in empty
    assert 'href="#id_next_review_on">Enter the next review date' in empty
    past = client.post(url, {"reason": "Appeal", "next_review_on": "2020-01-01"}).text
    assert "Next review date must be in the future" in past
    assert not RetentionDecision.objects.exists()


def test_disposing_from_the_persons_page(referral_factory: Any, dpo: Any, client: Client) -> None:
    person = closed_years_ago(referral_factory, 6.5).offender
    client.force_login(dpo)
    url = reverse("dataprotection:retention-dispose", args=[person.pk])
    assert "Enter the reason for disposing of this person&#x27;s data" in client.post(url, {"reason": " "}).text
    response = client.post(url, {"reason": "Review: no longer needed"}, follow=True)
    assert "has been disposed of" in response.text
    stub = Offender.objects.get(pk=person.pk)
    assert stub.case_reference == f"DISPOSED-{person.pk}" and person.last_name not in response.text
    assert person.case_reference not in client.get(QUEUE).text
    # Once disposed, there is nothing left to decide.
    assert "Dispose of the personal data" not in response.text


@pytest.mark.parametrize("role", ["officer", "liaison", "board"])
def test_other_roles_cannot_reach_the_retention_pages(
    referral_factory: Any, users: dict[str, Any], client: Client, role: str
) -> None:
    person = closed_years_ago(referral_factory, 6.5).offender
    client.force_login(users[role])
    for name in ("retention-person", "retention-keep", "retention-dispose", "retention-restriction"):
        assert client.get(reverse(f"dataprotection:{name}", args=[person.pk])).status_code == 403
    assert client.get(QUEUE).status_code == 403
    assert client.post(reverse("dataprotection:retention-dispose", args=[person.pk]), {"reason": "x"}).status_code == (
        403
    )
    assert Offender.objects.get(pk=person.pk).disposed_at is None


def test_administrators_use_the_retention_pages(referral_factory: Any, admin_user: Any, client: Client) -> None:
    person = closed_years_ago(referral_factory, 6.5).offender
    client.force_login(admin_user)
    assert person.case_reference in client.get(QUEUE).text
    assert client.get(reverse("dataprotection:retention-person", args=[person.pk])).status_code == 200


def test_the_persons_page_summarises_what_is_held(referral_factory: Any, dpo: Any, client: Client) -> None:
    referral = closed_years_ago(referral_factory, 6.5, status="completed")
    client.force_login(dpo)
    page = client.get(reverse("dataprotection:retention-person", args=[referral.offender_id])).text
    assert referral.offender.full_name in page and "What is held" in page
    assert "1 (0 open)" in page and "Due</strong> since" in page
    assert date(1990, 1, 1).strftime("%-d %B %Y") in page


@pytest.mark.parametrize("size", [2, 20])
def test_the_queue_takes_the_same_queries_at_any_size(
    size: int, referral_factory: Any, dpo: Any, client: Client, django_assert_max_num_queries: Any
) -> None:
    for _ in range(size):
        closed_years_ago(referral_factory, 6.5)
    client.force_login(dpo)
    client.get(QUEUE)  # fill per-process caches (content types, navigation)
    # 1 session, 2 user, 3 count, 4 page of people with their last closed date, open
    # flag and newest keep decision (subqueries, not a query per person), 5 log insert,
    # 6 logged people (one bulk insert), 7 the user's organisation (page header),
    # 8-10 session touch in a savepoint, 11 My work's count in the navigation (open
    # subject access requests)
    with django_assert_max_num_queries(11):
        response = client.get(QUEUE)
    assert f"{size} reviews due" in response.text


def test_the_dpo_finds_any_person_by_case_reference(referral_factory: Any, dpo: Any, client: Client) -> None:
    person = referral_factory("started").offender  # not due: a referral is open
    client.force_login(dpo)
    page = client.get(QUEUE, {"reference": person.case_reference.lower()}).text
    assert f'href="{reverse("dataprotection:retention-person", args=[person.pk])}"' in page
    assert "Nobody has the case reference NOPE" in client.get(QUEUE, {"reference": "NOPE"}).text
