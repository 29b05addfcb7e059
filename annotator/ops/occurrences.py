"""Annotate all occurrences: label every other place where a span's text occurs, in one step.

Why: an analyst who has marked "Lukashenko" as ACTOR once should not hunt down the next forty by
hand. The places are found first (``find_occurrences``) and shown as a list to confirm; the ones
kept are labelled by ``LabelOccurrences``, one operation and one undo step however many
documents they are in.

Decisions:

- The same text is ``annotator.search.surface``'s: token-aligned, white space matching any white
  space, case counting unless the analyst turns it off; accents always count.
- In the document, or the whole corpus; for the corpus the full-text index picks the documents
  holding the text's words (it folds case and accents, so it never misses one), then each is
  scanned.
- The layer is the one the analyst works in: their own annotation layer, or gold. A place
  already inside a span of the same label there is *skipped* (counted, not listed); the span the
  analyst started from is not an occurrence of itself. A place that overlaps another span of the
  layer is listed with what it overlaps and unchecked, so nothing is nested or crossed unless
  the analyst asks for it.
- A new span gets the schema's default attributes, as a span labelled by hand does: the start
  span's values are about that place (a claim's type, a stance), not about the text.
- At most ``LIMIT`` places are listed; how many more there were is said (E1294), never dropped
  silently.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from annotator.errors import Errors, UserError
from annotator.ops.gold_spans import AddGoldSpan
from annotator.ops.operation import Operation, Steps
from annotator.ops.spans import AddSpan
from annotator.search.matching import fold
from annotator.search.surface import INDEX_WORD, snippet, surface_pattern
from annotator.store import Project
from annotator.store.records import SpanRecord
from annotator.store.search_index import candidate_filter
from annotator.store.tables import ANNOTATOR, DOC, LABEL, SPAN

GOLD = "gold"
LIMIT = 2000
_BATCH = 200  # documents read per query


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One place to label; ``overlaps`` names the layer's spans it overlaps ("ACTOR 'Minsk'")."""

    document_id: int
    title: str
    start: int
    end: int
    text: str
    before: str
    after: str
    overlaps: tuple[str, ...] = ()


@dataclass
class Occurrences:
    """What ``find_occurrences`` found: the places to confirm and what it left out."""

    text: str
    label: str
    layer: str
    annotator: str
    in_corpus: bool
    case_sensitive: bool
    places: list[Occurrence] = field(default_factory=list)
    skipped: int = 0  # already inside a span of the label in the layer
    left_out: int = 0  # beyond LIMIT
    documents: int = 0  # documents where the text occurs

    @property
    def found(self) -> int:
        return len(self.places) + self.skipped + self.left_out

    def where(self) -> str:
        return "in the corpus" if self.in_corpus else "in this document"

    def nothing_message(self) -> str:
        return Errors.E1293.format(text=self.text, label=self.label, where=self.where(), found=self.found,
                                   skipped=self.skipped, layer=self.layer_title())

    def limit_message(self) -> str | None:
        return Errors.E1294.format(limit=LIMIT, count=self.found - self.skipped, text=self.text,
                                   left=self.left_out) if self.left_out else None

    def layer_title(self) -> str:
        return "gold" if self.layer == GOLD else f"{self.annotator}'s layer"


def source_text(project: Project, span: SpanRecord) -> str:
    """The text the occurrences are of; E1291 for a discontinuous span."""
    text = project.documents.get(span.document_id).text[span.start:span.end]
    if span.fragments and len(span.fragments) > 1:
        raise UserError(Errors.E1291.format(label=span.label, text=" … ".join(
            project.documents.get(span.document_id).text[a:b] for a, b in span.fragments)))
    return text


def find_occurrences(project: Project, span: SpanRecord, annotator: str, *, in_corpus: bool = False,
                     case_sensitive: bool = True) -> Occurrences:
    """The other places holding ``span``'s text (module docstring), in document and text order;
    ``annotator`` is the analyst, whose layer (or gold, for a gold span) is labelled."""
    text = source_text(project, span)
    if project.schema.span_label(span.label) is None:
        raise UserError(Errors.E1297.format(label=span.label))
    layer = GOLD if span.layer == GOLD else "annotation"
    found = Occurrences(text, span.label, layer, annotator, in_corpus, case_sensitive)
    pattern = surface_pattern(text, case_sensitive)
    with project.reading() as connection:
        hits: list[_Hits] = []
        for doc_id, title, doc_text in _documents(connection, text, span.document_id if not in_corpus else None):
            places = [(m.start(), m.end()) for m in pattern.finditer(doc_text)
                      if not (doc_id == span.document_id and (m.start(), m.end()) == (span.start, span.end))]
            if places:
                hits.append((doc_id, title, doc_text, places))
            if len(hits) == _BATCH:  # the texts of a batch at a time, whatever the corpus's size
                _add(found, hits, _layer_spans(connection, [hit[0] for hit in hits], layer, annotator), span.label)
                hits = []
        _add(found, hits, _layer_spans(connection, [hit[0] for hit in hits], layer, annotator), span.label)
    return found


