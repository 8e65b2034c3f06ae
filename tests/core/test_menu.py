"""The shell: sections grouped so the navigation fits one line, the sub-navigation of
the current group, one active section, a favicon, and no "Hold Ctrl" or "---------"
anywhere a list is filtered or sorted."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

LISTS = [
    "partners:engagement-list",
    "partners:group-list",
    "partners:venue-list",
    "partners:partnership-list",
    "interventions:referrals",
    "interventions:offenders",
    "interventions:programmes",
    "reports:issued",
]


def test_the_administrators_menu_groups_the_strands(client: Client, admin_user: Any) -> None:
    client.force_login(admin_user)
    menu = client.get(reverse("partners:venue-list")).context["navigation"]
    assert [item["label"] for item in menu] == [
        "My work",
        "Community and venues",
        "Referrals",
        "Dashboard",
        "Imports",
        "Data protection",
    ]
    assert [item["label"] for item in menu if item["active"]] == ["Community and venues"]


def test_a_groups_pages_show_its_sections_with_the_current_one_marked(client: Client, officer: Any) -> None:
    client.force_login(officer)
    html = client.get(reverse("interventions:offenders")).content.decode()
    assert '<nav class="moj-sub-navigation app-section-navigation" aria-label="Referrals">' in html
    subnavigation = html.split('aria-label="Referrals">', 1)[1].split("</nav>", 1)[0]
    assert 'href="/interventions/offenders/" aria-current="page">People referred' in subnavigation
    assert 'href="/interventions/">Referrals' in subnavigation  # not also current


def test_a_page_outside_any_group_has_no_sub_navigation(client: Client, officer: Any) -> None:
    client.force_login(officer)
    assert "app-section-navigation" not in client.get(reverse("my-work")).content.decode()


@pytest.mark.parametrize("url_name", LISTS)
def test_no_list_offers_dashes_or_hold_ctrl(client: Client, admin_user: Any, url_name: str) -> None:
    client.force_login(admin_user)
    html = client.get(reverse(url_name)).content.decode()
    assert "---------" not in html
    assert "Hold Ctrl" not in html


def test_the_favicon_is_linked_and_answers_at_the_root(client: Client, officer: Any) -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("/images/icon.svg")
    client.force_login(officer)
    html = client.get("/").content.decode()
    assert 'rel="icon" sizes="any" href="/static/images/icon.svg"' in html
    assert "govuk-icon" not in html and "favicon.ico" not in html  # not the GOV.UK crown
