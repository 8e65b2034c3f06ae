"""Outcome types are offered where they fit: a programme's outcome is not offered
on a community meeting, and the service refuses it whichever door it comes through."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from interventions.models import Referral
from partners.models import Engagement
from tracker.core.models import Outcome, OutcomeType
from tracker.core.outcomes import record_outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def alcohol(db: None) -> OutcomeType:
    outcome_type = OutcomeType.objects.create(name="Reduced alcohol use")
    outcome_type.applies_to.add(ContentType.objects.get_for_model(Referral))
    return outcome_type


@pytest.fixture
def shared(db: None) -> OutcomeType:
    outcome_type = OutcomeType.objects.create(name="Campaign message shared widely")
    outcome_type.applies_to.add(ContentType.objects.get_for_model(Engagement))
    return outcome_type


def test_the_engagement_outcome_form_offers_only_outcomes_of_engagements(
    client: Any,
    officer: Any,
    make_engagement: Callable[..., Any],
    make_group: Callable[..., Any],
    alcohol: OutcomeType,
    shared: OutcomeType,
) -> None:
    anywhere = OutcomeType.objects.create(name="Something for every record")
    engagement = make_engagement(groups=[make_group()])
    client.force_login(officer)
    page = client.get(reverse("partners:engagement-outcome", args=[engagement.pk])).content.decode()
    assert shared.name in page
    assert anywhere.name in page  # marked for no kind: fits every kind
    assert alcohol.name not in page


def test_an_outcome_that_does_not_fit_is_refused_by_the_service_and_the_page(
    client: Any, officer: Any, make_engagement: Callable[..., Any], make_group: Callable[..., Any], alcohol: OutcomeType
) -> None:
    engagement = make_engagement(groups=[make_group()])
    with pytest.raises(ValidationError) as refused:
        record_outcome(
            engagement, by=officer, date=date(2026, 3, 2), outcome_type=alcohol, rating="achieved", description="x"
        )
    assert "“Reduced alcohol use” is not an outcome of an engagement" in str(refused.value)
    client.force_login(officer)
    response = client.post(
        reverse("partners:engagement-outcome", args=[engagement.pk]),
        {"date": "2026-03-02", "outcome_type": alcohol.pk, "rating": "achieved", "description": "Less drinking"},
    )
    # Not offered, so the form refuses it as it would any choice not in the list.
    assert "Select the type of outcome from the list" in response.content.decode()
    assert not Outcome.objects.exists()


def test_the_api_lists_what_each_type_applies_to_and_refuses_a_misfit(
    officer: Any, make_engagement: Callable[..., Any], make_group: Callable[..., Any], alcohol: OutcomeType
) -> None:
    api = APIClient()
    api.force_authenticate(officer)
    body = api.get("/api/v1/outcome-types/").json()
    listed = {row["name"]: row for row in (body["results"] if isinstance(body, dict) else body)}
    assert listed["Reduced alcohol use"]["applies_to"] == ["interventions.referral"]
    engagement = make_engagement(groups=[make_group()])
    response = api.post(
        "/api/v1/outcomes/",
        {
            "subject_type": "partners.engagement",
            "subject_id": engagement.pk,
            "date": "2026-03-02",
            "outcome_type": alcohol.pk,
            "rating": "achieved",
            "description": "Less drinking",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "not an outcome of" in str(response.json())
