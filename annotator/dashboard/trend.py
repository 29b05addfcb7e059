"""Agreement over time: Krippendorff's αu and span F1 (overlap) per week.

The documents are those ``annotator.review.corpus.load_corpus`` compares under its default rule
(marked done or reviewed by at least two of the chosen annotators), grouped by week in one of
two ways:

- ``annotated`` (the default): the week the *last* of its observers marked the document done
  (or reviewed),
  i.e. when it became comparable. This is the trend a team watches while it learns the
  guidelines: does agreement rise as the weeks of annotation go by?
- ``published``: the week the article was published. This asks whether some periods of the news
  are harder to annotate than others (another vocabulary, another conflict), whatever the order
  the team worked in. Undated documents drop out.

Each week's figures come from ``annotator.review.agreement.compute`` on that week's documents
alone, so a week's αu is exactly what ``annotator agreement --docs …`` says for them; a week
where αu is not defined (no units, say) has no αu point rather than 1.0. Span labels are not
narrowed by the threat-type filter: agreement is about where spans are, not attributes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from annotator.dashboard.filters import DashboardFilters, TrendBy
from annotator.errors import UserError
from annotator.review.agreement import compute
from annotator.review.corpus import AgreementOptions, DocData, load_corpus
from annotator.store.project import Project
from annotator.store.tables import ANNOTATOR, STATUS
from annotator.tasks import TaskControl


@dataclass(frozen=True, slots=True)
class TrendPoint:
    week: date  # Monday
    documents: int
    alpha_u: float | None  # None: not defined that week
    f1_overlap: float | None  # mean over annotator pairs who share a document that week


@dataclass
class AgreementTrend:
    by: TrendBy
    points: list[TrendPoint] = field(default_factory=list)
    reason: str = ""  # why there are no points, in words for the chart


def agreement_trend(project: Project, filters: DashboardFilters, doc_dates: dict[int, date | None],
                    by: TrendBy = "annotated", control: TaskControl | None = None) -> AgreementTrend:
    """The weekly trend over the documents in ``doc_dates`` (id -> publication date, the
    documents the filters selected)."""
    options = AgreementOptions(annotators=filters.annotators)
    try:
        corpus = load_corpus(project, options)
    except UserError as error:  # fewer than two annotators: a state of the project, not a mistake
        return AgreementTrend(by, reason=str(error))
    docs = [doc for doc in corpus.docs if doc.id in doc_dates]
    if by == "published":
        days = {doc.id: doc_dates[doc.id] for doc in docs}
    else:
        days = _completed(project, docs, corpus.chosen)
    weeks: dict[date, list[DocData]] = defaultdict(list)
    for doc in docs:
        day = days.get(doc.id)
        if day is not None:
            weeks[day - timedelta(days=day.weekday())].append(doc)
    if not weeks:
        return AgreementTrend(by, reason="No document in the selection is marked done by two annotators"
                                         + (" and has a publication date." if by == "published" else "."))
    points = []
    for week in sorted(weeks):
        if control is not None:  # between weeks: each week's figures are independent
            control.raise_if_cancelled()
        report = compute(weeks[week])
        f1 = [pair.f1_overlap.value for pair in report.pairwise if pair.f1_overlap.value is not None]
        points.append(TrendPoint(week, len(weeks[week]), report.alpha_u.value, sum(f1) / len(f1) if f1 else None))
    return AgreementTrend(by, points)


def _completed(project: Project, docs: list[DocData], chosen: tuple[str, ...]) -> dict[int, date | None]:
    """Each document's day of completion: when the last of its observers marked it done or reviewed."""
    if not docs:
        return {}
    observers = {doc.id: set(doc.observers) for doc in docs}
    last: dict[int, date] = {}
    query = (sa.select(STATUS.c.document_id, ANNOTATOR.c.name, STATUS.c.updated_at)
             .join(ANNOTATOR, ANNOTATOR.c.id == STATUS.c.annotator_id)
             .where(STATUS.c.status.in_(("done", "reviewed")), ANNOTATOR.c.name.in_(chosen)))
    with project.engine.connect() as connection:
        for doc_id, name, updated in connection.execute(query):
            if name in observers.get(doc_id, ()):
                day = updated.date()
                last[doc_id] = max(last.get(doc_id, day), day)
    return {doc.id: last.get(doc.id) for doc in docs}


def is_number(value: float | None) -> bool:
    """Whether a figure can be plotted (αu is NaN when a week has no variation to measure)."""
    return value is not None and not math.isnan(value)
