"""Spreadsheet columns are written in the words the importers read: one vocabulary
for yes/no and dates, whichever strand's export or import it is."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.core.exports import IsoDateWidget, YesNoWidget
from tracker.core.imports.cells import CellError


@pytest.mark.parametrize(("cell", "value"), [("yes", True), ("Y", True), ("TRUE", True), ("no", False), ("0", False)])
def test_a_yes_no_column_reads_every_word_the_importers_read(cell: str, value: bool) -> None:
    assert YesNoWidget().clean(cell) is value


def test_a_yes_no_column_writes_yes_or_no_and_refuses_other_words() -> None:
    widget = YesNoWidget()
    assert (widget.render(True), widget.render(False)) == ("yes", "no")
    assert widget.clean(widget.render(True)) is True
    with pytest.raises(CellError, match="Enter yes or no"):
        widget.clean("maybe")


def test_a_date_column_writes_iso_and_reads_both_layouts() -> None:
    widget = IsoDateWidget()
    assert widget.render(date(2026, 3, 31)) == "2026-03-31"
    assert widget.clean("2026-03-31") == widget.clean("31/03/2026") == date(2026, 3, 31)
    assert widget.clean("") is None
