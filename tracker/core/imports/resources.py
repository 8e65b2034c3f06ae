"""The base of every importable resource."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker.core.exports import SafeExportResource
from tracker.core.models import User


class TrackerResource(SafeExportResource):
    """Imports record the acting user in history, run model validation on every row,
    and leave rows that would change nothing untouched."""

    def __init__(self, *, user: User | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.user = user
        # Told (rows done, rows in all) every thousand rows, for long files.
        self.progress: Callable[[int, int], None] | None = None
        self._rows_done = 0
        self._total_rows = 0

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def after_import_row(self, row: Any, row_result: Any, **kwargs: Any) -> None:
        super().after_import_row(row, row_result, **kwargs)
        self._rows_done += 1
        if self.progress is not None and self._rows_done % 1000 == 0:
            self.progress(self._rows_done, self._total_rows)

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        super().before_import(dataset, **kwargs)
        self._total_rows = len(dataset)

    def before_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        if self.user is not None:
            instance._history_user = self.user
        super().before_save_instance(instance, row, **kwargs)
