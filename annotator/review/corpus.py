"""The data agreement is computed on: chosen documents, their observers and their spans.

Read with one query per 500 documents (not one per document), straight into tuples, because a
corpus of thousands of documents must be measured in seconds.

Which annotators are a document's *observers* is the ``observed`` rule (``OBSERVED_RULES`` says
it in words, for the README, ``--help``, the output header and the window):

- ``done`` (the default): the chosen annotators who marked the document done or reviewed
  ("reviewed" counts as done). Done with no span is a judgment: "nothing to mark here". Work in
  progress does not count.
- ``reviewed``: the same observers, on the documents someone marked reviewed (adjudicated) only.
- ``any-status``: who marked it done or reviewed, or made at least one span in it whatever its
  status: in-progress work counts as it stands, done with no span as "nothing here".
- ``with-spans``: who made at least one span in it, whatever its status: in-progress work counts
  as it stands; done with no span does not count (there is nothing to tell it from not started).

In every rule a "reviewed" mark by someone with no span of their own in the document is taken
as adjudication, not annotation: the adjudicator is not an observer there (reading their empty
layer as "nothing here" would count every adjudicated document as a disagreement). Such marks
are counted in ``Selection.adjudication_only``.

A document counts when it has two observers or more; an annotator who is not an observer of a
document takes no part in its figures (their missing spans are not read as "nothing here").
``Selection`` counts what the rule left out, so the output can say it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, get_args

import numpy as np
import sqlalchemy as sa

from annotator.errors import Errors, UserError
from annotator.store.project import Project
from annotator.store.tables import ANNOTATOR, DOC, LABEL, REL, SPAN, STATUS

CHUNK = 500

Observed = Literal["done", "reviewed", "any-status", "with-spans"]
OBSERVED: tuple[Observed, ...] = get_args(Observed)

#: Each rule in words: who observes a document (the module docstring has the reasons).
OBSERVED_RULES: dict[Observed, str] = {
    "done": ("an annotator counts in a document they marked done or reviewed; done with no span counts as "
             "'nothing to mark here'; work in progress does not count"),
    "reviewed": ("as 'done', on the documents someone marked reviewed (adjudicated) only"),
    "any-status": ("an annotator counts in a document they marked done or reviewed, or made a span in whatever "
                   "its status: work in progress counts as it stands, done with no span as 'nothing here'"),
    "with-spans": ("an annotator counts in a document they made at least one span in, whatever its status: "
                   "work in progress counts as it stands; done with no span does not count"),
}
#: Said under every rule.
ADJUDICATION_RULE = ("a 'reviewed' mark by someone with no span of their own in the document is adjudication, "
                     "not annotation: they do not count there")

#: Which documents have gold, for agreement with gold.
GOLD_RULE = ("gold is the gold layer (every adjudicator's spans) of the counted documents someone marked "
             "reviewed; reviewed with no gold span is gold saying 'nothing here'")

_DONE = ("done", "reviewed")


class LayerSpans:
    """One observer's spans in one document, as columns sorted by start, end and id: a corpus
    of 140,000 spans is read in tenths of a second this way, where an object per span takes
    seconds. ``label`` indexes ``labels`` (one tuple shared by the whole corpus). Most spans
    have neither fragments nor attribute values; those that do are in ``pieces`` and ``attrs``."""

    def __init__(self, labels: Sequence[str], ids: Sequence[int], starts: Sequence[int], ends: Sequence[int],
                 codes: Sequence[int], pieces: dict[int, tuple[tuple[int, int], ...]] | None = None,
                 attrs: dict[int, Mapping[str, Any]] | None = None) -> None:
        self.labels = tuple(labels)
        self.id = np.asarray(ids, dtype=np.int64)
        self.start = np.asarray(starts, dtype=np.int64)
        self.end = np.asarray(ends, dtype=np.int64)
        self.label = np.asarray(codes, dtype=np.int64)
        self.pieces = pieces or {}
        self.attrs = attrs or {}

    def __len__(self) -> int:
        return len(self.id)


class RelationRow(NamedTuple):
    head: int  # span ids
    tail: int
    label: str


@dataclass
class DocData:
    """One document as agreement sees it."""

    id: int
    title: str
    text: str
    observers: tuple[str, ...]
    spans: dict[str, LayerSpans] = field(default_factory=dict)  # observer → spans
    relations: dict[str, list[RelationRow]] = field(default_factory=dict)  # observer → relations
    gold: LayerSpans | None = None  # the gold layer where someone marked the document reviewed (``GOLD_RULE``)


@dataclass(frozen=True)
class AgreementOptions:
    """Which annotators, labels and documents (None: all of them), and who observes a document."""

    annotators: tuple[str, ...] | None = None
    labels: tuple[str, ...] | None = None
    documents: tuple[str | int, ...] | None = None
    observed: Observed = "done"


@dataclass(frozen=True)
class Selection:
    """What the observed rule did with the selected documents, for the output's header."""

    observed: Observed
    considered: int = 0  # documents selected (all, or --docs)
    one_observer: int = 0  # documents left out: a single observer
    no_observer: int = 0  # documents left out: nobody observes them
    adjudication_only: int = 0  # reviewed marks without own spans, not counted (document × annotator)
    empty_judgments: int = 0  # counted observations with no span (done or reviewed, nothing marked)
    in_progress: int = 0  # counted observations not marked done or reviewed (work in progress)


