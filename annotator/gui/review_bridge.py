"""The review windows' one door to the Qt-free core (``annotator.review``).

Why a bridge: the windows show plain, GUI-shaped values (pairs keyed by annotator names, rows
sorted for display, one ``CompareItem`` per difference) and should not care how the core
spells its reports. Every call into ``annotator.review`` is here, so a change of the core's
names is one edit in one file, and the widgets can be read (and tested) as pure display code.

Adjudication itself is not here: each decision is a core operation (``annotator.ops.adjudication``)
performed through the adjudicator's history, so its undo and redo are the core's too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

import sqlalchemy as sa

from annotator.errors import UserError
from annotator.review import adjudicate
from annotator.review.agreement import AgreementOptions, compute, per_document
from annotator.review.corpus import load_corpus
from annotator.store import Project
from annotator.store.models import Annotator
from annotator.store.records import SpanRecord
from annotator.tasks import TaskControl

# --- agreement --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentScore:
    """One row of the per-document list; ``score`` is the document's αu (NaN: nothing to compare)."""

    doc_id: int
    name: str
    score: float | None
    spans: int


@dataclass
class AgreementSummary:
    """What the agreement window shows, already shaped for display."""

    annotators: tuple[str, ...]
    pairwise: dict[tuple[str, str], dict[str, float | None]]
    per_label: list[tuple[str, dict[str, float | None]]]
    alpha_u: float | None
    fleiss_kappa: float | None
    n_documents: int
    documents: list[DocumentScore] = field(default_factory=list)


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def compute_agreement(project: Project, annotators: Sequence[str], *, only_done: bool,
                      control: TaskControl | None = None) -> AgreementSummary:
    """All measures over the chosen annotators' documents (worker thread: no widgets here).

    The core has no progress reporting of its own, so progress is reported per stage, and a
    cancel takes effect between stages (nothing is written, so stopping anywhere is safe).
    """
    control = control or TaskControl()
    options = AgreementOptions(annotators=tuple(annotators), all_annotated=not only_done)
    control.report(0, 3, "Reading annotations…")
    docs, _chosen = load_corpus(project, options)
    control.raise_if_cancelled()
    control.report(1, 3, f"Measuring agreement over {len(docs)} documents…")
    report = compute(docs)
    control.raise_if_cancelled()
    control.report(2, 3, "Scoring each document…")
    span_counts = {doc.id: sum(len(spans) for spans in doc.spans.values()) for doc in docs}
    rows = [DocumentScore(doc_id, title or f"#{doc_id}", _number(score), span_counts.get(doc_id, 0))
            for doc_id, title, score in per_document(project, options)]
    rows.sort(key=lambda row: (row.score is None, row.score if row.score is not None else 0.0, row.doc_id))
    control.report(3, 3, "Done.")
    return AgreementSummary(
        annotators=tuple(report.annotators) or tuple(annotators),
        pairwise={(pair.a, pair.b): {"f1_overlap": _number(pair.f1_overlap), "f1_exact": _number(pair.f1_exact),
                                     "cohen_kappa": _number(pair.cohen_kappa)} for pair in report.pairwise},
        per_label=[(label, {"αu": _number(scores.alpha_u), "F1": _number(scores.f1_overlap)})
                   for label, scores in report.per_label.items()],
        alpha_u=_number(report.alpha_u),
        fleiss_kappa=_number(report.fleiss_kappa),
        n_documents=report.documents,
        documents=rows,
    )


def human_annotators(project: Project) -> list[str]:
    """The people whose layers can be compared (models' suggestion layers are not annotations)."""
    table = Annotator.__table__
    with project.engine.connect() as connection:
        return list(connection.execute(
            sa.select(table.c.name).where(table.c.kind == "human").order_by(table.c.name)).scalars())


# --- comparison and adjudication ---------------------------------------------------------------


@dataclass(frozen=True)
class CompareItem:
    """One place of the document where the compared layers overlap, for the difference list.

    ``kind`` is the core's: ``agreement``, ``label``, ``boundary`` or ``only_one``;
    ``versions`` each annotator's spans there (absent: that annotator marked nothing here).
    """

    kind: str
    start: int
    end: int
    versions: dict[str, tuple[SpanRecord, ...]]
    in_gold: bool

    def first(self, annotator: str) -> SpanRecord | None:
        spans = self.versions.get(annotator, ())
        return spans[0] if spans else None

    def span_ids(self) -> set[int]:
        return {span.id for spans in self.versions.values() for span in spans}


def compare(project: Project, doc_id: int, annotators: Sequence[str]) -> list[CompareItem]:
    items = []
    for found in adjudicate.compare(project, doc_id, annotators):
        versions: dict[str, tuple[SpanRecord, ...]] = {}
        for span in found.spans:
            versions[span.annotator] = (*versions.get(span.annotator, ()), span)
        items.append(CompareItem(found.kind, found.start, found.end, versions, found.in_gold))
    return items


def annotators_of(project: Project, doc_id: int) -> list[str]:
    """Everyone with a span in the document's annotation layer, to compare by default."""
    names = {span.annotator for span in project.annotations.spans(doc_id, layers=["annotation"])}
    humans = set(human_annotators(project))
    return sorted(names & humans)


def provenance(project: Project, span_id: int) -> tuple[str | None, str | None]:
    """(whose version, adjudicated by whom) of a gold span."""
    return adjudicate.provenance(project, span_id)


def provenance_html(project: Project, span: SpanRecord) -> str:
    """Rich text for the gold span's tooltip and the window's inspector line."""
    if span.layer != "gold":
        return ""
    try:
        origin, adjudicator = provenance(project, span.id)
    except UserError:
        return ""  # deleted meanwhile
    whose = f"{escape(origin)}'s version" if origin else "made in gold"
    lines = [f"<b>Gold {escape(span.label)}</b>: {whose}, adjudicated by {escape(adjudicator or span.annotator)}"]
    for reviewer, text in adjudicate.span_comments(project, span.document_id).get(span.id, []):
        lines.append(f"<i>{escape(reviewer)}:</i> {escape(text)}")
    return "<p>" + "<br>".join(lines) + "</p>"
