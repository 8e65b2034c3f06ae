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
from datetime import date, datetime
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Upper
from import_export import fields, widgets

from tracker.core import validation
from tracker.core.imports import registry
from tracker.core.imports.reading import FileRefused, RowError, Table
from tracker.core.imports.resources import TrackerResource
from tracker.core.imports.running import ImportOutcome
from tracker.core.models import Area, Organisation, User
from tracker.core.roles import Role

from . import services
from .models import Offender, Programme, Referral, validate_case_reference, validate_date_of_birth

REQUIRED = (
    "case_reference", "first_name", "last_name", "date_of_birth", "programme", "offence_date", "area",
    "victim_role", "injury", "charged",
)  # fmt: skip
OPTIONAL = ("handling_organisation", "priority", "notes", "status", "referral")
IMPORTED_STATUSES = ("draft", "submitted")
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
REFERENCE = re.compile(r"R(\d{1,12})", re.IGNORECASE)


class YesNo(widgets.Widget):
    def render(self, value: object, obj: object = None, **kwargs: object) -> str:
        return "yes" if value else "no"


class ReferralImportResource(TrackerResource):
    """The import layout, also used by `export_data referrals`: an export of it
    imports back with every row unchanged."""

    referral = fields.Field(attribute="reference", column_name="referral", readonly=True)
    case_reference = fields.Field(attribute="offender__case_reference", column_name="case_reference")
    first_name = fields.Field(attribute="offender__first_name", column_name="first_name")
    last_name = fields.Field(attribute="offender__last_name", column_name="last_name")
    date_of_birth = fields.Field(
        attribute="offender__date_of_birth", column_name="date_of_birth", widget=widgets.DateWidget("%Y-%m-%d")
    )
    programme = fields.Field(attribute="programme__name", column_name="programme")
    offence_date = fields.Field(
        attribute="offence_date", column_name="offence_date", widget=widgets.DateWidget("%Y-%m-%d")
    )
    area = fields.Field(attribute="area__name", column_name="area")
    victim_role = fields.Field(attribute="victim_role", column_name="victim_role")
    injury = fields.Field(attribute="injury", column_name="injury", widget=YesNo())
    charged = fields.Field(attribute="charged_under_act", column_name="charged", widget=YesNo())
    handling_organisation = fields.Field(attribute="handling_organisation__name", column_name="handling_organisation")
    priority = fields.Field(attribute="priority", column_name="priority")
    notes = fields.Field(attribute="notes", column_name="notes")
    status = fields.Field(attribute="status", column_name="status")

    class Meta(TrackerResource.Meta):
        model = Referral
        fields = (*REQUIRED, *OPTIONAL)
        export_order = ("referral", *REQUIRED, "handling_organisation", "priority", "notes", "status")

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


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for layout in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, layout).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date; write it as YYYY-MM-DD, for example 2026-03-31.")


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"“{_text(value)}” is not yes or no.")


class _Lookups:
    """Every name a file may use, read once: a file of any length costs a handful
    of queries before its rows are checked."""

    def __init__(self, dataset: tablib.Dataset, by: User):
        self.by = by
        self.programmes = {p.name.lower(): p for p in Programme.objects.all()}
        self.areas = {a.name.lower(): a for a in Area.objects.all()}
        handling = Organisation.objects.filter(kind__in=[Organisation.Kind.PROBATION, Organisation.Kind.PRISON])
        self.organisations = {o.name.lower(): o for o in handling}
        refs = {_text(r.get("case_reference")).upper() for r in dataset.dict} - {""}
        # Only people the importer can see: another organisation's reference must
        # behave exactly like an unused one (a new person in the importer's book).
        visible = Offender.objects.visible_to(by).annotate(ref=Upper("case_reference")).filter(ref__in=refs)
        book = set(Offender.objects.in_book(by).filter(pk__in=visible.values("pk")).values_list("pk", flat=True))
        found: dict[str, list[Offender]] = {}
        for person in visible.order_by("pk"):
            found.setdefault(person.ref, []).append(person)
        # A reference is the person in the importer's own book, else the one person
        # elsewhere the importer sees with it; several are ambiguous (all visible).
        self.people: dict[str, Offender] = {}
        self.ambiguous: set[str] = set()
        for ref, people in found.items():
            candidates = [p for p in people if p.pk in book] or people
            if len(candidates) == 1:
                self.people[ref] = candidates[0]
            else:
                self.ambiguous.add(ref)
        numbers = [int(m.group(1)) for r in dataset.dict if (m := REFERENCE.fullmatch(_text(r.get("referral"))))]
        visible = Referral.objects.visible_to(by).select_related("offender", "programme", "area")
        self.referrals = {r.pk: r for r in visible.filter(pk__in=numbers).select_related("handling_organisation")}


