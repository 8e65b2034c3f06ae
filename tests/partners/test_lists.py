"""Lists filter, sort and page, and export exactly the filtered rows, formulas neutralised."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from partners import services
from tests.partners.conftest import local

pytestmark = pytest.mark.django_db


def _csv(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def _xlsx(response: Any) -> list[dict[str, Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def groups(make_group: Any, areas: dict[str, Any]) -> None:
    make_group("Hereford Faith Forum", kind="faith", area=areas["Herefordshire"])
    make_group("Ledbury Youth Club", kind="youth", area=areas["Herefordshire"])
    make_group("Telford Youth Forum", kind="youth", area=areas["Telford & Wrekin"])
    make_group('=HYPERLINK("http://evil")', kind="youth", area=areas["Shropshire"], active=False)


def test_group_list_filters_by_kind_area_and_search(
    client: Any, officer: Any, groups: None, areas: dict[str, Any]
) -> None:
    client.force_login(officer)
    url = reverse("partners:group-list")
    html = client.get(url, {"kind": "youth", "area": areas["Herefordshire"].pk}).content.decode()
    assert "Ledbury Youth Club" in html and "Telford Youth Forum" not in html and "Hereford Faith Forum" not in html
    html = client.get(url, {"q": "forum"}).content.decode()
    assert "Hereford Faith Forum" in html and "Telford Youth Forum" in html and "Ledbury" not in html
    html = client.get(url, {"active": "false"}).content.decode()
    assert "1 group" in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_group_export_has_exactly_the_filtered_rows_in_order(client: Any, officer: Any, groups: None, fmt: str) -> None:
    client.force_login(officer)
    response = client.get(reverse("partners:group-list"), {"kind": "youth", "sort": "-name", "export": fmt})
    rows = _csv(response) if fmt == "csv" else _xlsx(response)
    assert [r["name"] for r in rows] == ["Telford Youth Forum", "Ledbury Youth Club", '\'=HYPERLINK("http://evil")']
    assert rows[0]["kind"] == "Youth" and rows[0]["area"] == "Telford & Wrekin"


def test_group_list_sorts_and_pages(client: Any, officer: Any, make_group: Any) -> None:
    for n in range(30):
        make_group(f"Group {n:02d}")
    client.force_login(officer)
    first = client.get(reverse("partners:group-list"), {"sort": "-name"}).content.decode()
    assert "Group 29" in first and "Group 04" not in first and "Page 1 of 2" in first
    second = client.get(reverse("partners:group-list"), {"sort": "-name", "page": 2}).content.decode()
    assert "Group 04" in second and "Group 29" not in second


def test_bad_filter_input_does_not_fail(client: Any, officer: Any, lists: dict[str, Any]) -> None:
    client.force_login(officer)
    for name, query in [
        ("partners:group-list", {"area": "nope", "sort": "bogus"}),
        ("partners:venue-list", {"kind": "castle", "page": "x"}),
        ("partners:partnership-list", {"status": "flying", "review_before": "soon"}),
        ("partners:engagement-list", {"date_from": "31/02/2026", "group": "x"}),
    ]:
        assert client.get(reverse(name), query).status_code in {200, 404}, name


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_venue_export_uses_natural_keys_and_labels(
    client: Any, officer: Any, make_venue: Any, areas: dict[str, Any], fmt: str
) -> None:
    make_venue("Club Fox", licence_number="PL/1", kind="nightclub", area=areas["Shropshire"])
    make_venue("The Red Lion", licence_number="PL/2", kind="pub")
    client.force_login(officer)
    response = client.get(reverse("partners:venue-list"), {"kind": "nightclub", "export": fmt})
    rows = _csv(response) if fmt == "csv" else _xlsx(response)
    assert [(r["licence_number"], r["name"], r["kind"], r["area"]) for r in rows] == [
        ("PL/1", "Club Fox", "Nightclub", "Shropshire")
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_partnership_export_follows_status_filter(client: Any, officer: Any, make_partnership: Any, fmt: str) -> None:
    make_partnership("prospect")
    active = make_partnership("active")
    signed = make_partnership("signed_up")
    client.force_login(officer)
    response = client.get(
        reverse("partners:partnership-list"), {"status": ["active", "signed_up"], "sort": "venue", "export": fmt}
    )
    rows = _csv(response) if fmt == "csv" else _xlsx(response)
    assert sorted(r["licence_number"] for r in rows) == sorted(
        [active.venue.licence_number, signed.venue.licence_number]
    )
    assert {r["status"] for r in rows} == {"Active", "Signed up"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_engagement_export_follows_filters_and_lists_links(
    client: Any, officer: Any, make_engagement: Any, make_group: Any, make_venue: Any, lists: dict[str, Any], fmt: str
) -> None:
    group, other = make_group("Hereford Scouts"), make_group("Malvern Men's Shed")
    venue = make_venue("The Swan", licence_number="PL/SWAN")
    make_engagement(groups=[group, other], venues=[venue], summary="+cmd|' /C calc'!A0")
    make_engagement(groups=[other], starts_at=local(2025, 1, 1, 10))
    client.force_login(officer)
    query = {"group": group.pk, "date_from": "2026-01-01", "export": fmt}
    response = client.get(reverse("partners:engagement-list"), query)
    rows = _csv(response) if fmt == "csv" else _xlsx(response)
    assert len(rows) == 1
    assert rows[0]["groups"] == "Hereford Scouts; Malvern Men's Shed"
    assert rows[0]["venues"] == "PL/SWAN"
    assert rows[0]["summary"].startswith("'+cmd")


def test_engagement_search_finds_by_group_name_once(
    client: Any, officer: Any, make_engagement: Any, make_group: Any
) -> None:
    make_engagement(groups=[make_group("Oswestry Rugby Club"), make_group("Oswestry Boxing Club")])
    client.force_login(officer)
    html = client.get(reverse("partners:engagement-list"), {"q": "oswestry"}).content.decode()
    assert "1 engagement" in html


def test_partnership_list_flags_overdue_reviews(client: Any, officer: Any, make_partnership: Any) -> None:
    partnership = make_partnership("active")
    services.update_partnership(
        partnership, by=officer, expected_version=partnership.version, changes={"next_review_on": date(2025, 1, 10)}
    )
    client.force_login(officer)
    html = client.get(reverse("partners:partnership-list")).content.decode()
    assert "Overdue" in html
