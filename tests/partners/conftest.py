"""Partnership-strand fixtures: managed lists as the demo seeds them, and factories
that build records through the services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from partners import services
from partners.demo import _managed_lists
from partners.models import CampaignMaterial, CommitmentType, CommunityGroup, EndReason, EngagementKind, Venue
from tracker.core.models import OutcomeType

_numbers = count(1)
LONDON = ZoneInfo("Europe/London")


def local(*args: int) -> datetime:
    """An aware datetime in the service's time zone."""
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


@pytest.fixture
def lists(db: None) -> dict[str, Any]:
    _managed_lists()
    return {
        "kinds": {k.name: k for k in EngagementKind.objects.all()},
        "materials": {m.name: m for m in CampaignMaterial.objects.all()},
        "commitments": {c.name: c for c in CommitmentType.objects.all()},
        "reasons": {r.name: r for r in EndReason.objects.all()},
        "outcome_type": OutcomeType.objects.get_or_create(name="Campaign message shared")[0],
    }


@pytest.fixture
def make_group(areas: dict[str, Any], officer: Any) -> Callable[..., CommunityGroup]:
    def make(name: str | None = None, **fields: Any) -> CommunityGroup:
        values = {"kind": CommunityGroup.Kind.FAITH, "area": areas["Herefordshire"], **fields}
        return services.create_group(by=officer, name=name or f"Group {next(_numbers)}", **values)

    return make


@pytest.fixture
def make_venue(areas: dict[str, Any], officer: Any) -> Callable[..., Venue]:
    def make(name: str | None = None, **fields: Any) -> Venue:
        n = next(_numbers)
        values = {
            "licence_number": f"PL/TEST/{n:05d}",
            "address": "1 High Street\nHereford",
            "postcode": "HR1 2AB",
            "area": areas["Herefordshire"],
            "kind": Venue.Kind.PUB,
            **fields,
        }
        return services.create_venue(by=officer, name=name or f"The Venue {n}", **values)

    return make


@pytest.fixture
def make_engagement(lists: dict[str, Any], areas: dict[str, Any], officer: Any) -> Callable[..., Any]:
    def make(
        *, groups: list[Any] = (), venues: list[Any] = (), starts_at: datetime | None = None, **fields: Any
    ) -> Any:  # type: ignore[assignment]
        values = {
            "kind": lists["kinds"]["Meeting"],
            "lead_officer": officer,
            "area": areas["Herefordshire"],
            "starts_at": starts_at or local(2026, 3, 2, 19, 0),
            "summary": "Talked about the campaign",
            **fields,
        }
        return services.create_engagement(by=officer, groups=groups, venues=venues, **values)

    return make


@pytest.fixture
def make_partnership(make_venue: Callable[..., Venue], officer: Any) -> Callable[..., Any]:
    """A partnership walked along the lifecycle to `status` through the services."""

    def make(status: str = "prospect", *, venue: Venue | None = None, signed_up_on: date = date(2026, 1, 10)) -> Any:
        venue = venue or make_venue()
        partnership = services.start_partnership(venue, by=officer, lead_officer=officer, started_on=date(2026, 1, 1))
        path = {
            "prospect": [],
            "engaged": ["engaged"],
            "signed_up": ["engaged", "signed_up"],
            "active": ["engaged", "signed_up", "active"],
        }[status]
        for step in path:
            if step == "engaged":
                services.mark_engaged(
                    partnership, by=officer, expected_version=partnership.version, on=date(2026, 1, 5)
                )
            elif step == "signed_up":
                services.sign_up(partnership, by=officer, expected_version=partnership.version, on=signed_up_on)
            else:
                services.activate(partnership, by=officer, expected_version=partnership.version, on=signed_up_on)
        return partnership

    return make
