"""Disposal of a person's personal data (issue #14): every figure the board sees is
the same before and after, and nothing in the database still holds what was erased."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interventions import retention as disposal
from interventions.models import FollowUp, Offender, PersonDataEvent, Referral, ReferralTransition, Session, Status
from interventions.services import update_offender
from tests.dataprotection.helpers import seed_demo, tables_holding
from tests.reports.test_dashboard import pdf_text
from tracker.core.models import Outcome, User
from tracker.dataprotection import retention
from tracker.dataprotection.models import RetentionDecision
from tracker.reports.pdf import render_board_pdf
from tracker.reports.periods import Period

pytestmark = pytest.mark.django_db

NEW_FIRST, NEW_LAST, NEW_BIRTH = "Quillon", "Marchbanks", date(1931, 7, 19)
MARKS = {
    "referral": "Said his neighbour Mr Zebulon lent him the car",
    "transition": "Withdrawn after a call from Ms Pettigrew-Vane",
    "session": "Talked about his brother Ignatius at length",
    "concern": "Threatened Officer Bramblecote by name",
    "follow_up": "Charged again per Sgt Wolverstone",
    "outcome": "Made amends to PC Fennimore-Hale",
}


def _quarters(first: date, last: date) -> list[tuple[date, date]]:
    quarters = []
    start = date(first.year, 3 * ((first.month - 1) // 3) + 1, 1)
    while start <= last:
        following = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
        quarters.append((start, date.fromordinal(following.toordinal() - 1)))
        start = following
    return quarters


def _figures(api: Client, quarters: list[tuple[date, date]]) -> list[bytes]:
    answers = []
    for start, end in quarters:
        response = api.get("/api/v1/reports/board/", {"start": start.isoformat(), "end": end.isoformat()})
        assert response.status_code == 200
        answers.append(response.content)
    return answers


def _dashboard(client: Client, start: date, end: date) -> str:
    html = client.get(reverse("reports:dashboard"), {"start": start.isoformat(), "end": end.isoformat()}).text
    # What changes between any two requests: the CSP nonce and the CSRF token.
    import re

    return re.sub(r'(nonce|value)="[^"]{20,}"', "", html)


def _demo_person_with_everything() -> Offender:
    """A demo person whose records include a completed referral with sessions, a
    follow-up and outcome ratings, and a withdrawn one (a transition with a reason)."""
    referral_type = ContentType.objects.get_for_model(Referral)
    for referral in Referral.objects.filter(status=Status.COMPLETED, offender__case_reference__startswith="DEMO"):
        if (
            referral.sessions.exists()
            and FollowUp.objects.filter(referral=referral).exists()
            and Outcome.objects.filter(content_type=referral_type, object_id=referral.pk).exists()
        ):
            return referral.offender  # type: ignore[no-any-return]
    raise AssertionError("the demo data has no completed referral with sessions, follow-up and outcomes")


def _mark_free_text(person: Offender, admin: User) -> None:
    """Notes naming other people on every kind of record the person has, each saved
    with a history row (as an edit would), so history must be erased too."""
    referral = person.referrals.filter(status=Status.COMPLETED).first()
    assert referral is not None
    referral.notes = MARKS["referral"]
    referral.save()
    ReferralTransition.objects.filter(referral=referral).update(note=MARKS["transition"])
    session = referral.sessions.first()
    session.notes, session.concern, session.concern_note = MARKS["session"], True, MARKS["concern"]
    session.save()
    follow_up = FollowUp.objects.get(referral=referral)
    follow_up.note = MARKS["follow_up"]
    follow_up.save()
    outcome = Outcome.objects.filter(
        content_type=ContentType.objects.get_for_model(Referral), object_id=referral.pk
    ).first()
    assert outcome is not None
    outcome.description = MARKS["outcome"]
    outcome.save()


def test_disposing_of_a_demo_person_keeps_every_figure_and_leaves_no_trace(settings: Any, client: Client) -> None:
    seed_demo(settings)
    admin, dpo = User.objects.get(username="admin"), User.objects.get(username="dpo")
    person = _demo_person_with_everything()
    reference = person.case_reference
    person = update_offender(
        person,
        by=admin,
        expected_version=person.version,
        changes={"first_name": NEW_FIRST, "last_name": NEW_LAST, "date_of_birth": NEW_BIRTH},
    )
    _mark_free_text(person, admin)
    needles = [NEW_FIRST, NEW_LAST, reference, NEW_BIRTH.isoformat(), *MARKS.values()]
    # The search finds each value before the disposal (so it can fail after it).
    assert set(tables_holding(needles)) == set(needles)

    first = timezone.localdate(Referral.objects.order_by("created_at").first().created_at)  # type: ignore[union-attr]
    quarters = _quarters(first, timezone.localdate())
    assert len(quarters) >= 12
    # An officer: the span up to today is not a whole period, which the board may not ask for.
    client.force_login(User.objects.get(username="officer"))
    whole = (quarters[0][0], quarters[-1][1])
    figures_before = _figures(client, quarters)
    dashboard_before = _dashboard(client, *whole)
    fixed = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/London"))
    pdf_before = pdf_text(render_board_pdf(Period(*whole), generated_at=fixed))
    counts_before = [m.objects.count() for m in (Offender, Referral, ReferralTransition, Session, FollowUp, Outcome)]

    retention.decide_dispose(person, by=dpo, reason="Erasure request received by letter")

    assert _figures(client, quarters) == figures_before  # byte for byte, every quarter
    assert _dashboard(client, *whole) == dashboard_before
    assert pdf_text(render_board_pdf(Period(*whole), generated_at=fixed)) == pdf_before
    assert [m.objects.count() for m in (Offender, Referral, ReferralTransition, Session, FollowUp, Outcome)] == (
        counts_before
    )
    assert tables_holding(needles) == {}
    # The person's own history rows hold only the stub, not the demo name they started with.
    names = set(Offender.history.filter(id=person.pk).values_list("first_name", "last_name", "date_of_birth"))
    assert names == {("Disposed", "person", disposal.DISPOSED_DATE_OF_BIRTH)}

    stub = Offender.objects.get(pk=person.pk)
    assert (stub.full_name, stub.case_reference) == ("Disposed person", f"DISPOSED-{person.pk}")
    assert stub.disposed_at is not None
    event = PersonDataEvent.objects.get(person=stub)
    assert (event.kind, event.by, event.reason) == ("disposed", dpo, "Erasure request received by letter")
    decision = RetentionDecision.objects.get(person=stub)
    assert (decision.decision, decision.by) == ("dispose", dpo)


def test_every_free_text_field_of_a_persons_records_is_erased() -> None:
    """A free-text field added to a person's records must be added to ERASED_TEXT."""
    from django.db import models

    for model in (Referral, ReferralTransition, Session, FollowUp, Outcome):
        text_fields = {
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.TextField) or (isinstance(f, models.CharField) and not f.choices)
        }
        assert text_fields == set(disposal.ERASED_TEXT[model]), model


def test_offender_text_fields_are_all_replaced_by_the_stub() -> None:
    from django.db import models

    text_fields = {f.name for f in Offender._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)}
    assert text_fields == {"case_reference", "first_name", "last_name"}