_Hits = tuple[int, str, str, list[tuple[int, int]]]  # a document's id, title, text and the places found


def _add(found: Occurrences, hits: list[_Hits], layer_spans: dict[int, list[_Span]], label: str) -> None:
    """The places of a batch of documents, skipped (already labelled), listed or left out."""
    for doc_id, title, doc_text, places in hits:
        found.documents += 1
        spans = layer_spans.get(doc_id, [])
        for start, end in places:
            if any(s.label == label and s.start <= start and end <= s.end for s in spans):
                found.skipped += 1
            elif len(found.places) >= LIMIT:
                found.left_out += 1
            else:
                before, after = snippet(doc_text, start, end)
                overlaps = tuple(f"{s.label} '{doc_text[s.start:s.end]}'" for s in spans
                                 if s.start < end and start < s.end)
                found.places.append(Occurrence(doc_id, title, start, end, doc_text[start:end], before, after, overlaps))


def _documents(connection: sa.Connection, text: str, only: int | None) -> Iterator[tuple[int, str, str]]:
    """(id, title, text) of the documents that may hold ``text``: ``only`` that one, else those
    the index finds with its words (all, for a text without any), in batches."""
    query = sa.select(DOC.c.id)
    if only is not None:
        query = query.where(DOC.c.id == only)
    else:
        words = INDEX_WORD.findall(fold(text))
        if words:
            query = query.where(candidate_filter(connection.dialect.name, [(words, False)]))
    ids = list(connection.execute(query.order_by(DOC.c.id)).scalars())
    for batch in itertools.batched(ids, _BATCH):
        rows = connection.execute(sa.select(DOC.c.id, DOC.c.title, DOC.c.name, DOC.c.text)
                                  .where(DOC.c.id.in_(batch)).order_by(DOC.c.id)).all()
        for row in rows:
            yield row.id, row.title or row.name, row.text


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    label: str


def _layer_spans(connection: sa.Connection, doc_ids: Sequence[int], layer: str,
                 annotator: str) -> dict[int, list[_Span]]:
    """The spans of the layer labelled in the documents where the text occurs, by document: one
    query per 500 documents, not one per document."""
    found: dict[int, list[_Span]] = defaultdict(list)
    for batch in itertools.batched(doc_ids, 500):
        query = (sa.select(SPAN.c.document_id, SPAN.c.start_offset, SPAN.c.end_offset, LABEL.c.name)
                 .join(LABEL, LABEL.c.id == SPAN.c.label_id)
                 .where(SPAN.c.document_id.in_(batch), SPAN.c.layer == layer))
        if layer != GOLD:
            query = query.join(ANNOTATOR, ANNOTATOR.c.id == SPAN.c.annotator_id).where(ANNOTATOR.c.name == annotator)
        for doc_id, start, end, label in connection.execute(query):
            found[doc_id].append(_Span(start, end, label))
    return found


class LabelOccurrences(Steps):
    """Label the chosen places as ``label`` in ``layer`` (own annotation layer or gold) as
    ``annotator``: one ``AddSpan`` (``AddGoldSpan``) each, run as one operation whose undo takes
    them all back."""

    def __init__(self, places: Sequence[Occurrence], label: str, annotator: str, *, layer: str = "annotation",
                 attrs: dict[str, Any] | None = None) -> None:
        steps: list[Operation] = []
        for place in places:
            if layer == GOLD:
                steps.append(AddGoldSpan(place.document_id, place.start, place.end, label, annotator, attrs=attrs))
            else:
                steps.append(AddSpan(place.document_id, place.start, place.end, label, annotator, attrs=attrs))
        documents = len({place.document_id for place in places})
        where = f" in {documents} documents" if documents > 1 else ""
        super().__init__(f"Label {len(places)} occurrence{'s' if len(places) != 1 else ''} as {label}{where}", steps)

