"""Finding keys repeated within a file of any length in little memory.

A dict of every key seen costs a hundred bytes or more a row. `RepeatedKeys`
keeps an 8-byte hash of each key in an open-addressing table (an `array`, about
12 bytes a row) while the bulk importers check the rows, and notes the hashes
that come round again. Those are almost always real repeats, but two different
keys may share a hash, so `duplicates()` reads the file once more, only if any
hash repeated, and compares the actual keys of just those rows: the answer is
exact, and each repeat names the row that had the key first."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
from typing import Any

MASK = (1 << 64) - 1
EMPTY = 0  # no key hashes to 0: see key_hash


def key_hash(key: str) -> int:
    """A 64-bit hash of a key, never 0. Python's string hash is enough: the table
    lives for one import in one process."""
    return (hash(key) & MASK) or 1


class RepeatedKeys:
    """The hashes of the keys seen so far, and those seen more than once."""

    def __init__(self, expected: int = 0):
        self._slots = array("Q", bytes(8 * self._capacity_for(expected)))
        self._used = 0
        self.repeated: set[int] = set()

    @staticmethod
    def _capacity_for(keys: int) -> int:
        return max(64, keys * 3 // 2 + 1)  # at most two thirds full

    def add(self, key: str) -> None:
        value = key_hash(key)
        if self._insert(self._slots, value):
            self._used += 1
            if self._used * 3 > len(self._slots) * 2:
                self._grow()
        else:
            self.repeated.add(value)

    @staticmethod
    def _insert(slots: array[int], value: int) -> bool:
        """Put `value` in the table; False if it was there already."""
        size = len(slots)
        index = value % size
        while True:
            found = slots[index]
            if found == EMPTY:
                slots[index] = value
                return True
            if found == value:
                return False
            index = index + 1 if index + 1 < size else 0

    def _grow(self) -> None:
        slots = array("Q", bytes(8 * len(self._slots) * 2))
        for value in self._slots:
            if value != EMPTY:
                self._insert(slots, value)
        self._slots = slots

    def duplicates(
        self, rows: Iterator[tuple[int, Any]], key_of: Callable[[Any], str | None]
    ) -> Iterator[tuple[int, int]]:
        """(row number, number of the earlier row with the same key) for each repeat.
        `rows` must be the rows given to `add`, in the same order, with `key_of`
        giving the same key; they are only read if some hash repeated."""
        if not self.repeated:
            return
        first: dict[str, int] = {}
        for number, row in rows:
            key = key_of(row)
            if key is None or key_hash(key) not in self.repeated:
                continue
            earlier = first.setdefault(key, number)
            if earlier != number:
                yield number, earlier
