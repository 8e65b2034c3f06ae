"""Download file names come from records; a stored value with quotes, CR or LF must
neither break the Content-Disposition header nor add one of its own."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from interventions.models import Offender
from tests.interventions.conftest import (  # noqa: F401 - fixtures
    offender_factory,
    outcome_types,
    programme,
    reason,
    referral_factory,
)
from tracker.core.downloads import content_disposition, safe_filename
from tracker.core.models import Area

pytestmark = pytest.mark.django_db
HOSTILE = 'AB"1\r\nSet-Cookie: stolen=1"'  # within the column's 30 characters
# One attachment, one file name: quoted without `"` or `\` inside, or RFC 5987-encoded.
WELL_FORMED = re.compile(r"""attachment; (filename="[\t !#-\[\]-~]*"|filename\*=utf-8''[A-Za-z0-9%!#$&+.^_`|~-]+)""")


def assert_well_formed(response: Any) -> str:
    header = response["Content-Disposition"]
    assert WELL_FORMED.fullmatch(header), header
    assert "\r" not in header and "\n" not in header
    assert not response.has_header("Set-Cookie") or "stolen" not in response["Set-Cookie"]
    return header


def test_referral_pdf_downloads_with_a_stored_case_reference_full_of_header_characters(
    referral_factory: Any, liaison: Any
) -> None:
    referral = referral_factory("started")
    # Written past any validation, as an old row or a direct database edit could be.
    Offender.objects.filter(pk=referral.offender_id).update(case_reference=HOSTILE)
    client = Client(raise_request_exception=False)
    client.force_login(liaison)
    response = client.get(reverse("interventions:referral-pdf", args=[referral.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    header = assert_well_formed(response)
    assert header == 'attachment; filename="referral-AB-1-Set-Cookie-stolen=1.pdf"'


def test_board_report_downloads_with_an_area_name_full_of_header_characters(officer: Any) -> None:
    Area.objects.create(name='North "Worcs"\nX-Evil: 1')
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    response = client.get(
        reverse("reports:board-pdf"), {"start": "2018-07-01", "end": "2018-09-30", "area": 'North "Worcs"\nX-Evil: 1'}
    )
    assert response.status_code == 200
    assert_well_formed(response)
    assert not response.has_header("X-Evil")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("referral-CRN123.pdf", "referral-CRN123.pdf"),
        ('a"b\\c/d.pdf', "a-b-c-d.pdf"),
        ("line\r\nbreak\x00.csv", "line-break.csv"),
        ("../../secrets", "secrets"),
        ("  \t ", "download"),
        ("caf\u00e9 report.pdf", "caf\u00e9 report.pdf"),
        ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_names_beyond_ascii_are_encoded_not_quoted() -> None:
    assert content_disposition("café.pdf") == "attachment; filename*=utf-8''caf%C3%A9.pdf"
