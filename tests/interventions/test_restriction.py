"""Restriction of processing (issue #14): a restricted person is hidden from liaisons
and officers in every read path — pages, lists, My work, exports, the API, the
referral form's person list — but not from administrators (or the data protection
officer's pages), and the figures still count them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from interventions.models import Offender, PersonDataEvent
from interventions.retention import RetentionError, lift_restriction, restrict_processing
from tracker.core import mywork

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo(user_factory: Any) -> Any:
    return user_factory("data_protection_officer", username="dpo")


def _pages(referral: Any) -> list[str]:
    return [
        reverse("interventions:referral", args=[referral.pk]),
        reverse("interventions:offender", args=[referral.offender_id]),
        reverse("interventions:offender-edit", args=[referral.offender_id]),
        f"/api/v1/offenders/{referral.offender_id}/",
        f"/api/v1/referrals/{referral.pk}/",
    ]


def _lists(client: Client) -> str:
    return "".join(
        client.get(url).getvalue().decode()
        for url in (
            reverse("interventions:referrals"),
            reverse("interventions:offenders"),
            reverse("interventions:referrals") + "?export=csv",
            reverse("interventions:referral-create"),
            "/api/v1/offenders/",
            "/api/v1/referrals/",
            "/api/v1/sessions/",
            reverse("my-work"),
        )
    )


def test_a_restricted_person_is_hidden_from_liaisons_and_officers_but_not_administrators(
    referral_factory: Any, liaison: Any, officer: Any, admin_user: Any, dpo: Any, client: Client
) -> None:
    referral = referral_factory("started", by=officer)
    person = referral.offender
    referral_factory("submitted", by=officer, offender=person)  # waiting in the liaison's My work
    client.force_login(liaison)
    assert person.full_name in client.get(reverse("my-work")).text
    for user in (liaison, officer, admin_user):
        client.force_login(user)
        assert person.case_reference in _lists(client)
        assert all(client.get(url).status_code == 200 for url in _pages(referral))

    restrict_processing(person, by=dpo, reason="The person disputes the accuracy of the record")

    for user in (liaison, officer):
        client.force_login(user)
        listed = _lists(client)
        assert person.case_reference not in listed and person.last_name not in listed
        assert [client.get(url).status_code for url in _pages(referral)] == [404] * 5
        assert not Offender.objects.visible_to(user).filter(pk=person.pk).exists()
    assert [s.title for s in mywork.sections_for(liaison) if s.items] == []
    client.force_login(admin_user)
    assert person.case_reference in _lists(client)
    assert all(client.get(url).status_code == 200 for url in _pages(referral))
    client.force_login(dpo)
    page = client.get(reverse("dataprotection:retention-person", args=[person.pk]))
    assert page.status_code == 200 and person.case_reference in page.text and "Processing is restricted" in page.text

    lift_restriction(person, by=dpo, reason="Dispute resolved: the record was accurate")
    client.force_login(liaison)
    assert all(client.get(url).status_code == 200 for url in _pages(referral))
    kinds = list(PersonDataEvent.objects.filter(person=person).order_by("at", "id").values_list("kind", "by"))
    assert kinds == [("restricted", dpo.pk), ("restriction_lifted", dpo.pk)]


def test_a_restricted_persons_reference_is_not_found_by_an_import_or_a_new_referral(
    referral_factory: Any, liaison: Any, dpo: Any
) -> None:
    from interventions.forms import ReferralForm

    referral = referral_factory("submitted", by=liaison)
    restrict_processing(referral.offender, by=dpo, reason="Dispute")
    assert not Offender.objects.in_book(liaison).filter(pk=referral.offender_id).exists()
    choices = ReferralForm(user=liaison).fields["offender"].queryset
    assert not choices.filter(pk=referral.offender_id).exists()


def test_figures_still_count_a_restricted_person(referral_factory: Any, admin_user: Any, dpo: Any) -> None:
    from tracker.reports import strands
    from tracker.reports.periods import Period

    referral = referral_factory("completed")
    period = Period(referral.created_at.date().replace(day=1), referral.created_at.date().replace(day=28))
    before = strands.offenders(period).as_dict()
    restrict_processing(referral.offender, by=dpo, reason="Dispute")
    assert strands.offenders(period).as_dict() == before


def test_only_the_dpo_and_administrators_restrict_and_each_step_needs_a_reason(
    referral_factory: Any, liaison: Any, dpo: Any
) -> None:
    person = referral_factory("submitted").offender
    with pytest.raises(PermissionDenied):
        restrict_processing(person, by=liaison, reason="Dispute")
    with pytest.raises(RetentionError, match="Enter the reason"):
        restrict_processing(person, by=dpo, reason="  ")
    restrict_processing(person, by=dpo, reason="Dispute")
    with pytest.raises(RetentionError, match="already restricted"):
        restrict_processing(person, by=dpo, reason="Dispute")
    assert PersonDataEvent.objects.filter(person=person).count() == 1


def test_a_disposed_persons_stub_cannot_be_given_details_again(referral_factory: Any, liaison: Any, dpo: Any) -> None:
    from interventions.retention import dispose_of_person
    from interventions.services import ReferralError, update_offender

    person = dispose_of_person(referral_factory("withdrawn").offender, by=dpo, reason="Erasure request")
    with pytest.raises(ReferralError, match="disposed of"):
        update_offender(person, by=liaison, expected_version=person.version, changes={"first_name": "Sam"})
    assert Offender.objects.get(pk=person.pk).first_name == "Disposed"
