"""The venue partnership summary read by the independent accessibility checker
(tests/pdf_accessibility.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from partners.pdfs import partnership_pdf
from tests.pdf_accessibility import accessibility_problems

pytestmark = pytest.mark.django_db


def test_the_partnership_summary_passes_the_checker(make_partnership: Any) -> None:
    partnership = make_partnership("active", signed_up_on=date(2026, 2, 1))
    assert accessibility_problems(partnership_pdf(partnership), language="en-GB") == []
