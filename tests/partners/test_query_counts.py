"""No list or detail page grows its query count with the data: each is measured at
3 and at 30 rows against the same ceiling."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners import services
from tests.partners.conftest import local
from tracker.core.outcomes import record_outcome

pytestmark = pytest.mark.django_db


def shell_queries(client: Any, group: Any) -> int:
    """What every page costs before its own work: session, user, the organisation in
    the banner, one COUNT per My work provider (this strand's three and the other
    strands'), the session save. Measured on the contact form, minus its group."""
    url = reverse("partners:contact-add", args=[group.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries) - 1


@pytest.fixture
def world(
    make_group: Any, make_venue: Any, make_partnership: Any, make_engagement: Any, lists: dict[str, Any], officer: Any
) -> Any:
    """`build(n)` makes n of everything, all linked to one group, venue, partnership
    and engagement, so both the lists and the detail pages grow with n."""

    def build(n: int) -> dict[str, Any]:
        group = make_group("Hub group")
        venue = make_venue("Hub venue")
        partnership = make_partnership("active", venue=venue)
        commitments = list(lists["commitments"].values())
        services.set_commitments(
            partnership,
            by=officer,
            expected_version=partnership.version,
            confirmed={c: (date(2026, 2, 1), "seen", date(2026, 1, 1)) for c in commitments},
        )
        hub = make_engagement(groups=[group], venues=[venue])
        services.set_materials(
            hub, by=officer, expected_version=hub.version, quantities=dict.fromkeys(lists["materials"].values(), 3)
        )
        for i in range(n):
            other_group = make_group()
            other_venue = make_venue()
            make_partnership("signed_up", venue=other_venue)
            engagement = make_engagement(
                groups=[group, other_group],
                venues=[venue],
                starts_at=local(2026, 3, 2, 19, 0) - timedelta(days=i),
            )
            services.add_contact(group, by=officer, expected_version=group.version, name=f"Contact {i}")
            services.add_follow_up(
                hub,
                by=officer,
                expected_version=hub.version,
                description=f"Action {i}",
                owner=officer,
                due_on=date(2026, 4, 1),
            )
            for subject in (engagement, hub, partnership):
                record_outcome(
                    subject,
                    by=officer,
                    date=date(2026, 3, 3),
                    outcome_type=lists["outcome_type"],
                    rating="achieved",
                    description="Posters up",
                    measure=Decimal(i),
                )
            services.update_group(group, by=officer, expected_version=group.version, changes={"name": f"Hub group {i}"})
            services.update_venue(venue, by=officer, expected_version=venue.version, changes={"operator": f"Op {i}"})
            services.update_engagement(hub, by=officer, expected_version=hub.version, changes={"attendance": i})
            services.update_partnership(
                partnership,
                by=officer,
                expected_version=partnership.version,
                changes={"next_review_on": date(2027, 1, 1) + timedelta(days=i)},
            )
        return {"group": group, "venue": venue, "partnership": partnership, "engagement": hub}

    return build


# page: (url name, which hub record, the page's own queries beyond the shell).
PAGES = {
    # count, areas for the filter, page of groups (area joined)
    "groups": ("partners:group-list", None, 3),
    # count, areas for the filter, page of venues (area joined, open partnership as subqueries)
    "venues": ("partners:venue-list", None, 3),
    # count, areas and officers for the filter, page of partnerships (venue, area, lead, reason joined)
    "partnerships": ("partners:partnership-list", None, 4),
    # count, kinds, areas, officers and groups for the filter, page of engagements (kind,
    # lead, area joined), groups prefetch, venues prefetch
    "engagements": ("partners:engagement-list", None, 8),
    # group (area joined), contacts, access-log insert, engagements, their outcomes, history
    "group": ("partners:group-detail", "group", 6),
    # venue (area joined), partnerships, visits, history
    "venue": ("partners:venue-detail", "venue", 4),
    # partnership (venue, area, lead, reason joined), visits, commitments, moves, outcomes, history
    "partnership": ("partners:partnership-detail", "partnership", 6),
    # engagement (kind, lead, area joined), groups, venues, materials, follow-ups, outcomes,
    # history, and for its timeline (issue #15): the groups and venues linked at each step,
    # the history of its materials, of its follow-ups and of its outcomes
    "engagement": ("partners:engagement-detail", "engagement", 12),
}


@pytest.mark.parametrize("which", list(PAGES))
@pytest.mark.parametrize("size", [3, 30])
def test_page_query_count_does_not_grow_with_the_data(
    client: Any, officer: Any, world: Any, django_assert_max_num_queries: Any, which: str, size: int
) -> None:
    records = world(size)
    name, key, own = PAGES[which]
    url = reverse(name, args=[records[key].pk] if key else [])
    client.force_login(officer)
    shell = shell_queries(client, records["group"])
    client.get(url)  # warm the content-type cache, as on a running server
    with django_assert_max_num_queries(shell + own):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("which", ["groups", "venues", "partnerships", "engagements"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("size", [3, 30])
def test_export_query_count_does_not_grow_with_the_data(
    client: Any, officer: Any, world: Any, django_assert_max_num_queries: Any, which: str, fmt: str, size: int
) -> None:
    records = world(size)
    client.force_login(officer)
    shell = shell_queries(client, records["group"])
    # the filter's choice lists (up to 4), the count (at once or in the background?),
    # the rows (read as a CSV streams), and for engagements the three prefetches
    # (groups, venues, materials)
    with django_assert_max_num_queries(shell + 9):
        response = client.get(reverse(PAGES[which][0]) + f"?export={fmt}")
        response.getvalue()
    assert response.status_code == 200


@pytest.mark.parametrize("status", ["none", "signed_up"])
@pytest.mark.parametrize("size", [3, 30])
def test_venue_list_filtered_by_partnership_does_not_grow_with_the_data(
    client: Any,
    officer: Any,
    world: Any,
    make_venue: Any,
    django_assert_max_num_queries: Any,
    status: str,
    size: int,
) -> None:
    records = world(size)
    for _ in range(size):
        make_venue()  # venues with no partnership at all
    client.force_login(officer)
    shell = shell_queries(client, records["group"])
    url = reverse("partners:venue-list") + f"?partnership={status}"
    client.get(url)
    # count, areas for the filter, page of venues (area joined; the partnership filter
    # and each venue's open partnership are subqueries of the same query)
    with django_assert_max_num_queries(shell + 3):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["object_list"]) == min(size, 25)
