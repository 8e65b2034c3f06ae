"""Reading import files as a stream (core's Table) and finding repeated keys in
little memory (RepeatedKeys)."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from tracker.core.imports import keys
from tracker.core.imports.keys import RepeatedKeys
from tracker.core.imports.reading import FileRefused, open_table

COLUMNS = ("name", "kind")


def table(content: bytes, filename: str = "x.csv") -> Any:
    return open_table(content, filename, required=COLUMNS)


def filler(rows: int) -> str:
    return "".join(f"Organisation number {n},charity\n" for n in range(rows))


def test_windows_1252_is_found_when_its_only_accent_is_on_the_last_line() -> None:
    # Far beyond any read buffer: the whole file must be decoded to know.
    content = ("name,kind\n" + filler(20_000)).encode() + "Café Society,charity\n".encode("cp1252")
    assert len(content) > 500_000
    rows = list(table(content).rows())
    assert rows[-1] == (20_002, {"name": "Café Society", "kind": "charity"})


def test_a_byte_that_is_neither_utf8_nor_windows_1252_late_in_the_file_is_refused() -> None:
    content = ("name,kind\n" + filler(20_000)).encode() + b"Bad \x81 name,charity\n"
    with pytest.raises(FileRefused, match="not UTF-8 or Windows-1252"):
        table(content)


def test_utf8_with_a_byte_order_mark_keeps_its_accents_and_first_column() -> None:
    rows = list(table("\ufeffname,kind\nCafé Society,charity\n".encode()).rows())
    assert rows == [(2, {"name": "Café Society", "kind": "charity"})]


def test_rows_can_be_read_again_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text("Name,KIND\n\nA,charity\n,\nB,other\n")
    with path.open("rb") as handle:
        source = open_table(handle, path.name, required=COLUMNS)
        first, second = list(source.rows()), list(source.rows())
    # Numbered as the spreadsheet shows them: empty rows are skipped, not renumbered.
    assert first == second == [(3, {"name": "A", "kind": "charity"}), (5, {"name": "B", "kind": "other"})]
    assert len(source) == 2


def test_formula_cells_and_wide_rows_are_reported_on_each_pass_and_left_out() -> None:
    source = table(b"name,kind\nA,charity\n=1+1,charity\nB,other,extra\nC,other\n")
    assert [number for number, _ in source.rows()] == [2, 5]
    assert [(e.row, e.column) for e in source.errors] == [(3, "name"), (4, "")]
    list(source.rows())
    assert len(source.errors) == 2  # not doubled by a second pass


def test_progress_is_told_every_thousand_rows_with_the_total() -> None:
    source = table(("name,kind\n" + filler(2_500)).encode())
    heard: list[tuple[int, int, str]] = []
    source.progress = lambda done, total, verb="read": heard.append((done, total, verb))
    list(source.rows(verb="written"))
    assert heard == [(1000, 2500, "written"), (2000, 2500, "written")]


def test_reading_rows_does_not_hold_the_file_in_memory() -> None:
    content = ("name,kind\n" + filler(40_000)).encode()  # about 1.2 MB
    source = table(content)
    tracemalloc.start()
    try:
        for _ in source.rows():
            pass
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < len(content) / 4, peak


def test_xlsx_rows_stream_and_can_be_read_twice() -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Kind", None])
    sheet.append(["A", "charity"])
    sheet.append([None, None])
    sheet.append(["B", "other"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = table(buffer.getvalue(), "orgs.xlsx")
    # Counted on opening, like a CSV file: the row limit is checked before any row is.
    assert source.length_hint() == 2
    expected = [(2, {"name": "A", "kind": "charity"}), (4, {"name": "B", "kind": "other"})]
    assert list(source.rows()) == expected
    assert list(source.rows()) == expected
    assert len(source) == 2
    source.close()


def rows_of(names: list[str]) -> list[tuple[int, str]]:
    return list(enumerate(names, start=2))


def repeats(names: list[str]) -> list[tuple[int, int]]:
    seen = RepeatedKeys(len(names))
    for name in names:
        seen.add(name)
    return list(seen.duplicates(iter(rows_of(names)), lambda name: name))


def test_repeated_keys_name_the_row_that_had_the_key_first() -> None:
    names = [f"key {n}" for n in range(50_000)]
    names[40_000] = "key 7"
    names[45_000] = "key 7"
    assert repeats(names) == [(40_002, 9), (45_002, 9)]


def test_without_repeats_the_rows_are_not_read_again() -> None:
    seen = RepeatedKeys(0)  # grows as keys come
    for n in range(5_000):
        seen.add(f"key {n}")

    def unread() -> Any:
        raise AssertionError("read again")
        yield

    assert list(seen.duplicates(unread(), lambda name: name)) == []


def test_keys_that_share_a_hash_are_told_apart_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keys, "key_hash", lambda key: 12345)  # every key collides
    assert repeats(["a", "b", "c", "d"]) == []
    assert repeats(["a", "b", "a", "c", "b"]) == [(4, 2), (6, 3)]
