"""The strands' figures as published on the dashboard and in the board report:
breakdown counts of 1 to 4 become "[c]" (with secondary suppression, so a total
cannot give a hidden cell away), and rates over fewer than five cases are withheld.
Headline counts for the whole force are shown as they are."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tracker.reports.strands import EngagementFigures, NightTimeEconomyFigures, OffenderFigures, OutcomeFigures
from tracker.reports.suppression import breakdown, marked, show, suppressed, threshold

RATINGS = {"achieved": "Achieved", "partly_achieved": "Partly achieved", "not_achieved": "Not achieved"}
REASON_GROUPS = {"person": "The person", "provider": "The provider", "legal": "Sentence or legal", "other": "Other"}
STATUSES = {
    "prospect": "Prospect",
    "engaged": "Engaged",
    "signed_up": "Signed up",
    "active": "Active",
    "lapsed": "Lapsed",
    "withdrawn": "Withdrawn",
}


def table(
    caption: str,
    label: str,
    counts: Mapping[str, int],
    *,
    names: Mapping[str, str] | None = None,
    total: int | None = None,
) -> dict[str, Any]:
    """`total`: the table's total when it may be hidden (by default the cells' sum)."""
    shown = breakdown(counts, total=total)
    rows = [((names or {}).get(key, key), cell.text) for key, cell in shown.cells.items()]
    return {"caption": caption, "label": label, "rows": rows, "total": shown.total.text}


def headline(label: str, count: int, *, local: bool, hint: str = "") -> dict[str, str]:
    return {"label": label, "text": show(count, suppress=local).text, "hint": hint}


def rate(label: str, part: int, cases: int, rest: int) -> dict[str, str]:
    """`part` of `cases` as a percentage; `rest` is cases − part, which may be marked
    hidden. Shown only when none of the three is hidden or small: '75% of 8' would
    tell the reader that 2 did not."""
    if cases < threshold():
        return {"label": label, "text": "Not shown", "hint": f"fewer than {threshold()} cases"}
    if suppressed(part) or suppressed(cases) or suppressed(rest):
        return {"label": label, "text": "Not shown", "hint": "it would reveal a count too small to publish"}
    return {"label": label, "text": f"{100 * part / cases:.0f}%", "hint": f"of {int(cases):,}"}


def engagement_display(
    figures: EngagementFigures, *, local: bool, hidden: frozenset[str] = frozenset()
) -> dict[str, Any]:
    path = "strands.engagement"
    return {
        "headlines": [
            headline("Engagements", figures.total, local=local),
            headline("Community groups engaged", figures.groups_engaged, local=local),
            headline("Groups engaged for the first time", figures.groups_first_engaged, local=local),
            headline("Venues engaged", figures.venues_engaged, local=local),
            headline("People who took part", figures.attendance, local=local),
        ],
        "tables": [
            table("Engagements by kind", "Kind", figures.by_kind, total=marked(figures.total, f"{path}.total", hidden)),
            table(
                "Engagements by area",
                "Area",
                figures.by_area,
                total=marked(sum(figures.by_area.values()), f"{path}.by_area:total", hidden),
            ),
            table(
                "Campaign materials handed out",
                "Material",
                figures.materials,
                total=marked(sum(figures.materials.values()), f"{path}.materials:total", hidden),
            ),
            table(
                "Follow-up actions due in the period",
                "Follow-up",
                {
                    "Done on time": figures.follow_ups_on_time,
                    "Done late": figures.follow_ups_late,
                    "Overdue": figures.follow_ups_overdue,
                    "Not yet due": figures.follow_ups_open,
                },
                total=marked(
                    figures.follow_ups_on_time
                    + figures.follow_ups_late
                    + figures.follow_ups_overdue
                    + figures.follow_ups_open,
                    f"{path}:follow_ups",
                    hidden,
                ),
            ),
        ],
    }


def nte_display(
    figures: NightTimeEconomyFigures, *, local: bool, nte_assaults: int, hidden: frozenset[str] = frozenset()
) -> dict[str, Any]:
    path = "strands.night_time_economy"
    live = figures.active_at_end
    return {
        "headlines": [
            headline("Partnerships signed up in the period", figures.signed_up, local=local),
            headline("Lapsed in the period", figures.lapsed, local=local),
            headline("Withdrawn in the period", figures.withdrawn, local=local),
            headline("Signed up or active at the end of the period", live, local=local),
            headline("Reviews overdue at the end of the period", figures.reviews_overdue, local=local),
            headline(
                "Assaults in the night-time window", nte_assaults, local=local, hint="Friday to Sunday, midnight to 6am"
            ),
        ],
        "tables": [
            table(
                "Partnerships by status at the end of the period",
                "Status",
                figures.by_status_at_end,
                names=STATUSES,
                total=marked(sum(figures.by_status_at_end.values()), f"{path}.by_status_at_end:total", hidden),
            ),
        ],
        "commitments": [
            rate(
                name,
                figures.commitment_counts.get(name, 0),
                live,
                marked(
                    live - figures.commitment_counts.get(name, 0),
                    f"{path}.commitment_counts:not_kept.{name}",
                    hidden,
                ),
            )
            for name in figures.commitments
        ],
    }


def offender_display(figures: OffenderFigures, *, local: bool, hidden: frozenset[str] = frozenset()) -> dict[str, Any]:
    path = "strands.offender_behaviour"
    ended = marked(figures.completed + figures.not_completed, f"{path}:ended", hidden)
    not_charged = marked(
        figures.follow_ups_done - figures.follow_ups_charged_again, f"{path}:not_charged_again", hidden
    )
    not_recorded = marked(figures.follow_ups_due - figures.follow_ups_done, f"{path}:not_recorded", hidden)

    def days(value: float | None, cases: int) -> dict[str, str]:
        if value is None or cases < threshold() or suppressed(cases):
            return {"text": "Not shown", "hint": f"fewer than {threshold()} cases"}
        return {"text": f"{value:.0f} days", "hint": ""}

    return {
        "headlines": [
            headline("Referrals made", figures.made, local=local),
            headline("Accepted", figures.accepted, local=local),
            headline("Started", figures.started, local=local),
            headline("Completed", figures.completed, local=local),
            headline("Not completed", figures.not_completed, local=local),
            headline("Withdrawn", figures.withdrawn, local=local),
        ],
        "rates": [
            rate("Completion rate", figures.completed, ended, figures.not_completed),
            rate(
                "Attendance rate",
                figures.sessions_attended,
                figures.sessions_happened,
                marked(figures.sessions_happened - figures.sessions_attended, f"{path}:sessions_missed", hidden),
            ),
            rate(
                "Charged with a further assault within 12 months",
                figures.follow_ups_charged_again,
                figures.follow_ups_done,
                not_charged,
            ),
            {
                "label": "Median time from submission to acceptance",
                **days(figures.median_days_to_accept, figures.accepted),
            },
            {"label": "Median time from acceptance to start", **days(figures.median_days_to_start, figures.started)},
        ],
        "tables": [
            table(
                "Declined, by reason",
                "Reason",
                figures.declined_by_reason_group,
                names=REASON_GROUPS,
                total=marked(
                    sum(figures.declined_by_reason_group.values()), f"{path}.declined_by_reason_group:total", hidden
                ),
            ),
            table(
                "Intervention outcome ratings",
                "Rating",
                figures.outcome_ratings,
                names=RATINGS,
                total=marked(sum(figures.outcome_ratings.values()), f"{path}.outcome_ratings:total", hidden),
            ),
            table(
                "Twelve-month follow-ups due in the period",
                "Follow-up",
                {
                    "Charged again": figures.follow_ups_charged_again,
                    "Not charged again": not_charged,
                    "Not yet recorded or not known": not_recorded,
                },
                total=figures.follow_ups_due,
            ),
        ],
    }


def outcome_display(figures: OutcomeFigures, *, hidden: frozenset[str] = frozenset()) -> dict[str, Any]:
    path = "strands.outcomes"
    by_type = {
        name: marked(sum(ratings.values()), f"{path}.by_type_and_rating.{name}:total", hidden)
        for name, ratings in figures.by_type_and_rating.items()
    }
    counts = {key: 0 for key in RATINGS}
    for per_type in figures.by_type_and_rating.values():
        for key, n in per_type.items():
            counts[key] += n
    ratings = {key: marked(n, f"{path}:by_rating.{key}", hidden) for key, n in counts.items()}
    total = marked(sum(figures.by_strand.values()), f"{path}.by_strand:total", hidden)
    return {
        "tables": [
            table(
                "Outcomes by strand",
                "Strand",
                figures.by_strand,
                names={
                    "engagement": "Community engagement",
                    "night_time_economy": "Night-time economy",
                    "offender_behaviour": "Offender behaviour",
                },
                total=total,
            ),
            table("Outcomes by type", "Type", by_type, total=total),
            table("Outcomes by rating", "Rating", ratings, names=RATINGS, total=total),
        ]
    }


def strands_display(
    sections: Mapping[str, Any], *, local: bool, nte_assaults: int, hidden: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """`hidden`: the paths of derived counts (totals, differences) that may not be
    published (disclosure.py); the sections' own counts arrive as `Hidden`."""
    return {
        "engagement": engagement_display(sections["engagement"], local=local, hidden=hidden),
        "nte": nte_display(sections["night_time_economy"], local=local, nte_assaults=nte_assaults, hidden=hidden),
        "offenders": offender_display(sections["offender_behaviour"], local=local, hidden=hidden),
        "outcomes": outcome_display(sections["outcomes"], hidden=hidden),
    }