def _read_row(number: int, raw: dict[str, Any], lookups: _Lookups, errors: list[RowError]) -> Row | None:
    found: dict[str, Any] = {}

    def fail(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    for column in REQUIRED:
        if not _text(raw.get(column)) and not isinstance(raw.get(column), bool):
            fail(column, "This cell is empty.")
    for column, limit in (("case_reference", 30), ("first_name", 100), ("last_name", 100)):
        value = _text(raw.get(column))
        if len(value) > limit:
            fail(column, f"At most {limit} characters.")
        found[column] = value
    for column in ("date_of_birth", "offence_date"):
        if _text(raw.get(column)):
            try:
                found[column] = _date(raw.get(column))
            except ValueError as error:
                fail(column, str(error))
    # The model's own field rules, as the forms and the API apply them.
    for column, validate in (("case_reference", validate_case_reference), ("date_of_birth", validate_date_of_birth)):
        if found.get(column):
            try:
                validate(found[column])
            except ValidationError as error:
                fail(column, " ".join(error.messages) + ".")
    if "offence_date" in found:
        # The same rule as the form and the API (the model field's validator).
        for problem in validation.problems(found["offence_date"], [validation.OFFENCE_DATE]):
            fail("offence_date", f"{problem}.")
    for column in ("injury", "charged"):
        if _text(raw.get(column)) or isinstance(raw.get(column), bool):
            try:
                found[column] = _yes_no(raw.get(column))
            except ValueError as error:
                fail(column, str(error))
    for column, table, what in (("programme", lookups.programmes, "programme"), ("area", lookups.areas, "area")):
        name = _text(raw.get(column))
        if name and name.lower() not in table:
            fail(column, f"No {what} called “{name}”.")
        found[column] = table.get(name.lower())
    role = _text(raw.get("victim_role"))
    if role and role not in Referral.VictimRole.values:
        fail("victim_role", f"“{role}” is not a victim role. Use one of: {', '.join(Referral.VictimRole.values)}.")
    found["victim_role"] = role
    priority = _text(raw.get("priority")).lower() or Referral.Priority.NORMAL
    if priority not in Referral.Priority.values:
        fail("priority", f"“{priority}” is not a priority. Use one of: {', '.join(Referral.Priority.values)}.")
    found["priority"] = priority
    found["notes"] = _text(raw.get("notes"))
    found["handling_organisation"] = _handler(_text(raw.get("handling_organisation")), lookups, fail)
    found["existing"] = _existing(_text(raw.get("referral")), lookups, fail)
    status = _text(raw.get("status")).lower() or "draft"
    if found["existing"] is None and status not in IMPORTED_STATUSES:
        fail("status", "Only draft or submitted referrals are imported; later moves are made in the service.")
    found["status"] = status
    if any(e.row == number for e in errors):
        return None
    return Row(number=number, **found)


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


def _check_people(rows: list[Row], lookups: _Lookups, errors: list[RowError]) -> None:
    """A case reference is one person: in the database and across the file."""
    seen: dict[str, Row] = {}
    keys: dict[tuple[Any, ...], int] = {}
    for row in rows:
        ref = row.case_reference.upper()
        details = (row.first_name.lower(), row.last_name.lower(), row.date_of_birth)
        if ref in lookups.ambiguous:
            errors.append(
                RowError(
                    row.number,
                    "case_reference",
                    "More than one person you can see has this case reference. "
                    "Make this referral from the right person's page.",
                )
            )
        known = lookups.people.get(ref)
        if known is not None and (known.first_name.lower(), known.last_name.lower(), known.date_of_birth) != details:
            errors.append(
                RowError(
                    row.number,
                    "case_reference",
                    "A person with this case reference is already recorded with a different name or date of birth.",
                )
            )
        earlier = seen.setdefault(ref, row)
        if earlier is not row and (earlier.first_name.lower(), earlier.last_name.lower(), earlier.date_of_birth) != (
            details
        ):
            errors.append(
                RowError(
                    row.number,
                    "case_reference",
                    f"Row {earlier.number} gives this case reference a different name or date of birth.",
                )
            )
        key = (ref, row.programme.pk, row.offence_date)
        if row.existing is None and key in keys:
            errors.append(
                RowError(
                    row.number,
                    "case_reference",
                    f"Duplicates row {keys[key]}: the same person, programme and offence date.",
                )
            )
        keys.setdefault(key, row.number)


class _Rollback(Exception):
    pass


def _write(rows: list[Row], by: User, lookups: _Lookups, outcome: ImportOutcome) -> None:
    people: dict[str, Offender] = {}
    for row in rows:
        if row.existing is not None:
            outcome.unchanged += 1
            continue
        ref = row.case_reference.upper()
        person = people.get(ref) or lookups.people.get(ref)
        try:
            if person is None:
                person = services.create_offender(
                    by=by,
                    case_reference=row.case_reference,
                    first_name=row.first_name,
                    last_name=row.last_name,
                    date_of_birth=row.date_of_birth,
                )
            people[ref] = person
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
        except services.ReferralError as error:
            outcome.errors.append(RowError(row.number, "", error.message))
            continue
        outcome.new += 1


def run_referral_import(table: Table, *, by: User | None, dry_run: bool) -> ImportOutcome:
    """Check every row, then (unless dry_run) create the people and referrals, all
    in one transaction: one bad row and nothing is written. Referral files are
    small (one organisation's caseload), so the rows are read into memory."""
    outcome = ImportOutcome(rows=len(table))
    if by is None or not (by.is_probation_liaison or by.is_administrator):
        outcome.errors = [RowError(None, "", "Only probation liaisons and administrators can import referrals.")]
        return outcome
    try:
        dataset = table.dataset()
    except FileRefused as refused:
        outcome.errors = refused.errors
        return outcome
    lookups = _Lookups(dataset, by)
    rows = []
    for number, raw in zip(table.numbers, dataset.dict, strict=True):
        row = _read_row(number, raw, lookups, outcome.errors)
        if row is not None:
            rows.append(row)
    _check_people(rows, lookups, outcome.errors)
    for row in rows:
        if row.existing is not None:
            changed = _differences(row)
            if changed:
                outcome.errors.append(
                    RowError(
                        row.number,
                        changed[0],
                        f"Referral {row.existing.reference} exists and differs in: {', '.join(changed)}. "
                        "Imports do not change existing referrals; edit it in the service.",
                    )
                )
    if outcome.errors:
        outcome.errors.sort(key=lambda e: (e.row or 0, e.column))
        return outcome
    try:
        with transaction.atomic():
            _write(rows, by, lookups, outcome)
            if dry_run or outcome.errors:
                raise _Rollback
    except _Rollback:
        pass
    if outcome.errors:
        outcome.new = 0
    return outcome


KIND = registry.ImportKind(
    slug="referrals",
    label="Referrals (people and their referrals)",
    resource_class=ReferralImportResource,
    roles=frozenset({Role.LIAISON, Role.ADMIN}),
    description="People referred to a programme, one referral per row, imported as drafts or submitted. "
    "Liaisons import into their own organisation.",
    required_columns=REQUIRED,
    optional_columns=OPTIONAL,
    example="fixtures/referrals-example.csv",
    runner=run_referral_import,
    trial_write=True,
)


def register() -> None:
    registry.register(KIND)
