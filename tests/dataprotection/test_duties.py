"""The daily `data_protection_duties` command (issue #14): it purges referral drafts
never submitted once DRAFT_RETENTION_DAYS old, through the service (a history row
records each), and a second run changes nothing more."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from interventions.models import Referral
from tests.interventions.conftest import (  # noqa: F401 - fixtures
    offender_factory,
    outcome_types,
    programme,
    reason,
    referral_factory,
)

pytestmark = pytest.mark.django_db


def run() -> str:
    out = io.StringIO()
    call_command("data_protection_duties", stdout=out)
    return out.getvalue()


def test_a_draft_older_than_90_days_is_gone_and_a_second_run_changes_nothing(referral_factory: Any) -> None:
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=91), tick=False):
        old_draft = referral_factory("draft", notes="Lives with his cousin Evangeline")
        old_submitted = referral_factory("submitted")
    with time_machine.travel(now - timedelta(days=89), tick=False):
        recent_draft = referral_factory("draft")

    first = run()

    assert "Purged 1 referral draft(s)" in first
    assert not Referral.objects.filter(pk=old_draft.pk).exists()
    assert set(Referral.objects.values_list("pk", flat=True)) == {old_submitted.pk, recent_draft.pk}
    # The purge is in the draft's history (who made it, that it went), without its notes.
    rows = list(Referral.history.filter(id=old_draft.pk).order_by("history_date", "history_id"))
    assert [r.history_type for r in rows][-1] == "-"
    assert {r.notes for r in rows} == {""}

    tables_before = (Referral.objects.count(), Referral.history.count())
    second = run()
    assert "Purged 0 referral draft(s)" in second
    assert (Referral.objects.count(), Referral.history.count()) == tables_before


def test_the_command_reports_every_duty(referral_factory: Any) -> None:
    output = run()
    assert "purge drafts:" in output
    assert "delete refused imports: Deleted 0 refused upload file(s) older than 7 days." in output
    assert "list reviews due: 0 retention review(s) due" in output


def test_the_draft_retention_is_configurable(referral_factory: Any, settings: Any) -> None:
    settings.DRAFT_RETENTION_DAYS = 10
    with time_machine.travel(timezone.now() - timedelta(days=11), tick=False):
        draft = referral_factory("draft")
    assert "Purged 1" in run()
    assert not Referral.objects.filter(pk=draft.pk).exists()


def test_the_command_prunes_the_log_and_flags_yesterdays_unusual_volume(
    liaison: Any, referral_factory: Any, settings: Any
) -> None:
    from tracker.core.access_log import log_access
    from tracker.core.models import AccessLog
    from tracker.dataprotection.models import UnusualVolumeFlag

    settings.ACCESS_LOG_DAILY_PEOPLE_THRESHOLD = 2
    now = timezone.now()
    people = [referral_factory("submitted") for _ in range(3)]
    with time_machine.travel(now - timedelta(days=1), tick=False):
        log_access(liaison, people, action=AccessLog.Action.LIST)
    with time_machine.travel(now - timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS + 1), tick=False):
        ancient = log_access(liaison, people[:1], action=AccessLog.Action.VIEW)

    first = run()

    assert "prune the consultation log: Pruned 1 consultation-log row(s)" in first
    assert not AccessLog.objects.filter(pk=ancient.pk).exists()
    assert "flag unusual volume: 1 user(s) viewed more than 2 people" in first
    flag = UnusualVolumeFlag.objects.get()
    assert (flag.user, flag.people, flag.day) == (liaison, 3, timezone.localdate(now) - timedelta(days=1))

    second = run()
    assert "Pruned 0 consultation-log row(s)" in second
    assert UnusualVolumeFlag.objects.count() == 1
    assert AccessLog.objects.count() == 1
