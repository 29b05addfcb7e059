"""Stacking extents that must not touch: the underline levels of a line's spans and the heights
of its relation arcs are both the lowest level where an extent meets none placed before it."""

from __future__ import annotations

from collections.abc import Sequence


def lowest_free_levels(extents: Sequence[tuple[float, float]], gap: float = 0) -> list[int]:
    """For each ``(start, end)`` in order, the lowest level where it comes no closer than ``gap``
    to an extent placed there before it (greedy, so the caller's order decides who goes low)."""
    taken: list[list[tuple[float, float]]] = []
    levels = []
    for start, end in extents:
        level = 0
        while level < len(taken) and any(start < b + gap and a < end + gap for a, b in taken[level]):
            level += 1
        if level == len(taken):
            taken.append([])
        taken[level].append((start, end))
        levels.append(level)
    return levels
