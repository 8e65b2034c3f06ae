"""Assault incidents and workforce periods moved from the reports app to their own
(tracker.assaults) without moving their rows: a database migrated from before the
move keeps every incident, period and history row, and their content types follow."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reports", "0002_date_and_count_limits"), ("assaults", None)]


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_data_stored_before_the_move_is_kept_with_its_history_and_content_types() -> None:
    executor = _migrate(BEFORE)
    # The project as it was: every other app at its latest, reports before the move.
    nodes = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in {"reports", "assaults"}]
    old = executor.loader.project_state([*nodes, BEFORE[0]]).apps
    area = old.get_model("core", "Area").objects.create(name="Old Town")
    incident = old.get_model("reports", "AssaultIncident").objects.create(
        reference="OLD-1",
        occurred_at=datetime(2025, 5, 3, 1, 30, tzinfo=UTC),
        area=area,
        victim_role="pcso",
        injury=True,
        outcome="charged",
    )
    old.get_model("reports", "HistoricalAssaultIncident").objects.create(
        id=incident.pk,
        version=1,
        reference="OLD-1",
        occurred_at=incident.occurred_at,
        area=area,
        victim_role="pcso",
        injury=True,
        outcome="charged",
        history_date=incident.occurred_at,
        history_type="+",
    )
    old.get_model("reports", "WorkforcePeriod").objects.create(
        period_start=date(2025, 4, 1), period_end=date(2025, 6, 30), officers=2000, staff=1500
    )
    content_types = old.get_model("contenttypes", "ContentType").objects
    moved = content_types.get_or_create(app_label="reports", model="assaultincident")[0]

    _migrate(executor.loader.graph.leaf_nodes())

    from django.contrib.contenttypes.models import ContentType

    from tracker.assaults.models import AssaultIncident, WorkforcePeriod

    stored = AssaultIncident.objects.select_related("area").get(reference="OLD-1")
    assert (stored.area.name, stored.victim_role, stored.injury) == ("Old Town", "pcso", True)
    assert [h.history_type for h in stored.history.all()] == ["+"]
    assert WorkforcePeriod.objects.get().officers == 2000
    ContentType.objects.clear_cache()
    assert ContentType.objects.get(pk=moved.pk).app_label == "assaults"
    assert ContentType.objects.get_for_model(AssaultIncident).pk == moved.pk
