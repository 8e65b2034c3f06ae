"""Case references stored before they were validated (issue #12) may hold quotes,
line breaks or control characters. New input refuses them; pages and downloads of
the records already stored must still answer, never 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from interventions.models import Offender, Referral

pytestmark = pytest.mark.django_db


def stored_as(referral: Referral, reference: str) -> Offender:
    """Write the reference straight to the database, as data from before validation."""
    Offender.objects.filter(pk=referral.offender_id).update(case_reference=reference)
    referral.offender.refresh_from_db()
    return referral.offender


@pytest.mark.parametrize(
    "reference",
    [
        'A1"; filename="evil.exe',
        "A1\r\nX-Injected: yes",
        "A1\nB",
    ],
)
def test_the_progress_pdf_of_a_person_with_an_old_bad_reference_downloads(
    reference: str, referral_factory: Callable[..., Referral], liaison: Any, client: Any
) -> None:
    referral = referral_factory("started")
    stored_as(referral, reference)
    client.raise_request_exception = False
    client.force_login(liaison)
    response = client.get(reverse("interventions:referral-pdf", args=[referral.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert "X-Injected" not in response.headers


def test_pages_of_a_person_with_an_old_bad_reference_answer(
    referral_factory: Callable[..., Referral], liaison: Any, client: Any
) -> None:
    referral = referral_factory("started")
    person = stored_as(referral, "A1\r\n<b>\"x'")
    client.force_login(liaison)
    for url in (
        reverse("interventions:referral", args=[referral.pk]),
        reverse("interventions:offender", args=[person.pk]),
        reverse("interventions:offenders"),
        reverse("interventions:referrals") + "?export=csv",
    ):
        assert client.get(url).status_code == 200, url
    assert "<b>" not in client.get(reverse("interventions:offender", args=[person.pk])).content.decode()


def test_a_person_with_an_old_bad_reference_can_still_be_corrected(
    referral_factory: Callable[..., Referral], liaison: Any, officer: Any
) -> None:
    from interventions import services

    referral = referral_factory("started")
    person = stored_as(referral, "A1\r\nB")
    # The handling liaison corrects the name; the old reference does not block it.
    services.update_offender(person, by=liaison, expected_version=1, changes={"first_name": "Samuel"})
    # The officer who holds the record corrects the reference; a bad one is refused.
    with pytest.raises(services.ReferralError, match="only letters, numbers"):
        services.update_offender(person, by=officer, expected_version=2, changes={"case_reference": "A1\nC"})
    services.update_offender(person, by=officer, expected_version=2, changes={"case_reference": "A1 B"})
    person.refresh_from_db()
    assert (person.first_name, person.case_reference, person.version) == ("Samuel", "A1 B", 3)
