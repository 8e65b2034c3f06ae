"""Figures as people read them: rounded, suppressed where small, with labels.

The figures module keeps numbers exact; this module decides how they are shown, for
the dashboard and the PDF alike, so both say the same thing."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tracker.assaults.models import VictimRole
from tracker.reports.charts import bar_chart
from tracker.reports.figures import AssaultFigures, BoardFigures, Change
from tracker.reports.pattern import weekday_time_display
from tracker.reports.periods import Kind, Period
from tracker.reports.strand_display import strands_display
from tracker.reports.suppression import NOTE, Shown, breakdown, marked, show
from tracker.reports.suppression import hidden as is_hidden

SHORT_ROLES = {
    "police_officer": "Officer",
    "student_officer": "Student",
    "police_staff": "Staff",
    "pcso": "PCSO",
    "special_constable": "Special",
}


@dataclass(frozen=True)
class Headline:
    label: str
    text: str
    hint: str = ""


def one_decimal(value: float) -> str:
    # Half up, as people round, not Python's round-half-even.
    return f"{math.floor(value * 10 + 0.5) / 10:,.1f}"


def whole(value: float) -> str:
    return f"{math.floor(value + 0.5):,}"


def change_text(change: Change, *, hidden: bool) -> str:
    if hidden:
        return "Not shown: the numbers are too small to publish"
    if change.percent is None:
        return f"{change.difference:+,} (from {change.previous:,})"
    direction = "up" if change.difference > 0 else "down" if change.difference < 0 else "no change"
    if direction == "no change":
        return f"No change ({change.previous:,})"
    return f"{direction} {abs(change.difference):,} ({one_decimal(abs(change.percent))}%) from {change.previous:,}"


def _period_label(change: Change) -> str:
    return Period(change.start, change.end).label()


def _comparisons(figures: AssaultFigures) -> list[tuple[str, Change]]:
    """Named by the period's kind: 'Previous quarter', 'Same month a year earlier'.
    A financial year's previous one is also the one a year earlier: said once."""
    kind = figures.period.kind
    if kind == Kind.FINANCIAL_YEAR:
        return [("Previous financial year", figures.previous_period)]
    if kind == Kind.CUSTOM:
        return [
            ("Previous period of the same length", figures.previous_period),
            ("Same period a year earlier", figures.year_earlier),
        ]
    return [
        (f"Previous {kind.noun}", figures.previous_period),
        (f"Same {kind.noun} a year earlier", figures.year_earlier),
    ]


