"""The subject access pages and the API: who may use them, recording a request,
the preview with its redaction form, the PDF and JSON with redactions applied,
the log of each production, My work, and query counts of the lists."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.dataprotection.conftest import NOTE, OTHER, make_case
from tracker.core import mywork
from tracker.core.models import AccessLog, ConsultedPerson
from tracker.dataprotection import subject_access as sar
from tracker.dataprotection.models import Redaction, SubjectAccessRequest

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)  # noqa: S607
    return result.stdout.decode()


@pytest.fixture
def sar_request(case: Any, dpo: Any) -> SubjectAccessRequest:
    return sar.record_request(person=case.person, received_on=timezone.localdate() - timedelta(days=3), by=dpo)


def _urls(request: SubjectAccessRequest) -> dict[str, tuple[str, str]]:
    return {
        "list": ("get", reverse("dataprotection:sar-list")),
        "new": ("get", reverse("dataprotection:sar-new") + "?q=Requester"),
        "detail": ("get", reverse("dataprotection:sar", args=[request.pk])),
        "pdf": ("post", reverse("dataprotection:sar-pdf", args=[request.pk])),
        "json": ("post", reverse("dataprotection:sar-json", args=[request.pk])),
        "close": ("post", reverse("dataprotection:sar-close", args=[request.pk])),
    }


@pytest.mark.parametrize("who", ["officer", "liaison", "liaison2", "board"])
def test_other_roles_reach_no_subject_access_page(client: Any, users: Any, sar_request: Any, who: str) -> None:
    client.force_login(users[who])
    for name, (method, url) in _urls(sar_request).items():
        assert getattr(client, method)(url).status_code == 403, name
    assert not AccessLog.objects.filter(action=AccessLog.Action.DISCLOSURE).exists()


@pytest.mark.parametrize("who", ["dpo", "admin_user"])
def test_the_dpo_and_administrators_use_every_page(client: Any, request: Any, sar_request: Any, who: str) -> None:
    client.force_login(request.getfixturevalue(who))
    urls = _urls(sar_request)
    for name in ("list", "new", "detail"):
        assert client.get(urls[name][1]).status_code == 200, name
    assert client.post(urls["pdf"][1]).status_code == 200


def test_recording_a_request_by_searching_for_the_person(client: Any, dpo: Any, case: Any) -> None:
    client.force_login(dpo)
    new = reverse("dataprotection:sar-new")
    found = client.get(new, {"q": "sar-case-1"})  # a case reference, in any letter case
    assert f"?person={case.person.pk}" in found.content.decode()
    assert OTHER not in found.content.decode()
    search_log = AccessLog.objects.get(action=AccessLog.Action.SEARCH)
    assert list(search_log.consulted.values_list("person_id", flat=True)) == [case.person.pk]
    response = client.post(new, {"person": case.person.pk, "received_on": "2026-01-31", "notes": "By email"})
    created = SubjectAccessRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dataprotection:sar", args=[created.pk])
    assert (created.person, created.deadline.isoformat(), created.recorded_by) == (case.person, "2026-02-28", dpo)


def test_recording_without_a_date_shows_the_error(client: Any, dpo: Any, case: Any) -> None:
    client.force_login(dpo)
    new = reverse("dataprotection:sar-new")
    page = client.post(new, {"person": case.person.pk, "received_on": ""}).content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_received_on">Enter the date the request was received</a>' in page
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = client.post(new, {"person": case.person.pk, "received_on": future}).content.decode()
    assert "The date the request was received must be today or in the past" in page
    assert not SubjectAccessRequest.objects.exists()


def test_the_request_page_previews_the_pack_and_records_a_redaction(
    client: Any, dpo: Any, case: Any, sar_request: Any
) -> None:
    client.force_login(dpo)
    url = reverse("dataprotection:sar", args=[sar_request.pk])
    page = client.get(url).content.decode()
    assert NOTE in page and case.completed.reference in page
    field = f"referral-{case.completed.pk}-notes"
    missing_reason = client.post(url, {f"redact-{field}": "on", f"reason-{field}": ""}).content.decode()
    assert f'<a href="#id_reason-{field}">Enter the reason for withholding' in missing_reason
    assert not Redaction.objects.exists()
    response = client.post(url, {f"redact-{field}": "on", f"reason-{field}": "Names a neighbour"})
    assert response.status_code == 302
    redaction = Redaction.objects.get()
    assert (redaction.request, redaction.item, redaction.reason, redaction.by) == (
        sar_request,
        f"referral:{case.completed.pk}:notes",
        "Names a neighbour",
        dpo,
    )
    page = client.get(url).content.decode()
    assert "[redacted]" in page


def _redact_the_note(sar_request: Any, case: Any, dpo: Any) -> None:
    sar.set_redactions(sar_request, by=dpo, marks={f"referral:{case.completed.pk}:notes": "Names a neighbour"})


def test_the_pdf_shows_redacted_and_its_production_is_logged(
    client: Any, dpo: Any, case: Any, sar_request: Any
) -> None:
    _redact_the_note(sar_request, case, dpo)
    client.force_login(dpo)
    response = client.post(reverse("dataprotection:sar-pdf", args=[sar_request.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"disclosure-pack-{sar_request.reference}.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "OFFICIAL-SENSITIVE" in text
    assert "SAR-CASE-1" in text and "Samuel" in text
    assert case.completed.reference in text and case.declined.reference in text
    assert "[redacted]" in text
    assert "Pat Smith" not in text
    assert "Names a neighbour" in text  # why it was withheld
    assert "Spoke about his cousin" in text
    assert OTHER not in text
    log = AccessLog.objects.get(action=AccessLog.Action.DISCLOSURE)
    assert (log.user, log.way) == (dpo, AccessLog.Way.PDF)
    assert ConsultedPerson.objects.get(log=log).person_id == case.person.pk
    sar_request.refresh_from_db()
    assert sar_request.status == SubjectAccessRequest.Status.PRODUCED and sar_request.produced_by == dpo


def test_the_json_download_shows_redacted_and_is_logged(client: Any, dpo: Any, case: Any, sar_request: Any) -> None:
    _redact_the_note(sar_request, case, dpo)
    client.force_login(dpo)
    response = client.post(reverse("dataprotection:sar-json", args=[sar_request.pk]))
    data = json.loads(response.content)
    completed = next(r for r in data["referrals"] if r["reference"] == case.completed.reference)
    assert completed["notes"] == "[redacted]"
    assert "Pat Smith" not in response.content.decode()
    assert data["request"]["reference"] == sar_request.reference
    log = AccessLog.objects.get(action=AccessLog.Action.DISCLOSURE)
    assert (log.way, log.consulted.get().person_id) == (AccessLog.Way.API, case.person.pk)


# The API ----------------------------------------------------------------------------

KEYS = {"person", "referrals", "sessions", "follow_ups", "outcomes", "history", "access", "redactions", "request"}


def _api(user: Any) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.parametrize("who", ["dpo", "admin_user"])
def test_the_api_answers_the_pack_with_the_latest_requests_redactions(
    request: Any, dpo: Any, case: Any, sar_request: Any, who: str
) -> None:
    _redact_the_note(sar_request, case, dpo)
    user = request.getfixturevalue(who)
    response = _api(user).get(f"/api/v1/offenders/{case.person.pk}/subject-access/")
    assert response.status_code == 200
    data = response.json()
    assert KEYS <= set(data)
    assert data["person"]["case_reference"] == "SAR-CASE-1"
    assert {r["reference"] for r in data["referrals"]} == {case.completed.reference, case.declined.reference}
    assert len(data["sessions"]) == 1 and len(data["outcomes"]) == 2 and data["history"] and data["access"]
    assert "Pat Smith" not in response.content.decode()
    assert OTHER not in response.content.decode()
    log = AccessLog.objects.get(action=AccessLog.Action.DISCLOSURE)
    assert (log.user, log.way, log.consulted.get().person_id) == (user, AccessLog.Way.API, case.person.pk)
    sar_request.refresh_from_db()
    assert (sar_request.status, sar_request.produced_by) == (SubjectAccessRequest.Status.PRODUCED, user)


def test_the_api_without_a_request_redacts_nothing_and_is_logged(dpo: Any, case: Any) -> None:
    response = _api(dpo).get(f"/api/v1/offenders/{case.person.pk}/subject-access/")
    assert response.status_code == 200
    assert response.json()["request"] is None
    assert NOTE in response.content.decode()
    assert AccessLog.objects.filter(action=AccessLog.Action.DISCLOSURE, way=AccessLog.Way.API).count() == 1


@pytest.mark.parametrize("who", ["officer", "liaison", "liaison2", "board"])
def test_the_api_refuses_other_roles(users: Any, case: Any, who: str) -> None:
    response = _api(users[who]).get(f"/api/v1/offenders/{case.person.pk}/subject-access/")
    assert response.status_code == 403
    assert "Samuel" not in response.content.decode()
    assert not AccessLog.objects.filter(action=AccessLog.Action.DISCLOSURE).exists()


def test_the_api_answers_404_for_nobody_and_401_signed_out(dpo: Any, case: Any) -> None:
    assert _api(dpo).get("/api/v1/offenders/999999/subject-access/").status_code == 404
    assert APIClient().get(f"/api/v1/offenders/{case.person.pk}/subject-access/").status_code == 401


# My work -----------------------------------------------------------------------------


def test_the_dpos_my_work_shows_open_requests_only_and_flags_overdue(
    client: Any, dpo: Any, case: Any, referral_factory: Any
) -> None:
    referral_factory("submitted")  # casework waiting for a liaison: not the DPO's
    today = timezone.localdate()
    overdue = sar.record_request(person=case.person, received_on=today - timedelta(days=40), by=dpo)
    fresh = sar.record_request(person=case.other, received_on=today, by=dpo)
    done = sar.record_request(person=case.person, received_on=today - timedelta(days=10), by=dpo)
    sar.close_request(done, by=dpo)
    sections = mywork.sections_for(dpo)
    assert [s.title for s in sections] == ["Subject access requests to answer"]
    items = sections[0].items
    assert [i.label.split(":")[0] for i in items] == [overdue.reference, fresh.reference]
    assert [i.overdue for i in items] == [True, False]
    assert mywork.count_for(dpo) == 1  # the overdue one; the fresh one is due in a month
    client.force_login(dpo)
    page = client.get(reverse("my-work")).content.decode()
    assert overdue.reference in page and "Overdue" in page and done.reference not in page


# Query counts ------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 12])
def test_the_request_list_takes_the_same_queries_at_any_size(
    size: int,
    client: Any,
    dpo: Any,
    referral_factory: Any,
    offender_factory: Any,
    liaison: Any,
    officer: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(size):
        person = offender_factory(case_reference=f"LIST-{n}")
        sar.record_request(person=person, received_on=timezone.localdate() - timedelta(days=n * 5), by=dpo)
    client.force_login(dpo)
    # 1 session, 2 user, 3 count, 4 page of requests (+ person), 5 access-log row,
    # 6 its people (one bulk INSERT), 7 My work badge, 8 organisation in the banner,
    # 9-11 savepoint and session save
    with django_assert_max_num_queries(11):
        response = client.get(reverse("dataprotection:sar-list"))
    assert response.content.decode().count("LIST-") == size


@pytest.mark.parametrize("cases", [1, 3])
def test_the_request_page_takes_the_same_queries_however_much_is_held(
    cases: int,
    client: Any,
    dpo: Any,
    referral_factory: Any,
    offender_factory: Any,
    liaison: Any,
    officer: Any,
    django_assert_max_num_queries: Any,
) -> None:
    first = make_case(referral_factory, offender_factory, liaison, officer)
    for _ in range(cases - 1):
        make_case(referral_factory, lambda **kw: first.person, liaison, officer)
    subject_request = sar.record_request(person=first.person, received_on=timezone.localdate(), by=dpo)
    client.force_login(dpo)
    client.get(reverse("dataprotection:sar", args=[subject_request.pk]))  # fills the content-type cache
    # 1 session, 2 user, 3 the request (+ person, users), 4 its redactions, 5-19 the
    # pack (see test_subject_access_pack), 20-21 access-log row and its person,
    # 22 My work badge, 23 organisation in the banner, 24-26 savepoint and session save
    with django_assert_max_num_queries(26):
        client.get(reverse("dataprotection:sar", args=[subject_request.pk]))
