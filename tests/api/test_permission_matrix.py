"""Every list endpoint in the schema, for every role: who may read it. A new endpoint
must be added to the table below, so none can ship without a decision."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ALL = {"officer", "liaison", "liaison2", "board", "admin"}
STRANDS = {
    # The partnership strand: officers and administrators only.
    "community-groups": {"officer", "admin"},
    "venues": {"officer", "admin"},
    "partnerships": {"officer", "admin"},
    "engagements": {"officer", "admin"},
    "engagement-kinds": {"officer", "admin"},
    "campaign-materials": {"officer", "admin"},
    "commitment-types": {"officer", "admin"},
    "end-reasons": {"officer", "admin"},
    # The offender behaviour strand: never board members.
    "offenders": {"officer", "liaison", "liaison2", "admin"},
    "programmes": {"officer", "liaison", "liaison2", "admin"},
    "reason-codes": {"officer", "liaison", "liaison2", "admin"},
    "referrals": {"officer", "liaison", "liaison2", "admin"},
    "sessions": {"officer", "liaison", "liaison2", "admin"},
    # Reference lists, figures and one's own tokens: everyone who holds a role.
    "areas": ALL,
    "organisations": ALL,
    "outcome-types": ALL,
    "outcomes": ALL,
    "auth/tokens": ALL,
    # The exact figures: not for board members, who read the published ones.
    "reports/board": {"officer", "liaison", "liaison2", "admin"},
    # The consultation log: the data protection officer (not in `users`; see
    # tests/api/test_access_log_api.py) and administrators.
    "access-log": {"admin"},
}


def list_paths(client: Any, admin_user: Any) -> list[str]:
    client.force_login(admin_user)
    paths = client.get("/api/schema/?format=json").json()["paths"]
    return [p for p, ops in paths.items() if "get" in ops and "{" not in p]


def test_every_list_endpoint_is_in_the_table(client: Any, admin_user: Any) -> None:
    names = {p.removeprefix("/api/v1/").rstrip("/") for p in list_paths(client, admin_user)}
    assert names == set(STRANDS)


@pytest.mark.parametrize("name", sorted(STRANDS))
def test_each_role_reads_only_what_it_may(users: dict[str, Any], name: str) -> None:
    url = f"/api/v1/{name}/"
    query = {"start": "2026-01-01", "end": "2026-03-31"} if name == "reports/board" else {}
    assert APIClient().get(url, query).status_code == 401
    for role, user in users.items():
        api = APIClient()
        api.force_authenticate(user)
        response = api.get(url, query)
        expected = 200 if role in STRANDS[name] else 403
        assert response.status_code == expected, f"{role} on {url}: {response.status_code}"
        assert response["Content-Type"].startswith("application/json")
