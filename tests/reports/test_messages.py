"""The key messages: the board report's first page and the top of the dashboard, in
plain English, from the figures as published (never a [c]-hidden number) and never
claiming a change the caution rule does not support."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from tests.reports.conftest import LONDON, local
from tracker.assaults.models import VictimRole
from tracker.reports import figures
from tracker.reports.display import Headline, assault_display, board_display
from tracker.reports.figures import AssaultFigures, BoardFigures, Change, Workforce
from tracker.reports.messages import CAUTION_RULE, is_clear, key_messages
from tracker.reports.pdf import board_context
from tracker.reports.periods import Period
from tracker.reports.suppression import SYMBOL, Hidden

Q3_2018 = Period(date(2018, 7, 1), date(2018, 9, 30))
Q2_2018 = Period(date(2018, 4, 1), date(2018, 6, 30))
Q3_2017 = Period(date(2017, 7, 1), date(2017, 9, 30))


def labels(board_or_figures: Any) -> list[str]:
    assaults = getattr(board_or_figures, "assaults", board_or_figures)
    return [
        board_or_figures.period.label(),
        *(Period(c.start, c.end).label() for c in (assaults.previous_period, assaults.year_earlier)),
    ]


def numbers_outside(text: str, known: list[str]) -> list[str]:
    """The numbers a text states, once the period labels (which hold dates) are taken out."""
    for label in known:
        text = text.replace(label, "")
    return re.findall(r"\d[\d,.]*", text)


# Built figures, no database: exactly the counts a case needs ------------------------


def made_board(
    *,
    total: int,
    with_injury: int = 0,
    charged: int = 0,
    in_window: int = 0,
    previous: int = 0,
    year_earlier: int = 0,
    area: str | None = None,
    officers: float | None = 2000,
    strands: dict[str, Any] | None = None,
) -> BoardFigures:
    """Figures for July to September 2018; the window's assaults at Friday 00:00, the
    rest at Monday noon."""
    grid = [[0] * 24 for _ in range(7)]
    grid[4][0] = in_window
    grid[0][12] = int(total) - int(in_window)
    assaults = AssaultFigures(
        period=Q3_2018,
        area=area,
        total=total,
        with_injury=with_injury,
        charged=charged,
        by_victim_role={role: int(total) if role == "police_officer" else 0 for role in VictimRole.values},
        by_weekday_hour=grid,
        workforce=Workforce(officers, 1500 if officers else None, 92 if officers else 0),
        previous_period=Change(Q2_2018.start, Q2_2018.end, previous, total),
        year_earlier=Change(Q3_2017.start, Q3_2017.end, year_earlier, total),
    )
    empty = SimpleNamespace(total=0, signed_up=0, made=0)
    sections = strands or {"engagement": empty, "night_time_economy": empty, "offender_behaviour": empty}
    return BoardFigures(period=Q3_2018, area=area, assaults=assaults, trend=[], strands=sections)


def shown(board: BoardFigures) -> dict[str, Any]:
    """The part of the display context the messages read (a built board has no
    trend or strand sections to display)."""
    return {"assaults": assault_display(board.assaults)}


def test_the_story_the_campaign_tells_reads_as_the_issue_asks() -> None:
    """152 against 160 in April to June and 138 a year earlier (up 10.1%): the
    direction and size are given, and so is that neither change is clear."""
    board = made_board(total=152, with_injury=46, charged=114, in_window=80, previous=160, year_earlier=138)
    messages = key_messages(board)
    this, spring, last_year = labels(board)
    assert messages[0] == (
        f"152 assaults on on-duty police officers and staff were recorded from {this}: "
        "1.7 a day, or one for every 13 officers."
    )
    assert messages[1] == (
        f"That is down about 5% on {spring} (160) and up about 10% on {last_year} (138); "
        "both changes are small enough to be chance."
    )
    assert "46 of these assaults (30%) resulted in injury." in messages
    assert "In 75% of cases the suspect was charged (114 of 152)." in messages
    assert any(m.startswith("Most assaults, 80 of 152 (53%), were in the weekend night-time window") for m in messages)
    assert 4 <= len(messages) <= 6


def test_a_clear_change_is_called_clear() -> None:
    messages = key_messages(made_board(total=200, previous=150, year_earlier=198))
    _, spring, last_year = labels(made_board(total=200))
    assert messages[1] == (
        f"That is up about 33% on {spring} (150) and up about 1% on {last_year} (198); "
        f"the change on {last_year} is small enough to be chance."
    )
    both = key_messages(made_board(total=200, previous=150, year_earlier=260))[1]
    assert both.endswith("(260): both are clear changes.")
    slight = key_messages(made_board(total=1000, previous=999, year_earlier=1000))[1]
    assert slight.startswith(f"That is up less than 1% on {spring} (999) and the same as in {last_year} (1,000)")


@pytest.mark.parametrize(
    ("previous", "current", "clear"),
    [
        (150, 200, True),  # 50 >= 2 x sqrt(350) = 37.4
        (160, 152, False),  # 8 < 35.3
        (138, 152, False),  # 14 < 34.1
        (0, 20, True),
        (3, 12, False),  # 9 >= 2 x sqrt(15) = 7.7, but only 15 cases
        (5, 15, True),  # 20 cases, 10 >= 8.9
    ],
)
def test_the_caution_rule(previous: int, current: int, clear: bool) -> None:
    assert is_clear(previous, current) is clear


def test_small_counts_give_a_direction_with_a_caution_and_no_percentages() -> None:
    """12 against 6 is double, but too few cases to read a change into."""
    board = made_board(total=12, with_injury=5, charged=9, in_window=6, previous=6, year_earlier=12)
    messages = key_messages(board)
    _, spring, last_year = labels(board)
    assert messages[1] == (
        f"That is up on {spring} (6) and the same as in {last_year} (12); "
        f"the change on {spring} is small enough to be chance."
    )
    same = key_messages(made_board(total=12, previous=12, year_earlier=12))[1]
    assert same == f"That is the same as in {spring} (12) and the same as in {last_year} (12)."
    assert "%" not in " ".join(messages)
    assert "5 of these 12 assaults resulted in injury." in messages
    assert "The suspect was charged in 9 of the 12 cases." in messages
    # Too few to say whether assaults concentrate in the window.
    assert not any("window" in m for m in messages)


def test_the_rule_is_stated_for_the_definitions_page_and_the_dashboard() -> None:
    assert "twice the square root of their sum" in CAUTION_RULE
    assert "19 times in 20" in CAUTION_RULE
    assert "small enough to be chance" in CAUTION_RULE


def test_most_is_said_only_of_more_than_half() -> None:
    half = key_messages(made_board(total=152, in_window=76, previous=150, year_earlier=150))
    window = next(m for m in half if "window" in m)
    # 76 in 18 of the week's 168 hours against 76 in the other 150: 8.3 times as frequent.
    assert not window.startswith("Most")
    assert window == (
        "Assaults were 8.3 times as frequent in the weekend night-time window (Friday to Sunday, midnight "
        "to 6am) as at other times: 76 of 152 (50%)."
    )


def test_no_concentration_is_claimed_where_chance_would_give_it() -> None:
    """18 of the week's 168 hours would get 16 of 152 assaults spread evenly."""
    messages = key_messages(made_board(total=152, in_window=19, previous=150, year_earlier=150))
    window = next(m for m in messages if "window" in m)
    assert window.startswith("19 of 152 (13%) were in the weekend night-time window")
    assert "not clearly more frequent" in window
    assert "Most" not in window and "times as frequent" not in window