@dataclass
class Corpus:
    """The counted documents, the annotators asked for, and what the rule left out."""

    docs: list[DocData]
    chosen: tuple[str, ...]
    selection: Selection
    attributes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # label → schema attribute names


def load_corpus(project: Project, options: AgreementOptions) -> Corpus:
    """The documents with at least two observers under ``options.observed``, and the counts."""
    if options.observed not in OBSERVED:
        raise UserError(Errors.E1009.format(value=options.observed, known=", ".join(OBSERVED)))
    with project.engine.connect() as connection:
        chosen = _chosen(connection, project, options)
        query = sa.select(DOC.c.id).order_by(DOC.c.id)
        if options.documents is not None:
            query = query.where(DOC.c.id.in_([project.documents.resolve(ref) for ref in options.documents]))
        candidate_ids = list(connection.execute(query).scalars())
        observers, counts = _observers(connection, candidate_ids, chosen, options.observed)
        doc_ids = [doc_id for doc_id in candidate_ids if len(observers.get(doc_id, ())) >= 2]
        labels = set(options.labels) if options.labels is not None else None
        docs = _documents(connection, doc_ids, observers, chosen, labels)
    schema = project.schema
    attributes = {label.name: tuple(attribute.name for attribute in label.attributes)
                  for label in schema.span_labels if label.attributes}
    sizes = [len(observers.get(doc_id, ())) for doc_id in candidate_ids]
    selection = Selection(options.observed, len(candidate_ids), sizes.count(1), sizes.count(0),
                          counts["adjudication_only"], counts["empty"], counts["in_progress"])
    return Corpus(docs, chosen, selection, attributes)


def _chosen(connection: sa.Connection, project: Project, options: AgreementOptions) -> tuple[str, ...]:
    humans = list(connection.execute(
        sa.select(ANNOTATOR.c.name).where(ANNOTATOR.c.kind == "human").order_by(ANNOTATOR.c.name)).scalars())
    if options.annotators is not None:
        missing = [name for name in options.annotators if name not in humans]
        if missing:
            raise UserError(Errors.E806.format(annotators=", ".join(missing), location=project.location,
                                               known=", ".join(humans) or "none yet"))
        chosen = tuple(dict.fromkeys(options.annotators))
    else:
        chosen = tuple(humans)
    if len(chosen) < 2:
        raise UserError(Errors.E901.format(annotators=", ".join(chosen) or "none"))
    return chosen


