"""My work items for liaisons and referrers, the navigation, and the demo data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from interventions import services
from interventions.models import FollowUp, Offender, Programme, Referral, Session
from tracker.core import mywork

pytestmark = pytest.mark.django_db


def _titles(user: Any) -> dict[str, list[str]]:
    return {s.title: [i.label for i in s.items] for s in mywork.sections_for(user)}


def test_liaisons_see_waiting_referrals_overdue_after_seven_days(
    referral_factory: Callable[..., Referral], liaison: Any, liaison2: Any
) -> None:
    with time_machine.travel("2026-05-01 09:00 +01:00", tick=False):
        referral = referral_factory("submitted")
    with time_machine.travel("2026-05-07 09:00 +01:00", tick=False):
        section = next(s for s in mywork.sections_for(liaison) if s.title == "Referrals waiting for acceptance")
        assert [(i.label.split(":")[0], i.overdue) for i in section.items] == [(referral.reference, False)]
        assert mywork.count_for(liaison) == 0
    with time_machine.travel("2026-05-09 09:00 +01:00", tick=False):
        section = next(s for s in mywork.sections_for(liaison) if s.title == "Referrals waiting for acceptance")
        assert section.items[0].overdue
        assert mywork.count_for(liaison) == 1
    assert _titles(liaison2)["Referrals waiting for acceptance"] == []


def test_unassigned_open_referrals_are_listed_for_the_handling_liaisons(
    referral_factory: Callable[..., Referral], liaison: Any
) -> None:
    referral = referral_factory("submitted")
    # Accepting assigns the accepting liaison unless they choose nobody.
    services.accept(referral, by=liaison, expected_version=referral.version, assignee=None)
    assert _titles(liaison)["Open referrals nobody is assigned to"] == [
        f"{referral.reference}: {referral.offender.full_name}"
    ]
    services.assign(referral, by=liaison, expected_version=referral.version, liaison=liaison)
    assert _titles(liaison)["Open referrals nobody is assigned to"] == []


def test_a_concern_waits_in_the_referrers_my_work_until_acknowledged(
    referral_factory: Callable[..., Referral], officer: Any, liaison: Any
) -> None:
    referral = referral_factory("started")
    session = services.record_session(
        referral,
        by=liaison,
        scheduled_on=date(2026, 2, 1),
        happened=True,
        attendance="attended",
        concern=True,
        concern_note="Made threats",
    )
    assert len(_titles(officer)["Concerns raised in sessions"]) == 1
    assert mywork.count_for(officer) == 1
    services.acknowledge_concern(session, by=officer, expected_version=session.version)
    assert _titles(officer)["Concerns raised in sessions"] == []
    assert Session.objects.get().concern_acknowledged_by == officer


def test_follow_ups_appear_when_due(referral_factory: Callable[..., Referral], officer: Any) -> None:
    with time_machine.travel("2026-01-15 12:00 +00:00", tick=False):
        referral = referral_factory("completed")
    assert FollowUp.objects.get(referral=referral).due == date(2027, 1, 15)
    with time_machine.travel("2026-11-01 12:00 +00:00", tick=False):
        assert _titles(officer)["12-month follow-ups due"] == []
    with time_machine.travel("2027-01-01 12:00 +00:00", tick=False):
        assert len(_titles(officer)["12-month follow-ups due"]) == 1  # within 30 days: shown, not yet counted
        assert mywork.count_for(officer) == 0
    with time_machine.travel("2027-01-20 12:00 +00:00", tick=False):
        section = next(s for s in mywork.sections_for(officer) if s.title == "12-month follow-ups due")
        assert section.items[0].overdue
        assert mywork.count_for(officer) == 1


def test_the_strand_appears_in_the_navigation_for_its_roles(client: Any, users: dict[str, Any]) -> None:
    for name in ("officer", "liaison", "admin"):
        client.force_login(users[name])
        assert reverse("interventions:referrals") in client.get("/").content.decode()
    client.force_login(users["board"])
    assert reverse("interventions:referrals") not in client.get("/").content.decode()


def test_demo_data_is_complete_and_idempotent(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (Offender.objects.count(), Programme.objects.count(), Referral.objects.count(), Session.objects.count())
    # 150 people and 250 referrals, and 4 people (one referral each) whose retention review is due.
    assert counts[:3] == (154, 8, 254)
    assert Offender.objects.filter(case_reference__startswith="DEMO").count() == 150
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == {
        "draft",
        "submitted",
        "accepted",
        "declined",
        "started",
        "completed",
        "not_completed",
        "withdrawn",
    }
    handlers = set(Referral.objects.values_list("handling_organisation__name", flat=True))
    assert handlers == {"Probation Service – West Mercia", "HMP Long Lartin"}
    assert Session.objects.filter(concern=True, concern_acknowledged_at=None).exists()
    assert FollowUp.objects.filter(result="", due__lte=timezone.localdate()).exists()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    again = (Offender.objects.count(), Programme.objects.count(), Referral.objects.count(), Session.objects.count())
    assert again == counts


def test_administrators_manage_programmes_and_reasons_in_the_admin_site(
    client: Any, admin_user: Any, programme: Programme
) -> None:
    client.force_login(admin_user)
    for name in ("programme", "reasoncode"):
        assert client.get(reverse(f"admin:interventions_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:interventions_{name}_add")).status_code == 200
    assert client.get(reverse("admin:interventions_programme_change", args=[programme.pk])).status_code == 200
