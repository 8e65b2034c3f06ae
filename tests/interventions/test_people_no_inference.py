"""Nothing about a person the user cannot see can be learned from any answer
(issue #12). For each door that takes a case reference (the referral import check,
the add-person form, the edit-person form), the answer for another organisation's
case reference, with its person's right or wrong name and date of birth, must be
exactly the answer an unused reference gets: same status, same page once the values
the user typed are replaced, same number of queries. And duplicates the user can
see are still caught."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import date
from pprint import pformat
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interventions import services
from interventions.importing import KIND
from interventions.models import Offender, Programme, Referral
from tracker.core.imports.services import check_file, confirm_import, preview_import

pytestmark = pytest.mark.django_db

HEADER = "case_reference,first_name,last_name,date_of_birth,programme,offence_date,area,victim_role,injury,charged"
HIDDEN = ("PROB-0001", "Jo", "Bloggs", "1980-05-05")
# Another organisation's reference with the right details, with a wrong date of
# birth, with a wrong name; an unused reference with the hidden person's details, and
# one with other details.
VARIANTS = {
    "hidden_right": HIDDEN,
    "hidden_wrong_born": ("PROB-0001", "Jo", "Bloggs", "1980-05-06"),
    "hidden_wrong_name": ("prob-0001", "Jon", "Bloggs", "1980-05-05"),
    "unused_same_details": ("FRESH-0001", "Jo", "Bloggs", "1980-05-05"),
    "unused": ("FRESH-0002", "Alex", "Other", "1975-01-01"),
}
TYPED = "«typed»"


@pytest.fixture(autouse=True)
def catalogue(probation: Any, areas: Any, outcome_types: list[Any]) -> None:
    programme = Programme.objects.create(name="Victim awareness course", provider=probation, setting="community")
    programme.desired_outcomes.set(outcome_types)


@pytest.fixture
def hidden(referral_factory: Callable[..., Referral], liaison: Any, probation: Any) -> Offender:
    """A person held by the probation service and referred to it: liaison2 (the
    prison) cannot see them."""
    person = services.create_offender(
        by=liaison, case_reference=HIDDEN[0], first_name=HIDDEN[1], last_name=HIDDEN[2], date_of_birth=date(1980, 5, 5)
    )
    referral_factory("submitted", by=liaison, offender=person)
    return person


def masked(text: str, typed: tuple[str, ...], *extra: str) -> str:
    """The answer with what the user typed (and per-request noise: CSRF tokens,
    ids of records made by the request) replaced by placeholders."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', text)
    for value in extra:
        text = text.replace(value, "«made»")
    for value in sorted(set(typed), key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", TYPED, text)
    return text


def answer(response: Any, typed: tuple[str, ...], *extra: str) -> tuple[Any, ...]:
    # Content-Length is left out: the body is compared once masked, and its raw length
    # differs with the digits of the id a request made (PostgreSQL does not roll ids back).
    headers = {
        k: masked(v, typed, *extra) for k, v in response.headers.items() if k not in {"Set-Cookie", "Content-Length"}
    }
    return response.status_code, headers, masked(response.content.decode(), typed, *extra)


def isolated[T](call: Callable[[], T]) -> tuple[T, int]:
    """Run one attempt and undo it, so every variant meets the same database; also
    count its queries (the timing class of the answer)."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            result = call()
        transaction.set_rollback(True)
    return result, len(queries)


def assert_all_alike(answers: dict[str, Any]) -> None:
    first_name, first = next(iter(answers.items()))
    for name, other in answers.items():
        if other != first:
            difference = "\n".join(
                difflib.unified_diff(pformat(first).splitlines(), pformat(other).splitlines(), lineterm="", n=2)
            )
            pytest.fail(f"{name} answers differently from {first_name}:\n{difference}")


# The referral import ------------------------------------------------------------


def import_row(variant: tuple[str, str, str, str]) -> bytes:
    ref, first, last, born = variant
    row = f"{ref},{first},{last},{born},Victim awareness course,2026-05-01,Herefordshire,police_officer,yes,no"
    return f"{HEADER}\n{row}\n".encode()


def test_import_check_answers_alike_for_hidden_and_unused_references(
    hidden: Offender, liaison2: Any, client: Any
) -> None:
    client.force_login(liaison2)
    outcomes, pages = {}, {}
    for name, variant in VARIANTS.items():
        outcome, _ = isolated(lambda v=variant: check_file(KIND, import_row(v), "people.csv", by=liaison2))
        outcomes[name] = (outcome.rows, outcome.new, outcome.updated, outcome.unchanged, outcome.errors)

        def upload(v: tuple[str, str, str, str] = variant) -> tuple[Any, ...]:
            from django.core.files.uploadedfile import SimpleUploadedFile

            file = SimpleUploadedFile("people.csv", import_row(v), content_type="text/csv")
            posted = client.post(reverse("import-upload", args=["referrals"]), {"file": file})
            page = client.get(posted["Location"])
            job = posted["Location"]  # /imports/check/<id>/
            return answer(posted, v, job), answer(page, v, job)

        pages[name] = isolated(upload)
    assert outcomes["unused"] == (1, 1, 0, 0, [])
    assert_all_alike(outcomes)
    assert_all_alike(pages)


def test_import_check_comparison_holds_when_made_ids_gain_a_digit(hidden: Offender, liaison2: Any, client: Any) -> None:
    """Make the next import job's id the last one with its number of digits, so the
    variants' jobs go from 9 to 10 (or 99 to 100) part-way where ids are not rolled
    back (PostgreSQL): the answers must still compare alike, since they differ only in
    the id the request made, which says nothing about the hidden person."""
    from tracker.core.models import ImportJob

    def job() -> ImportJob:
        return ImportJob(kind=KIND.slug, file_name="x.csv", uploaded_by=liaison2, status=ImportJob.Status.REFUSED)

    first = ImportJob.objects.bulk_create([job()])[0].pk or ImportJob.objects.get().pk
    last_of_its_width = 10 ** len(str(first + 1)) - 1
    ImportJob.objects.bulk_create([job() for _ in range(last_of_its_width - first - 1)])
    test_import_check_answers_alike_for_hidden_and_unused_references(hidden, liaison2, client)


def test_importing_another_organisations_reference_records_a_new_person_in_the_importers_organisation(
    hidden: Offender, liaison2: Any, prison: Any
) -> None:
    job = preview_import(KIND, import_row(VARIANTS["hidden_wrong_born"]), "people.csv", by=liaison2)
    confirm_import(job, KIND, by=liaison2)
    job.refresh_from_db()
    assert job.new == 1, job.errors
    mine = Offender.objects.get(case_reference="PROB-0001", holding_organisation=prison)
    assert mine.date_of_birth == date(1980, 5, 6)
    hidden.refresh_from_db()
    assert hidden.date_of_birth == date(1980, 5, 5)  # the other organisation's record is untouched
    assert list(hidden.referrals.values_list("handling_organisation", flat=True)) == [hidden.holding_organisation_id]


def test_import_still_catches_a_clash_with_a_person_the_importer_can_see(liaison2: Any) -> None:
    services.create_offender(
        by=liaison2, case_reference="PR-1", first_name="Kim", last_name="Lee", date_of_birth=date(1970, 1, 1)
    )
    clash = check_file(KIND, import_row(("pr-1", "Kim", "Lee", "1970-01-02")), "p.csv", by=liaison2)
    assert [(e.row, e.column) for e in clash.errors] == [(2, "case_reference")]
    assert "different name or date of birth" in clash.errors[0].message
    same = check_file(KIND, import_row(("pr-1", "kim", "lee", "1970-01-01")), "p.csv", by=liaison2)
    assert (same.errors, same.new) == ([], 1)


# The add-person form ------------------------------------------------------------


def add_form(variant: tuple[str, str, str, str]) -> dict[str, str]:
    ref, first, last, born = variant
    return {"case_reference": ref, "first_name": first, "last_name": last, "date_of_birth": born}


def test_add_person_answers_alike_for_hidden_and_unused_references(
    hidden: Offender, liaison2: Any, client: Any
) -> None:
    client.force_login(liaison2)
    url = reverse("interventions:offender-create")
    answers = {}
    for name, variant in VARIANTS.items():

        def add(v: tuple[str, str, str, str] = variant) -> tuple[Any, ...]:
            response = client.post(url, add_form(v))
            made = Offender.objects.filter(created_by=liaison2).values_list("pk", flat=True).first()
            return answer(response, v, f"/offenders/{made}/")

        answers[name] = isolated(add)
    assert answers["unused"][0][0] == 302
    assert_all_alike(answers)


def test_add_person_still_refuses_a_reference_the_user_can_see(liaison2: Any, user_factory: Any, prison: Any) -> None:
    from django.test import Client

    services.create_offender(
        by=liaison2, case_reference="PR-1", first_name="Kim", last_name="Lee", date_of_birth=date(1970, 1, 1)
    )
    colleague = user_factory("probation_liaison", organisation=prison)
    client = Client()
    client.force_login(colleague)  # the prison's people are the prison's liaisons' people
    url = reverse("interventions:offender-create")
    response = client.post(url, add_form(("pr-1", "Someone", "Else", "1990-01-01")))
    assert response.status_code == 200
    assert "already has this case reference" in response.content.decode()
    twin = client.post(url, add_form(("PR-2", "kim", "LEE", "1970-01-01")))
    assert "A record with this name and date of birth already exists" in twin.content.decode()
    assert Offender.objects.count() == 1


def test_an_officer_adding_a_reference_a_colleague_holds_gets_the_unused_answer(
    user_factory: Any, officer: Any, client: Any
) -> None:
    """Partnership officers see only the people they added or referred, so each keeps
    their own people: a colleague's reference must not be refused."""
    services.create_offender(
        by=officer, case_reference="OF-1", first_name="Kim", last_name="Lee", date_of_birth=date(1970, 1, 1)
    )
    colleague = user_factory("partnership_officer")
    client.force_login(colleague)
    url = reverse("interventions:offender-create")
    answers = {}
    for name, variant in {
        "held": ("OF-1", "Kim", "Lee", "1970-01-01"),
        "held_wrong": ("of-1", "Kim", "Lee", "1970-01-02"),
        "unused": ("OF-2", "Kim", "Lee", "1970-01-01"),
    }.items():

        def add(v: tuple[str, str, str, str] = variant) -> tuple[Any, ...]:
            response = client.post(url, add_form(v))
            made = Offender.objects.filter(created_by=colleague).values_list("pk", flat=True).first()
            return answer(response, v, f"/offenders/{made}/")

        answers[name] = isolated(add)
    assert answers["unused"][0][0] == 302
    assert_all_alike(answers)
    # The officer's own earlier person is still caught.
    response = client.post(url, add_form(("OF-9", "A", "B", "1970-01-01")))
    assert response.status_code == 302
    again = client.post(url, add_form(("of-9", "C", "D", "1971-01-01")))
    assert "already has this case reference" in again.content.decode()


# The edit-person form -----------------------------------------------------------


def test_edit_person_answers_alike_for_hidden_and_unused_references(
    hidden: Offender, liaison2: Any, client: Any
) -> None:
    own = services.create_offender(
        by=liaison2, case_reference="PR-1", first_name="Kim", last_name="Lee", date_of_birth=date(1970, 1, 1)
    )
    client.force_login(liaison2)
    url = reverse("interventions:offender-edit", args=[own.pk])
    answers = {}
    for name, variant in VARIANTS.items():

        def edit(v: tuple[str, str, str, str] = variant) -> tuple[Any, ...]:
            return answer(client.post(url, {**add_form(v), "version": 1}), v)

        answers[name] = isolated(edit)
    assert answers["unused"][0][0] == 302
    assert_all_alike(answers)


def test_edit_person_still_refuses_a_reference_the_user_can_see(liaison2: Any, client: Any) -> None:
    services.create_offender(
        by=liaison2, case_reference="PR-1", first_name="Kim", last_name="Lee", date_of_birth=date(1970, 1, 1)
    )
    other = services.create_offender(
        by=liaison2, case_reference="PR-2", first_name="Al", last_name="Lee", date_of_birth=date(1971, 1, 1)
    )
    client.force_login(liaison2)
    url = reverse("interventions:offender-edit", args=[other.pk])
    response = client.post(url, {**add_form(("pr-1", "Al", "Lee", "1971-01-01")), "version": 1})
    assert response.status_code == 200
    assert "already has this case reference" in response.content.decode()
    assert "Constraint" not in response.content.decode()  # one message, the service's
    other.refresh_from_db()
    assert other.case_reference == "PR-2"


def test_everyone_who_adds_to_a_book_sees_all_of_it(
    officer: Any, admin_user: Any, liaison2: Any, user_factory: Any, prison: Any, referral_factory: Any
) -> None:
    """The rule that makes per-book uniqueness leak-free: a person stays visible to
    whoever adds to their book, whoever refers them later."""
    kept = services.create_offender(
        by=officer, case_reference="OF-1", first_name="Kim", last_name="Lee", date_of_birth=date(1970, 1, 1)
    )
    referral_factory("submitted", by=admin_user, offender=kept)  # the officer did not refer them
    assert Offender.objects.visible_to(officer).filter(pk=kept.pk).exists()
    held = services.create_offender(
        by=liaison2, case_reference="PR-1", first_name="Al", last_name="Lee", date_of_birth=date(1971, 1, 1)
    )
    referral_factory("draft", by=liaison2, offender=held)  # a draft is still its referrer's own
    colleague = user_factory("probation_liaison", organisation=prison)
    assert Offender.objects.visible_to(colleague).filter(pk=held.pk).exists()
    assert not Offender.objects.visible_to(user_factory("partnership_officer", organisation=prison)).exists()


def test_only_the_holder_changes_a_case_reference_whatever_the_new_value(
    hidden: Offender, referral_factory: Callable[..., Referral], liaison2: Any, prison: Any, client: Any
) -> None:
    """The prison's liaison sees an officer's person through a referral it handles:
    they may correct the person's name, but the case reference belongs to whoever
    holds the record (checking it could only be done against records the liaison
    cannot see). The page offers the field read-only, the service refuses the
    change, and the answer is the same for any new value."""
    person = referral_factory("submitted", handler=prison).offender
    client.force_login(liaison2)
    url = reverse("interventions:offender-edit", args=[person.pk])
    page = client.get(url).content.decode()
    assert "Only the organisation that recorded this person can change their case reference" in page
    answers = {}
    for name, variant in VARIANTS.items():

        def edit(v: tuple[str, str, str, str] = variant) -> tuple[Any, ...]:
            response = client.post(url, {**add_form(v), "version": 1})
            stored = Offender.objects.values_list("case_reference", flat=True).get(pk=person.pk)
            return answer(response, v), stored

        answers[name] = isolated(edit)
    assert answers["unused"][0][0][0] == 302
    assert answers["unused"][0][1] == person.case_reference
    assert_all_alike(answers)
    with pytest.raises(services.ReferralError, match="Only the organisation that recorded this person"):
        services.update_offender(person, by=liaison2, expected_version=1, changes={"case_reference": "FRESH-0002"})


# Identifiers and dates of birth -------------------------------------------------

BAD_REFERENCES = ["A1\r\nX-Injected: yes", 'A1"; filename="x.exe', "A1\tB", "A1;B", "Ä1"]


@pytest.mark.parametrize("reference", BAD_REFERENCES)
def test_the_add_and_edit_forms_refuse_other_characters_in_a_case_reference(
    reference: str, liaison2: Any, client: Any
) -> None:
    client.force_login(liaison2)
    added = client.post(reverse("interventions:offender-create"), add_form((reference, "Kim", "Lee", "1970-01-01")))
    assert added.status_code == 200
    assert "Enter a case reference using only letters, numbers, spaces" in added.content.decode()
    assert not Offender.objects.exists()
    own = services.create_offender(
        by=liaison2, case_reference="PR-1", first_name="Kim", last_name="Lee", date_of_birth=date(1970, 1, 1)
    )
    url = reverse("interventions:offender-edit", args=[own.pk])
    edited = client.post(url, {**add_form((reference, "Kim", "Lee", "1970-01-01")), "version": 1})
    assert "Enter a case reference using only letters, numbers, spaces" in edited.content.decode()
    own.refresh_from_db()
    assert own.case_reference == "PR-1"


@pytest.mark.parametrize("born", ["2999-01-01", "1899-12-31"])
def test_the_forms_refuse_a_date_of_birth_in_the_future_or_before_1900(born: str, liaison2: Any, client: Any) -> None:
    client.force_login(liaison2)
    added = client.post(reverse("interventions:offender-create"), add_form(("PR-1", "Kim", "Lee", born)))
    assert added.status_code == 200
    page = added.content.decode()
    assert "Date of birth must be today or in the past" in page or "the same as or after 1 January 1900" in page
    assert not Offender.objects.exists()


def test_the_services_refuse_bad_identifiers_from_any_caller(liaison2: Any) -> None:
    with pytest.raises(services.ReferralError, match="only letters, numbers"):
        services.create_offender(
            by=liaison2, case_reference="A1\nB", first_name="Kim", last_name="Lee", date_of_birth=date(1970, 1, 1)
        )
    with pytest.raises(services.ReferralError, match="after 1 January 1900"):
        services.create_offender(
            by=liaison2, case_reference="A1", first_name="Kim", last_name="Lee", date_of_birth=date(1850, 1, 1)
        )
    own = services.create_offender(
        by=liaison2, case_reference="A1", first_name="Kim", last_name="Lee", date_of_birth=date(1970, 1, 1)
    )
    with pytest.raises(services.ReferralError, match="only letters, numbers"):
        services.update_offender(own, by=liaison2, expected_version=1, changes={"case_reference": "A1\r\nB"})
    own.refresh_from_db()
    assert (own.case_reference, own.version) == ("A1", 1)


def test_the_import_refuses_bad_identifiers_and_dates_of_birth_by_row_and_column(liaison2: Any) -> None:
    rows = [
        "A1;B,Kim,Lee,1970-01-01,Victim awareness course,2026-05-01,Herefordshire,police_officer,yes,no",
        '"A1""B",Kim,Lee,1970-01-01,Victim awareness course,2026-05-01,Herefordshire,police_officer,yes,no',
        '"A1\nB",Kim,Lee,1970-01-01,Victim awareness course,2026-05-01,Herefordshire,police_officer,yes,no',
        "A2,Kim,Lee,2999-01-01,Victim awareness course,2026-05-01,Herefordshire,police_officer,yes,no",
        "A3,Kim,Lee,1899-12-31,Victim awareness course,2026-05-01,Herefordshire,police_officer,yes,no",
        "A4,Kim,Lee,1900-01-01,Victim awareness course,2026-05-01,Herefordshire,police_officer,yes,no",
    ]
    outcome = check_file(KIND, (HEADER + "\n" + "\n".join(rows) + "\n").encode(), "p.csv", by=liaison2)
    assert [(e.row, e.column) for e in outcome.errors] == [
        (2, "case_reference"),
        (3, "case_reference"),
        (4, "case_reference"),
        (5, "date_of_birth"),
        (6, "date_of_birth"),
    ], outcome.errors
    assert "only letters, numbers, spaces" in outcome.errors[0].message
    assert "today or in the past" in outcome.errors[3].message
    assert not Offender.objects.exists()


# The database's own rule ----------------------------------------------------------


def test_the_database_keeps_case_references_unique_per_book_whatever_the_case(
    liaison: Any, liaison2: Any, officer: Any, user_factory: Any
) -> None:
    from django.db import IntegrityError

    details = {"first_name": "Kim", "last_name": "Lee", "date_of_birth": date(1970, 1, 1)}
    mine = services.create_offender(by=liaison2, case_reference="AB-1", **details)
    # Other books may hold the same reference: another organisation, an officer's own.
    services.create_offender(by=liaison, case_reference="ab-1", **details)
    services.create_offender(by=officer, case_reference="Ab-1", **details)
    services.create_offender(by=user_factory("partnership_officer"), case_reference="AB-1", **details)
    for keeper in (None, officer):
        with pytest.raises(IntegrityError), transaction.atomic():
            Offender.objects.create(
                case_reference="aB-1",
                holding_organisation=mine.holding_organisation if keeper is None else officer.organisation,
                kept_by=keeper,
                created_by=liaison2 if keeper is None else officer,
                **details,
            )
    assert Offender.objects.count() == 4
