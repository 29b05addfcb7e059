"""The review windows' one door to the Qt-free core (``annotator.review``).

Why a bridge: the windows show plain, GUI-shaped values (pairs keyed by annotator names, rows
sorted for display, one ``CompareItem`` per difference) and should not care how the core
spells its reports. Every call into ``annotator.review`` is here, so a change of the core's
names is one edit in one file, and the widgets can be read (and tested) as pure display code.

Adjudication calls take the comparison window's ``VersionLedger``: a first decision expects the
version of the span the reviewer saw, undo and redo the version the window's own last decision
left, and each call notes the versions it leaves, so two reviewers deciding the same item get a
``ConflictError`` instead of silently overwriting each other (``annotator.store.versions``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from html import escape
from typing import Any

import sqlalchemy as sa

from annotator.errors import UserError
from annotator.review import adjudicate
from annotator.review.agreement import AgreementOptions, compute, per_document
from annotator.review.corpus import load_corpus
from annotator.store import Project
from annotator.store.models import Annotator
from annotator.store.records import DeletedSpan, RelationRecord, SpanRecord
from annotator.store.versions import RELATION_KIND, SPAN_KIND, VersionLedger, version_after
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


def _note_accepted(versions: VersionLedger, accepted: Sequence[adjudicate.Accepted]) -> list[adjudicate.Accepted]:
    for item in accepted:
        versions.note_span(item.gold)
        if item.source_version is not None:
            versions.note(SPAN_KIND, item.source_id, item.source_version)
    return list(accepted)


def accept_spans(project: Project, spans: Sequence[SpanRecord], adjudicator: str,
                 versions: VersionLedger) -> list[adjudicate.Accepted]:
    """One annotator's version of an item (one or more spans) into gold, as the reviewer saw it."""
    return _note_accepted(versions, [adjudicate.accept_span(project, span.id, adjudicator,
                                                            expected_version=span.version) for span in spans])


def accept_agreed(project: Project, doc_id: int, annotators: Sequence[str], adjudicator: str,
                  versions: VersionLedger) -> list[adjudicate.Accepted]:
    return _note_accepted(versions, adjudicate.accept_agreed(project, doc_id, annotators, adjudicator))


def undo_accept(project: Project, accepted: Sequence[adjudicate.Accepted], versions: VersionLedger) -> None:
    """Take acceptances back, expecting the versions this window's own last edits left."""
    current = [replace(item, gold=replace(item.gold, version=versions.expected(SPAN_KIND, item.gold.id,
                                                                               item.gold.version)),
                       source_version=None if item.source_version is None else versions.expected(
                           SPAN_KIND, item.source_id, item.source_version))
               for item in accepted]
    adjudicate.undo_accept(project, current)
    for item in current:
        if item.source_version is not None:
            versions.note(SPAN_KIND, item.source_id, version_after(item.source_version))


def redo_accept(project: Project, accepted: Sequence[adjudicate.Accepted],
                versions: VersionLedger) -> list[adjudicate.Accepted]:
    """Put accepted gold spans back under their first ids, so later commands on the undo stack
    that name those ids (relabel, delete) still find them; returns them with today's versions."""
    redone = []
    for item in accepted:
        gold = item.gold
        if item.created:
            origin = project.annotations.span(item.source_id).annotator  # the gold copy's annotator is
            deleted = adjudicate.DeletedGoldSpan(DeletedSpan(item.gold, ()), origin, item.gold.annotator)  # the adjudicator
            gold = adjudicate.restore_gold_span(project, deleted)
        source_version = item.source_version
        if source_version is not None:
            expected = versions.expected(SPAN_KIND, item.source_id, source_version)
            adjudicate.set_mark(project, item.source_id, "accepted", expected_version=expected)
            source_version = version_after(expected)
        redone.append(replace(item, gold=gold, source_version=source_version))
    return _note_accepted(versions, redone)


