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
    from tracker.core.imports.running import RowImporter

# Makes a kind's RowImporter: (by=user, header=[columns]) -> RowImporter (see running.py).
MakeImporter = Callable[..., "RowImporter[Any]"]


@dataclass(frozen=True)
class ImportKind:
    slug: str
    label: str
    # The export layout (and the columns an export writes back).
    resource_class: type[resources.ModelResource]
    # Checks and writes the rows of a file, through the kind's services.
    importer: MakeImporter
    roles: frozenset[Role]
    description: str = ""
    # Columns a file must have; any other column is refused as unknown.
    required_columns: tuple[str, ...] = ()
    optional_columns: tuple[str, ...] = ()
    # Columns an export adds for people to read (names beside the keys the import
    # uses); a file may keep them, and the import ignores them.
    export_only_columns: tuple[str, ...] = ()
    example: str = ""  # a file under fixtures/ to show the layout
    exportable: bool = True
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

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
