"""The campaign's published figures, end to end: spreadsheets imported with
`import_data`, then read back from the JSON and from the board report PDF.

PRODUCT.md: April 2015 – September 2018, 2,219 offences, 680 with injury;
July – September 2018, 152 incidents, 46 with injury: 1.6 a day (152 / 92 days is
1.652…, which the report rounds to 1.7), or one assault for every 13 officers."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from tests.reports.test_dashboard import pdf_text

pytestmark = pytest.mark.django_db

AREAS = ["Herefordshire", "Shropshire", "Telford & Wrekin", "North Worcestershire", "South Worcestershire"]
ROLES = ["police_officer"] * 13 + ["student_officer", "police_staff", "pcso", "special_constable"]
OUTCOMES = ["charged"] * 3 + ["summons", "caution", "no_further_action", "under_investigation", "other"]


def _rows(rng: random.Random, start: date, end: date, count: int, injured: int, prefix: str) -> list[str]:
    days = (end - start).days + 1
    with_injury = set(rng.sample(range(count), injured))
    rows = []
    for n in range(count):
        day = start + timedelta(days=rng.randrange(days))
        rows.append(
            ",".join(
                [
                    f"{prefix}-{n:05d}",
                    f"{day.isoformat()} {rng.randrange(24):02d}:{rng.randrange(60):02d}",
                    rng.choice(AREAS),
                    rng.choice(ROLES),
                    "yes" if n in with_injury else "no",
                    rng.choice(OUTCOMES),
                ]
            )
        )
    return rows


@pytest.fixture
def campaign_files(tmp_path: Path) -> tuple[Path, Path]:
    rng = random.Random(20181113)
    rows = _rows(rng, date(2015, 4, 1), date(2018, 6, 30), 2219 - 152, 680 - 46, "EARLIER")
    rows += _rows(rng, date(2018, 7, 1), date(2018, 9, 30), 152, 46, "Q3-2018")
    rng.shuffle(rows)
    incidents = tmp_path / "incidents.csv"
    incidents.write_text("reference,occurred_at,area,victim_role,injury,outcome\n" + "\n".join(rows) + "\n")
    workforce = tmp_path / "workforce.csv"
    workforce.write_text(
        "period_start,period_end,officers,staff\n"
        "2015-04-01,2018-03-31,2050,1520\n"
        "2018-04-01,2018-06-30,1980,1490\n"
        "2018-07-01,2018-09-30,2000,1500\n"
    )
    return incidents, workforce


def test_the_json_and_the_pdf_state_the_campaigns_figures(
    campaign_files: tuple[Path, Path], areas: dict[str, Any], board: Any, officer: Any, client: Any, tmp_path: Path
) -> None:
    incidents, workforce = campaign_files
    for kind, path in (("incidents", incidents), ("workforce", workforce)):
        out = io.StringIO()
        call_command("import_data", kind, str(path), stdout=out, stderr=io.StringIO())
        assert "new, 0 updated" in out.getvalue()

    api = APIClient()
    # The campaign's span is not a whole period: the office chooses such dates, the board cannot.
    api.force_authenticate(officer)
    whole = api.get("/api/v1/reports/board/", {"start": "2015-04-01", "end": "2018-09-30"}).json()
    assert (whole["assaults"]["total"], whole["assaults"]["with_injury"]) == (2219, 680)
    quarter = api.get("/api/v1/reports/board/", {"start": "2018-07-01", "end": "2018-09-30"}).json()
    assert quarter["period"]["days"] == 92
    assert (quarter["assaults"]["total"], quarter["assaults"]["with_injury"]) == (152, 46)
    assert quarter["assaults"]["per_day"] == 152 / 92  # unrounded: 1.652…
    assert quarter["assaults"]["officers_per_assault"] == 2000 / 152  # 13.157…
    assert round(quarter["assaults"]["officers_per_assault"]) == 13  # "1 assault for every 13 officers"

    output = tmp_path / "campaign.pdf"
    call_command(
        "board_report", "--start", "2015-04-01", "--end", "2018-09-30", "--output", str(output), stdout=io.StringIO()
    )
    assert _headlines(pdf_text(output.read_bytes()))[:2] == ["2,219", "680"]
    client.force_login(board)
    text = pdf_text(client.get(reverse("reports:board-pdf"), {"start": "2018-07-01", "end": "2018-09-30"}).content)
    assert _headlines(text)[:2] == ["152", "46"]
    assert "1.7 (over 92 days)" in text
    assert "13 (force-wide workforce figures)" in text


def _headlines(text: str) -> list[str]:
    """The figures of the assault section's first headline rows (Assaults, With injury)."""
    section = text[text.index("Assaults on on-duty personnel\n") :]
    return [line.split()[-1] for line in section.splitlines()[1:5] if line.strip()]
