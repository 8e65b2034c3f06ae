"""The scheduled emails: the weekly digest, the 10-working-day reminder and the
DPO's daily email, each once however often the schedule runs; the digest in a
bounded number of queries; the retry duty; working days."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from interventions.models import Referral
from partners import services
from tests.notifications.conftest import sent
from tests.partners.conftest import local
from tracker.core.working_days import add_working_days
from tracker.dataprotection.notices import send_daily
from tracker.dataprotection.subject_access import record_request
from tracker.notifications import digest
from tracker.notifications.duties import retry_notifications
from tracker.notifications.models import Kind, OutboxEmail

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 6, 8, 7, 5, tzinfo=LONDON)


def officer_work(officer: Any, make_engagement: Any, make_group: Any, make_partnership: Any) -> dict[str, Any]:
    """For `officer`: a follow-up overdue, one not yet due, reviews overdue, due in 14
    days and later, and engagements this week and next."""
    group = make_group()
    old = make_engagement(groups=[group], starts_at=local(2026, 5, 1, 10), lead_officer=officer)
    add = services.add_follow_up
    add(old, by=officer, expected_version=old.version, description="Call Mrs Smith", owner=officer,
        due_on=date(2026, 6, 1))  # fmt: skip
    add(old, by=officer, expected_version=old.version, description="Later", owner=officer, due_on=date(2026, 6, 20))
    reviews = {}
    for name, when in (("late", date(2026, 5, 1)), ("soon", date(2026, 6, 20)), ("far", date(2026, 7, 1))):
        partnership = make_partnership("signed_up")
        services.update_partnership(
            partnership,
            by=officer,
            expected_version=partnership.version,
            changes={"next_review_on": when, "lead_officer": officer},
        )
        reviews[name] = partnership
    this = make_engagement(groups=[group], starts_at=local(2026, 6, 10, 18), lead_officer=officer)
    make_engagement(groups=[group], starts_at=local(2026, 6, 15, 18), lead_officer=officer)
    return {"old": old, "this": this, **reviews}


def test_the_weekly_digest_counts_and_links_an_officers_week(
    officer: Any, make_engagement: Any, make_group: Any, make_partnership: Any, board: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    work = officer_work(officer, make_engagement, make_group, make_partnership)
    with time_machine.travel(MONDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        digest.send_digests(MONDAY)
    [email] = mail.outbox
    assert email.to == ["officer@example.org"]
    assert email.subject == "Week of 8 June 2026: your week"
    body = email.body
    assert "Follow-up actions overdue: 1" in body
    assert f"- Engagement {work['old'].pk}: https://tracker.example.org/partners/engagements/{work['old'].pk}/" in body
    assert "Partnership reviews due within 14 days or overdue: 2" in body
    assert f"Partnership {work['late'].pk}:" in body and f"Partnership {work['soon'].pk}:" in body
    assert f"Partnership {work['far'].pk}:" not in body
    assert "Engagements you lead this week: 1" in body
    assert f"- Engagement {work['this'].pk}:" in body
    assert "Mrs Smith" not in body


def test_run_schedule_twice_sends_one_digest(
    officer: Any, make_engagement: Any, make_group: Any, make_partnership: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    officer_work(officer, make_engagement, make_group, make_partnership)
    with time_machine.travel(MONDAY, tick=False):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                call_command("run_schedule")
        # Two duties racing for the same week (the slot claimed twice by mistake): still one.
        with django_capture_on_commit_callbacks(execute=True):
            digest.send_digests(MONDAY)
    assert len(sent("your week")) == 1
    assert OutboxEmail.objects.filter(kind=Kind.WEEKLY_DIGEST).count() == 1


@pytest.mark.parametrize("officers", [2, 6])
def test_the_digest_duty_queries_do_not_grow_with_officers(
    officers: int, user_factory: Any, make_engagement: Any, make_group: Any, make_partnership: Any,
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    for _ in range(officers):
        officer_work(user_factory("partnership_officer"), make_engagement, make_group, make_partnership)
    # 1 officers, 4 sections (follow-up actions, reviews, engagements, 12-month
    # follow-ups), 1 who wants it, 1 keys already used, 1 insert, 1 the new rows' ids
    # (+ SQLite's savepoint around the insert)
    with time_machine.travel(MONDAY, tick=False), django_assert_max_num_queries(11):
        digest.send_digests(MONDAY)
    assert OutboxEmail.objects.filter(kind=Kind.WEEKLY_DIGEST).count() == officers


def test_a_referral_waiting_ten_working_days_reminds_the_liaisons_once(
    officer: Any, liaison: Any, colleague: Any, liaison2: Any, referral_factory: Callable[..., Referral],
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    with time_machine.travel(datetime(2026, 6, 1, 10, tzinfo=LONDON), tick=False):  # a Monday
        waiting = referral_factory("submitted")
        accepted = referral_factory("accepted")
    with time_machine.travel(datetime(2026, 6, 3, 10, tzinfo=LONDON), tick=False):
        later = referral_factory("submitted")
    mail.outbox.clear()
    # Friday 12 June: nine working days.
    with time_machine.travel(datetime(2026, 6, 12, 8, tzinfo=LONDON), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("run_schedule")
    assert sent("waiting") == []
    # Monday 15 June: ten. Run twice, and on the next day: once each.
    for day in (15, 15, 16):
        with time_machine.travel(datetime(2026, 6, day, 8, tzinfo=LONDON), tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                call_command("run_schedule")
    reminders = sent("waiting")
    assert sorted(m.to[0] for m in reminders) == ["colleague@example.org", "liaison@example.org"]
    assert {m.subject for m in reminders} == {f"{waiting.reference}: referral waiting 10 working days"}
    assert not sent(f"{accepted.reference}: referral waiting")
    # Wednesday 17 June: the referral submitted on the 3rd falls due.
    with time_machine.travel(datetime(2026, 6, 17, 8, tzinfo=LONDON), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("run_schedule")
    assert len(sent(f"{later.reference}: referral waiting")) == 2


def test_the_dpo_gets_one_email_a_day_when_something_is_due(
    user_factory: Any, offender_factory: Any, officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dpo = user_factory("data_protection_officer", username="dpo")
    with time_machine.travel(datetime(2026, 6, 8, 7, 10, tzinfo=LONDON), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert send_daily(MONDAY) == "Nothing due: no email."
        request = record_request(person=offender_factory(), received_on=date(2026, 5, 12), by=dpo)
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                send_daily(MONDAY)
    [email] = mail.outbox
    assert email.to == ["dpo@example.org"]
    assert email.subject == "08 Jun 2026: data protection work due"
    assert "Subject access requests due within 7 days or overdue: 1" in email.body
    assert f"{request.reference}, due 12 Jun 2026" in email.body


def test_the_retry_duty_enqueues_only_rows_due_and_over_a_minute_old(
    officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(datetime(2026, 6, 8, 9, tzinfo=LONDON), tick=False):
        lost = OutboxEmail.objects.create(recipient=officer, kind=Kind.REFERRAL_ACCEPTED, reference="R00001", path="/")
    with time_machine.travel(datetime(2026, 6, 8, 9, 0, 30, tzinfo=LONDON), tick=False):
        fresh = OutboxEmail.objects.create(recipient=officer, kind=Kind.REFERRAL_ACCEPTED, reference="R00002", path="/")
        retry_notifications(MONDAY)
        assert mail.outbox == []  # the lost one is not a minute old yet
    with time_machine.travel(datetime(2026, 6, 8, 9, 1, 10, tzinfo=LONDON), tick=False):
        retry_notifications(MONDAY)
    assert [m.subject for m in mail.outbox] == ["R00001: referral accepted"]
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert (lost.status, fresh.status) == ("sent", "pending")


def test_working_days_skip_weekends() -> None:
    friday = date(2026, 6, 12)
    assert add_working_days(friday, 1) == date(2026, 6, 15)
    assert add_working_days(date(2026, 6, 1), 10) == date(2026, 6, 15)
    assert add_working_days(date(2026, 6, 15), -10) == date(2026, 6, 1)
    assert add_working_days(date(2026, 6, 13), -1) == friday
