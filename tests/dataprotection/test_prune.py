"""The log keeps its rows ACCESS_LOG_RETENTION_DAYS (default seven years); the daily
duties prune older ones, and a second run deletes nothing more."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from interventions.models import Offender
from tests.dataprotection.conftest import local
from tracker.core.models import AccessLog, ConsultedPerson
from tracker.dataprotection import consultations
from tracker.dataprotection.consultations import prune_access_log
from tracker.dataprotection.models import UnusualVolumeFlag

pytestmark = pytest.mark.django_db
NOW = local(2026, 12, 1, 3, 0)


def test_the_default_retention_is_seven_years() -> None:
    from django.conf import settings

    assert settings.ACCESS_LOG_RETENTION_DAYS == 2557


def test_rows_older_than_the_retention_are_pruned_with_their_people(
    liaison: Any, people: list[Offender], logged: Callable[..., AccessLog]
) -> None:
    cutoff = NOW - timedelta(days=2557)
    old = logged(liaison, people, at=cutoff - timedelta(seconds=1))
    older = logged(liaison, [people[0]], at=cutoff - timedelta(days=400))
    kept = logged(liaison, people[:2], at=cutoff)
    recent = logged(liaison, [people[2]], at=NOW - timedelta(days=1))
    assert prune_access_log(NOW) == 2
    assert set(AccessLog.objects.all()) == {kept, recent}
    assert not ConsultedPerson.objects.filter(log_id__in=[old.pk, older.pk]).exists()
    assert ConsultedPerson.objects.count() == 3
    assert prune_access_log(NOW) == 0
    assert set(AccessLog.objects.all()) == {kept, recent}


def test_the_retention_is_a_setting_and_pruning_goes_in_batches(
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    liaison: Any,
    people: list[Offender],
    logged: Callable[..., AccessLog],
) -> None:
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    monkeypatch.setattr(consultations, "PRUNE_BATCH", 2)
    for days in (31, 32, 33, 34, 35):
        logged(liaison, [people[0]], at=NOW - timedelta(days=days))
    recent = logged(liaison, [people[0]], at=NOW - timedelta(days=29))
    assert prune_access_log(NOW) == 5
    assert list(AccessLog.objects.all()) == [recent]


def test_volume_flags_of_pruned_days_go_too(settings: Any, liaison: Any) -> None:
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    old = UnusualVolumeFlag.objects.create(day=date(2026, 10, 30), user=liaison, people=60, threshold=50)
    kept = UnusualVolumeFlag.objects.create(day=date(2026, 11, 1), user=liaison, people=60, threshold=50)
    prune_access_log(NOW)
    assert list(UnusualVolumeFlag.objects.all()) == [kept]
    assert not UnusualVolumeFlag.objects.filter(pk=old.pk).exists()
