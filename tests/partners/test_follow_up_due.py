"""A follow-up cannot fall due before the engagement it follows up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from partners import services
from partners.models import FollowUpAction
from tests.partners.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def engagement(make_engagement: Callable[..., Any], make_group: Callable[..., Any]) -> Any:
    return make_engagement(groups=[make_group()], starts_at=local(2026, 3, 2, 19, 0))


def test_the_service_refuses_a_due_date_before_the_engagement(engagement: Any, officer: Any) -> None:
    with pytest.raises(services.PartnershipError, match="on or after the date of the engagement, 2 March 2026"):
        services.add_follow_up(
            engagement,
            by=officer,
            expected_version=engagement.version,
            description="Send posters",
            owner=officer,
            due_on=date(2026, 3, 1),
        )
    same_day = services.add_follow_up(
        engagement,
        by=officer,
        expected_version=engagement.version,
        description="Send posters",
        owner=officer,
        due_on=date(2026, 3, 2),
    )
    assert same_day.due_on == date(2026, 3, 2)


def test_the_form_says_so_on_the_due_date(client: Any, engagement: Any, officer: Any) -> None:
    client.force_login(officer)
    response = client.post(
        reverse("partners:follow-up-add", args=[engagement.pk]),
        {
            "description": "Send posters",
            "owner": officer.pk,
            "due_on_day": "1",
            "due_on_month": "3",
            "due_on_year": "2026",
            "version": engagement.version,
        },
    )
    page = response.content.decode()
    assert (
        '<a href="#id_due_on_0">The due date must be on or after the date of the engagement, 2 March 2026</a>' in page
    )
    assert not FollowUpAction.objects.exists()