def _observers(connection: sa.Connection, candidate_ids: Sequence[int], chosen: tuple[str, ...],
               observed: Observed) -> tuple[dict[int, set[str]], dict[str, int]]:
    """Each candidate document's observers under the rule, and the counts ``Selection`` reports."""
    observers: dict[int, set[str]] = {}
    counts = {"adjudication_only": 0, "empty": 0, "in_progress": 0}
    for start in range(0, len(candidate_ids), CHUNK):
        ids = candidate_ids[start:start + CHUNK]
        status: dict[tuple[int, str], str] = {
            (doc_id, name): value for doc_id, name, value in connection.execute(
                sa.select(STATUS.c.document_id, ANNOTATOR.c.name, STATUS.c.status)
                .join(ANNOTATOR, ANNOTATOR.c.id == STATUS.c.annotator_id)
                .where(STATUS.c.document_id.in_(ids), ANNOTATOR.c.name.in_(chosen)))}
        with_spans = {(doc_id, name) for doc_id, name in connection.execute(
            sa.select(SPAN.c.document_id, ANNOTATOR.c.name).distinct()
            .join(ANNOTATOR, ANNOTATOR.c.id == SPAN.c.annotator_id)
            .where(SPAN.c.document_id.in_(ids), SPAN.c.layer == "annotation", ANNOTATOR.c.name.in_(chosen)))}
        reviewed_docs: set[int] = set()
        if observed == "reviewed":  # anyone's mark, a reviewer need not be among the chosen
            reviewed_docs = set(connection.execute(
                sa.select(STATUS.c.document_id).distinct()
                .where(STATUS.c.document_id.in_(ids), STATUS.c.status == "reviewed")).scalars())
        for key in status.keys() | with_spans:
            value, has_spans = status.get(key), key in with_spans
            if value == "reviewed" and not has_spans:
                counts["adjudication_only"] += 1
                continue
            done = value in _DONE
            if observed == "with-spans":
                counts_here = has_spans
            elif observed == "any-status":
                counts_here = done or has_spans
            else:
                counts_here = done and (observed == "done" or key[0] in reviewed_docs)
            if counts_here:
                observers.setdefault(key[0], set()).add(key[1])
        for doc_id in ids:
            names = observers.get(doc_id, set())
            if len(names) >= 2:
                counts["in_progress"] += sum(status.get((doc_id, name)) not in _DONE for name in names)
                counts["empty"] += sum((doc_id, name) not in with_spans for name in names)
    return observers, counts


def _documents(connection: sa.Connection, doc_ids: Sequence[int], observers: dict[int, set[str]],
               chosen: tuple[str, ...], labels: set[str] | None) -> list[DocData]:
    names = {annotator_id: name for annotator_id, name in connection.execute(
        sa.select(ANNOTATOR.c.id, ANNOTATOR.c.name)).all()}
    label_rows = connection.execute(sa.select(LABEL.c.id, LABEL.c.name).order_by(LABEL.c.id)).all()
    label_names = tuple(name for _id, name in label_rows)
    label_code = {label_id: code for code, (label_id, _name) in enumerate(label_rows)}
    annotator_ids = [annotator_id for annotator_id, name in names.items() if name in chosen]
    order = {name: index for index, name in enumerate(chosen)}
    docs: list[DocData] = []
    for start in range(0, len(doc_ids), CHUNK):
        ids = doc_ids[start:start + CHUNK]
        chunk = {row.id: DocData(row.id, row.title, row.text, tuple(sorted(observers[row.id], key=order.__getitem__)))
                 for row in connection.execute(sa.select(DOC.c.id, DOC.c.title, DOC.c.text).where(DOC.c.id.in_(ids)))}
        where = [SPAN.c.document_id.in_(ids), SPAN.c.layer == "annotation", SPAN.c.annotator_id.in_(annotator_ids)]
        if labels is not None:
            where.append(SPAN.c.label_id.in_([label_id for label_id, name in label_rows if name in labels]))
        rows = connection.execute(
            sa.select(SPAN.c.document_id, SPAN.c.annotator_id, SPAN.c.id, SPAN.c.start_offset, SPAN.c.end_offset,
                      SPAN.c.label_id).where(*where)
            .order_by(SPAN.c.document_id, SPAN.c.annotator_id, SPAN.c.start_offset, SPAN.c.end_offset, SPAN.c.id)
        ).all()
        pieces, attrs = _special(connection, where)
        if rows:
            doc_col, annotator_col, id_col, start_col, end_col, label_col = zip(*rows, strict=True)
            layer_key = np.array(doc_col, dtype=np.int64) * (max(names) + 1) + np.array(annotator_col, dtype=np.int64)
            bounds = (np.flatnonzero(np.diff(layer_key)) + 1).tolist()
            codes = [label_code[label_id] for label_id in label_col]
            for begin, end in zip([0, *bounds], [*bounds, len(rows)], strict=True):
                doc, name, key = chunk[doc_col[begin]], names[annotator_col[begin]], (doc_col[begin], annotator_col[begin])
                if name in doc.observers:
                    doc.spans[name] = LayerSpans(label_names, id_col[begin:end], start_col[begin:end],
                                                 end_col[begin:end], codes[begin:end], pieces.get(key), attrs.get(key))
        for doc in chunk.values():
            for name in doc.observers:
                doc.spans.setdefault(name, LayerSpans(label_names, [], [], [], []))
            doc.relations = {name: [] for name in doc.observers}
        for doc_id, annotator_id, head, tail, label_id in connection.execute(
                sa.select(REL.c.document_id, REL.c.annotator_id, REL.c.head_id, REL.c.tail_id, REL.c.label_id)
                .where(REL.c.document_id.in_(ids), REL.c.layer == "annotation", REL.c.annotator_id.in_(annotator_ids))
                .order_by(REL.c.document_id, REL.c.id)):
            relations = chunk[doc_id].relations.get(names[annotator_id])
            if relations is not None:
                relations.append(RelationRow(head, tail, label_names[label_code[label_id]]))
        _gold(connection, chunk, label_names, label_code, labels, label_rows)
        docs.extend(chunk[doc_id] for doc_id in ids)
    return docs


