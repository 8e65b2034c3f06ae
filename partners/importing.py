"""The strand's import kinds (issue 6): venues from the licensed-premises register,
community groups and engagements. Each contributes its columns and a RowImporter
to core's one runner (tracker/core/imports/running.py): rows are checked with the
shared cell parsers against names looked up once per file or per batch, writing
nothing, then written through the services in partners/services.py: venues in
bulk (`upsert_venues`), groups and engagements one by one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.db.models.functions import Lower

from partners import services
from partners.models import CampaignMaterial, CommunityGroup, Engagement, EngagementKind, Venue
from partners.resources import EngagementResource, GroupResource, VenueResource
from tracker.core import validation
from tracker.core.imports import cells, registry
from tracker.core.imports.running import ImportOutcome, Problems, Row, RowImporter
from tracker.core.models import Area, User
from tracker.core.permissions import PARTNERS

VENUE_COLUMNS = ("licence_number", "name", "address", "postcode", "area", "kind")
VENUE_OPTIONAL = ("latest_licensed_hour", "operator")
GROUP_COLUMNS = ("name", "kind", "area")
GROUP_OPTIONAL = ("active",)
ENGAGEMENT_COLUMNS = ("starts_at", "kind", "lead_officer", "area")
ENGAGEMENT_OPTIONAL = ("id", "groups", "venues", "attendance", "summary", "materials")
# Written by an export for people to read and ignored by the import, which links the
# officer by `lead_officer` (username) and venues by `venues` (licence numbers).
ENGAGEMENT_FOR_READING = ("lead_officer_name", "venue_names")
Raw = dict[str, Any]
# A checked row: the stored record it updates (None for a new one) and its values.
Matched = tuple[Any, dict[str, Any]]


def _max_length(model: type[Model], name: str) -> int | None:
    return getattr(model._meta.get_field(name), "max_length", None)


def _by_key(queryset: QuerySet[Any], field: str, keys: Iterable[str]) -> list[Any]:
    """The records whose `field` is one of `keys`, in any letter case: one query."""
    wanted = {k.lower() for k in keys}
    return list(queryset.annotate(_key=Lower(field)).filter(_key__in=wanted)) if wanted else []


def _model_rules(instance: Model, row: Row, columns: dict[str, str], exclude: Iterable[str]) -> None:
    """The model's own field rules (as the services' full_clean applies them),
    without a query: relations were looked up already and are excluded. Only for
    a row whose cells all read, so that a problem is not named twice."""
    if not row.ok:
        return
    try:
        instance.clean_fields(exclude=list(exclude))
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            row.fail(columns.get(name, name), " ".join(messages))


# Venues ---------------------------------------------------------------------------


class VenueImporter(RowImporter[dict[str, Any]]):
    """The register: checked values by attname, written in bulk by `upsert_venues`."""

    key_column = "licence_number"

    def __init__(self, *, by: User | None, header: list[str]):
        super().__init__(by=by, header=header)
        self.areas = cells.Names(Area.objects.all(), what="area")
        self.lengths = {name: _max_length(Venue, name) for name in ("licence_number", "name", "operator")}

    def check_batch(self, rows: list[tuple[int, Raw]], problems: Problems) -> list[tuple[int, dict[str, Any]]]:
        good = []
        for number, raw in rows:
            row = Row(number, raw, problems)
            values: dict[str, Any] = {
                "licence_number": row.text("licence_number", max_length=self.lengths["licence_number"]),
                "name": row.text("name", max_length=self.lengths["name"]),
                "address": row.text("address"),
                "postcode": row.cell("postcode", cells.postcode),
                "area_id": getattr(row.cell("area", self.areas), "pk", None),
                "kind": row.cell("kind", cells.choice, Venue.Kind, what="a kind of venue"),
            }
            if row.has("latest_licensed_hour"):
                values["latest_licensed_hour"] = row.cell("latest_licensed_hour", cells.a_time, required=False)
            if row.has("operator"):
                values["operator"] = row.text("operator", required=False, max_length=self.lengths["operator"])
            if row.ok:
                good.append((number, values))
        return good

    def key(self, raw: Raw) -> str | None:
        return cells.text(raw.get("licence_number")).lower() or None

    def write_batch(self, rows: list[tuple[int, dict[str, Any]]], outcome: ImportOutcome, *, write: bool) -> None:
        counts = services.upsert_venues([values for _, values in rows], by=self.by, write=write)
        outcome.new += counts.new
        outcome.updated += counts.updated
        outcome.unchanged += counts.unchanged


# Community groups -------------------------------------------------------------------


class GroupImporter(RowImporter[Matched]):
    """Groups matched on name, whatever its case (a row can correct the capitals)."""

    key_column = "name"

    def __init__(self, *, by: User | None, header: list[str]):
        super().__init__(by=by, header=header)
        self.areas = cells.Names(Area.objects.all(), what="area")

    def check_batch(self, rows: list[tuple[int, Raw]], problems: Problems) -> list[tuple[int, Matched]]:
        names = (cells.text(raw.get("name")) for _, raw in rows)
        stored = {g.name.casefold(): g for g in _by_key(CommunityGroup.objects.all(), "name", names)}
        good = []
        for number, raw in rows:
            row = Row(number, raw, problems)
            values: dict[str, Any] = {
                "name": row.text("name"),
                "kind": row.cell("kind", cells.choice, CommunityGroup.Kind, what="a kind of group"),
                "area": row.cell("area", self.areas),
            }
            if row.has("active"):
                values["active"] = row.cell("active", cells.yes_no)
            _model_rules(CommunityGroup(**values), row, {}, exclude=["area"])
            if row.ok:
                good.append((number, (stored.get(values["name"].casefold()), values)))
        return good

    def key(self, raw: Raw) -> str | None:
        return cells.text(raw.get("name")).casefold() or None

    def write_batch(self, rows: list[tuple[int, Matched]], outcome: ImportOutcome, *, write: bool) -> None:
        for _, (group, values) in rows:
            if group is None:
                outcome.new += 1
                if write:
                    # by is None for `import_data` run without --user; the history then names nobody.
                    services.create_group(by=self.by, **values)  # type: ignore[arg-type]
                continue
            changes = {name: value for name, value in values.items() if getattr(group, name) != value}
            if not changes:
                outcome.unchanged += 1
                continue
            outcome.updated += 1
            if write:
                # by is None for `import_data` run without --user; the history then names nobody.
                services.update_group(group, by=self.by, expected_version=group.version, changes=changes)  # type: ignore[arg-type]


# Engagements ----------------------------------------------------------------------


def _materials(value: Any, known: cells.Names[CampaignMaterial]) -> dict[CampaignMaterial, int]:
    """ "Posters: 40; Leaflets: 100" → {material: quantity}."""
    lines: dict[CampaignMaterial, int] = {}
    for part in cells.separated(value):
        name, sep, quantity = part.rpartition(":")
        name = name.strip()
        if not sep or not name:
            raise cells.CellError(f"Write each material as 'name: quantity', not “{part[:50]}”.")
        material = known(name)
        if material in lines:
            raise cells.CellError(f"“{name[:50]}” appears twice.")
        try:
            lines[material] = cells.whole_number(quantity.strip(), validation.QUANTITY)
        except cells.CellError as error:
            raise cells.CellError(f"{material.name}: {error.message}") from None
    return lines


class EngagementImporter(RowImporter[Matched]):
    """Rows with an `id` from an export update that engagement; rows without add one.
    Groups (by name), venues (by licence number) and materials must already exist."""

    key_column = "id"

    def __init__(self, *, by: User | None, header: list[str]):
        super().__init__(by=by, header=header)
        self.areas = cells.Names(Area.objects.all(), what="area")
        self.kinds = cells.Names(EngagementKind.objects.all(), what="engagement kind")
        self.materials = cells.Names(CampaignMaterial.objects.all(), what="campaign material")

    def _lookups(self, rows: list[tuple[int, Raw]]) -> tuple[Any, ...]:
        """The users, groups, venues and engagements one batch names: a handful of queries."""
        column = {c: [cells.text(raw.get(c)) for _, raw in rows] for c in ("lead_officer", "groups", "venues", "id")}
        named = {c: [n for v in column[c] for n in cells.separated(v)] for c in ("groups", "venues")}
        officers = _by_key(User.objects.all(), "username", column["lead_officer"])
        users = cells.Names(officers, what="user", key="username")
        groups = cells.Names(_by_key(CommunityGroup.objects.all(), "name", named["groups"]), what="community group")
        venues = cells.Names(
            _by_key(Venue.objects.all(), "licence_number", named["venues"]),
            what="venue with licence number",
            key="licence_number",
        )
        ids = [int(v) for v in column["id"] if v.isdigit() and len(v) < 12]
        stored = (
            Engagement.objects.filter(pk__in=ids)
            .select_related("kind", "lead_officer", "area")
            .prefetch_related("groups", "venues", "materials__material")
        )
        return users, groups, venues, {str(e.pk): e for e in stored}

    def check_batch(self, rows: list[tuple[int, Raw]], problems: Problems) -> list[tuple[int, Matched]]:
        users, groups, venues, stored = self._lookups(rows)
        good = []
        for number, raw in rows:
            row = Row(number, raw, problems)
            engagement = self._stored(row, stored)
            values: dict[str, Any] = {
                "starts_at": row.cell("starts_at", cells.a_date_time, validation.ENGAGEMENT_DATE),
                "kind": row.cell("kind", self.kinds),
                "lead_officer": row.cell("lead_officer", users),
                "area": row.cell("area", self.areas),
            }
            for column, names in (("groups", groups), ("venues", venues)):
                if row.has(column):
                    values[column] = row.cell(column, names.many, required=False) or []
            if row.has("attendance"):
                values["attendance"] = row.cell("attendance", cells.whole_number, validation.ATTENDANCE, required=False)
            if row.has("summary"):
                values["summary"] = row.text("summary", required=False)
            if row.has("materials"):
                values["materials"] = row.cell("materials", _materials, self.materials, required=False) or {}
            self._links(row, engagement, values)
            fields = {k: v for k, v in values.items() if k in ("starts_at", "attendance", "summary")}
            _model_rules(Engagement(**fields), row, {}, exclude=["kind", "lead_officer", "area", "version"])
            if row.ok:
                good.append((number, (engagement, values)))
        return good

    @staticmethod
    def _stored(row: Row, stored: dict[str, Engagement]) -> Engagement | None:
        key = row.text("id", required=False)
        if not key:
            return None
        found = stored.get(key)
        if found is None:
            if key.isdigit():
                row.fail("id", f"No engagement {key}: leave the id blank to add a new one.")
            else:
                row.fail("id", "The id must be a number from an export, or blank for a new engagement.")
        return found

    @staticmethod
    def _links(row: Row, engagement: Engagement | None, values: dict[str, Any]) -> None:
        linked = [
            values[name] if name in values else (list(getattr(engagement, name).all()) if engagement else [])
            for name in ("groups", "venues")
        ]
        if row.ok and not any(linked):
            row.fail("groups", "Give at least one community group or venue.")

    def key(self, raw: Raw) -> str | None:
        return cells.text(raw.get("id")) or None

    def write_batch(self, rows: list[tuple[int, Matched]], outcome: ImportOutcome, *, write: bool) -> None:
        for _, (engagement, values) in rows:
            materials = values.pop("materials", None)
            if engagement is None:
                outcome.new += 1
                if write:
                    # by is None for `import_data` run without --user; the history then names nobody.
                    services.create_engagement(by=self.by, materials=materials, **values)  # type: ignore[arg-type]
                continue
            changes = _engagement_changes(engagement, values)
            current = {line.material: line.quantity for line in engagement.materials.all()}
            if materials is not None and {m: q for m, q in materials.items() if q} != current:
                # Materials missing from the cell are removed: the cell is the whole list.
                materials = {material: 0 for material in current} | materials
            else:
                materials = None
            if not changes and materials is None:
                outcome.unchanged += 1
                continue
            outcome.updated += 1
            if write:
                services.update_engagement(
                    engagement,
                    # by is None for `import_data` run without --user; the history then names nobody.
                    by=self.by,  # type: ignore[arg-type]
                    expected_version=engagement.version,
                    changes=changes,
                    materials=materials,
                )


def _engagement_changes(engagement: Engagement, values: dict[str, Any]) -> dict[str, Any]:
    changes = {}
    for name, value in values.items():
        if name in ("groups", "venues"):
            if {r.pk for r in getattr(engagement, name).all()} != {r.pk for r in value}:
                changes[name] = value
        elif getattr(engagement, name) != value:
            changes[name] = value
    return changes


KINDS = (
    registry.ImportKind(
        slug="venues",
        label="Venues (licensed-premises register)",
        resource_class=VenueResource,
        importer=VenueImporter,
        roles=PARTNERS,
        description="Licensed premises, matched on premises licence number: new numbers are added, known ones updated.",
        required_columns=VENUE_COLUMNS,
        optional_columns=VENUE_OPTIONAL,
        example="fixtures/venues-example.csv",
    ),
    registry.ImportKind(
        slug="community-groups",
        label="Community groups",
        resource_class=GroupResource,
        importer=GroupImporter,
        roles=PARTNERS,
        description="Community groups, matched on name: new names are added, known ones updated.",
        required_columns=GROUP_COLUMNS,
        optional_columns=GROUP_OPTIONAL,
        example="fixtures/community-groups-example.csv",
    ),
    registry.ImportKind(
        slug="engagements",
        label="Engagements",
        resource_class=EngagementResource,
        importer=EngagementImporter,
        roles=PARTNERS,
        description="Meetings, visits and events with their groups (by name), venues (by licence number) "
        "and materials. Rows with an id from an export update that engagement; rows without add one.",
        required_columns=ENGAGEMENT_COLUMNS,
        optional_columns=ENGAGEMENT_OPTIONAL,
        export_only_columns=ENGAGEMENT_FOR_READING,
        example="fixtures/engagements-example.csv",
    ),
)


def register_kinds() -> None:
    for kind in KINDS:
        registry.register(kind)
