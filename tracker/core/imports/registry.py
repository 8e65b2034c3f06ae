"""The kinds of file that can be imported. Each app registers its kinds in its
AppConfig.ready(), so core knows no strand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from import_export import resources

from tracker.core.models import User
from tracker.core.roles import Role

if TYPE_CHECKING:
    from tracker.core.imports.running import ImportOutcome

# A bulk importer: (rows, by=user, dry_run=bool) -> ImportOutcome. It must check every
# row before writing and write nothing if any row is bad.
BulkRunner = Callable[..., "ImportOutcome"]


@dataclass(frozen=True)
class ImportKind:
    slug: str
    label: str
    resource_class: type[resources.ModelResource]
    roles: frozenset[Role]
    description: str = ""
    # Columns a file must have; any other column is refused as unknown.
    required_columns: tuple[str, ...] = ()
    optional_columns: tuple[str, ...] = ()
    example: str = ""  # a file under fixtures/ to show the layout
    exportable: bool = True
    # For kinds whose files are large: used instead of the resource's row-by-row import.
    runner: BulkRunner | None = None
    # A runner that checks the file by a trial write rolled back (one transaction), as
    # the row-by-row import does: its files are capped at IMPORT_MAX_ROWS_SHORT_KINDS.
    trial_write: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def short_files(self) -> bool:
        return self.runner is None or self.trial_write

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required_columns + self.optional_columns

    def resource(self, *, user: User | None) -> resources.ModelResource:
        return self.resource_class(user=user)


_kinds: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> None:
    _kinds[kind.slug] = kind


def get(slug: str) -> ImportKind | None:
    return _kinds.get(slug)


def all_kinds() -> list[ImportKind]:
    return sorted(_kinds.values(), key=lambda k: k.label)


def kinds_for(user: User) -> list[ImportKind]:
    return [kind for kind in all_kinds() if user.has_role(*kind.roles)]
