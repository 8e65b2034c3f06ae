"""The pages: working a referral through the forms, errors as messages not 500s,
403 for a visible record the user may not change, edit conflicts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from interventions.models import Offender, ReasonCode, Referral, Session, Status

pytestmark = pytest.mark.django_db


def test_a_referrer_makes_and_submits_a_referral(
    client: Any, officer: Any, probation: Any, programme: Any, areas: dict[str, Any], offender_factory: Any
) -> None:
    offender = offender_factory()
    client.force_login(officer)
    form = client.get(reverse("interventions:referral-create"), {"offender": offender.pk})
    assert form.status_code == 200
    response = client.post(
        reverse("interventions:referral-create"),
        {
            "offender": offender.pk,
            "programme": programme.pk,
            "handling_organisation": probation.pk,
            "offence_date": "2026-01-05",
            "area": next(iter(areas.values())).pk,
            "victim_role": "pcso",
            "injury": "True",
            "charged_under_act": "False",
            "priority": "high",
            "notes": "Spat at a PCSO",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert (referral.status, referral.referred_by, referral.referring_organisation) == (
        "draft",
        officer,
        officer.organisation,
    )
    assert referral.injury is True and referral.charged_under_act is False
    client.post(reverse("interventions:referral-move", args=[referral.pk, "submit"]), {"note": "", "version": 1})
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED


def test_the_referral_form_shows_errors(client: Any, officer: Any) -> None:
    client.force_login(officer)
    response = client.post(reverse("interventions:referral-create"), {"offence_date": "not a date"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_liaison_works_a_referral_through_the_pages(
    client: Any, liaison: Any, referral_factory: Callable[..., Referral]
) -> None:
    referral = referral_factory("submitted")
    client.force_login(liaison)
    loaded = referral.version
    accept = reverse("interventions:referral-move", args=[referral.pk, "accept"])
    client.post(accept, {"note": "Place available", "version": loaded})
    client.post(reverse("interventions:referral-move", args=[referral.pk, "start"]), {"version": loaded + 1})
    response = client.post(
        reverse("interventions:session-add", args=[referral.pk]),
        {
            "scheduled_on": "2026-02-01",
            "happened": "True",
            "attendance": "did_not_attend",
            "absence": "unacceptable",
            "concern": "on",
            "concern_note": "Threatened staff by phone",
        },
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert (session.attendance, session.absence, session.concern) == ("did_not_attend", "unacceptable", True)
    first, second = referral.programme.desired_outcomes.all()
    incomplete = client.post(
        reverse("interventions:referral-complete", args=[referral.pk]),
        {f"rating_{first.pk}": "achieved", f"comment_{first.pk}": "Good", "version": loaded + 2},
    )
    assert incomplete.status_code == 200
    assert f"Rate “{second.name}”" in incomplete.content.decode()
    # No session attended of the programme's plan: completing asks for a confirmation.
    planned = referral.programme.planned_sessions
    assert f"Confirm that the referral is complete with 0 of {planned} sessions attended" in incomplete.content.decode()
    summary = {
        f"rating_{first.pk}": "achieved",
        f"comment_{first.pk}": "Good",
        f"rating_{second.pk}": "partly_achieved",
        f"comment_{second.pk}": "Some",
        "version": loaded + 2,
    }
    unconfirmed = client.post(reverse("interventions:referral-complete", args=[referral.pk]), summary)
    assert unconfirmed.status_code == 200
    assert "Confirm that the referral is complete" in unconfirmed.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.STARTED
    client.post(
        reverse("interventions:referral-complete", args=[referral.pk]), {**summary, "confirm_fewer_sessions": "on"}
    )
    referral.refresh_from_db()
    assert referral.status == Status.COMPLETED
    completion = referral.transitions.get(to_status=Status.COMPLETED)
    assert (completion.sessions_attended, completion.fewer_sessions_confirmed) == (0, True)
    page = client.get(reverse("interventions:referral", args=[referral.pk])).content.decode()
    assert "Partly achieved" in page and "12-month follow-up" in page
    assert f"Completed with 0 of {planned} planned sessions attended, confirmed by" in page


def test_a_wrong_move_is_a_message_not_a_500(
    client: Any, liaison: Any, referral_factory: Callable[..., Referral]
) -> None:
    referral = referral_factory("accepted")
    client.force_login(liaison)
    url = reverse("interventions:referral-move", args=[referral.pk, "accept"])
    response = client.post(url, {"version": referral.version})
    assert response.status_code == 200
    assert "cannot be moved with “accept”" in response.content.decode()
    assert client.get(reverse("interventions:referral-move", args=[referral.pk, "fly"])).status_code == 404


def test_declining_needs_a_reason_chosen(
    client: Any, liaison: Any, referral_factory: Callable[..., Referral], reason: ReasonCode
) -> None:
    referral = referral_factory("submitted")
    client.force_login(liaison)
    url = reverse("interventions:referral-move", args=[referral.pk, "decline"])
    assert "Choose a reason" in client.post(url, {"version": referral.version}).content.decode()
    client.post(url, {"reason": reason.pk, "note": "Sentence too short", "version": referral.version})
    referral.refresh_from_db()
    assert referral.status == Status.DECLINED


def test_a_visible_record_the_user_may_not_change_is_403(
    client: Any, officer: Any, referral_factory: Callable[..., Referral]
) -> None:
    referral = referral_factory("submitted")
    client.force_login(officer)
    assert client.get(reverse("interventions:referral", args=[referral.pk])).status_code == 200
    for url in (
        reverse("interventions:referral-move", args=[referral.pk, "accept"]),
        reverse("interventions:referral-assign", args=[referral.pk]),
        reverse("interventions:referral-edit", args=[referral.pk]),
        reverse("interventions:session-add", args=[referral.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_two_liaisons_editing_at_once_the_second_is_refused(
    client: Any, liaison: Any, user_factory: Any, probation: Any, referral_factory: Callable[..., Referral]
) -> None:
    colleague = user_factory("probation_liaison", organisation=probation)
    referral = referral_factory("accepted")
    url = reverse("interventions:referral-edit", args=[referral.pk])
    client.force_login(liaison)
    loaded = client.get(url).context["form"]
    data = {
        "programme": referral.programme_id,
        "offence_date": "2026-01-10",
        "area": referral.area_id,
        "victim_role": "police_officer",
        "injury": "False",
        "charged_under_act": "True",
        "priority": "normal",
        "version": loaded["version"].value(),
    }
    from django.test import Client

    other = Client()
    other.force_login(colleague)
    assert other.post(url, {**data, "priority": "urgent", "notes": "Urgent now"}).status_code == 302
    response = client.post(url, {**data, "notes": "My notes"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "after you opened this page. Your changes have not been saved" in page
    referral.refresh_from_db()
    assert (referral.priority, referral.notes) == ("urgent", "Urgent now")
    # Having seen the conflict, saving again replaces their changes knowingly.
    again = client.post(url, {**data, "notes": "My notes", "version": response.context["form"].data["version"]})
    assert again.status_code == 302
    referral.refresh_from_db()
    assert referral.notes == "My notes"


def test_assigning_to_a_colleague(
    client: Any, liaison: Any, user_factory: Any, probation: Any, referral_factory: Callable[..., Referral]
) -> None:
    colleague = user_factory("probation_liaison", organisation=probation)
    outsider = user_factory("probation_liaison")
    referral = referral_factory("accepted")
    client.force_login(liaison)
    url = reverse("interventions:referral-assign", args=[referral.pk])
    assert client.post(url, {"liaison": outsider.pk, "version": referral.version}).status_code == 200  # not a choice
    client.post(url, {"liaison": colleague.pk, "version": referral.version})
    referral.refresh_from_db()
    assert referral.assigned_liaison == colleague
    tab = client.get(reverse("interventions:referrals"), {"tab": "unassigned"})
    assert tab.context["result_count"] == 0


def test_caseload_tabs_and_filters(
    client: Any, liaison: Any, referral_factory: Callable[..., Referral], admin_user: Any
) -> None:
    waiting = referral_factory("submitted")
    mine = referral_factory("started")
    closed = referral_factory("declined")
    from interventions import services

    services.assign(mine, by=liaison, expected_version=mine.version, liaison=liaison)
    client.force_login(liaison)

    def refs(**params: str) -> set[str]:
        return {r.reference for r in client.get(reverse("interventions:referrals"), params).context["object_list"]}

    assert refs(tab="unassigned") == {waiting.reference}
    assert refs(tab="mine") == {mine.reference}
    assert refs(tab="open") == {waiting.reference, mine.reference}
    assert refs(tab="closed") == {closed.reference}
    assert refs(status="started") == {mine.reference}
    assert refs(sort="name") == {waiting.reference, mine.reference, closed.reference}
    assert client.get(reverse("interventions:referrals"), {"submitted_from": "bad"}).status_code == 200


def test_adding_a_likely_duplicate_needs_confirmation(client: Any, liaison: Any, offender_factory: Any) -> None:
    # The warning looks only among people the user can see (issue #12): here one
    # their organisation holds.
    offender_factory(by=liaison, first_name="Jo", last_name="Bloggs", date_of_birth=date(1980, 5, 5))
    client.force_login(liaison)
    data = {"case_reference": "P123", "first_name": "jo", "last_name": "bloggs", "date_of_birth": "1980-05-05"}
    first = client.post(reverse("interventions:offender-create"), data)
    assert "A record with this name and date of birth already exists" in first.content.decode()
    assert 'name="confirm_duplicate"' in first.content.decode()
    second = client.post(
        reverse("interventions:offender-create"), {**data, "confirm_shown": "1", "confirm_duplicate": "on"}
    )
    assert second.status_code == 302
    assert Offender.objects.filter(case_reference="P123", created_by=liaison).exists()
    # The new person, with no referral yet, is visible to whoever added them.
    assert client.get(second["Location"]).status_code == 200


def test_a_duplicate_case_reference_is_a_field_error(client: Any, liaison: Any, offender_factory: Any) -> None:
    existing = offender_factory(by=liaison)  # a person the user can see (issue #12)
    client.force_login(liaison)
    response = client.post(
        reverse("interventions:offender-create"),
        {"case_reference": existing.case_reference, "first_name": "A", "last_name": "B", "date_of_birth": "1990-1-1"},
    )
    assert response.status_code == 200
    assert "A person you can see already has this case reference" in response.content.decode()


def test_the_referrer_acknowledges_a_concern(
    client: Any, officer: Any, liaison: Any, referral_factory: Callable[..., Referral]
) -> None:
    from interventions import services

    referral = referral_factory("started")
    session = services.record_session(
        referral,
        by=liaison,
        scheduled_on=date(2026, 2, 1),
        happened=True,
        attendance="attended",
        concern=True,
        concern_note="Aggressive",
    )
    client.force_login(liaison)
    url = reverse("interventions:concern-acknowledge", args=[referral.pk, session.pk])
    assert client.post(url, {"version": session.version}).status_code == 403
    session.refresh_from_db()
    assert session.concern_acknowledged_at is None  # the handler cannot acknowledge for the referrer
    client.force_login(officer)
    client.post(url, {"version": session.version})
    session.refresh_from_db()
    assert session.concern_acknowledged_by == officer


def test_recording_the_follow_up_through_the_page(
    client: Any, officer: Any, referral_factory: Callable[..., Referral]
) -> None:
    referral = referral_factory("completed")
    client.force_login(officer)
    url = reverse("interventions:follow-up", args=[referral.pk])
    assert client.post(url, {"version": 1}).status_code == 200
    assert client.post(url, {"version": 1, "result": "no"}).status_code == 302
    referral.follow_up.refresh_from_db()
    assert referral.follow_up.result == "no"


def test_programmes_are_listed_and_exported(client: Any, officer: Any, programme: Any) -> None:
    client.force_login(officer)
    assert programme.name in client.get(reverse("interventions:programmes")).content.decode()
    assert programme.name in client.get(reverse("interventions:programme", args=[programme.pk])).content.decode()
    assert programme.name in client.get(reverse("interventions:programmes") + "?export=csv").getvalue().decode()


def test_correcting_a_persons_details_is_version_checked(
    client: Any, liaison: Any, officer: Any, referral_factory: Callable[..., Referral]
) -> None:
    referral = referral_factory("submitted")
    person = referral.offender
    url = reverse("interventions:offender-edit", args=[person.pk])
    data = {
        "case_reference": person.case_reference,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "version": 1,
    }
    client.force_login(officer)
    assert client.post(url, {**data, "last_name": "Smythe"}).status_code == 302
    client.force_login(liaison)
    stale = client.post(url, {**data, "first_name": "Samuel"})
    assert "Your changes have not been saved" in stale.content.decode()
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Sam", "Smythe")


def test_a_person_outside_the_users_scope_cannot_be_edited(
    client: Any, liaison2: Any, referral_factory: Callable[..., Referral]
) -> None:
    referral = referral_factory("submitted")
    client.force_login(liaison2)
    assert client.get(reverse("interventions:offender-edit", args=[referral.offender_id])).status_code == 404