def test_a_hidden_count_is_never_stated() -> None:
    """Counts that arrive Hidden (the board's differencing rule) show as [c]: no
    message states them or anything they could be worked back from."""
    board = made_board(
        total=152, with_injury=Hidden(46), charged=Hidden(114), in_window=80, previous=Hidden(160), year_earlier=138
    )
    display = shown(board)
    # Whatever the report shows as [c], as here the window's count, no message states.
    display["assaults"]["headlines"] = [
        Headline(item.label, SYMBOL) if item.label == "In the night-time economy window" else item
        for item in display["assaults"]["headlines"]
    ]
    messages = key_messages(board, display)
    text = " ".join(messages)
    for hidden in ("46", "114", "80", "160", "30%", "75%", "53%"):
        assert hidden not in numbers_outside(text, labels(board)) and hidden not in text
    _, spring, last_year = labels(board)
    assert spring not in text  # the comparison with the hidden count is left out
    assert f"up about 10% on {last_year} (138), a change small enough to be chance." in text
    assert not any("injury" in m or "charged" in m or "window" in m for m in messages)


def test_a_hidden_total_says_it_is_not_published() -> None:
    board = made_board(total=Hidden(152), with_injury=46, charged=114, previous=160, year_earlier=138)
    messages = key_messages(board, shown(board))
    assert messages == [
        f"The number of assaults on on-duty police officers and staff recorded from {labels(board)[0]} "
        f"is not published ({SYMBOL}), to protect the people involved."
    ]


