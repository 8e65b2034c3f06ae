"""Users with email addresses, the strand's factories, and helpers to read the
emails the send task delivered (to the locmem backend)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from tests.interventions.conftest import (  # noqa: F401 - fixtures
    offender_factory,
    outcome_types,
    programme,
    reason,
    referral_factory,
)


@pytest.fixture
def user_factory(user_factory: Callable[..., Any]) -> Callable[..., Any]:
    """Every test user has an email address (<username>@example.org)."""

    def make(*roles: str, **fields: Any) -> Any:
        user = user_factory(*roles, **fields)
        if not user.email:
            user.email = f"{user.username}@example.org"
            user.save(update_fields=["email"])
        return user

    return make


@pytest.fixture
def colleague(user_factory: Callable[..., Any], probation: Any) -> Any:
    """A second liaison of the probation service."""
    return user_factory("probation_liaison", username="colleague", organisation=probation)


def sent_to() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def sent(kind_words: str = "") -> list[Any]:
    return [m for m in mail.outbox if kind_words in m.subject]


from tests.partners.conftest import (  # noqa: E402, F401 - fixtures
    lists,
    make_engagement,
    make_group,
    make_partnership,
    make_venue,
)
