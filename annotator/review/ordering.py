"""Active order: which documents to open first, least certain or most disputed.

Why: annotating the documents where the model is least sure teaches the next training the most
(Prodigy's "prefer uncertain" queue), and reviewing the documents where annotators disagree most
settles the most decisions per hour. The document list and "Mark done and next" (Ctrl+Enter)
follow the order the analyst chose; ``annotator docs --order`` prints it.

Decisions:

- ``uncertain``: a document's uncertainty is the mean, over its *pending* suggestions that carry a
  score (any source that stores one: a trained model's spancat or textcat, not the rule-based
  pipeline, which gives none), of ``1 - |2p - 1|`` (1 at p = 0.5, 0 at p = 0 or 1; a score
  outside 0..1 is clipped). The mean, not the maximum: one borderline span among twenty sure
  ones does not make a document uncertain. Decided suggestions no longer count: the analyst has
  settled them. Documents with no scored pending suggestion come last, in list order, and the
  reason says whether they have unscored ones or none.
- ``disagreement``: the comparison's notion of a difference (``annotator.review.comparison``): a
  document's annotators are the human annotators with spans in their layer there, and those who
  marked it done with none ("nothing here"); a reviewed mark without spans is adjudication, not
  annotation (as agreement reads it). Their spans are grouped into places where they overlap
  (``comparison.places``); a place differs unless every annotator has the same spans there
  (offsets, label, attributes, actor link). A relation differs unless every annotator made the
  same type between the same ends. The score is the count of differences, ties broken by their
  share of all places and relations (1 − the share that agree). Documents with fewer than two
  annotators come last: nothing can disagree there yet.

Each order is read with one query per table (spans, relations, statuses), never per document.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from annotator.errors import Errors, UserError
from annotator.review.comparison import SpanKey, places
from annotator.review.order_names import ORDER_TITLES, ORDERS, OrderKind
from annotator.store.annotations import relation_query, relation_record, span_query, span_record
from annotator.store.project import Project
from annotator.store.records import RelationRecord, SpanRecord
from annotator.store.tables import ANNOTATOR, DOC, REL, SPAN, STATUS


@dataclass(frozen=True, slots=True)
class Rank:
    """Where one document stands: its ``score`` (None: it cannot be ranked, ``note`` says why)."""

    doc_id: int
    score: float | None
    note: str
    share: float = 0.0  # disagreement: the share of places and relations that differ (ties)


@dataclass(frozen=True)
class ActiveOrder:
    """An order computed once (``compute_order``): ranked documents first, highest score first."""

    kind: OrderKind
    ranks: dict[int, Rank]

    @property
    def title(self) -> str:
        return ORDER_TITLES[self.kind]

    def arrange(self, ids: Sequence[int]) -> list[int]:
        """``ids`` in this order: the ranked ones by score (then share, then list position),
        then the unranked and those unknown when it was computed (imported since), as listed."""
        position = {doc_id: index for index, doc_id in enumerate(ids)}

        def key(doc_id: int) -> tuple[int, float, float, int]:
            rank = self.ranks.get(doc_id)
            if rank is None or rank.score is None:
                return 1, 0.0, 0.0, position[doc_id]
            return 0, -rank.score, -rank.share, position[doc_id]

        return sorted(ids, key=key)

    def note(self, doc_id: int) -> str:
        """Why the document stands where it does, in words (a tooltip, a CLI column)."""
        rank = self.ranks.get(doc_id)
        return rank.note if rank is not None else "not ranked: added after the order was computed"

    def ranked(self) -> int:
        return sum(rank.score is not None for rank in self.ranks.values())


def compute_order(project: Project, kind: str) -> ActiveOrder:
    """The ``kind`` order of every document of ``project`` (module docstring); E1290 for an
    unknown kind."""
    if kind == "uncertain":
        return ActiveOrder("uncertain", _uncertainty(project))
    if kind == "disagreement":
        return ActiveOrder("disagreement", _disagreement(project))
    raise UserError(Errors.E1290.format(order=kind, known=", ".join(ORDERS)))


# --- least certain -----------------------------------------------------------------------------


def _uncertainty(project: Project) -> dict[int, Rank]:
    pending = (SPAN.c.layer == "suggestion", SPAN.c.status == "pending")
    with project.reading() as connection:
        scored = connection.execute(
            sa.select(SPAN.c.document_id, SPAN.c.score).where(*pending, SPAN.c.score.is_not(None))).all()
        unscored: dict[int, int] = {doc_id: count for doc_id, count in connection.execute(
            sa.select(SPAN.c.document_id, sa.func.count()).where(*pending, SPAN.c.score.is_(None))
            .group_by(SPAN.c.document_id))}
        doc_ids = list(connection.execute(sa.select(DOC.c.id).order_by(DOC.c.id)).scalars())
    values: dict[int, list[float]] = defaultdict(list)
    for doc_id, score in scored:
        p = min(1.0, max(0.0, float(score)))
        values[doc_id].append(1.0 - abs(2.0 * p - 1.0))
    ranks = {}
    for doc_id in doc_ids:
        found = values.get(doc_id)
        if found:
            mean = sum(found) / len(found)
            ranks[doc_id] = Rank(doc_id, mean, f"uncertainty {mean:.2f} over {_count(len(found), 'scored suggestion')}")
        elif unscored.get(doc_id):
            count = unscored[doc_id]
            ranks[doc_id] = Rank(doc_id, None, f"last: {_count(count, 'pending suggestion')} here "
                                               f"{'carries' if count == 1 else 'carry'} no score (the source gives none)")
        else:
            ranks[doc_id] = Rank(doc_id, None, "last: no pending suggestion with a score")
    return ranks


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


# --- most disagreement -------------------------------------------------------------------------

_Version = tuple[int, int, str, str, str]  # start, end, label, attributes as JSON, actor ("" for none)


def _version(span: SpanRecord) -> _Version:
    attrs = json.dumps(span.attrs, sort_keys=True, default=str) if span.attrs else ""
    return span.start, span.end, span.label, attrs, span.actor or ""


def _disagreement(project: Project) -> dict[int, Rank]:
    human = ANNOTATOR.c.kind == "human"
    spans: dict[int, list[SpanRecord]] = defaultdict(list)
    relations: dict[int, list[RelationRecord]] = defaultdict(list)
    with project.reading() as connection:
        for row in connection.execute(span_query(json_as_text=True).where(SPAN.c.layer == "annotation", human)):
            span = span_record(row)
            spans[span.document_id].append(span)
        for row in connection.execute(relation_query(json_as_text=True).where(REL.c.layer == "annotation", human)):
            relation = relation_record(row)
            relations[relation.document_id].append(relation)
        done: dict[int, set[str]] = defaultdict(set)
        for doc_id, name in connection.execute(
                sa.select(STATUS.c.document_id, ANNOTATOR.c.name).join(ANNOTATOR, ANNOTATOR.c.id == STATUS.c.annotator_id)
                .where(STATUS.c.status == "done", human)):
            done[doc_id].add(name)
        doc_ids = list(connection.execute(sa.select(DOC.c.id).order_by(DOC.c.id)).scalars())
    ranks = {}
    for doc_id in doc_ids:
        found = spans.get(doc_id, [])
        names = sorted({span.annotator for span in found} | done.get(doc_id, set()))
        if len(names) < 2:
            who = f" ({names[0]})" if names else ""
            ranks[doc_id] = Rank(doc_id, None, f"last: fewer than two annotators worked here{who}")
            continue
        ranks[doc_id] = _document_rank(doc_id, names, found, relations.get(doc_id, []))
    return ranks


def _document_rank(doc_id: int, names: list[str], spans: list[SpanRecord],
                   relations: list[RelationRecord]) -> Rank:
    groups = places(spans)
    differing = sum(_differs(group, names) for group in groups)
    by_id = {span.id: span for span in spans}
    made: dict[tuple[SpanKey, SpanKey, str], set[str]] = defaultdict(set)
    for relation in relations:
        head, tail = by_id.get(relation.head_id), by_id.get(relation.tail_id)
        if head is not None and tail is not None:
            made[((head.start, head.end, head.label), (tail.start, tail.end, tail.label), relation.label)].add(
                relation.annotator)
    relation_differences = sum(len(who) < len(names) for who in made.values())
    total = differing + relation_differences
    compared = len(groups) + len(made)
    share = total / compared if compared else 0.0
    parts = [f"{differing} of {_count(len(groups), 'place')} differ"]
    if made:
        parts.append(f"{relation_differences} of {_count(len(made), 'relation')}")
    return Rank(doc_id, float(total), f"{total} difference{'' if total == 1 else 's'} ({', '.join(parts)}) "
                                      f"between {', '.join(names)}", share)


def _differs(group: list[SpanRecord], names: list[str]) -> bool:
    versions = {name: sorted(_version(span) for span in group if span.annotator == name) for name in names}
    first = versions[names[0]]
    return any(versions[name] != first for name in names[1:])
