"""No personal data in any email: for every kind, neither subject nor body holds the
person's names, date of birth (in any usual format), case reference, or any note,
concern or comment written about them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from interventions import services
from interventions.models import FollowUp, Offender, ReasonCode, Referral
from tracker.dataprotection.subject_access import record_request
from tracker.notifications.models import RULES

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
PRINT = False
BIRTH = date(1987, 3, 14)
SECRETS = [
    "Zebedee",
    "Quartermaine",
    "QX-778812",
    "1987-03-14",
    "14/03/1987",
    "14/3/1987",
    "14.03.1987",
    "14 Mar 1987",
    "14 March 1987",
    "March 14, 1987",
    "19870314",
    "Referral note text",
    "Concern note text",
    "Session note text",
    "Decline note text",
    "Withdraw note text",
    "Outcome comment text",
    "SAR note text",
]


def test_no_email_of_any_kind_carries_personal_data(
    officer: Any,
    liaison: Any,
    colleague: Any,
    user_factory: Any,
    offender_factory: Callable[..., Offender],
    referral_factory: Callable[..., Referral],
    django_capture_on_commit_callbacks: Any,
) -> None:
    dpo = user_factory("data_protection_officer", username="dpo")
    person = offender_factory(
        first_name="Zebedee", last_name="Quartermaine", date_of_birth=BIRTH, case_reference="QX-778812"
    )
    reason = ReasonCode.objects.create(name="Not eligible", group=ReasonCode.Group.PERSON)
    with time_machine.travel(datetime(2026, 6, 1, 10, tzinfo=LONDON), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            declined = referral_factory("draft", offender=person, notes="Referral note text")
            services.submit(declined, by=officer, expected_version=declined.version, note="Referral note text")
            services.decline(
                declined, by=liaison, expected_version=declined.version, reason=reason, note="Decline note text"
            )
            withdrawn = referral_factory("submitted", offender=person, notes="Referral note text")
            services.withdraw(
                withdrawn, by=liaison, expected_version=withdrawn.version, reason=reason, note="Withdraw note text"
            )
            waiting = referral_factory("submitted", offender=person, notes="Referral note text")
            done = referral_factory("started", offender=person, notes="Referral note text")
            services.record_session(
                done,
                by=colleague,
                scheduled_on=date(2026, 5, 20),
                happened=True,
                attendance="attended",
                concern=True,
                concern_note="Concern note text",
                notes="Session note text",
            )
            ratings = {t.pk: ("achieved", "Outcome comment text") for t in done.programme.desired_outcomes.all()}
            services.complete(
                done, by=liaison, expected_version=done.version, ratings=ratings, confirm_fewer_sessions=True
            )
            FollowUp.objects.filter(referral=done).update(due=date(2026, 5, 1))
            record_request(person=person, received_on=date(2026, 5, 20), by=dpo, notes="SAR note text")
    # The scheduled kinds: the reminder (10 working days on), the digest and the DPO's email.
    with time_machine.travel(datetime(2026, 6, 15, 7, 45, tzinfo=LONDON), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("run_schedule")
    assert waiting.status == "submitted"
    subjects = {message.subject.split(": ", 1)[1] for message in mail.outbox}
    assert subjects == {rules.subject for rules in RULES.values()}, "every kind was sent"
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        for secret in SECRETS:
            assert secret.lower() not in text.lower(), (secret, message.subject)
    if PRINT:
        print("\n\n".join(f"{m.subject}\n{m.body}" for m in mail.outbox))
