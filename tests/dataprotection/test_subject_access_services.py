"""Subject access requests: the statutory deadline, recording, redactions and
producing the pack, all through the services, with history and the log."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from tracker.core.models import AccessLog, ConsultedPerson
from tracker.dataprotection import subject_access as sar
from tracker.dataprotection.models import Redaction, SubjectAccessRequest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        (date(2026, 1, 15), date(2026, 2, 15)),
        (date(2026, 1, 31), date(2026, 2, 28)),  # no 31 February: the month's last day
        (date(2028, 1, 31), date(2028, 2, 29)),  # a leap year
        (date(2026, 1, 29), date(2026, 2, 28)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 8, 31), date(2026, 9, 30)),
        (date(2026, 12, 31), date(2027, 1, 31)),  # into the next year
        (date(2026, 12, 1), date(2027, 1, 1)),
        (date(2026, 2, 28), date(2026, 3, 28)),
    ],
)
def test_the_deadline_is_one_calendar_month_after_receipt(received: date, deadline: date) -> None:
    assert sar.deadline_for(received) == deadline


@time_machine.travel("2026-03-10 12:00Z", tick=False)
def test_recording_a_request_stores_its_deadline_and_history(case: Any, dpo: Any) -> None:
    request = sar.record_request(person=case.person, received_on=date(2026, 1, 31), by=dpo, notes="By letter")
    request.refresh_from_db()
    assert request.deadline == date(2026, 2, 28)
    assert request.status == SubjectAccessRequest.Status.OPEN
    assert request.recorded_by == dpo
    assert request.history.get().history_user == dpo


@time_machine.travel("2026-03-10 12:00Z", tick=False)
def test_a_request_cannot_be_received_in_the_future(case: Any, dpo: Any) -> None:
    with pytest.raises(sar.SubjectAccessError, match="today or in the past"):
        sar.record_request(person=case.person, received_on=date(2026, 3, 11), by=dpo)
    assert not SubjectAccessRequest.objects.exists()


def test_redactions_are_recorded_with_who_and_why_and_unmarking_keeps_history(case: Any, dpo: Any) -> None:
    request = sar.record_request(person=case.person, received_on=timezone.localdate(), by=dpo)
    key = f"referral:{case.completed.pk}:notes"
    sar.set_redactions(request, by=dpo, marks={key: "Names a neighbour"})
    redaction = Redaction.objects.get()
    assert (redaction.item, redaction.reason, redaction.by) == (key, "Names a neighbour", dpo)
    assert redaction.at is not None
    sar.set_redactions(request, by=dpo, marks={})
    assert not Redaction.objects.exists()
    assert [h.history_type for h in Redaction.history.order_by("history_id")] == ["+", "-"]
    assert Redaction.history.filter(history_type="-").get().history_user == dpo


def test_producing_the_pack_is_logged_and_recorded_on_the_request(case: Any, dpo: Any) -> None:
    request = sar.record_request(person=case.person, received_on=timezone.localdate(), by=dpo)
    sar.produce_pack(request, by=dpo, way=AccessLog.Way.PDF)
    request.refresh_from_db()
    assert request.status == SubjectAccessRequest.Status.PRODUCED
    assert request.produced_by == dpo and request.produced_at is not None
    log = AccessLog.objects.get(action=AccessLog.Action.DISCLOSURE)
    assert (log.user, log.way, log.record_label) == (dpo, AccessLog.Way.PDF, request.reference)
    assert list(ConsultedPerson.objects.filter(log=log).values_list("person_id", flat=True)) == [case.person.pk]


def test_a_closed_request_produces_nothing_more(case: Any, dpo: Any) -> None:
    request = sar.record_request(person=case.person, received_on=timezone.localdate(), by=dpo)
    sar.produce_pack(request, by=dpo, way=AccessLog.Way.PDF)
    sar.close_request(request, by=dpo)
    with pytest.raises(sar.SubjectAccessError):
        sar.produce_pack(request, by=dpo, way=AccessLog.Way.PDF)
    with pytest.raises(sar.SubjectAccessError):
        sar.set_redactions(request, by=dpo, marks={"x": "y"})
    assert AccessLog.objects.filter(action=AccessLog.Action.DISCLOSURE).count() == 1
