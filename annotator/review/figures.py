"""One reported figure: its value, or why there is none, and its bootstrap interval.

An agreement coefficient that cannot be computed (no document with two observers, no units,
one category) is *not available*, with the reason in words, in the table, in ``--json``
(``null`` and a ``_reason`` field) and in the window: never 1.0, which a reviewer would read
as perfect agreement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Figure:
    """A value (None: not available, ``reason`` says why) and its 95% interval, if asked for."""

    value: float | None
    reason: str | None = None
    interval: tuple[float, float] | None = None
    interval_note: str | None = None  # e.g. how many resamples left the figure undefined

    @classmethod
    def of(cls, value: float | None, reason: str) -> Figure:
        """``value``, or not available for ``reason`` when it is None or NaN."""
        if value is None or math.isnan(value):
            return cls(None, reason)
        return cls(float(value))

    @property
    def defined(self) -> bool:
        return self.value is not None

    def with_interval(self, interval: tuple[float, float] | None, note: str | None = None) -> Figure:
        return Figure(self.value, self.reason, interval if self.defined else None, note)

    def as_json(self, name: str) -> dict[str, Any]:
        """``{name: value}``, plus ``name_reason`` when not available and ``name_ci`` when computed."""
        data: dict[str, Any] = {name: None if self.value is None else round(self.value, 6)}
        if self.value is None:
            data[f"{name}_reason"] = self.reason
        if self.interval is not None:
            data[f"{name}_ci"] = [round(self.interval[0], 6), round(self.interval[1], 6)]
        if self.interval_note:
            data[f"{name}_ci_note"] = self.interval_note
        return data

    def text(self, digits: int = 4) -> str:
        """The value for a table cell: ``0.8591`` or ``n/a``."""
        return "n/a" if self.value is None else f"{self.value:.{digits}f}"

    def interval_text(self, digits: int = 3) -> str:
        if self.interval is None:
            return ""
        return f"[{self.interval[0]:.{digits}f}, {self.interval[1]:.{digits}f}]"
