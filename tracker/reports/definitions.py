"""'About these figures': what the definitions page needs besides its prose
(templates/reports/sections/about_body.html): the suppression threshold, the rule
for slots that stand out, and when the imported data last changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import CharField, Max, Value
from django.utils import timezone

from tracker.assaults.models import AssaultIncident, WorkforcePeriod
from tracker.reports import pattern
from tracker.reports.suppression import threshold

# The import kinds behind the assault figures (tracker/assaults/imports.py), as the
# definitions page names them.
IMPORTED = {"incidents": "Assault incidents", "workforce": "Workforce figures"}


def last_imported() -> dict[str, datetime | None]:
    """When each kind's records last changed, in one query; None if never. Every
    write records history (imports from the upload page and from the command line
    alike), so the latest history entry is the latest import or correction."""

    def latest(model: Any, kind: str) -> Any:
        return (
            model.history.model.objects.order_by()
            .annotate(kind=Value(kind, output_field=CharField()))
            .values("kind")
            .annotate(last=Max("history_date"))
            .values_list("kind", "last")
            .order_by()
        )

    rows = latest(AssaultIncident, "incidents").union(latest(WorkforcePeriod, "workforce"), all=True).order_by()
    found = dict(rows)
    return {kind: found.get(kind) for kind in IMPORTED}


def about_context() -> dict[str, Any]:
    """The context the definitions need (one query)."""
    imported = last_imported()
    return {
        "about": {
            "threshold": threshold(),
            "smallest_hidden": 1,
            "largest_hidden": threshold() - 1,
            "stands_out": pattern.STANDS_OUT_WORDS,
            "hours_from_days": pattern.HOURS_FROM_DAYS,
            "imports": [
                {"label": label, "at": timezone.localtime(at) if at is not None else None}
                for kind, label in IMPORTED.items()
                for at in [imported[kind]]
            ],
        }
    }
