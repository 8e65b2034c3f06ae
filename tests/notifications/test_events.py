"""Each event emails exactly the people it should, once its change commits; choices
are respected; a change rolled back sends nothing; an import sends one summary to each
handling organisation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from interventions import services
from interventions.importing import KIND
from interventions.models import Programme, ReasonCode, Referral
from tests.notifications.conftest import sent, sent_to
from tracker.core.imports.services import check_file
from tracker.notifications.models import Kind, OutboxEmail
from tracker.notifications.services import set_preferences

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(officer: Any, liaison: Any, colleague: Any, liaison2: Any, admin_user: Any, user_factory: Any) -> Any:
    # Someone of the probation service who is not a liaison, and a liaison who has left.
    user_factory(organisation=liaison.organisation, username="clerk")
    user_factory("probation_liaison", organisation=liaison.organisation, username="gone", is_active=False)
    user_factory("probation_liaison", organisation=liaison.organisation, username="noaddress").__class__.objects.filter(
        username="noaddress"
    ).update(email="")
    return {"officer": officer, "liaison": liaison, "colleague": colleague}


def test_submitting_emails_each_liaison_of_the_handling_organisation(
    people: Any, referral_factory: Callable[..., Referral], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        referral = referral_factory("submitted")
    assert sent_to() == ["colleague@example.org", "liaison@example.org"]
    assert all(m.subject == f"{referral.reference}: new referral for your organisation" for m in mail.outbox)
    assert f"https://tracker.example.org/interventions/referrals/{referral.pk}/" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("status", "words"),
    [("accepted", "accepted"), ("declined", "declined"), ("withdrawn", "withdrawn"), ("completed", "completed")],
)
def test_the_referrer_hears_of_each_decision(
    people: Any,
    referral_factory: Callable[..., Referral],
    django_capture_on_commit_callbacks: Any,
    status: str,
    words: str,
    admin_user: Any,
) -> None:
    referral = referral_factory("started" if status == "completed" else "submitted")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        if status == "withdrawn":
            # By the handling liaison: the referrer made no move, so is told.
            services.withdraw(referral, by=people["liaison"], expected_version=referral.version, reason=_reason())
        elif status == "declined":
            services.decline(
                referral, by=people["liaison"], expected_version=referral.version, reason=_reason(), note="Secret"
            )
        elif status == "accepted":
            services.accept(referral, by=people["liaison"], expected_version=referral.version)
        else:
            ratings = {t.pk: ("achieved", "Fine") for t in referral.programme.desired_outcomes.all()}
            services.complete(
                referral,
                by=people["liaison"],
                expected_version=referral.version,
                ratings=ratings,
                confirm_fewer_sessions=True,
            )
    assert sent_to() == ["officer@example.org"]
    assert mail.outbox[0].subject == f"{referral.reference}: referral {words}"
    if status == "declined":
        assert "Declined: sentence or legal" in mail.outbox[0].body
        assert "Secret" not in mail.outbox[0].body


def _reason() -> ReasonCode:
    return ReasonCode.objects.get_or_create(name="Recalled to prison", defaults={"group": ReasonCode.Group.LEGAL})[0]


def test_the_one_who_moves_is_not_told_of_their_own_move(
    people: Any, referral_factory: Callable[..., Referral], django_capture_on_commit_callbacks: Any
) -> None:
    referral = referral_factory("submitted")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(referral, by=people["officer"], expected_version=referral.version, reason=_reason())
    assert mail.outbox == []


def test_a_concern_alerts_the_referrer_and_the_assigned_liaison_at_once(
    people: Any, referral_factory: Callable[..., Referral], django_capture_on_commit_callbacks: Any
) -> None:
    referral = referral_factory("started")  # accepted by, so assigned to, the liaison
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_session(
            referral,
            by=people["colleague"],
            scheduled_on=date(2026, 2, 1),
            happened=True,
            attendance="attended",
            concern=True,
            concern_note="Made threats",
        )
    assert sent_to() == ["liaison@example.org", "officer@example.org"]
    assert {m.subject for m in mail.outbox} == {f"{referral.reference}: concern recorded at a session"}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_session(
            referral, by=people["colleague"], scheduled_on=date(2026, 2, 8), happened=True, attendance="attended"
        )
    assert mail.outbox == []


def test_a_kind_turned_off_is_not_sent(
    people: Any, referral_factory: Callable[..., Referral], django_capture_on_commit_callbacks: Any
) -> None:
    set_preferences(people["colleague"], by=people["colleague"], choices={Kind.REFERRAL_SUBMITTED: False})
    with django_capture_on_commit_callbacks(execute=True):
        referral_factory("submitted")
    assert sent_to() == ["liaison@example.org"]


def test_nothing_is_sent_for_a_change_rolled_back(
    people: Any, referral_factory: Callable[..., Referral], django_capture_on_commit_callbacks: Any
) -> None:
    referral = referral_factory("draft")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.submit(referral, by=people["officer"], expected_version=referral.version)
            raise RuntimeError("something later in the same change fails")
    assert callbacks == []
    assert mail.outbox == []
    assert not OutboxEmail.objects.exists()


HEADER = (
    "case_reference,first_name,last_name,date_of_birth,programme,offence_date,area,victim_role,injury,charged,"
    "handling_organisation,status"
)


def test_an_import_sends_one_summary_to_each_handling_organisation(
    people: Any,
    admin_user: Any,
    liaison2: Any,
    areas: Any,
    probation: Any,
    prison: Any,
    outcome_types: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    Programme.objects.create(name="Victim awareness course", provider=probation, setting="community")
    rows = [
        f"C-{n},Dana,Hill{n},1990-02-03,Victim awareness course,2026-05-01,Herefordshire,police_officer,yes,no,"
        f"{probation.name},submitted"
        for n in range(5)
    ] + [
        f"P-1,Lee,Stone,1985-01-01,Victim awareness course,2026-05-01,Herefordshire,pcso,no,no,{prison.name},submitted",
        f"P-2,Lee,Stones,1985-01-02,Victim awareness course,2026-05-01,Herefordshire,pcso,no,no,{prison.name},draft",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        outcome = check_file(KIND, ("\n".join([HEADER, *rows]) + "\n").encode(), "r.csv", by=admin_user, dry_run=False)
    assert outcome.ok, outcome.errors
    assert sent_to() == ["colleague@example.org", "liaison2@example.org", "liaison@example.org"]
    probation_emails = sent("5 referrals")
    assert len(probation_emails) == 2
    assert probation_emails[0].subject == "5 referrals: new referrals for your organisation"
    assert "5 referrals have been sent to your organisation:" in probation_emails[0].body
    references = [r.reference for r in Referral.objects.filter(handling_organisation=probation)]
    assert all(ref in probation_emails[0].body for ref in references)
    prison_email = next(m for m in mail.outbox if m.to == ["liaison2@example.org"])
    only = Referral.objects.get(handling_organisation=prison, status="submitted")
    assert prison_email.subject == f"{only.reference}: new referral for your organisation"


def test_a_fault_of_ours_fails_the_email_at_once_and_logs_it(
    officer: Any, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    from unittest import mock

    from tracker.notifications.services import notify

    with mock.patch("tracker.notifications.tasks.render_email", side_effect=ValueError("broken template")):
        with django_capture_on_commit_callbacks(execute=True):
            [row] = notify(Kind.REFERRAL_ACCEPTED, [officer], reference="R00001", path="/")
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 1)
    assert "broken template" in caplog.text
    assert mail.outbox == []
