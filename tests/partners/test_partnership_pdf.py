"""The venue partnership summary: a real PDF whose text is checked, for the
partnership officers and administrators only."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from tests.pdfs import pdf_text

pytestmark = pytest.mark.django_db


def test_partnership_summary_for_officers(
    client: Any, make_partnership: Any, officer: Any, board: Any, liaison: Any
) -> None:
    partnership = make_partnership("active", signed_up_on=date(2026, 2, 1))
    url = reverse("partners:partnership-pdf", args=[partnership.pk])
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    text = pdf_text(response.content)
    assert partnership.venue.name in text
    assert partnership.venue.licence_number in text
    assert "Active" in text
    assert "OFFICIAL" in text
    page = client.get(reverse("partners:partnership-detail", args=[partnership.pk])).content.decode()
    assert f'href="{url}"' in page
    for other in (board, liaison):
        client.force_login(other)
        assert client.get(url).status_code == 403
