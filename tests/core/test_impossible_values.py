"""Impossible dates and counts are refused with a message naming the field, the same
way through the pages, the API and every importer.

Today is pinned to 15 June 2026: dates of things that happened run from 1 January
2010 (the campaign's data start) to today; planned dates may run up to a year (sessions,
engagements) or two (due and review dates) ahead."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from interventions.models import Referral, Session
from partners.models import Engagement, EngagementMaterial
from tests.interventions.conftest import (  # noqa: F401 - fixtures
    offender_factory,
    outcome_types,
    programme,
    reason,
    referral_factory,
)
from tests.partners.conftest import lists, make_engagement, make_venue  # noqa: F401 - fixtures
from tracker.assaults.models import AssaultIncident, WorkforcePeriod
from tracker.core import validation
from tracker.core.imports import registry
from tracker.core.imports.services import check_file
from tracker.core.models import Outcome, OutcomeType

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 15)
API = "/api/v1"


@pytest.fixture(autouse=True)
def today() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 6, 15, 12, 0, tzinfo=UTC), tick=False):
        yield


def api_for(user: Any) -> APIClient:
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(user)
    return api


# The rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (date(2009, 12, 31), "The date of the offence must be on or after 1 January 2010"),
        (TODAY + timedelta(days=1), "The date of the offence must be today or in the past"),
        (date(9999, 12, 31), "The date of the offence must be today or in the past"),
    ],
)
def test_a_date_that_happened_runs_from_the_data_start_to_today(value: date, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validation.OFFENCE_DATE(value)
    assert refused.value.messages == [message]
    validation.OFFENCE_DATE(validation.DATA_START)
    validation.OFFENCE_DATE(TODAY)


def test_a_planned_date_may_be_ahead_within_reason() -> None:
    validation.SESSION_DATE(TODAY + timedelta(days=300))
    with pytest.raises(ValidationError, match="The session date must be no later than 16 June 2027"):
        validation.SESSION_DATE(date(2062, 6, 1))
    validation.FOLLOW_UP_DUE(TODAY + timedelta(days=700))
    with pytest.raises(ValidationError, match="The due date must be no later than"):
        validation.FOLLOW_UP_DUE(TODAY + timedelta(days=800))


@pytest.mark.parametrize("value", [-1, 100_001, 10**30])
def test_counts_are_not_negative_nor_beyond_a_sensible_maximum(value: int) -> None:
    with pytest.raises(ValidationError, match="The attendance must be a whole number from 0 to 100,000"):
        validation.ATTENDANCE(value)


# Pages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offence_date", "message"),
    [
        ("2026-06-16", "The date of the offence must be today or in the past"),
        ("2009-12-31", "The date of the offence must be on or after 1 January 2010"),
    ],
)
def test_the_referral_form_refuses_an_impossible_offence_date(
    client: Any, officer: Any, offence_date: str, message: str
) -> None:
    client.force_login(officer)
    response = client.post(reverse("interventions:referral-create"), {"offence_date": offence_date})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Referral.objects.exists()


def test_the_session_form_refuses_a_date_years_ahead(client: Any, referral_factory: Any, liaison: Any) -> None:
    referral = referral_factory("started")
    client.force_login(liaison)
    response = client.post(
        reverse("interventions:session-add", args=[referral.pk]),
        {"scheduled_on": "2062-06-01", "happened": "no"},
    )
    assert "The session date must be no later than 16 June 2027" in response.content.decode()
    assert not Session.objects.exists()


def test_the_engagement_form_refuses_an_impossible_attendance_and_date(client: Any, officer: Any) -> None:
    client.force_login(officer)
    for attendance in ("100001", "-5"):
        response = client.post(
            reverse("partners:engagement-create"), {"attendance": attendance, "starts_at": "2009-05-01T10:00"}
        )
        text = response.content.decode()
        assert "The attendance must be a whole number from 0 to 100,000" in text
        assert "The date of the engagement must be on or after 1 January 2010" in text
    assert not Engagement.objects.exists()


def test_the_materials_form_refuses_more_than_a_million(
    client: Any, officer: Any, make_engagement: Any, make_venue: Any, lists: Any
) -> None:
    engagement = make_engagement(venues=[make_venue()])
    poster = lists["materials"]["Custody poster"]
    client.force_login(officer)
    response = client.post(reverse("partners:engagement-materials", args=[engagement.pk]), {f"m{poster.pk}": "1000001"})
    assert "The quantity of Custody poster must be a whole number from 0 to 1,000,000" in response.content.decode()
    assert not EngagementMaterial.objects.exists()


def test_the_outcome_form_refuses_a_future_date(
    client: Any, officer: Any, make_engagement: Any, make_venue: Any, lists: Any
) -> None:
    engagement = make_engagement(venues=[make_venue()])
    client.force_login(officer)
    response = client.post(
        reverse("partners:engagement-outcome", args=[engagement.pk]),
        {
            "date": "2026-06-16",
            "outcome_type": lists["outcome_type"].pk,
            "rating": "achieved",
            "description": "Not yet",
        },
    )
    assert "The date of the outcome must be today or in the past" in response.content.decode()
    assert not Outcome.objects.exists()


# API -------------------------------------------------------------------------------


def test_the_api_refuses_a_future_offence_date_on_a_referral(referral_factory: Any, officer: Any) -> None:
    referral = referral_factory("draft")
    response = api_for(officer).patch(
        f"{API}/referrals/{referral.pk}/", {"offence_date": "2026-06-16", "version": referral.version}, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["offence_date"] == ["The date of the offence must be today or in the past"]
    referral.refresh_from_db()
    assert referral.offence_date == date(2026, 1, 10)


def test_the_api_refuses_a_session_years_ahead(referral_factory: Any, liaison: Any) -> None:
    referral = referral_factory("started")
    body = {"referral": referral.pk, "scheduled_on": "2062-06-01", "happened": False}
    response = api_for(liaison).post(f"{API}/sessions/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["scheduled_on"] == ["The session date must be no later than 16 June 2027"]
    assert not Session.objects.exists()


def test_the_api_refuses_impossible_engagement_counts_and_dates(
    make_engagement: Any, make_venue: Any, officer: Any, lists: Any
) -> None:
    engagement = make_engagement(venues=[make_venue()])
    api = api_for(officer)
    url = f"{API}/engagements/{engagement.pk}/"
    response = api.patch(url, {"attendance": 100_001, "version": engagement.version}, format="json")
    assert response.status_code == 400, response.content
    assert "The attendance must be a whole number from 0 to 100,000" in response.json()["attendance"]
    response = api.patch(url, {"starts_at": "2009-12-31T10:00:00Z", "version": engagement.version}, format="json")
    assert response.status_code == 400
    assert response.json()["starts_at"] == ["The date of the engagement must be on or after 1 January 2010"]
    material = lists["materials"]["Custody poster"]
    body = {"version": engagement.version, "materials": [{"material": material.pk, "quantity": 1_000_001}]}
    response = api.post(f"{url}set-materials/", body, format="json")
    assert response.status_code == 400
    assert "The quantity must be a whole number from 0 to 1,000,000" in str(response.json())
    body = {"version": engagement.version, "description": "Call back", "owner": officer.pk, "due_on": "2030-01-01"}
    response = api.post(f"{url}add-follow-up/", body, format="json")
    assert response.status_code == 400
    assert response.json()["due_on"] == ["The due date must be no later than 16 June 2028"]
    engagement.refresh_from_db()
    assert (engagement.attendance, engagement.version) == (None, 1)
    assert not EngagementMaterial.objects.exists()


def test_the_api_refuses_a_review_date_years_ahead_and_a_follow_up_done_tomorrow(
    make_engagement: Any, make_venue: Any, officer: Any, lists: Any
) -> None:
    from partners import services

    venue = make_venue()
    partnership = services.start_partnership(venue, by=officer, lead_officer=officer, started_on=date(2026, 1, 1))
    services.mark_engaged(partnership, by=officer, expected_version=partnership.version, on=date(2026, 1, 5))
    partnership.refresh_from_db()
    api = api_for(officer)
    body = {"version": partnership.version, "on": "2026-06-01", "next_review_on": "2040-01-01"}
    response = api.post(f"{API}/partnerships/{partnership.pk}/sign-up/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["next_review_on"] == ["The next review date must be no later than 16 June 2028"]

    engagement = make_engagement(venues=[venue])
    action = services.add_follow_up(
        engagement, by=officer, expected_version=engagement.version, description="Call", owner=officer, due_on=TODAY
    )
    engagement.refresh_from_db()
    body = {"version": engagement.version, "follow_up": action.pk, "done_on": "2026-06-16"}
    response = api.post(f"{API}/engagements/{engagement.pk}/complete-follow-up/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["done_on"] == ["The date it was done must be today or in the past"]
    action.refresh_from_db()
    assert action.done_on is None


def test_the_api_refuses_a_future_outcome(referral_factory: Any, liaison: Any, outcome_types: Any) -> None:
    referral = referral_factory("started")
    body = {
        "subject_type": "interventions.referral",
        "subject_id": referral.pk,
        "date": "2026-06-16",
        "outcome_type": OutcomeType.objects.filter(active=True).first().pk,  # type: ignore[union-attr]
        "rating": "achieved",
        "description": "Later",
    }
    response = api_for(liaison).post(f"{API}/outcomes/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["date"] == ["The date of the outcome must be today or in the past"]
    assert not Outcome.objects.exists()


# Services (every door) ------------------------------------------------------------


def test_services_refuse_what_a_door_forgot(referral_factory: Any, liaison: Any) -> None:
    from interventions import services

    referral = referral_factory("started")
    with pytest.raises(ValidationError) as refused:
        services.record_session(referral, by=liaison, scheduled_on=date(2062, 1, 1), happened=False)
    assert refused.value.message_dict == {"scheduled_on": ["The session date must be no later than 16 June 2027"]}
    with pytest.raises(ValidationError):
        services.update_referral(
            referral, by=liaison, expected_version=referral.version, changes={"offence_date": date(2001, 1, 1)}
        )


# Imports ---------------------------------------------------------------------------


def run(slug: str, text: str, by: Any) -> Any:
    return check_file(registry.get(slug), text.encode(), f"{slug}.csv", by=by, dry_run=False)  # type: ignore[arg-type]


def messages(outcome: Any) -> list[tuple[int | None, str, str]]:
    return [(e.row, e.column, e.message) for e in outcome.errors]


@pytest.mark.parametrize(
    ("offence_date", "message"),
    [
        ("2026-06-16", "The date of the offence must be today or in the past."),
        ("2009-12-31", "The date of the offence must be on or after 1 January 2010."),
    ],
)
def test_the_referral_import_refuses_an_impossible_offence_date(
    liaison: Any, probation: Any, areas: Any, programme: Any, offence_date: str, message: str
) -> None:
    header = "case_reference,first_name,last_name,date_of_birth,programme,offence_date,area,victim_role,injury,charged"
    good = f"C-1,Dana,Hill,1990-02-03,{programme.name},2026-05-01,Herefordshire,police_officer,yes,no"
    bad = f"C-2,Eve,Hill,1991-02-03,{programme.name},{offence_date},Herefordshire,police_officer,yes,no"
    outcome = run("referrals", "\n".join([header, good, bad]) + "\n", liaison)
    assert messages(outcome) == [(3, "offence_date", message)]
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ("2026-06-16 10:00,,", "starts_at", None),
        ("2009-12-31 10:00,,", "starts_at", "The date of the engagement must be on or after 1 January 2010"),
        ("2026-04-02 10:00,100001,", "attendance", "The attendance must be a whole number from 0 to 100,000"),
        ("2026-04-02 10:00,-1,", "attendance", "The attendance must be a whole number from 0 to 100,000"),
        ("2026-04-02 10:00,,Custody poster: 1000001", "materials", "from 0 to 1,000,000"),
    ],
)
def test_the_engagement_import_refuses_impossible_dates_and_counts(
    lists: Any, areas: Any, officer: Any, make_venue: Any, cells: str, column: str, message: str | None
) -> None:
    venue = make_venue()
    header = "starts_at,kind,lead_officer,area,venues,attendance,materials\n"
    start, attendance, materials = cells.split(",")
    row = f"{start},Meeting,officer,Herefordshire,{venue.licence_number},{attendance},{materials}\n"
    outcome = run("engagements", header + row, officer)
    if message is None:  # tomorrow: an engagement may be arranged ahead
        assert outcome.ok, outcome.errors
        return
    found = [(r, c, m) for r, c, m in messages(outcome) if c == column]
    assert found and found[0][0] == 2 and message in found[0][2], outcome.errors
    assert not Engagement.objects.exists()


def test_the_incident_import_refuses_a_future_incident(areas: Any, officer: Any) -> None:
    text = "reference,occurred_at,area,victim_role,injury,outcome\nR1,2026-06-16 10:00,Shropshire,pcso,no,charged\n"
    outcome = run("incidents", text, officer)
    assert messages(outcome) == [(2, "occurred_at", "The date of the incident must be today or in the past.")]
    assert not AssaultIncident.objects.exists()


@pytest.mark.parametrize(("officers", "staff"), [("250001", "1500"), ("2000", "0")])
def test_the_workforce_import_refuses_impossible_headcounts(
    areas: Any, officer: Any, officers: str, staff: str
) -> None:
    text = f"period_start,period_end,officers,staff\n2018-07-01,2018-09-30,{officers},{staff}\n"
    outcome = run("workforce", text, officer)
    assert [m for _, _, m in messages(outcome)] == [
        "The number of officers must be a whole number from 1 to 250,000."
        if officers != "2000"
        else "The number of staff must be a whole number from 1 to 250,000."
    ]
    assert not WorkforcePeriod.objects.exists()


# Demo data --------------------------------------------------------------------------


def test_the_demo_data_satisfies_every_rule() -> None:
    import io

    from django.apps import apps
    from django.core.management import call_command

    call_command("seed_demo", "--force", stdout=io.StringIO())
    checked = 0
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            rules = [v for v in field.validators if isinstance(v, validation.DateWithin | validation.CountWithin)]
            if not rules or model.__name__.startswith("Historical"):
                continue
            for value in model._default_manager.values_list(field.attname, flat=True).distinct():
                assert not validation.problems(value, rules), (model.__name__, field.name, value)
                checked += 1
    assert checked > 1000
