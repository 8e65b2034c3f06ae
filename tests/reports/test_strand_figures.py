"""The strands' board-report figures against small hand-built data sets with known
answers, built through the strands' own services."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import time_machine

from interventions import services as referrals
from interventions.models import ReasonCode
from partners import services as partners
from tests.interventions.conftest import (  # noqa: F401 - fixtures
    offender_factory,
    outcome_types,
    programme,
    reason,
    referral_factory,
)
from tests.partners.conftest import (  # noqa: F401 - fixtures
    lists,
    local,
    make_engagement,
    make_group,
    make_partnership,
    make_venue,
)
from tests.reports.counts import STRAND_QUERIES
from tracker.reports import strands
from tracker.reports.periods import Period

pytestmark = pytest.mark.django_db
QUARTER = Period(date(2026, 4, 1), date(2026, 6, 30))


def test_engagement_figures(lists: Any, make_group: Any, make_engagement: Any, officer: Any, areas: Any) -> None:
    old_friend, newcomer = make_group("Old friends"), make_group("Newcomers")
    make_engagement(groups=[old_friend], starts_at=local(2026, 1, 15, 19, 0))  # before the quarter
    first = make_engagement(groups=[old_friend, newcomer], starts_at=local(2026, 4, 1, 0, 30), attendance=40)
    make_engagement(
        groups=[newcomer], starts_at=local(2026, 6, 30, 23, 30), attendance=12,
        kind=lists["kinds"]["Workshop"], area=areas["Shropshire"],
    )  # fmt: skip
    make_engagement(groups=[newcomer], starts_at=local(2026, 7, 1, 0, 0))  # after it
    partners.set_materials(
        first, by=officer, expected_version=first.version, quantities={lists["materials"]["Leaflet"]: 200}
    )
    on_time = partners.add_follow_up(
        first, by=officer, expected_version=first.version, description="a", owner=officer, due_on=date(2026, 5, 1)
    )
    partners.complete_follow_up(
        on_time, by=officer, expected_version=on_time.engagement.version, done_on=date(2026, 5, 1)
    )
    late = partners.add_follow_up(
        first, by=officer, expected_version=first.version, description="b", owner=officer, due_on=date(2026, 5, 2)
    )
    partners.complete_follow_up(late, by=officer, expected_version=late.engagement.version, done_on=date(2026, 5, 9))
    partners.add_follow_up(
        first, by=officer, expected_version=first.version, description="c", owner=officer, due_on=date(2026, 6, 1)
    )  # overdue
    partners.add_follow_up(
        first, by=officer, expected_version=first.version, description="d", owner=officer, due_on=date(2026, 8, 1)
    )  # not in it

    figures = strands.engagement(QUARTER, today=date(2026, 7, 15))

    assert figures.total == 2
    assert figures.by_kind == {"Meeting": 1, "Workshop": 1}
    assert figures.by_area == {"Herefordshire": 1, "Shropshire": 1}
    assert figures.groups_engaged == 2
    assert figures.groups_first_engaged == 1  # only the newcomers
    assert figures.attendance == 52
    assert figures.materials == {"Leaflet": 200}
    assert (figures.follow_ups_on_time, figures.follow_ups_late, figures.follow_ups_overdue) == (1, 1, 1)
    shropshire = strands.engagement(QUARTER, areas["Shropshire"], today=date(2026, 7, 15))
    assert (shropshire.total, shropshire.attendance) == (1, 12)


def test_night_time_economy_figures(lists: Any, make_partnership: Any, officer: Any) -> None:
    signed = make_partnership("signed_up", signed_up_on=date(2026, 4, 20))
    make_partnership("active", signed_up_on=date(2026, 1, 20))
    gone = make_partnership("active", signed_up_on=date(2026, 1, 20))
    reason = next(iter(lists["reasons"].values()))
    partners.lapse(gone, by=officer, expected_version=gone.version, on=date(2026, 5, 5), reason=reason)
    later = make_partnership("engaged")
    partners.sign_up(
        later, by=officer, expected_version=later.version, on=date(2026, 7, 2)
    )  # after the quarter: not counted
    posters = lists["commitments"]["Campaign posters displayed"]
    partners.set_commitments(
        signed,
        by=officer,
        expected_version=signed.version,
        confirmed={posters: (date(2026, 5, 1), "Seen on a visit", None)},
    )

    figures = strands.night_time_economy(QUARTER)

    assert figures.signed_up == 1
    assert figures.lapsed == 1
    assert figures.by_status_at_end["signed_up"] == 1
    assert figures.by_status_at_end["active"] == 1
    assert figures.by_status_at_end["lapsed"] == 1
    assert figures.by_status_at_end["engaged"] == 1  # `later` was still engaged on 30 June
    assert figures.active_at_end == 2
    assert figures.commitments["Campaign posters displayed"] == 0.5


def _at(*args: int) -> datetime:
    return local(*args)


def test_offender_figures(referral_factory: Any, liaison: Any, officer: Any, programme: Any) -> None:
    with time_machine.travel(_at(2026, 4, 1, 9), tick=False):
        done = referral_factory("submitted")
        dropped = referral_factory("submitted")
        refused = referral_factory("submitted")
    with time_machine.travel(_at(2026, 4, 3, 9), tick=False):
        referrals.accept(done, by=liaison, expected_version=done.version)
        referrals.accept(dropped, by=liaison, expected_version=dropped.version)
        legal = ReasonCode.objects.create(name="Recalled to prison", group=ReasonCode.Group.LEGAL)
        referrals.decline(refused, by=liaison, expected_version=refused.version, reason=legal)
    with time_machine.travel(_at(2026, 4, 13, 9), tick=False):
        referrals.start(done, by=liaison, expected_version=done.version)
        referrals.start(dropped, by=liaison, expected_version=dropped.version)
    for day, attendance in ((14, "attended"), (21, "late"), (28, "did_not_attend")):
        referrals.record_session(
            done, by=liaison, scheduled_on=date(2026, 4, day), happened=True, attendance=attendance,
            absence="unacceptable" if attendance == "did_not_attend" else "",
        )  # fmt: skip
    with time_machine.travel(_at(2026, 6, 1, 9), tick=False):
        ratings = {t.pk: ("achieved", "Clear progress") for t in programme.desired_outcomes.all()}
        referrals.complete(
            done,
            by=liaison,
            expected_version=done.version,
            ratings=ratings,
            on=date(2026, 6, 1),
            confirm_fewer_sessions=True,
        )
        referrals.mark_not_completed(dropped, by=liaison, expected_version=dropped.version, reason=legal)

    figures = strands.offenders(QUARTER)

    assert (figures.made, figures.accepted, figures.declined, figures.started) == (3, 2, 1, 2)
    assert (figures.completed, figures.not_completed, figures.withdrawn) == (1, 1, 0)
    assert figures.declined_by_reason_group["legal"] == 1
    assert figures.completion_rate == 0.5
    assert figures.median_days_to_accept == 2.0
    assert figures.median_days_to_start == 10.0
    assert (figures.sessions_happened, figures.sessions_attended) == (3, 2)
    assert figures.attendance_rate == pytest.approx(2 / 3)
    assert figures.outcome_ratings["achieved"] == programme.desired_outcomes.count()
    # Follow-ups fall due 12 months after the end: none in this quarter, two a year on.
    assert figures.follow_ups_due == 0
    assert strands.offenders(Period(date(2027, 4, 1), date(2027, 6, 30))).follow_ups_due == 2


def test_outcomes_by_type_rating_and_strand(
    referral_factory: Any, make_engagement: Any, make_group: Any, officer: Any, programme: Any
) -> None:
    from tracker.core.models import OutcomeType
    from tracker.core.outcomes import record_outcome

    kind = OutcomeType.objects.get_or_create(name="Campaign message shared")[0]
    engagement = make_engagement(groups=[make_group()], starts_at=local(2026, 4, 2, 10, 0))
    record_outcome(engagement, by=officer, date=date(2026, 4, 2), outcome_type=kind, rating="achieved", description="x")
    record_outcome(engagement, by=officer, date=date(2026, 3, 2), outcome_type=kind, rating="achieved", description="y")
    with time_machine.travel(_at(2026, 5, 1, 9), tick=False):
        referral_factory("completed")

    figures = strands.outcomes(QUARTER)

    desired = programme.desired_outcomes.count()
    assert figures.by_strand == {"engagement": 1, "night_time_economy": 0, "offender_behaviour": desired}
    assert figures.by_type_and_rating["Campaign message shared"]["achieved"] == 1
    assert figures.total == 1 + desired


@pytest.mark.parametrize("size", [1, 8])
def test_strand_figures_take_the_same_queries_at_any_size(
    size: int,
    referral_factory: Any,
    make_engagement: Any,
    make_group: Any,
    make_partnership: Any,
    django_assert_num_queries: Any,
) -> None:
    for n in range(size):
        make_engagement(groups=[make_group()], starts_at=local(2026, 4, 2 + n, 10, 0), attendance=n)
        make_partnership("active", signed_up_on=date(2026, 4, 2))
        with time_machine.travel(_at(2026, 4, 2 + n, 9), tick=False):
            referral_factory("completed")
    strands.everything(QUARTER)  # warm the content-type cache
    with django_assert_num_queries(STRAND_QUERIES):
        strands.everything(QUARTER)


def test_the_board_report_shows_every_strand_with_small_counts_suppressed(
    make_engagement: Any, make_group: Any, officer: Any
) -> None:
    import subprocess

    from tracker.reports.pdf import render_board_pdf

    for day in (2, 3, 4):
        make_engagement(groups=[make_group()], starts_at=local(2026, 4, day, 10, 0), attendance=10)
    pdf = render_board_pdf(QUARTER)
    command = ["pdftotext", "-layout", "-", "-"]
    text = subprocess.run(command, input=pdf, capture_output=True, check=True).stdout.decode()  # noqa: S603
    for heading in ("Community engagement", "Night-time economy", "Offender behaviour", "Outcomes"):
        assert heading in text
    kind_row = next(line for line in text.splitlines() if line.strip().startswith("Meeting"))
    assert kind_row.split()[-1] == "[c]"  # three meetings: a breakdown count under five
    headline = next(line for line in text.splitlines() if line.strip().startswith("Engagements "))
    # A whole quarter is what the board can see: every count from 1 to 4 is hidden,
    # the force's totals too (disclosure.py).
    assert headline.split()[-1] == "[c]"
    # Custom dates (officers and administrators only) publish the force's totals as they are.
    custom = render_board_pdf(Period(date(2026, 4, 1), date(2026, 5, 15)))
    text = subprocess.run(command, input=custom, capture_output=True, check=True).stdout.decode()  # noqa: S603
    headline = next(line for line in text.splitlines() if line.strip().startswith("Engagements "))
    assert headline.split()[-1] == "3"
