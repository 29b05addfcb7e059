"""An interval index for the spans of one document: which spans overlap a range of text.

The view asks this for every visible line on every repaint, so a query must cost a few
bisects, not a scan of 20,000 spans. Spans are kept in tiers by length: tier ``t`` holds spans
whose length has ``t`` bits (``2**(t-1) <= length < 2**t``), each tier a list sorted by start.
A span of tier ``t`` that overlaps ``[start, end)`` must begin after ``start - 2**t``, so each
tier is one bisected slice with only a bounded number of near misses, whatever mix of short
names and whole-paragraph claims the document holds. Adding and removing is one ``insort`` or
one ``del`` in a Python list (a memmove, microseconds even at 20,000 spans).

Pure Python, no Qt: it is tested and benchmarked on its own.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable

Entry = tuple[int, int, int]  # (start, end, id), half-open [start, end) in code points


class IntervalIndex:
    """Half-open intervals with integer ids; overlap queries in O(tiers * log n + hits)."""

    __slots__ = ("_entries", "_tiers")

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self._entries: dict[int, Entry] = {}
        self._tiers: dict[int, list[Entry]] = {}
        for entry in entries:
            self._entries[entry[2]] = entry
        for entry in self._entries.values():
            self._tiers.setdefault(_tier(entry), []).append(entry)
        for tier in self._tiers.values():
            tier.sort()

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, start: int, end: int, item_id: int) -> None:
        """Insert an interval, replacing any interval with the same id."""
        if item_id in self._entries:
            self.remove(item_id)
        entry = (start, end, item_id)
        self._entries[item_id] = entry
        insort(self._tiers.setdefault(_tier(entry), []), entry)

    def remove(self, item_id: int) -> Entry | None:
        """Remove the interval with this id and return it (None when it was not there)."""
        entry = self._entries.pop(item_id, None)
        if entry is not None:
            tier = self._tiers[_tier(entry)]
            del tier[bisect_left(tier, entry)]
        return entry

    def overlapping(self, start: int, end: int) -> list[Entry]:
        """Intervals sharing at least one position with ``[start, end)``, in no useful order."""
        found: list[Entry] = []
        for bits, tier in self._tiers.items():
            low = bisect_left(tier, (start - (1 << bits) + 1,))
            high = bisect_left(tier, (end,), low)
            found.extend(entry for entry in tier[low:high] if entry[1] > start)
        return found

    def covering(self, position: int) -> list[Entry]:
        """Intervals that contain ``position``, innermost (shortest) first."""
        found = self.overlapping(position, position + 1)
        found.sort(key=lambda entry: (entry[1] - entry[0], entry[0], entry[2]))
        return found


def _tier(entry: Entry) -> int:
    return (entry[1] - entry[0]).bit_length()