def test_for_one_area_there_is_no_officers_ratio() -> None:
    board = made_board(total=40, with_injury=10, charged=30, previous=38, year_earlier=41, area="Shropshire")
    first = key_messages(board, shown(board))[0]
    assert first == (
        f"40 assaults on on-duty police officers and staff were recorded in Shropshire from {labels(board)[0]}: "
        "0.4 a day."
    )


def test_the_campaigns_work_is_summed_up_when_there_is_some() -> None:
    strands = {
        "engagement": SimpleNamespace(total=24),
        "night_time_economy": SimpleNamespace(signed_up=1),
        "offender_behaviour": SimpleNamespace(made=0),
    }
    messages = key_messages(made_board(total=0, strands=strands))
    assert messages[-1] == (
        "The campaign recorded 24 engagements with the community and 1 venue signed up as a night-time partner "
        "in the same period."
    )
    local_strands = {
        "engagement": SimpleNamespace(total=3),
        "night_time_economy": SimpleNamespace(signed_up=Hidden(7)),
        "offender_behaviour": SimpleNamespace(made=9),
    }
    board = made_board(total=0, area="Shropshire", strands=local_strands)
    assert key_messages(board)[-1] == (
        "The campaign recorded 9 referrals to behaviour-change programmes in the same period."
    )


# From the database ------------------------------------------------------------------


def test_the_campaigns_quarter(campaign_figures: dict[str, Any]) -> None:
    """PRODUCT.md's July to September 2018: 152 assaults, 46 with injury, one for
    every 13 officers, 75% charged, against April to June 2018 and a year earlier."""
    board = figures.board(Q3_2018)
    messages = key_messages(board, board_display(board))
    text = " ".join(messages)
    this, spring, last_year = labels(board)
    assert messages[0] == (
        f"152 assaults on on-duty police officers and staff were recorded from {this}: "
        "1.7 a day, or one for every 13 officers."
    )
    assert f"{spring} ({board.assaults.previous_period.previous:,})" in messages[1]
    assert f"{last_year} ({board.assaults.year_earlier.previous:,})" in messages[1]
    assert "46 of these assaults (30%) resulted in injury." in messages
    assert "In 75% of cases the suspect was charged (114 of 152)." in messages
    assert 4 <= len(messages) <= 6
    # Down on the 161 of April to June, up 10% on the 138 a year earlier (PRODUCT.md:
    # "Incidents rose 10% year on year"); both small enough to be chance.
    assert f"down about 6% on {spring} (161)" in messages[1]
    assert f"up about 10% on {last_year} (138)" in messages[1]
    # 36% of the assaults in 11% of the week's hours: concentrated, but not "most".
    assert "Most" not in text
    assert "times as frequent in the weekend night-time window" in text


