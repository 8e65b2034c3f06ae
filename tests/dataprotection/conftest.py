"""Fixtures for the data protection duties: the data protection officer; people to be
consulted, and log rows written at a chosen time through `log_access`, as the pages
write them; and a person with a full record (two referrals, sessions, moves with
reasons, outcomes, a follow-up, a change to their details) beside another person
whose data must never appear in the first one's pack."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from interventions import services
from interventions.models import Offender, Referral
from tests.interventions.conftest import (  # noqa: F401 - fixtures
    offender_factory,
    outcome_types,
    programme,
    reason,
    referral_factory,
)
from tracker.core.access_log import log_access
from tracker.core.models import AccessLog

OTHER = "ZEBEDEE-OTHER-PERSON"
EARLIER_NOTE = "First note, naming Kim Earlier"
NOTE = "Referred after an incident with his neighbour Pat Smith"


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


@dataclass
class Case:
    person: Offender
    completed: Referral
    declined: Referral
    other: Offender


def make_case(
    referral_factory: Callable[..., Referral], offender_factory: Callable[..., Offender], liaison: Any, officer: Any
) -> Case:
    person = offender_factory(first_name="Sam", last_name="Requester", case_reference="SAR-CASE-1")
    person = services.update_offender(
        person, by=officer, expected_version=person.version, changes={"first_name": "Samuel"}
    )
    completed = referral_factory("started", offender=person, notes=EARLIER_NOTE, injury=True)
    completed = services.update_referral(
        completed, by=liaison, expected_version=completed.version, changes={"notes": NOTE}
    )
    services.record_session(
        completed,
        by=liaison,
        scheduled_on=timezone.localdate() - timedelta(days=3),
        happened=True,
        attendance="attended",
        behaviour=4,
        notes="Spoke about his cousin Jo Bloggs",
    )
    completed.refresh_from_db()
    ratings = {
        t.pk: ("achieved", "Understands the harm to PC Jones") for t in completed.programme.desired_outcomes.all()
    }
    services.complete(
        completed, by=liaison, expected_version=completed.version, ratings=ratings, confirm_fewer_sessions=True
    )
    declined = referral_factory("declined", offender=person)
    other = offender_factory(first_name="Zebedee", last_name=OTHER, case_reference="OTHER-1")
    other_referral = referral_factory("started", offender=other, notes=f"{OTHER} referral note")
    services.record_session(
        other_referral,
        by=liaison,
        scheduled_on=timezone.localdate() - timedelta(days=2),
        happened=True,
        attendance="attended",
        behaviour=3,
        notes=f"{OTHER} session note",
    )
    log_access(liaison, [completed], action=AccessLog.Action.VIEW)
    log_access(officer, [other_referral], action=AccessLog.Action.VIEW)
    return Case(person, completed, declined, other)


@pytest.fixture
def case(referral_factory: Any, offender_factory: Any, liaison: Any, officer: Any) -> Case:
    return make_case(referral_factory, offender_factory, liaison, officer)