def reject_spans(project: Project, spans: Sequence[SpanRecord], versions: VersionLedger,
                 ) -> list[tuple[int, str | None, int]]:
    """Turn an item's spans down (nothing goes to gold); returns (span id, previous mark, version
    after) for undo."""
    marks = []
    for span in spans:
        previous = adjudicate.reject_span(project, span.id, expected_version=span.version)
        marks.append((span.id, previous, version_after(span.version)))
        versions.note(SPAN_KIND, span.id, version_after(span.version))
    return marks


def restore_marks(project: Project, marks: Sequence[tuple[int, str | None, int]], versions: VersionLedger) -> None:
    """Put review marks back (undo of a rejection), expecting what this window last left."""
    for span_id, mark, left in marks:
        expected = versions.expected(SPAN_KIND, span_id, left)
        adjudicate.set_mark(project, span_id, mark, expected_version=expected)
        versions.note(SPAN_KIND, span_id, version_after(expected))


def delete_gold(project: Project, span: SpanRecord, versions: VersionLedger, *,
                first: bool) -> adjudicate.DeletedGoldSpan:
    """Delete a gold span: the ``first`` time as the reviewer saw it, on redo as this window left it."""
    expected = span.version if first else versions.expected(SPAN_KIND, span.id, span.version)
    return adjudicate.delete_gold_span(project, span.id, expected_version=expected)


def restore_gold(project: Project, deleted: adjudicate.DeletedGoldSpan, versions: VersionLedger) -> None:
    versions.note_span(adjudicate.restore_gold_span(project, deleted))


def mark_reviewed(project: Project, doc_id: int, adjudicator: str) -> str:
    return adjudicate.set_reviewed(project, doc_id, adjudicator)


def restore_status(project: Project, doc_id: int, adjudicator: str, previous: str) -> None:
    project.annotations.set_status(doc_id, adjudicator, previous)


def comment(project: Project, span_id: int, reviewer: str, text: str) -> str | None:
    return adjudicate.comment_span(project, span_id, reviewer, text)


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


def accept_relations(project: Project, relations: Sequence[RelationRecord], adjudicator: str,
                     versions: VersionLedger) -> list[adjudicate.AcceptedRelation]:
    """Copy relations into gold; all or none, so a refused one (an end not in gold) undoes the rest."""
    accepted: list[adjudicate.AcceptedRelation] = []
    try:
        for relation in relations:
            accepted.append(adjudicate.accept_relation(project, relation.id, adjudicator))
            versions.note_relation(accepted[-1].gold)
    except UserError:
        undo_accept_relations(project, accepted, versions)
        raise
    return accepted


def undo_accept_relations(project: Project, accepted: Sequence[adjudicate.AcceptedRelation],
                          versions: VersionLedger) -> None:
    for item in reversed(accepted):
        expected = versions.expected(RELATION_KIND, item.gold.id, item.gold.version)
        adjudicate.undo_accept_relation(project, replace(item, gold=replace(item.gold, version=expected)))


def accept_attribute(project: Project, gold: SpanRecord, source_id: int, key: str, versions: VersionLedger, *,
                     first: bool) -> dict[str, Any]:
    """One attribute value onto a gold span: the ``first`` time as the reviewer saw the gold span,
    on redo as this window left it. Returns the old attributes for undo."""
    expected = gold.version if first else versions.expected(SPAN_KIND, gold.id, gold.version)
    before = adjudicate.accept_attribute(project, gold.id, source_id, key, expected_version=expected)
    versions.note(SPAN_KIND, gold.id, version_after(expected))
    return before


def restore_attributes(project: Project, gold: SpanRecord, attrs: dict[str, Any], versions: VersionLedger) -> None:
    expected = versions.expected(SPAN_KIND, gold.id, gold.version)
    versions.note_span(project.annotations.update_span(gold.id, attrs=attrs, expected_version=expected))
