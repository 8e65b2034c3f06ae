"""The migration that converts the consultation log's old rows (one per record,
case references in the labels) to the one-row-per-request shape."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps

from interventions.models import Referral
from tracker.core.models import AccessLog

pytestmark = pytest.mark.django_db
migration = importlib.import_module("interventions.migrations.0009_access_log_rows_name_people")


def test_old_rows_name_their_person_and_lose_the_case_reference(
    referral_factory: Callable[..., Referral], liaison: Any
) -> None:
    referral = referral_factory("submitted")
    person = referral.offender
    # As the old log_access wrote them (before core 0010: no people, labels with references).
    old = AccessLog.objects.bulk_create(
        [
            AccessLog(user=liaison, action="view", record_type="offender", record_id=person.pk,
                      record_label=person.case_reference),
            AccessLog(user=liaison, action="api", record_type="referral", record_id=referral.pk,
                      record_label=f"{referral.reference} ({person.case_reference})"),
            AccessLog(user=liaison, action="report", record_type="referral", record_id=99999,
                      record_label="R99999 (GONE-1)"),
            AccessLog(user=liaison, action="view", record_type="communitygroup", record_id=7,
                      record_label="Riverside residents"),
        ]
    )  # fmt: skip
    migration.name_people_and_scrub_labels(apps, None)
    migration.name_people_and_scrub_labels(apps, None)  # a second run changes nothing
    rows = {r.pk: r for r in AccessLog.objects.prefetch_related("consulted")}

    def shape(row: AccessLog) -> tuple[str, str, int, list[int]]:
        return row.record_label, row.way, row.people, [c.person_id for c in row.consulted.all()]

    assert [shape(rows[r.pk]) for r in old] == [
        (f"Person {person.pk}", "page", 1, [person.pk]),
        (referral.reference, "api", 1, [person.pk]),
        ("R99999", "pdf", 0, []),
        ("Riverside residents", "page", 0, []),
    ]
    assert not AccessLog.objects.filter(record_label__contains=person.case_reference).exists()
    assert not AccessLog.objects.filter(record_label__contains="GONE-1").exists()
