"""The "referrals" import kind: people with their referrals, from CSV or XLSX.

Every row is one referral. People are matched on case reference among the people
the importing user can see, preferring those of their own organisation's book, and
created in that book if none is found: a reference held only by people the user
cannot see gets exactly the answer an unused one gets (see querysets.offender_book);
programmes, areas and organisations by name; the victim's role by code. Rows are
created through the same services as the pages, so the rules (and the history,
recorded as the importing user) are the same. Only drafts and submitted referrals
are imported: a referral's lifecycle happens in the service, not in a file. A row
naming an existing referral (the `referral` column of an export) must match it
exactly and is counted unchanged, so an export re-imports without changing anything.
See docs/imports-interventions.md."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.functions import Upper
from import_export import fields

from tracker.core import validation
from tracker.core.access_log import consulted
from tracker.core.exports import IsoDateWidget, YesNoWidget
from tracker.core.imports import cells, registry
from tracker.core.imports.reading import RowError
from tracker.core.imports.resources import TrackerResource
from tracker.core.imports.running import ImportOutcome, Problems, RowImporter, RowsRefused
from tracker.core.imports.running import Row as ImportRow
from tracker.core.models import AccessLog, Area, Organisation, User
from tracker.core.roles import Role
from tracker.notifications.services import gathering

from . import notices, services
from .models import Offender, Programme, Referral, validate_case_reference, validate_date_of_birth

REQUIRED = (
    "case_reference", "first_name", "last_name", "date_of_birth", "programme", "offence_date", "area",
    "victim_role", "injury", "charged",
)  # fmt: skip
OPTIONAL = ("handling_organisation", "priority", "notes", "status", "referral")
FOR_READING = ("assigned_to",)
IMPORTED_STATUSES = ("draft", "submitted")
REFERENCE = re.compile(r"R(\d{1,12})", re.IGNORECASE)


class ReferralImportResource(TrackerResource):
    """The import layout, also used by `export_data referrals`: an export of it
    imports back with every row unchanged."""

    referral = fields.Field(attribute="reference", column_name="referral", readonly=True)
    case_reference = fields.Field(attribute="offender__case_reference", column_name="case_reference")
    first_name = fields.Field(attribute="offender__first_name", column_name="first_name")
    last_name = fields.Field(attribute="offender__last_name", column_name="last_name")
    date_of_birth = fields.Field(
        attribute="offender__date_of_birth", column_name="date_of_birth", widget=IsoDateWidget()
    )
    programme = fields.Field(attribute="programme__name", column_name="programme")
    offence_date = fields.Field(attribute="offence_date", column_name="offence_date", widget=IsoDateWidget())
    area = fields.Field(attribute="area__name", column_name="area")
    victim_role = fields.Field(attribute="victim_role", column_name="victim_role")
    injury = fields.Field(attribute="injury", column_name="injury", widget=YesNoWidget())
    charged = fields.Field(attribute="charged_under_act", column_name="charged", widget=YesNoWidget())
    handling_organisation = fields.Field(attribute="handling_organisation__name", column_name="handling_organisation")
    priority = fields.Field(attribute="priority", column_name="priority")
    notes = fields.Field(attribute="notes", column_name="notes")
    status = fields.Field(attribute="status", column_name="status")
    # For people to read; the import ignores it (assigning is done in the service).
    assigned_to = fields.Field(attribute="assigned_liaison", column_name="assigned_to", readonly=True)

    class Meta(TrackerResource.Meta):
        model = Referral
        fields = (*REQUIRED, *OPTIONAL, *FOR_READING)
        export_order = ("referral", *REQUIRED, "handling_organisation", "priority", "notes", "status", *FOR_READING)

    def dehydrate_assigned_to(self, referral: Referral) -> str:
        return str(referral.assigned_liaison or "")

    def get_queryset(self) -> Any:
        return Referral.objects.for_list().order_by("id")


# Reading one row --------------------------------------------------------------


@dataclass
class Row:
    number: int
    case_reference: str
    first_name: str
    last_name: str
    date_of_birth: date
    programme: Programme
    offence_date: date
    area: Area
    victim_role: str
    injury: bool
    charged: bool
    handling_organisation: Organisation
    priority: str
    notes: str
    status: str
    existing: Referral | None


class _Lookups:
    """Every name a file may use, read once per file (programmes, areas,
    organisations) or once per batch of rows (people, referrals): a handful of
    queries for every thousand rows."""

    def __init__(self, by: User):
        self.by = by
        self.programmes = cells.Names(Programme.objects.all(), what="programme")
        self.areas = cells.Names(Area.objects.all(), what="area")
        handling = Organisation.objects.filter(kind__in=[Organisation.Kind.PROBATION, Organisation.Kind.PRISON])
        self.organisations = {o.name.lower(): o for o in handling}
        self.people: dict[str, Offender] = {}
        self.ambiguous: set[str] = set()
        self.referrals: dict[int, Referral] = {}

    def load_batch(self, rows: list[tuple[int, dict[str, Any]]]) -> None:
        refs = {cells.text(r.get("case_reference")).upper() for _, r in rows} - {""}
        # Only people the importer can see: another organisation's reference must
        # behave exactly like an unused one (a new person in the importer's book).
        by = self.by
        visible = Offender.objects.visible_to(by).annotate(ref=Upper("case_reference")).filter(ref__in=refs)
        book = set(Offender.objects.in_book(by).filter(pk__in=visible.values("pk")).values_list("pk", flat=True))
        found: dict[str, list[Offender]] = {}
        for person in visible.order_by("pk"):
            found.setdefault(person.ref, []).append(person)
        # A reference is the person in the importer's own book, else the one person
        # elsewhere the importer sees with it; several are ambiguous (all visible).
        self.people, self.ambiguous = {}, set()
        for ref, people in found.items():
            candidates = [p for p in people if p.pk in book] or people
            if len(candidates) == 1:
                self.people[ref] = candidates[0]
            else:
                self.ambiguous.add(ref)
        numbers = [int(m.group(1)) for _, r in rows if (m := REFERENCE.fullmatch(cells.text(r.get("referral"))))]
        referrals = Referral.objects.visible_to(by).filter(pk__in=numbers)
        related = referrals.select_related("offender", "programme", "area", "handling_organisation")
        self.referrals = {r.pk: r for r in related}
        # The check compares each row with these people's records and says how they
        # differ: a consultation of every one of them (logged once for the request).
        consulted(
            people=[p.pk for people in found.values() for p in people] + [r.offender_id for r in related],
            action=AccessLog.Action.IMPORT,
            way=AccessLog.Way.IMPORT,
        )


def _read_row(row: ImportRow, lookups: _Lookups) -> Row | None:
    found: dict[str, Any] = {}
    raw = row.raw
    for column, limit in (("case_reference", 30), ("first_name", 100), ("last_name", 100)):
        found[column] = row.text(column, max_length=limit)
    found["date_of_birth"] = row.cell("date_of_birth", cells.a_date)
    # The same rule as the form and the API (the model field's validator).
    found["offence_date"] = row.cell("offence_date", cells.a_date, validation.OFFENCE_DATE)
    # The model's own field rules, as the forms and the API apply them.
    for column, validate in (("case_reference", validate_case_reference), ("date_of_birth", validate_date_of_birth)):
        if found.get(column):
            try:
                validate(found[column])
            except ValidationError as error:
                row.fail(column, " ".join(error.messages) + ".")
    for column in ("injury", "charged"):
        found[column] = row.cell(column, cells.yes_no)
    found["programme"] = row.cell("programme", lookups.programmes)
    if found["programme"] is not None and not found["programme"].active and not raw.get("referral"):
        row.fail("programme", "That programme is no longer offered; choose another.")
    found["area"] = row.cell("area", lookups.areas)
    role = row.text("victim_role")
    if role and role not in Referral.VictimRole.values:
        row.fail("victim_role", f"“{role}” is not a victim role. Use one of: {', '.join(Referral.VictimRole.values)}.")
    found["victim_role"] = role
    priority = row.text("priority", required=False).lower() or Referral.Priority.NORMAL
    if priority not in Referral.Priority.values:
        row.fail("priority", f"“{priority}” is not a priority. Use one of: {', '.join(Referral.Priority.values)}.")
    found["priority"] = priority
    found["notes"] = row.text("notes", required=False)
    found["handling_organisation"] = _handler(row.text("handling_organisation", required=False), lookups, row.fail)
    found["existing"] = _existing(row.text("referral", required=False), lookups, row.fail)
    status = row.text("status", required=False).lower() or "draft"
    if found["existing"] is None and status not in IMPORTED_STATUSES:
        row.fail("status", "Only draft or submitted referrals are imported; later moves are made in the service.")
    found["status"] = status
    if not row.ok:
        return None
    return Row(number=row.number, **found)


def _handler(name: str, lookups: _Lookups, fail: Any) -> Organisation | None:
    """Liaisons import into their own organisation; administrators name it."""
    user = lookups.by
    if user.is_administrator:
        if not name:
            fail("handling_organisation", "Name the probation service or prison that will handle the referral.")
            return None
        if name.lower() not in lookups.organisations:
            fail("handling_organisation", f"No probation service or prison called “{name}”.")
        return lookups.organisations.get(name.lower())
    own = user.organisation
    if own is None:
        fail("handling_organisation", "Your account belongs to no organisation; ask an administrator.")
        return None
    if name and name.lower() != own.name.lower():
        fail("handling_organisation", "You can import referrals into your own organisation only.")
        return None
    return own


def _existing(reference: str, lookups: _Lookups, fail: Any) -> Referral | None:
    if not reference:
        return None
    match = REFERENCE.fullmatch(reference)
    referral = lookups.referrals.get(int(match.group(1))) if match else None
    if referral is None:
        fail("referral", f"No referral {reference} that you can see. Leave the cell empty for a new referral.")
    return referral


def _differences(row: Row) -> list[str]:
    """The columns in which a row differs from the referral it names."""
    referral = row.existing
    if referral is None:
        return []
    person = referral.offender
    pairs = {
        "case_reference": (person.case_reference.upper(), row.case_reference.upper()),
        "first_name": (person.first_name.lower(), row.first_name.lower()),
        "last_name": (person.last_name.lower(), row.last_name.lower()),
        "date_of_birth": (person.date_of_birth, row.date_of_birth),
        "programme": (referral.programme_id, row.programme.pk),
        "offence_date": (referral.offence_date, row.offence_date),
        "area": (referral.area_id, row.area.pk),
        "victim_role": (referral.victim_role, row.victim_role),
        "injury": (referral.injury, row.injury),
        "charged": (referral.charged_under_act, row.charged),
        "handling_organisation": (referral.handling_organisation_id, row.handling_organisation.pk),
        "priority": (referral.priority, row.priority),
        "notes": (referral.notes.strip(), row.notes),
        "status": (referral.status, row.status),
    }
    return [column for column, (stored, given) in pairs.items() if stored != given]


class ReferralImporter(RowImporter[Row]):
    """Checks every row against the people and referrals the importer can see,
    then creates the people and referrals through the services, as the pages do."""

    def __init__(self, *, by: User | None, header: list[str]):
        super().__init__(by=by, header=header)
        if by is None or not (by.is_probation_liaison or by.is_administrator):
            raise RowsRefused([RowError(None, "", "Only probation liaisons and administrators can import referrals.")])
        self.lookups = _Lookups(by)
        # Across the file: each case reference's details, and each new referral's key.
        self.seen: dict[str, tuple[int, tuple[str, str, date]]] = {}
        self.keys: dict[tuple[Any, ...], int] = {}
        # People created by earlier rows of the write pass.
        self.created: dict[str, Offender] = {}
        # Submitted referrals are told to each handling organisation in one email, once
        # the import's transaction commits.
        self.notices = notices.import_gatherer()

    def check_batch(self, rows: list[tuple[int, dict[str, Any]]], problems: Problems) -> list[tuple[int, Row]]:
        self.lookups.load_batch(rows)
        good = []
        for number, raw in rows:
            read = ImportRow(number, raw, problems)
            row = _read_row(read, self.lookups)
            if row is None:
                continue
            self._check_person(row, read)
            changed = _differences(row)
            if changed and row.existing is not None:
                read.fail(
                    changed[0],
                    f"Referral {row.existing.reference} exists and differs in: {', '.join(changed)}. "
                    "Imports do not change existing referrals; edit it in the service.",
                )
            if read.ok:
                good.append((number, row))
        return good

    def _check_person(self, row: Row, read: ImportRow) -> None:
        """A case reference is one person: in the database and across the file."""
        ref = row.case_reference.upper()
        details = (row.first_name.lower(), row.last_name.lower(), row.date_of_birth)
        if ref in self.lookups.ambiguous:
            read.fail(
                "case_reference",
                "More than one person you can see has this case reference. "
                "Make this referral from the right person's page.",
            )
        known = self.lookups.people.get(ref)
        if known is not None and (known.first_name.lower(), known.last_name.lower(), known.date_of_birth) != details:
            read.fail(
                "case_reference",
                "A person with this case reference is already recorded with a different name or date of birth.",
            )
        earlier, earlier_details = self.seen.setdefault(ref, (row.number, details))
        if earlier_details != details:
            read.fail("case_reference", f"Row {earlier} gives this case reference a different name or date of birth.")
        key = (ref, row.programme.pk, row.offence_date)
        if row.existing is None:
            first = self.keys.setdefault(key, row.number)
            if first != row.number:
                read.fail("case_reference", f"Duplicates row {first}: the same person, programme and offence date.")

    def write_batch(self, rows: list[tuple[int, Row]], outcome: ImportOutcome, *, write: bool) -> None:
        with gathering(self.notices):
            for number, row in rows:
                if row.existing is not None:
                    outcome.unchanged += 1
                    continue
                outcome.new += 1
                if write:
                    try:
                        self._create(row)
                    except services.ReferralError as error:
                        raise RowsRefused([RowError(number, "", error.message)]) from error

    def _create(self, row: Row) -> None:
        by = self.lookups.by
        ref = row.case_reference.upper()
        person = self.created.get(ref) or self.lookups.people.get(ref)
        if person is None:
            person = services.create_offender(
                by=by,
                case_reference=row.case_reference,
                first_name=row.first_name,
                last_name=row.last_name,
                date_of_birth=row.date_of_birth,
            )
            self.created[ref] = person
        referral = services.create_referral(
            by=by,
            offender=person,
            programme=row.programme,
            handling_organisation=row.handling_organisation,
            offence_date=row.offence_date,
            area=row.area,
            victim_role=row.victim_role,
            injury=row.injury,
            charged_under_act=row.charged,
            priority=row.priority,
            notes=row.notes,
        )
        if row.status == "submitted":
            services.submit(referral, by=by, expected_version=referral.version, note="Imported")


KIND = registry.ImportKind(
    slug="referrals",
    label="Referrals (people and their referrals)",
    resource_class=ReferralImportResource,
    importer=ReferralImporter,
    roles=frozenset({Role.LIAISON, Role.ADMIN}),
    description="People referred to a programme, one referral per row, imported as drafts or submitted. "
    "Liaisons import into their own organisation.",
    required_columns=REQUIRED,
    optional_columns=OPTIONAL,
    export_only_columns=FOR_READING,
    example="fixtures/referrals-example.csv",
)


def register() -> None:
    registry.register(KIND)
