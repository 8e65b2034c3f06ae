"""Differencing closed: no two outputs a board member can request subtract to a
count from 1 to 4.

Published figures are for whole periods: calendar months, quarters (a financial
year's quarters are calendar quarters under another name) and financial years,
for the whole force or one area. Each such output is a node of a lattice; a node
contains another when its months and areas include the other's. A financial year
contains its quarters, a quarter its months, the force its areas, so every node
a node contains lies in the same financial year.

For each count (a path such as `assaults.by_victim_role.pcso`), a node's value is
hidden (`suppression.Hidden`, shown as `[c]`) when

1. it is from 1 to 4 (for the whole force too: a published total is no exception), or
2. it differs from the same count of a node it directly contains (its quarters,
   its months, its areas) by 1 to 4, or
3. it equals that count of a node it directly contains which is itself hidden
   (showing the same number would show the hidden one).

Why that is enough: take two shown values of a count, for nodes A ⊇ B, and a chain
A = C0 ⊃ C1 ⊃ … ⊃ Ck = B of direct containments. Counts only grow with the months
and areas they cover, so A − B ≥ A − C1. By rule 2, A − C1 is 0 or at least 5. If
at least 5, so is A − B. If 0, C1 is not hidden (rule 3), and A − B = C1 − B, which
by the same argument along the shorter chain is 0 or at least 5.

A count at the end of the period (partnerships by status, reviews overdue) is a
stock at one date, not a sum over months: the difference between two dates is a
net change, not a count of anything. Those are checked across areas only.

Within one output, breakdown cells and their total are suppressed by
`suppression.breakdown()` (secondary suppression) when they are shown.

The cost: each node's figures are `figures.board()` (a fixed number of queries),
computed for the node, the nodes it directly contains and, only where rule 3
needs it, theirs. The monthly assault totals behind the trend chart and the
comparisons come from one grouped query.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncMonth

from tracker.assaults.models import AssaultIncident, IncidentOutcome, VictimRole
from tracker.core.models import Area
from tracker.reports import figures, strands
from tracker.reports.figures import AssaultFigures, BoardFigures, Change, Month
from tracker.reports.pattern import BAND_WIDTHS, band_path
from tracker.reports.periods import QUARTERS, Kind, Period, add_months, local_zone, month_end
from tracker.reports.suppression import Hidden, is_small

# Counts the trend and the comparisons show for other periods: from monthly totals.
TOTALS = ("assaults.total", "assaults.with_injury")
SECTIONS: dict[str, Any] = {
    "engagement": strands.engagement,
    "night_time_economy": strands.night_time_economy,
    "offender_behaviour": strands.offenders,
    "outcomes": strands.outcomes,
}
# Counts on the period's last day, not over it.
STOCKS = (
    "strands.night_time_economy.by_status_at_end",
    "strands.night_time_economy.active_at_end",
    "strands.night_time_economy.commitment_counts",
    "strands.night_time_economy.reviews_overdue",
)
# Fields that are not counts of the node itself: handled apart (comparisons, trend)
# or derived from counts that are (peaks from the grid; workforce is not a count).
NOT_COUNTS = frozenset({"period", "area", "workforce", "peaks", "previous_period", "year_earlier", "trend", "hidden"})


def _month_end(start: date) -> date:
    return month_end(start.year, start.month)


def parts(period: Period) -> list[Period]:
    """The whole periods `period` directly contains: a year's quarters, a quarter's months."""
    if period.kind == Kind.FINANCIAL_YEAR:
        size, count = 3, 4
    elif period.kind in QUARTERS:
        size, count = 1, 3
    else:
        return []
    starts = [add_months(period.start, n * size) for n in range(count)]
    return [Period(start, _month_end(add_months(start, size - 1))) for start in starts]


@dataclass(frozen=True)
class Node:
    period: Period
    area_id: int | None


# Counts as paths -------------------------------------------------------------------


def _walk(value: Any, path: str) -> Iterator[tuple[str, int]]:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}.{index}")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if field.name not in NOT_COUNTS:
                yield from _walk(getattr(value, field.name), f"{path}.{field.name}" if path else field.name)


def counts(board: BoardFigures) -> dict[str, int]:
    """Every count of the node `board` is for, by path, with the counts the report
    derives from them (a table's total, 'not charged again', a rate's complement):
    each of those is published too, so each is checked like the rest."""
    found = dict(_walk(board, ""))
    found.update(derived(found))
    found.update(assault_derived(board.assaults.by_weekday_hour, found))
    return found


def assault_derived(grid: list[list[int]], found: dict[str, int]) -> dict[str, int]:
    """Counts derived from the assault figures (`grid`: weekday × hour)."""
    total = found.get("assaults.total", 0)
    extra = {
        "assaults.by_victim_role:total": sum(
            found.get(f"assaults.by_victim_role.{role}", 0) for role in VictimRole.values
        ),
        "assaults:night_time_economy": sum(
            int(grid[day][hour]) for day in figures.NTE_WEEKDAYS for hour in figures.NTE_HOURS
        ),
        "assaults:without_injury": total - found.get("assaults.with_injury", 0),
        "assaults:not_charged": total - found.get("assaults.charged", 0),
    }
    # The weekday × time pattern's wider bands (pattern.py).
    for width in BAND_WIDTHS[1:]:
        for day, hours in enumerate(grid):
            for start in range(0, 24, width):
                extra[band_path(width, day, start)] = sum(int(n) for n in hours[start : start + width])
    return extra


def derived(found: dict[str, int]) -> dict[str, int]:
    """Counts derived from the strands' figures, named `<path>:<what>`; all are counts
    of a set of records, so they grow with the months and areas covered, as the rule
    needs."""

    def get(path: str) -> int:
        return found.get(path, 0)

    extra: dict[str, int] = {}
    # The total of every breakdown (a dict of counts).
    groups: dict[str, int] = defaultdict(int)
    for path, value in found.items():
        parent, _, _ = path.rpartition(".")
        if parent.startswith("strands."):
            groups[parent] += value
    breakdowns = (
        "strands.engagement.by_kind",
        "strands.engagement.by_area",
        "strands.engagement.materials",
        "strands.night_time_economy.by_status_at_end",
        "strands.offender_behaviour.declined_by_reason_group",
        "strands.offender_behaviour.outcome_ratings",
        "strands.outcomes.by_strand",
    )
    for parent, total in groups.items():
        if parent in breakdowns or parent.startswith("strands.outcomes.by_type_and_rating."):
            extra[f"{parent}:total"] = total
    ratings: dict[str, int] = defaultdict(int)
    for path, value in found.items():
        if path.startswith("strands.outcomes.by_type_and_rating."):
            ratings[path.rsplit(".", 1)[-1]] += value
    extra.update({f"strands.outcomes:by_rating.{rating}": n for rating, n in ratings.items()})
    engagement = "strands.engagement."
    extra["strands.engagement:follow_ups"] = sum(
        get(engagement + name)
        for name in ("follow_ups_on_time", "follow_ups_late", "follow_ups_overdue", "follow_ups_open")
    )
    offenders = "strands.offender_behaviour."
    done, due = get(offenders + "follow_ups_done"), get(offenders + "follow_ups_due")
    extra["strands.offender_behaviour:ended"] = get(offenders + "completed") + get(offenders + "not_completed")
    extra["strands.offender_behaviour:not_charged_again"] = done - get(offenders + "follow_ups_charged_again")
    extra["strands.offender_behaviour:not_recorded"] = due - done
    extra["strands.offender_behaviour:sessions_missed"] = get(offenders + "sessions_happened") - get(
        offenders + "sessions_attended"
    )
    live = get("strands.night_time_economy.active_at_end")
    for path, value in found.items():
        if path.startswith("strands.night_time_economy.commitment_counts."):
            name = path.rsplit(".", 1)[-1]
            extra[f"strands.night_time_economy.commitment_counts:not_kept.{name}"] = live - value
    return extra


def _mark(value: Any, path: str, hide: set[str]) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return Hidden(value) if path in hide else value
    if isinstance(value, dict):
        return {key: _mark(item, f"{path}.{key}", hide) for key, item in value.items()}
    if isinstance(value, list):
        return [_mark(item, f"{path}.{index}", hide) for index, item in enumerate(value)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            field.name: _mark(getattr(value, field.name), f"{path}.{field.name}" if path else field.name, hide)
            for field in dataclasses.fields(value)
            if field.name not in NOT_COUNTS
        }
        return dataclasses.replace(value, **changes)
    return value


# The lattice -----------------------------------------------------------------------


class Lattice:
    """The counts of the nodes one publication needs, each computed once.

    A node's assault counts come from one grouped query per financial year
    (month × area × weekday × hour, with conditional counts), summed in Python;
    its strands' counts from `strands.everything()`, a fixed number of queries."""

    def __init__(self) -> None:
        self._counts: dict[tuple[Node, str], dict[str, int]] = {}
        self._assaults: dict[Node, dict[str, int]] = {}
        self._hidden: dict[tuple[Node, str], bool] = {}
        self._buckets: dict[tuple[date, int], list[tuple[int, int, dict[str, int]]]] = defaultdict(list)
        self._detailed: set[date] = set()
        self._totals: dict[tuple[date, int], dict[str, int]] = {}
        self._loaded: set[date] = set()

    @cached_property
    def areas(self) -> dict[int, Area]:
        return {area.pk: area for area in Area.objects.order_by("pk")}

    def node(self, period: Period, area: Area | None) -> Node:
        return Node(period, area.pk if area is not None else None)

    def contains(self, node: Node, path: str) -> list[Node]:
        """The nodes `node` directly contains, for the count at `path`."""
        inner = [] if path.startswith(STOCKS) else [Node(part, node.area_id) for part in parts(node.period)]
        if node.area_id is None:
            inner += [Node(node.period, area_id) for area_id in self.areas]
        return inner

    def counts(self, node: Node, section: str) -> dict[str, int]:
        """One strand section's counts of `node` by path (with those derived from
        them), computed by that section's function only."""
        key = (node, section)
        if key not in self._counts:
            area = self.areas[node.area_id] if node.area_id is not None else None
            self.add(node, {section: SECTIONS[section](node.period, area)})
        return self._counts[key]

    def add(self, node: Node, sections: dict[str, Any]) -> None:
        """Sections of `node` computed elsewhere (the board being published)."""
        for section, figures_of_section in sections.items():
            found = dict(_walk({section: figures_of_section}, "strands"))
            found.update(derived(found))
            self._counts[(node, section)] = found

    def assault_counts(self, node: Node) -> dict[str, int]:
        """The assault counts of `node` by path (with those derived from them)."""
        if node not in self._assaults:
            self._assaults[node] = self._assault_counts(node)
        return self._assaults[node]

    def value(self, node: Node, path: str) -> int:
        if path in TOTALS:
            return self._total(node, path.rsplit(".", 1)[-1])
        if path.startswith("assaults"):
            found = self.assault_counts(node)
        else:
            found = self.counts(node, path.removeprefix("strands.").split(".")[0].split(":")[0])
        return int(found.get(path, 0))

    def hidden(self, node: Node, path: str) -> bool:
        key = (node, path)
        if key not in self._hidden:
            self._hidden[key] = self._decide(node, path)
        return self._hidden[key]

    def _decide(self, node: Node, path: str) -> bool:
        value = self.value(node, path)
        if is_small(value):
            return True
        for inner in self.contains(node, path):
            difference = value - self.value(inner, path)
            if is_small(abs(difference)):
                return True
            if difference == 0 and value and self.hidden(inner, path):
                return True
        return False

    # Assault counts: one grouped query for each financial year needed.

    def _assault_counts(self, node: Node) -> dict[str, int]:
        months = _months_of(node.period)
        self._load_detail(months)
        found = {"assaults.total": 0, "assaults.with_injury": 0, "assaults.charged": 0}
        found.update({f"assaults.by_victim_role.{role}": 0 for role in VictimRole.values})
        grid = [[0] * 24 for _ in range(7)]
        area_ids = [node.area_id] if node.area_id is not None else list(self.areas)
        for month in months:
            for area_id in area_ids:
                for weekday, hour, bucket in self._buckets.get((month, area_id), []):
                    grid[weekday][hour] += bucket["total"]
                    for name, count in bucket.items():
                        path = f"assaults.by_victim_role.{name[5:]}" if name.startswith("role_") else f"assaults.{name}"
                        found[path] += count
        found.update(
            {f"assaults.by_weekday_hour.{day}.{hour}": grid[day][hour] for day in range(7) for hour in range(24)}
        )
        found.update(assault_derived(grid, found))
        return found

    def _load_detail(self, months: list[date]) -> None:
        """Month × area × weekday × hour counts for `months`, in one query."""
        missing = [month for month in months if month not in self._detailed]
        if not missing:
            return
        self._detailed.update(missing)
        span = Period(missing[0], _month_end(missing[-1]))
        zone = local_zone()
        roles = {f"role_{role}": Count("pk", filter=Q(victim_role=role)) for role in VictimRole.values}
        rows = (
            _incidents_in(span)
            .annotate(
                month=TruncMonth("occurred_at", tzinfo=zone),
                weekday=ExtractIsoWeekDay("occurred_at", tzinfo=zone),
                hour=ExtractHour("occurred_at", tzinfo=zone),
            )
            .values("month", "area_id", "weekday", "hour")
            .annotate(
                total=Count("pk"),
                with_injury=Count("pk", filter=Q(injury=True)),
                charged=Count("pk", filter=Q(outcome=IncidentOutcome.CHARGED)),
                **roles,
            )
        )
        keys = ("total", "with_injury", "charged", *roles)
        for row in rows:
            month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
            if month in missing:
                bucket: dict[str, int] = {key: row[key] for key in keys}  # type: ignore[literal-required]
                self._buckets[(month, row["area_id"])].append((row["weekday"] - 1, row["hour"], bucket))

    # Monthly totals (the trend and the comparisons need no more): one query a financial year.

    def _total(self, node: Node, field: str) -> int:
        months = _months_of(node.period)
        self.load_totals(months)
        area_ids = [node.area_id] if node.area_id is not None else list(self.areas)
        return sum(self._totals.get((month, area_id), {}).get(field, 0) for month in months for area_id in area_ids)

    def load_totals(self, months: list[date]) -> None:
        """Month × area totals for `months` (those not loaded yet), in one query."""
        missing = sorted(set(months) - self._loaded)
        if not missing:
            return
        self._loaded.update(missing)
        rows = (
            _incidents_in(Period(missing[0], _month_end(missing[-1])))
            .annotate(month=TruncMonth("occurred_at", tzinfo=local_zone()))
            .values("month", "area_id")
            .annotate(total=Count("pk"), with_injury=Count("pk", filter=Q(injury=True)))
        )
        for row in rows:
            month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
            if month in missing:
                self._totals[(month, row["area_id"])] = {"total": row["total"], "with_injury": row["with_injury"]}


