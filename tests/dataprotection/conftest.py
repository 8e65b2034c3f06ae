"""The data protection officer, people to be consulted, and log rows written at a
chosen time through `log_access`, as the pages write them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from interventions.models import Offender
from tests.interventions.conftest import offender_factory  # noqa: F401 - fixture
from tracker.core.access_log import log_access
from tracker.core.models import AccessLog


@pytest.fixture
def dpo(user_factory: Callable[..., Any]) -> Any:
    return user_factory("data_protection_officer", username="dpo")


@pytest.fixture
def people(offender_factory: Callable[..., Offender]) -> list[Offender]:  # noqa: F811
    return [
        offender_factory(case_reference="DEMO00123", first_name="Jordan", last_name="Baker"),
        offender_factory(case_reference="DEMO00456", first_name="Alex", last_name="Carter"),
        offender_factory(case_reference="DEMO00789", first_name="Jordan", last_name="Dale"),
    ]


def local(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))  # noqa: DTZ001 - made aware in the local time zone


@pytest.fixture
def logged() -> Callable[..., AccessLog]:
    """Write one log row as `user` at `at` (local time) naming `people` (offenders or ids)."""

    def write(
        user: Any,
        people: Iterable[Offender | int] = (),
        *,
        at: datetime,
        action: str = AccessLog.Action.VIEW,
        way: str = AccessLog.Way.PAGE,
        path: str = "/interventions/people/",
    ) -> AccessLog:
        ids = [p if isinstance(p, int) else p.pk for p in people]
        with time_machine.travel(at, tick=False):
            row = log_access(user, action=action, way=way, people=ids)
        AccessLog.objects.filter(pk=row.pk).update(path=path, client_address="192.0.2.10")
        row.refresh_from_db()
        return row

    return write
