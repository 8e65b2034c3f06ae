"""The strands' figures as published on the dashboard and in the board report:
breakdown counts of 1 to 4 become "[c]" (with secondary suppression, so a total
cannot give a hidden cell away), and rates over fewer than five cases are withheld.
Headline counts for the whole force are shown as they are."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tracker.reports.strands import EngagementFigures, NightTimeEconomyFigures, OffenderFigures, OutcomeFigures
from tracker.reports.suppression import breakdown, show, threshold

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
    caption: str, label: str, counts: Mapping[str, int], *, names: Mapping[str, str] | None = None
) -> dict[str, Any]:
    shown = breakdown(counts)
    rows = [((names or {}).get(key, key), cell.text) for key, cell in shown.cells.items()]
    return {"caption": caption, "label": label, "rows": rows, "total": shown.total.text}


def headline(label: str, count: int, *, local: bool, hint: str = "") -> dict[str, str]:
    return {"label": label, "text": show(count, suppress=local).text, "hint": hint}


def rate(label: str, value: float | None, cases: int) -> dict[str, str]:
    if value is None or cases < threshold():
        return {"label": label, "text": "Not shown", "hint": f"fewer than {threshold()} cases"}
    return {"label": label, "text": f"{value * 100:.0f}%", "hint": f"of {cases:,}"}


def engagement_display(figures: EngagementFigures, *, local: bool) -> dict[str, Any]:
    return {
        "headlines": [
            headline("Engagements", figures.total, local=local),
            headline("Community groups engaged", figures.groups_engaged, local=local),
            headline("Groups engaged for the first time", figures.groups_first_engaged, local=local),
            headline("Venues engaged", figures.venues_engaged, local=local),
            headline("People who took part", figures.attendance, local=local),
        ],
        "tables": [
            table("Engagements by kind", "Kind", figures.by_kind),
            table("Engagements by area", "Area", figures.by_area),
            table("Campaign materials handed out", "Material", figures.materials),
            table(
                "Follow-up actions due in the period",
                "Follow-up",
                {
                    "Done on time": figures.follow_ups_on_time,
                    "Done late": figures.follow_ups_late,
                    "Overdue": figures.follow_ups_overdue,
                    "Not yet due": figures.follow_ups_open,
                },
            ),
        ],
    }


def nte_display(figures: NightTimeEconomyFigures, *, local: bool, nte_assaults: int) -> dict[str, Any]:
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
                "Partnerships by status at the end of the period", "Status", figures.by_status_at_end, names=STATUSES
            ),
        ],
        "commitments": [rate(name, share, live) for name, share in figures.commitments.items()],
    }


def offender_display(figures: OffenderFigures, *, local: bool) -> dict[str, Any]:
    ended = figures.completed + figures.not_completed

    def days(value: float | None, cases: int) -> dict[str, str]:
        if value is None or cases < threshold():
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
            rate("Completion rate", figures.completion_rate, ended),
            rate("Attendance rate", figures.attendance_rate, figures.sessions_happened),
            rate(
                "Charged with a further assault within 12 months", figures.charged_again_share, figures.follow_ups_done
            ),
            {
                "label": "Median time from submission to acceptance",
                **days(figures.median_days_to_accept, figures.accepted),
            },
            {"label": "Median time from acceptance to start", **days(figures.median_days_to_start, figures.started)},
        ],
        "tables": [
            table("Declined, by reason", "Reason", figures.declined_by_reason_group, names=REASON_GROUPS),
            table("Intervention outcome ratings", "Rating", figures.outcome_ratings, names=RATINGS),
            table(
                "Twelve-month follow-ups due in the period",
                "Follow-up",
                {
                    "Charged again": figures.follow_ups_charged_again,
                    "Not charged again": figures.follow_ups_done - figures.follow_ups_charged_again,
                    "Not yet recorded or not known": figures.follow_ups_due - figures.follow_ups_done,
                },
            ),
        ],
    }


def outcome_display(figures: OutcomeFigures) -> dict[str, Any]:
    by_type = {name: sum(ratings.values()) for name, ratings in figures.by_type_and_rating.items()}
    ratings = {key: 0 for key in RATINGS}
    for per_type in figures.by_type_and_rating.values():
        for key, n in per_type.items():
            ratings[key] += n
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
            ),
            table("Outcomes by type", "Type", by_type),
            table("Outcomes by rating", "Rating", ratings, names=RATINGS),
        ]
    }


def strands_display(sections: Mapping[str, Any], *, local: bool, nte_assaults: int) -> dict[str, Any]:
    return {
        "engagement": engagement_display(sections["engagement"], local=local),
        "nte": nte_display(sections["night_time_economy"], local=local, nte_assaults=nte_assaults),
        "offenders": offender_display(sections["offender_behaviour"], local=local),
        "outcomes": outcome_display(sections["outcomes"]),
    }