def _incidents_in(period: Period) -> QuerySet[AssaultIncident]:
    return AssaultIncident.objects.order_by().filter(
        occurred_at__gte=period.starts_at, occurred_at__lt=period.ends_before
    )


def _months_of(period: Period) -> list[date]:
    months, month = [], period.start.replace(day=1)
    while month <= period.end:
        months.append(month)
        month = add_months(month, 1)
    return months


# Publishing ------------------------------------------------------------------------


def publish(board: BoardFigures, area: Area | None, *, lattice: Lattice | None = None) -> BoardFigures:
    """`board` as it may be published: for a whole period, every count the rules
    above hide is `Hidden`, and so are the comparison periods' and the trend's
    counts, by the same rules for their own nodes. A custom period (officers and
    administrators only) is returned as it is, for the usual suppression."""
    if not board.period.is_whole:
        return board
    lattice = lattice or Lattice()
    node = lattice.node(board.period, area)
    # The months whose totals the trend and the comparisons show, in one query.
    lattice.load_totals(
        [entry.month for entry in board.trend]
        + [
            month
            for change in (board.assaults.previous_period, board.assaults.year_earlier)
            for month in _months_of(Period(change.start, change.end))
        ]
    )
    lattice.add(node, board.strands)
    hide = {path for path in counts(board) if lattice.hidden(node, path)}
    marked: BoardFigures = dataclasses.replace(_mark(board, "", hide), hidden=frozenset(hide))
    assaults: AssaultFigures = marked.assaults
    total = assaults.total

    def comparison(change: Change) -> Change:
        other = Period(change.start, change.end)
        previous = change.previous
        if other.is_whole and lattice.hidden(lattice.node(other, area), "assaults.total"):
            previous = Hidden(previous)
        elif is_small(previous):
            previous = Hidden(previous)
        return dataclasses.replace(change, previous=previous, current=total)

    def month(entry: Month) -> Month:
        month_node = lattice.node(Period(entry.month, _month_end(entry.month)), area)
        total = Hidden(entry.total) if lattice.hidden(month_node, "assaults.total") else entry.total
        injured = entry.with_injury
        if lattice.hidden(month_node, "assaults.with_injury"):
            injured = Hidden(injured)
        return dataclasses.replace(entry, total=total, with_injury=injured)

    assaults = dataclasses.replace(
        assaults,
        previous_period=comparison(assaults.previous_period),
        year_earlier=comparison(assaults.year_earlier),
    )
    return dataclasses.replace(marked, assaults=assaults, trend=[month(entry) for entry in marked.trend])


def published_board(period: Period, area: Area | None = None) -> BoardFigures:
    """The board's figures for `period` and `area`, ready for the dashboard and the PDF."""
    return publish(figures.board(period, area), area)
