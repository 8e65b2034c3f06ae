"""Who may reach each page of the strand: officers and administrators; nobody else,
and a liaison only once also given the officer role."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from partners import services
from tracker.core.models import AccessLog

pytestmark = pytest.mark.django_db

POST_ONLY = {"partners:contact-remove", "partners:follow-up-done"}


@pytest.fixture
def pages(
    make_group: Any, make_venue: Any, make_partnership: Any, make_engagement: Any, officer: Any
) -> list[tuple[str, list[int]]]:
    group = make_group()
    contact = services.add_contact(
        group, by=officer, expected_version=group.version, name="Amira Dale", email="amira@example.org"
    )
    venue = make_venue()
    partnership = make_partnership("engaged")
    engagement = make_engagement(groups=[group])
    action = services.add_follow_up(
        engagement,
        by=officer,
        expected_version=engagement.version,
        description="Call back",
        owner=officer,
        due_on=date(2026, 4, 1),
    )
    return [
        ("partners:group-list", []),
        ("partners:group-create", []),
        ("partners:group-detail", [group.pk]),
        ("partners:group-edit", [group.pk]),
        ("partners:contact-add", [group.pk]),
        ("partners:contact-remove", [group.pk, contact.pk]),
        ("partners:venue-list", []),
        ("partners:venue-create", []),
        ("partners:venue-detail", [venue.pk]),
        ("partners:venue-edit", [venue.pk]),
        ("partners:partnership-start", [venue.pk]),
        ("partners:partnership-list", []),
        ("partners:partnership-detail", [partnership.pk]),
        ("partners:partnership-edit", [partnership.pk]),
        ("partners:partnership-move", [partnership.pk, "signed_up"]),
        ("partners:partnership-commitments", [partnership.pk]),
        ("partners:partnership-pdf", [partnership.pk]),
        ("partners:partnership-outcome", [partnership.pk]),
        ("partners:engagement-list", []),
        ("partners:engagement-create", []),
        ("partners:engagement-detail", [engagement.pk]),
        ("partners:engagement-edit", [engagement.pk]),
        ("partners:engagement-materials", [engagement.pk]),
        ("partners:follow-up-add", [engagement.pk]),
        ("partners:follow-up-done", [action.pk]),
        ("partners:engagement-outcome", [engagement.pk]),
    ]


def test_every_partners_url_is_covered(pages: list[tuple[str, list[int]]]) -> None:
    from partners.urls import urlpatterns

    assert {f"partners:{p.name}" for p in urlpatterns} == {name for name, _ in pages}


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_officers_and_administrators_reach_every_page(
    client: Any, users: dict[str, Any], pages: list[tuple[str, list[int]]], role: str
) -> None:
    client.force_login(users[role])
    for name, args in pages:
        url = reverse(name, args=args)
        if name in POST_ONLY:
            assert client.post(url).status_code == 302, url
        else:
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["board", "liaison", "liaison2"])
def test_board_members_and_liaisons_get_403_on_every_page(
    client: Any, users: dict[str, Any], pages: list[tuple[str, list[int]]], role: str
) -> None:
    client.force_login(users[role])
    for name, args in pages:
        url = reverse(name, args=args)
        assert client.get(url).status_code == 403, url
        assert client.post(url).status_code == 403, url


def test_liaison_who_is_also_an_officer_gets_in(
    client: Any, user_factory: Any, probation: Any, pages: list[tuple[str, list[int]]]
) -> None:
    client.force_login(user_factory("probation_liaison", "partnership_officer", organisation=probation))
    assert client.get(reverse("partners:group-list")).status_code == 200


def test_anonymous_visitor_is_sent_to_sign_in(client: Any, pages: list[tuple[str, list[int]]]) -> None:
    for name, args in pages:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "login" in response["Location"], name


def test_missing_records_are_404(client: Any, officer: Any, lists: dict[str, Any]) -> None:
    client.force_login(officer)
    for name in (
        "partners:group-detail",
        "partners:venue-detail",
        "partners:partnership-detail",
        "partners:engagement-detail",
    ):
        assert client.get(reverse(name, args=[999999])).status_code == 404


def test_partners_sections_show_in_navigation_only_for_officers_and_admins(client: Any, users: dict[str, Any]) -> None:
    for role, expected in [("officer", True), ("admin", True), ("board", False), ("liaison", False)]:
        client.force_login(users[role])
        html = client.get(reverse("home")).content.decode()
        assert (reverse("partners:venue-list") in html) is expected, role


def test_viewing_group_contacts_is_logged(client: Any, officer: Any, make_group: Any) -> None:
    group = make_group()
    services.add_contact(group, by=officer, expected_version=group.version, name="Ben Brook", phone="01905 123456")
    client.force_login(officer)
    response = client.get(reverse("partners:group-detail", args=[group.pk]))
    assert "01905 123456" in response.content.decode()
    assert AccessLog.objects.filter(user=officer, record_type="communitygroup", record_id=group.pk).count() == 1
