"""The "incidents" and "workforce" import kinds: files read by core's import
machinery, checked and written by the bulk services, all or nothing."""

from __future__ import annotations

from tracker.core.imports.reading import RowSource
from tracker.core.imports.registry import ImportKind, register
from tracker.core.imports.running import ImportOutcome
from tracker.core.models import User
from tracker.reports.permissions import FIGURE_IMPORTERS
from tracker.reports.resources import IncidentResource, WorkforceResource
from tracker.reports.services import (
    INCIDENT_FIELDS,
    WORKFORCE_FIELDS,
    FiguresDataError,
    upsert_incidents,
    upsert_workforce_periods,
)


def import_incidents(table: RowSource, *, by: User | None, dry_run: bool) -> ImportOutcome:
    """The bulk runner for assault incident files."""
    try:
        return upsert_incidents(table, by=by, dry_run=dry_run)
    except FiguresDataError as refused:
        return ImportOutcome(rows=len(table), errors=refused.errors)


def import_workforce(table: RowSource, *, by: User | None, dry_run: bool) -> ImportOutcome:
    """The bulk runner for workforce files."""
    try:
        return upsert_workforce_periods(table, by=by, dry_run=dry_run)
    except FiguresDataError as refused:
        return ImportOutcome(rows=len(table), errors=refused.errors)


def register_kinds() -> None:
    register(
        ImportKind(
            slug="incidents",
            label="Assault incidents",
            resource_class=IncidentResource,
            roles=FIGURE_IMPORTERS,
            description=(
                "Assaults on on-duty personnel from the force's crime system, one row per offence. "
                "A reference already stored is updated. They feed the board report's assault figures."
            ),
            required_columns=INCIDENT_FIELDS,
            example="fixtures/incidents-example.csv",
            runner=import_incidents,
        )
    )
    register(
        ImportKind(
            slug="workforce",
            label="Workforce figures",
            resource_class=WorkforceResource,
            roles=FIGURE_IMPORTERS,
            description=(
                "Officers and police staff in post for each period (periods may not overlap); "
                "the board report's 'officers for each assault'."
            ),
            required_columns=WORKFORCE_FIELDS,
            example="fixtures/workforce-example.csv",
            runner=import_workforce,
        )
    )