def test_an_empty_period(db: None, areas: dict[str, Any]) -> None:
    board = figures.board(Period(date(2016, 1, 1), date(2016, 3, 31)))
    this, previous, last_year = labels(board)
    assert key_messages(board, board_display(board)) == [
        f"No assaults on on-duty police officers and staff were recorded from {this}.",
        f"That compares with 0 in {previous} and 0 in {last_year}.",
    ]


def test_an_area_with_small_counts_states_no_hidden_number(
    incident_factory: Any, areas: dict[str, Any], workforce_factory: Any
) -> None:
    """Three assaults in Shropshire (two with injury), two the quarter before: the
    area's counts of 1 to 4 show as [c], and so does every message's number."""
    workforce_factory(date(2018, 7, 1), date(2018, 9, 30))
    for day, injury in ((3, True), (10, True), (17, False)):
        incident_factory(local(2018, 8, day, 1), area="Shropshire", injury=injury)
    for day in (5, 12):
        incident_factory(local(2018, 5, day, 23), area="Shropshire")
    for n in range(30):
        incident_factory(local(2018, 8, 1 + n % 28, 14), area="Herefordshire")
    board = figures.board(Q3_2018, areas["Shropshire"])
    display = board_display(board)
    messages = key_messages(board, display)
    assert display["assaults"]["headlines"][0].text == SYMBOL
    assert messages == [
        f"The number of assaults on on-duty police officers and staff recorded in Shropshire from "
        f"{Q3_2018.label()} is not published ({SYMBOL}), to protect the people involved."
    ]
    assert numbers_outside(" ".join(messages), labels(board)) == []


def test_an_area_hides_its_small_parts_but_states_its_published_ones(
    incident_factory: Any, areas: dict[str, Any]
) -> None:
    """25 assaults in Herefordshire, 3 with injury: the 25 is published, the 3 is not,
    nor its percentage (12%)."""
    for n in range(25):
        incident_factory(local(2018, 8, 1 + n, 14), area="Herefordshire", injury=n < 3)
    board = figures.board(Q3_2018, areas["Herefordshire"])
    messages = key_messages(board, board_display(board))
    text = " ".join(messages)
    assert messages[0].startswith("25 assaults on on-duty police officers and staff were recorded in Herefordshire")
    assert "officers." not in messages[0]  # the workforce is force-wide
    assert "injury" not in text and "12%" not in text
    assert "3" not in numbers_outside(text, labels(board))
    assert "In 100% of cases the suspect was charged (25 of 25)." in messages


# Rendered -----------------------------------------------------------------------------


def test_the_include_lists_the_messages_under_its_heading() -> None:
    html = render_to_string(
        "reports/includes/key_messages.html",
        {"key_messages": ["152 assaults <b>were</b> recorded.", "46 (30%) resulted in injury."]},
    )
    assert '<h2 class="govuk-heading-l" id="key-messages-heading">Key messages</h2>' in html
    assert html.count("<li") == 2
    assert "152 assaults &lt;b&gt;were&lt;/b&gt; recorded." in html
    assert "<script" not in html
    assert "How changes are read" not in html  # the PDF states the rule on its definitions page


def test_the_dashboard_opens_its_figures_with_the_key_messages(
    client: Any, board: Any, campaign_figures: dict[str, Any]
) -> None:
    client.force_login(board)
    page = client.get(reverse("reports:dashboard"), {"start": "2018-07-01", "end": "2018-09-30"}).text
    assert "Key messages" in page
    first = (
        f"152 assaults on on-duty police officers and staff were recorded from {Q3_2018.label()}: "
        "1.7 a day, or one for every 13 officers."
    )
    assert first in page
    assert "In 75% of cases the suspect was charged (114 of 152)." in page
    assert page.index("Key messages") < page.index("Assaults on on-duty personnel")
    assert "How changes are read" in page and "twice the square root of their sum" in page


