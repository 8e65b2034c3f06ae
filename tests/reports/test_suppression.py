"""Small numbers in published breakdowns cannot be read off or worked out."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from tracker.reports.suppression import breakdown, show


def texts(result: Any) -> dict[Any, str]:
    return {key: shown.text for key, shown in result.cells.items()}


def test_counts_from_1_to_4_are_shown_as_c_and_0_and_5_are_shown() -> None:
    result = breakdown({"a": 0, "b": 1, "c": 4, "d": 5, "e": 120}, protect_total=False)
    assert texts(result) == {"a": "0", "b": "[c]", "c": "[c]", "d": "5", "e": "120"}
    assert result.total.text == "130"


def test_a_single_small_cell_takes_the_next_smallest_non_zero_cell_with_it() -> None:
    result = breakdown({"a": 2, "b": 0, "c": 40, "d": 9, "e": 300}, protect_total=False)
    assert texts(result) == {"a": "[c]", "b": "0", "c": "40", "d": "[c]", "e": "300"}
    shown = [s.value for s in result.cells.values() if not s.suppressed]
    # The total less the shown cells is the sum of two hidden cells, not one.
    assert result.total.value is not None and result.total.value - sum(v or 0 for v in shown) == 11


def test_when_every_other_cell_is_zero_zero_cells_are_hidden_too() -> None:
    result = breakdown({"a": 0, "b": 3, "c": 0}, protect_total=False)
    assert [s.suppressed for s in result.cells.values()] == [True, True, True]
    assert result.total.text == "3"


def test_two_small_cells_adding_up_to_5_or_more_need_no_secondary_suppression() -> None:
    result = breakdown({"a": 1, "b": 4, "c": 50}, protect_total=False)
    assert texts(result) == {"a": "[c]", "b": "[c]", "c": "50"}


def test_two_small_cells_adding_up_to_under_5_take_another_cell_with_them() -> None:
    # "Partly [c], Not [c], Total 53" with Achieved 50 shown would tell the reader
    # that Partly and Not add up to 3.
    result = breakdown({"a": 1, "b": 2, "c": 50, "d": 9}, protect_total=False)
    assert texts(result) == {"a": "[c]", "b": "[c]", "c": "50", "d": "[c]"}


def test_a_small_protected_total_is_hidden_and_then_one_small_cell_needs_no_partner() -> None:
    result = breakdown({"a": 3, "b": 0, "c": 0}, protect_total=True)
    assert result.total.text == "[c]"
    assert texts(result) == {"a": "[c]", "b": "0", "c": "0"}


def test_force_wide_totals_are_not_suppressed() -> None:
    assert breakdown({"a": 3}, protect_total=False).total.text == "3"
    assert show(3, suppress=False).text == "3"
    assert show(3).text == "[c]"
    assert show(0).text == "0"
    assert show(2219, suppress=False).text == "2,219"


def test_no_shown_cells_and_total_reveal_a_hidden_cell_for_any_small_breakdown() -> None:
    # Exhaustive over small three-cell breakdowns: when the total is shown, the
    # hidden cells are never a single cell.
    for a in range(7):
        for b in range(7):
            for c in range(7):
                result = breakdown({"a": a, "b": b, "c": c}, protect_total=True)
                hidden = [k for k, s in result.cells.items() if s.suppressed]
                if not result.total.suppressed:
                    assert len(hidden) != 1, (a, b, c)
                for key, count in {"a": a, "b": b, "c": c}.items():
                    if 0 < count < 5:
                        assert result.cells[key].suppressed, (a, b, c)


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [
        (3, {"a": "[c]", "b": "[c]", "c": "100", "d": "5"}),  # b hidden as a's partner
        (10, {"a": "[c]", "b": "[c]", "c": "100", "d": "[c]"}),
    ],
)
def test_the_threshold_comes_from_settings(settings: Any, threshold: int, expected: dict[str, str]) -> None:
    settings.REPORT_SUPPRESSION_THRESHOLD = threshold
    result = breakdown({"a": 2, "b": 3, "c": 100, "d": 5}, protect_total=False)
    assert texts(result) == expected


def test_no_label_contradicts_the_true_count_for_any_small_breakdown() -> None:
    # Exhaustive over three-cell breakdowns with counts 0 to 7: every label is either
    # the true count or [c]; "<5", which a secondary cell of 5 or more (or 0) would
    # make untrue, never appears.
    for a, b, c in itertools.product(range(8), repeat=3):
        counts = {"a": a, "b": b, "c": c}
        for protect_total in (True, False):
            result = breakdown(counts, protect_total=protect_total)
            for key, count in counts.items():
                assert result.cells[key].text in {"[c]", f"{count:,}"}, (counts, key)
            assert result.total.text in {"[c]", f"{a + b + c:,}"}
            shown = [s.value for s in result.cells.values() if not s.suppressed]
            hidden_sum = a + b + c - sum(v or 0 for v in shown)
            if not result.total.suppressed and any(s.suppressed for s in result.cells.values()):
                # What the total gives away about the hidden cells together is never a small count,
                # except where everything is hidden and the total itself is published.
                assert not (0 < hidden_sum < 5) or all(s.suppressed for s in result.cells.values()), counts
