"""The disclosure pack: everything held about the person and nothing about anyone
else, third parties' data flagged, redactions applied, in a fixed number of queries."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from interventions.models import FollowUp, ReferralTransition, Session
from tests.dataprotection.conftest import EARLIER_NOTE, NOTE, OTHER, make_case
from tracker.core.models import Outcome
from tracker.dataprotection import disclosure_pack

pytestmark = pytest.mark.django_db


def test_the_pack_holds_every_record_of_the_person(case: Any) -> None:
    data = disclosure_pack.build_pack(case.person).data
    assert data["person"]["case_reference"] == "SAR-CASE-1"
    assert data["person"]["first_name"] == "Samuel"
    references = {case.completed.reference, case.declined.reference}
    assert {r["reference"] for r in data["referrals"]} == references
    by_reference = {r["reference"]: r for r in data["referrals"]}
    for referral in (case.completed, case.declined):
        moves = by_reference[referral.reference]["moves"]
        assert len(moves) == ReferralTransition.objects.filter(referral=referral).count() > 0
    declined_moves = by_reference[case.declined.reference]["moves"]
    assert declined_moves[-1]["to_status"] == "Declined"
    assert declined_moves[-1]["reason"] == "Other reason"
    assert len(data["sessions"]) == Session.objects.filter(referral__offender=case.person).count() == 1
    assert data["sessions"][0]["notes"] == "Spoke about his cousin Jo Bloggs"
    assert len(data["follow_ups"]) == FollowUp.objects.filter(referral__offender=case.person).count() == 1
    assert len(data["outcomes"]) == Outcome.objects.filter(object_id=case.completed.pk).count() == 2
    history_records = {entry["record"] for entry in data["history"]}
    assert {"Your details", f"Referral {case.completed.reference}", f"Referral {case.declined.reference}"} <= (
        history_records
    )
    assert any(r.startswith("Session on") for r in history_records)
    assert any(r.startswith("Outcome of referral") for r in history_records)
    assert any(r.startswith("Follow-up of referral") for r in history_records)
    renamed = [
        c for e in data["history"] if e["record"] == "Your details" for c in e["changes"] if c["field"] == "First name"
    ]
    assert {"field": "First name", "old": "Sam", "new": "Samuel"} in renamed


def test_the_pack_names_organisations_not_staff(case: Any, liaison: Any, officer: Any) -> None:
    text = json.dumps(disclosure_pack.build_pack(case.person).data, cls=DjangoJSONEncoder, ensure_ascii=False)
    assert liaison.organisation.name in text
    for user in (liaison, officer):
        assert user.last_name == "Tester"  # every test user's last name
    assert "Tester" not in text


def test_the_pack_holds_nothing_of_another_person(case: Any) -> None:
    text = json.dumps(disclosure_pack.build_pack(case.person).data, cls=DjangoJSONEncoder, ensure_ascii=False)
    assert OTHER not in text
    assert "OTHER-1" not in text
    assert "Zebedee" not in text


def test_who_consulted_the_person_is_summarised_per_organisation(case: Any, liaison: Any) -> None:
    access = disclosure_pack.build_pack(case.person).data["access"]
    assert [row["organisation"] for row in access] == [liaison.organisation.name]
    assert access[0]["count"] == 1
    assert access[0]["first"] <= access[0]["last"]


def test_third_parties_data_is_flagged(case: Any) -> None:
    pack = disclosure_pack.build_pack(case.person)
    keys = {item.key for item in pack.flagged}
    session = Session.objects.get(referral=case.completed)
    assert f"referral:{case.completed.pk}:notes" in keys
    assert f"referral:{case.completed.pk}:victim" in keys
    assert f"session:{session.pk}:notes" in keys
    assert all(f"outcome:{o.pk}:description" in keys for o in Outcome.objects.filter(object_id=case.completed.pk))
    # The earlier text of the notes, kept in history, is an item of its own; the
    # current text in history shares the current field's item.
    earlier = [i for i in pack.flagged if i.text == EARLIER_NOTE]
    assert len(earlier) == 1 and earlier[0].key.startswith("history:referral:")
    assert [i.key for i in pack.flagged if i.text == NOTE] == [f"referral:{case.completed.pk}:notes"]
    assert len(keys) == len(pack.flagged)  # each item once


def test_redacted_items_read_redacted_everywhere_in_the_pack(case: Any) -> None:
    redactions = {
        f"referral:{case.completed.pk}:notes": "Names a neighbour",
        f"referral:{case.completed.pk}:victim": "The victim's details",
    }
    pack = disclosure_pack.build_pack(case.person, redactions=redactions)
    text = json.dumps(pack.data, cls=DjangoJSONEncoder, ensure_ascii=False)
    assert "Pat Smith" not in text  # in the referral and in its history
    assert EARLIER_NOTE in text  # an item of its own, not withheld
    completed = next(r for r in pack.data["referrals"] if r["reference"] == case.completed.reference)
    assert completed["notes"] == disclosure_pack.REDACTED
    assert completed["offence"]["victim_role"] == completed["offence"]["victim_injured"] == disclosure_pack.REDACTED
    victim_in_history = [
        c
        for e in pack.data["history"]
        if e["record"] == f"Referral {case.completed.reference}"
        for c in e["changes"]
        if c["field"] == "Victim's role"
    ]
    assert victim_in_history and all(c["new"] == disclosure_pack.REDACTED for c in victim_in_history)
    assert {r["reason"] for r in pack.data["redactions"]} == {"Names a neighbour", "The victim's details"}
    # The review list keeps the original text for the DPO only.
    assert any(i.text == NOTE and i.redacted for i in pack.flagged)
    assert "Spoke about his cousin Jo Bloggs" in text  # not redacted, still given


@pytest.mark.parametrize("cases", [1, 3])
def test_building_the_pack_takes_the_same_queries_however_much_is_held(
    cases: int,
    referral_factory: Any,
    offender_factory: Any,
    liaison: Any,
    officer: Any,
    django_assert_num_queries: Any,
) -> None:
    first = make_case(referral_factory, offender_factory, liaison, officer)
    for _ in range(cases - 1):  # more referrals, sessions, outcomes and history for the same person
        make_case(referral_factory, lambda **kw: first.person, liaison, officer)
    disclosure_pack.build_pack(first.person)  # the content-type cache, filled as after any earlier request
    # 1 referrals (+ programme, area, organisations), 2 moves (+ reason, organisation),
    # 3 sessions, 4 follow-ups, 5 outcomes, 6-10 history of the person, referrals,
    # sessions, follow-ups, outcomes (+ user, organisation), 11-14 names of linked
    # programmes, areas, organisations, outcome types, 15 consultation summary
    with django_assert_num_queries(15):
        disclosure_pack.build_pack(first.person)