def assault_display(figures: AssaultFigures, hidden: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Everything the assaults section shows. Force-wide headline totals are not
    suppressed; an area's headlines are, and breakdowns always are."""
    local = figures.area is not None
    total = show(figures.total, suppress=local)
    nte = marked(figures.night_time_economy, "assaults:night_time_economy", hidden)
    per_day = "<0.1" if total.suppressed else one_decimal(figures.per_day)
    # The ratio, like the rate a day, would give a hidden total away.
    ratio = None if total.suppressed else figures.officers_per_assault
    headlines = [
        Headline("Assaults", total.text),
        Headline("With injury", show(figures.with_injury, suppress=local).text),
        Headline("A day", "Not shown" if total.suppressed else per_day, f"over {figures.period.days:,} days"),
        Headline(
            "Officers for each assault",
            whole(ratio)
            if ratio is not None
            else "Not available"
            if figures.officers_per_assault is None
            else "Not shown",
            "force-wide workforce figures" if ratio is not None else _ratio_reason(figures, total),
        ),
        Headline("Charged", show(figures.charged, suppress=local).text),
        Headline(
            "In the night-time economy window",
            show(nte, suppress=local).text,
            "Friday to Sunday, midnight to 6am",
        ),
    ]
    roles = breakdown(figures.by_victim_role, protect_total=local, total=figures.total)
    role_rows = [(VictimRole(role).label, roles.cells[role]) for role in VictimRole.values]
    pattern = weekday_time_display(figures, local=local, total=total, hidden_paths=hidden)
    comparisons = [
        {
            "label": label,
            "period": _period_label(change),
            "text": change_text(
                change,
                hidden=is_hidden(change.previous)
                or is_hidden(change.current)
                or (local and (total.suppressed or show(change.previous).suppressed)),
            ),
        }
        for label, change in _comparisons(figures)
    ]
    role_chart = bar_chart(
        chart_id="chart-victim-role",
        title="Assaults by role of the person assaulted",
        items=[
            (label, SHORT_ROLES[role], s, False) for role, (label, s) in zip(VictimRole.values, role_rows, strict=True)
        ],
    )
    return {
        "headlines": headlines,
        "roles": role_rows,
        "roles_total": roles.total,
        "role_chart": role_chart,
        # The weekday x time pattern (tracker/reports/pattern.py); "peaks" are the
        # slots that stand out.
        "pattern": pattern,
        "grid": pattern["grid"],
        "peaks": pattern["standouts"],
        "comparisons": comparisons,
        "suppressed_any": any(s.suppressed for s in roles.cells.values()) or pattern["suppressed_any"],
    }


def _ratio_reason(figures: AssaultFigures, total: Shown) -> str:
    if figures.area is None and figures.officers_per_assault is not None and total.suppressed:
        return "the number of assaults is not published"
    if figures.area is not None:
        return "workforce figures are for the whole force"
    if figures.total == 0:
        return "no assaults in the period"
    return "no workforce figures for the period"


def trend_display(board: BoardFigures) -> dict[str, Any]:
    local = board.area is not None
    months = [(m, show(m.total, suppress=local)) for m in board.trend]
    chart = bar_chart(
        chart_id="chart-trend",
        title="Assaults per month",
        items=[(f"{m.month:%B %Y}", f"{m.month:%b}", s, m.in_period) for m, s in months],
    )
    rows = [
        {"month": f"{m.month:%B %Y}", "total": s.text, "injury": show(m.with_injury, suppress=local).text}
        for m, s in months
    ]
    return {"chart": chart, "rows": rows}


def empty_sections(board: BoardFigures) -> dict[str, bool]:
    """Sections with nothing to report, which say so in a sentence instead of a bare
    heading or tables of zeros. A zero is never a small count, so saying there were
    none reveals nothing that suppression hides."""
    engagement = board.strands["engagement"]
    nte = board.strands["night_time_economy"]
    offenders = board.strands["offender_behaviour"]
    return {
        "assaults": board.assaults.total == 0,
        "engagement": engagement.total == 0,
        "engagement_follow_ups": not any(
            (
                engagement.follow_ups_on_time,
                engagement.follow_ups_late,
                engagement.follow_ups_overdue,
                engagement.follow_ups_open,
            )
        ),
        "nte": not any((nte.signed_up, nte.lapsed, nte.withdrawn, nte.active_at_end)),
        "offenders": not any(
            (
                offenders.made,
                offenders.accepted,
                offenders.declined,
                offenders.started,
                offenders.completed,
                offenders.not_completed,
                offenders.withdrawn,
                offenders.sessions_happened,
                sum(offenders.outcome_ratings.values()),
            )
        ),
        "offender_follow_ups": offenders.follow_ups_due == 0,
        "outcomes": board.strands["outcomes"].total == 0,
    }


def board_display(board: BoardFigures) -> dict[str, Any]:
    return {
        "suppressed_note": NOTE,
        "empty": empty_sections(board),
        "assaults": assault_display(board.assaults, board.hidden),
        "trend": trend_display(board),
        "strands": strands_display(
            board.strands,
            local=board.area is not None,
            nte_assaults=marked(board.assaults.night_time_economy, "assaults:night_time_economy", board.hidden),
            hidden=board.hidden,
        ),
    }


__all__ = ["Shown", "assault_display", "board_display"]