def _gold(connection: sa.Connection, chunk: dict[int, DocData], label_names: tuple[str, ...],
          label_code: dict[int, int], labels: set[str] | None, label_rows: Sequence[Any]) -> None:
    """Each reviewed document's gold spans (``GOLD_RULE``), every adjudicator's together."""
    reviewed = list(connection.execute(
        sa.select(STATUS.c.document_id).distinct()
        .where(STATUS.c.document_id.in_(list(chunk)), STATUS.c.status == "reviewed")).scalars())
    if not reviewed:
        return
    where = [SPAN.c.document_id.in_(reviewed), SPAN.c.layer == "gold"]
    if labels is not None:
        where.append(SPAN.c.label_id.in_([label_id for label_id, name in label_rows if name in labels]))
    found: dict[int, list[Any]] = {doc_id: [] for doc_id in reviewed}
    for row in connection.execute(
            sa.select(SPAN.c.document_id, SPAN.c.id, SPAN.c.start_offset, SPAN.c.end_offset, SPAN.c.label_id)
            .where(*where).order_by(SPAN.c.document_id, SPAN.c.start_offset, SPAN.c.end_offset, SPAN.c.id)):
        found[row.document_id].append(row)
    pieces, attrs = _special(connection, where)
    doc_pieces: dict[int, dict[int, tuple[tuple[int, int], ...]]] = {}
    doc_attrs: dict[int, dict[int, Mapping[str, Any]]] = {}
    for by_layer, by_doc in ((pieces, doc_pieces), (attrs, doc_attrs)):
        for (doc_id, _adjudicator), values in by_layer.items():
            by_doc.setdefault(doc_id, {}).update(values)  # type: ignore[arg-type]
    for doc_id, rows in found.items():
        chunk[doc_id].gold = LayerSpans(label_names, [row.id for row in rows], [row.start_offset for row in rows],
                                        [row.end_offset for row in rows], [label_code[row.label_id] for row in rows],
                                        doc_pieces.get(doc_id), doc_attrs.get(doc_id))


Layer = tuple[int, int]  # document id, annotator id


def _special(connection: sa.Connection, where: list[Any]) -> tuple[dict[Layer, dict[int, tuple[tuple[int, int], ...]]],
                                                                    dict[Layer, dict[int, Mapping[str, Any]]]]:
    """The fragments and attribute values of the spans that have any, by layer. Read apart, as
    text, because most spans have neither and a json.loads per span would be a third of the time."""
    pieces: dict[Layer, dict[int, tuple[tuple[int, int], ...]]] = {}
    attrs: dict[Layer, dict[int, Mapping[str, Any]]] = {}
    fragments_text, attrs_text = sa.cast(SPAN.c.fragments, sa.Text), sa.cast(SPAN.c.attrs, sa.Text)
    for doc_id, annotator_id, span_id, fragments, values in connection.execute(
            sa.select(SPAN.c.document_id, SPAN.c.annotator_id, SPAN.c.id, fragments_text, attrs_text)
            .where(*where, sa.or_(sa.and_(SPAN.c.fragments.is_not(None), fragments_text != "null"),
                                  attrs_text != "{}"))):
        key = (doc_id, annotator_id)
        if fragments not in (None, "null", "[]"):
            pieces.setdefault(key, {})[span_id] = tuple((int(a), int(b)) for a, b in json.loads(fragments))
        value = json.loads(values) if values not in (None, "null", "{}") else None
        if isinstance(value, dict) and value:
            attrs.setdefault(key, {})[span_id] = value
    return pieces, attrs


def observers_in(docs: Sequence[DocData]) -> tuple[str, ...]:
    """Annotators observing at least one document, in first-seen order."""
    seen: dict[str, None] = {}
    for doc in docs:
        seen.update(dict.fromkeys(doc.observers))
    return tuple(seen)
