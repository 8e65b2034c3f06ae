from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from partners.demo import COMMITMENTS, MATERIALS
from partners.models import (
    CampaignMaterial,
    CommitmentType,
    CommunityGroup,
    Engagement,
    EngagementMaterial,
    FollowUpAction,
    Partnership,
    Venue,
)
from tracker.core.models import Outcome

pytestmark = pytest.mark.django_db


def _seed(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_demo_data_is_sized_as_asked_and_idempotent(settings: Any) -> None:
    _seed(settings)
    counts = (CommunityGroup.objects.count(), Venue.objects.count(), Engagement.objects.count())
    assert counts == (40, 120, 300)
    assert set(Venue.objects.values_list("area__name", flat=True).distinct()) == {
        "Herefordshire",
        "Shropshire",
        "Telford & Wrekin",
        "North Worcestershire",
        "South Worcestershire",
    }
    assert set(Partnership.objects.values_list("status", flat=True)) == {s.value for s in Partnership.Status}
    assert EngagementMaterial.objects.exists() and Outcome.objects.exists()
    assert FollowUpAction.objects.filter(done_on=None, due_on__lt=timezone.localdate()).exists()  # some overdue
    assert set(MATERIALS) <= set(CampaignMaterial.objects.values_list("name", flat=True))
    assert {name for name, _ in COMMITMENTS} <= set(CommitmentType.objects.values_list("name", flat=True))
    assert CommunityGroup.history.count() == 40
    _seed(settings)
    assert (CommunityGroup.objects.count(), Venue.objects.count(), Engagement.objects.count()) == counts
