"""The engagement's timeline tells the whole story: who created it with which groups
and venues, materials handed out, follow-ups added and done, outcomes recorded —
with dates as people read them and field labels, not column names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from partners import services
from partners.views.engagements import engagement_history
from tests.partners.conftest import LONDON, local
from tracker.core.outcomes import record_outcome

pytestmark = pytest.mark.django_db


def test_the_timeline_shows_links_materials_follow_ups_and_outcomes(
    client: Any,
    officer: Any,
    lists: dict[str, Any],
    make_engagement: Callable[..., Any],
    make_group: Callable[..., Any],
    make_venue: Callable[..., Any],
) -> None:
    faith, youth = make_group("Faith forum"), make_group("Youth club")
    venue = make_venue("The Plough")
    with time_machine.travel(datetime(2026, 12, 1, 11, 39, tzinfo=LONDON), tick=False):
        engagement = make_engagement(groups=[faith], venues=[venue], starts_at=local(2026, 11, 30, 19, 0))
    with time_machine.travel(datetime(2026, 12, 1, 12, 0, tzinfo=LONDON), tick=False):
        services.update_engagement(
            engagement,
            by=officer,
            expected_version=engagement.version,
            changes={"attendance": 12, "groups": [youth], "starts_at": local(2026, 11, 30, 18, 30)},
        )
        engagement.refresh_from_db()
        services.set_materials(
            engagement,
            by=officer,
            expected_version=engagement.version,
            quantities={lists["materials"]["Leaflet"]: 20},
        )
        engagement.refresh_from_db()
        action = services.add_follow_up(
            engagement,
            by=officer,
            expected_version=engagement.version,
            description="Send more posters",
            owner=officer,
            due_on=date(2026, 12, 8),
        )
        engagement.refresh_from_db()
        services.complete_follow_up(action, by=officer, expected_version=engagement.version, done_on=date(2026, 12, 1))
        record_outcome(
            engagement,
            by=officer,
            date=date(2026, 12, 1),
            outcome_type=lists["outcome_type"],
            rating="achieved",
            description="Shared widely",
        )

    entries = engagement_history(engagement)
    created = entries[-1]
    assert created.action == "Created"
    assert [(c.field, c.new) for c in created.changes] == [
        ("Community groups", "linked: Faith forum"),
        ("Venues", "linked: The Plough, Hereford HR1 2AB"),  # told apart by town and postcode
    ]
    stories = {(e.action, e.subject) for e in entries}
    assert {
        ("Material added", "Leaflet: 20"),
        ("Follow-up action added", "Send more posters"),
        ("Follow-up action changed", "Send more posters"),
        ("Outcome added", "Campaign message shared"),
    } <= stories
    edited = next(e for e in entries if e.action == "Changed" and not e.subject)
    assert ("Date and time", "30 November 2026 at 19:00", "30 November 2026 at 18:30") in [
        (c.field, c.old, c.new) for c in edited.changes
    ]
    assert ("Community groups", "linked: Youth club") in [(c.field, c.new) for c in edited.changes]
    assert ("Community groups", "no longer linked: Faith forum") in [(c.field, c.new) for c in edited.changes]
    done = next(e for e in entries if e.action == "Follow-up action changed")
    assert [(c.field, c.old, c.new) for c in done.changes] == [("Done date", "(blank)", "1 December 2026")]

    client.force_login(officer)
    page = client.get(reverse("partners:engagement-detail", args=[engagement.pk])).content.decode()
    assert "1 December 2026 at 11:39" in page
    assert "Community groups linked: Faith forum" in page
    assert "starts_at" not in page.split('id="history"', 1)[1]
