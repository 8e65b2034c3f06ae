"""The referral progress report read by the independent accessibility checker
(tests/pdf_accessibility.py)."""

from __future__ import annotations

from typing import Any

import pytest

from interventions.pdfs import referral_pdf
from tests.pdf_accessibility import accessibility_problems

pytestmark = pytest.mark.django_db


def test_the_referral_progress_report_passes_the_checker(referral_factory: Any) -> None:
    referral = referral_factory("started")
    assert accessibility_problems(referral_pdf(referral), language="en-GB") == []
