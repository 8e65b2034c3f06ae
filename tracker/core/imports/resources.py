"""The base of every importable resource."""

from __future__ import annotations

from typing import Any

from tracker.core.exports import SafeExportResource
from tracker.core.models import User


class TrackerResource(SafeExportResource):
    """Imports record the acting user in history, run model validation on every row,
    and leave rows that would change nothing untouched."""

    def __init__(self, *, user: User | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.user = user

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def before_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        if self.user is not None:
            instance._history_user = self.user
        super().before_save_instance(instance, row, **kwargs)
