"""Threats and claims over time, by the date their article was published (``document.published``).

Counts are grouped into periods whose length follows the time the articles cover, so that the
chart has a readable number of bars: days up to two months, weeks (from Monday) up to a year,
months up to ten years, then years. Spans in documents without a readable date cannot be placed
and are counted in ``undated``, which the chart states rather than hiding them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from annotator.dashboard.data import SpanData

Period = Literal["day", "week", "month", "year"]
TIMELINE_LABELS = ("THREAT", "CLAIM")


@dataclass
class Timeline:
    period: Period
    counts: dict[str, Counter[date]]  # label -> period start -> spans
    undated: int

    def periods(self) -> list[date]:
        return sorted({start for counter in self.counts.values() for start in counter})


def choose_period(first: date, last: date) -> Period:
    days = (last - first).days
    if days <= 62:
        return "day"
    if days <= 366:
        return "week"
    if days <= 3660:
        return "month"
    return "year"


def period_start(day: date, period: Period) -> date:
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return date(day.year, 1, 1)


def period_length(period: Period) -> timedelta:
    """The nominal width of a period, for drawing bars on a date axis."""
    return {"day": timedelta(days=1), "week": timedelta(days=7), "month": timedelta(days=30),
            "year": timedelta(days=365)}[period]


def timeline(data: SpanData) -> Timeline:
    dated: list[tuple[str, date]] = []
    undated = 0
    for span in data.spans.values():
        if span.label not in TIMELINE_LABELS:
            continue
        published = data.documents[span.document_id].published
        if published is None:
            undated += 1
        else:
            dated.append((span.label, published))
    counts: dict[str, Counter[date]] = {label: Counter() for label in TIMELINE_LABELS}
    if not dated:
        return Timeline("day", counts, undated)
    period = choose_period(min(day for _l, day in dated), max(day for _l, day in dated))
    for label, day in dated:
        counts[label][period_start(day, period)] += 1
    return Timeline(period, counts, undated)