def test_the_board_report_context_carries_the_messages_and_the_rule(campaign_figures: dict[str, Any]) -> None:
    context = board_context(Q3_2018, None, generated_at=datetime(2018, 10, 1, 9, tzinfo=LONDON))
    assert context["key_messages"][0].startswith("152 assaults on on-duty police officers and staff")
    assert context["caution_rule"] == CAUTION_RULE


def test_the_story_from_the_database(db: None, admin_user: Any, areas: dict[str, Any]) -> None:
    """The issue's quarter as incidents: 152 (46 injured, 114 charged, 80 in the
    weekend night-time window), 160 in April to June 2018, 138 a year earlier."""
    from tracker.assaults.imports import upsert_incidents, upsert_workforce_periods

    rows: list[dict[str, Any]] = []

    def add(prefix: str, period: Period, count: int, *, injured: int = 0, charged: int = 0, window: int = 0) -> None:
        nights = [d for d in _days(period) if d.weekday() in (4, 5, 6)]
        for n in range(count):
            day = nights[n % len(nights)] if n < window else _days(period)[n % period.days]
            hour = n % 6 if n < window else 12  # the rest at noon: outside the window whatever the day
            rows.append(
                {
                    "reference": f"{prefix}{n:04d}",
                    "occurred_at": datetime(day.year, day.month, day.day, hour, tzinfo=LONDON),
                    "area": "Shropshire",
                    "victim_role": "police_officer",
                    "injury": n < injured,
                    "outcome": "charged" if n < charged else "caution",
                }
            )

    add("Q3-", Q3_2018, 152, injured=46, charged=114, window=80)
    add("Q2-", Q2_2018, 160)
    add("LY-", Q3_2017, 138)
    upsert_incidents(rows, by=admin_user)
    upsert_workforce_periods(
        [{"period_start": Q3_2018.start, "period_end": Q3_2018.end, "officers": 2000, "staff": 1500}], by=admin_user
    )
    board = figures.board(Q3_2018)
    assert (board.assaults.total, board.assaults.night_time_economy) == (152, 80)
    messages = key_messages(board, board_display(board))
    _, spring, last_year = labels(board)
    previous = board.assaults.previous_period.previous
    assert "down" in messages[1] and f"on {spring} ({previous:,})" in messages[1]
    assert f"up about 10% on {last_year} (138)" in messages[1]
    assert "small enough to be chance" in messages[1]
    assert any(m.startswith("Most assaults, 80 of 152 (53%)") for m in messages)


def _days(period: Period) -> list[date]:
    return [period.start + timedelta(days=n) for n in range(period.days)]


def test_the_board_pdfs_first_page_states_the_campaigns_quarter(client: Any, board: Any, campaign_figures: Any) -> None:
    """The issue's test: what a board member downloads for July to September 2018
    says on its first page 152, 46, one for every 13 officers, and compares them with
    April to June 2018 and with July to September 2017."""
    from tests.pdfs import pdf_text

    client.force_login(board)
    response = client.get(reverse("reports:board-pdf"), {"period": "2018-Q3"})
    assert response.status_code == 200
    first = " ".join(pdf_text(response.content).split("\f")[0].split())
    assert "Key messages" in first
    assert "152 assaults on on-duty police officers and staff were recorded from July to September 2018" in first
    assert "1.7 a day, or one for every 13 officers" in first
    assert "46 of these assaults (30%) resulted in injury" in first
    assert "down about 6% on April to June 2018 (161)" in first
    assert "up about 10% on July to September 2017 (138)" in first
    assert "In 75% of cases the suspect was charged" in first
    assert "<5" not in pdf_text(response.content)
