"""Progress per annotator: documents done and in progress, and spans made per day.

Read from the people's ``annotation`` layer only (a model's suggestions are not anyone's
progress), over the documents of the filters' date range. "Spans per day" counts spans by the
day they were created (``span.created_at``, UTC): an accepted suggestion counts on the day it
was accepted, which is when the analyst did the work; a span deleted since no longer counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from annotator.dashboard.data import CHUNK
from annotator.dashboard.filters import DashboardFilters
from annotator.store.project import Project
from annotator.store.tables import ANNOTATOR, SPAN, STATUS


@dataclass
class AnnotatorProgress:
    annotator: str
    done: int = 0  # marked done or reviewed
    in_progress: int = 0
    spans_per_day: Counter[date] = field(default_factory=Counter)

    @property
    def spans(self) -> int:
        return sum(self.spans_per_day.values())


@dataclass
class ProgressData:
    total_documents: int
    annotators: list[AnnotatorProgress]


def progress(project: Project, filters: DashboardFilters, doc_ids: list[int]) -> ProgressData:
    """Each human annotator's progress over ``doc_ids`` (the documents the filters selected)."""
    rows: dict[str, AnnotatorProgress] = {}

    def row(name: str) -> AnnotatorProgress:
        if name not in rows:
            rows[name] = AnnotatorProgress(name)
        return rows[name]

    statuses = (sa.select(ANNOTATOR.c.name, STATUS.c.status, sa.func.count())
                .join(ANNOTATOR, ANNOTATOR.c.id == STATUS.c.annotator_id)
                .where(ANNOTATOR.c.kind == "human")
                .group_by(ANNOTATOR.c.name, STATUS.c.status))
    day = sa.func.date(SPAN.c.created_at)
    spans = (sa.select(ANNOTATOR.c.name, day, sa.func.count())
             .join(ANNOTATOR, ANNOTATOR.c.id == SPAN.c.annotator_id)
             .where(SPAN.c.layer == "annotation", ANNOTATOR.c.kind == "human")
             .group_by(ANNOTATOR.c.name, day))
    if filters.annotators is not None:
        statuses = statuses.where(ANNOTATOR.c.name.in_(filters.annotators))
        spans = spans.where(ANNOTATOR.c.name.in_(filters.annotators))
    with project.engine.connect() as connection:
        for start in range(0, len(doc_ids), CHUNK):
            ids = doc_ids[start:start + CHUNK]
            for name, status, count in connection.execute(statuses.where(STATUS.c.document_id.in_(ids))):
                if status in ("done", "reviewed"):
                    row(name).done += count
                elif status == "in_progress":
                    row(name).in_progress += count
            for name, created, count in connection.execute(spans.where(SPAN.c.document_id.in_(ids))):
                # SQLite's date() gives text, PostgreSQL's a date: both start with YYYY-MM-DD.
                row(name).spans_per_day[date.fromisoformat(str(created)[:10])] += count
    return ProgressData(len(doc_ids), sorted(rows.values(), key=lambda item: item.annotator))
