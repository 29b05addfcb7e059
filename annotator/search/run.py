"""Running a search: the index finds candidate documents, Python finds the hits in them.

What a hit is:
- without span filters, a *text hit*: each place in a document where one of the query's terms
  occurs, in documents that contain every term (and pass the document filters); a place is
  listed once, also when several terms match it or one term's match lies inside another's
  (``lukash* Lukashenko``);
- with span filters (label, attribute, annotator, layer, actor), a *span hit*: a span the
  filters select, in a document that passes the document filters, whose covered text holds
  every term of the query, each occurrence lying wholly inside the span (inside one piece, for
  a discontinuous span). Word boundaries are judged in the whole text, so a span ending in the
  middle of a word does not make a word of its part. With no words, every selected span is a
  hit, which lists e.g. all THREAT spans with threat_type = nuclear.

Work stops at ``limit`` hits, so a search for a common word over 100,000 articles reads only
the documents it needs; documents are searched in id order, spans in text order.

A search first catches up (``store.pending``): documents imported since the last catch-up are
added to the full-text index, and with a language filter the pending languages are detected,
so a search never misses a document just imported (by this process or another). On a
read-only project nothing can be caught up; the pending documents are then searched as
candidates without the index, and a language filter sees only the languages already known.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from annotator.errors import Errors, UserError
from annotator.search.filters import ResolvedFilters, SearchFilters, query_languages
from annotator.search.matching import (
    Occurrence,
    Term,
    occurrences,
    parse_query,
    term_pattern,
)
from annotator.search.results import SearchHit, SearchResult, concordance_hit
from annotator.store.pending import catch_up
from annotator.store.project import Project
from annotator.store.search_index import candidate_filter
from annotator.store.tables import ACTOR, ANNOTATOR, DOC, LABEL, SPAN
from annotator.tasks import TaskControl

DEFAULT_LIMIT = 1000
CONTEXT_CHARACTERS = 60
_TEXT_BATCH = 200  # documents read per query: few round trips, bounded memory for large texts


@dataclass(frozen=True, slots=True)
class _Doc:
    id: int
    name: str
    title: str
    published: str | None
    text: str


def search(project: Project, query: str, filters: SearchFilters | None = None, *,
           limit: int = DEFAULT_LIMIT, context: int = CONTEXT_CHARACTERS,
           control: TaskControl | None = None) -> SearchResult:
    """The concordance for ``query`` under ``filters`` (see the module docstring for what a hit is)."""
    query, filters = query_languages(query, filters or SearchFilters())
    control = control or TaskControl()
    terms = parse_query(query)
    if not terms and not filters.selects_spans:
        raise UserError(Errors.E167)
    catch_up(project, languages=bool(filters.languages))
    with project.engine.connect() as connection:
        resolved = ResolvedFilters(connection, filters, project.location)
        documents = sa.select(DOC.c.id).where(*resolved.document_conditions())
        if terms:
            documents = documents.where(candidate_filter(connection.dialect.name, _index_terms(terms)))
        searcher = _Searcher(connection, terms, limit, context, control)
        if filters.selects_spans:
            searcher.span_hits(documents, resolved)
        else:
            candidates = connection.execute(documents.order_by(DOC.c.id))
            try:  # read lazily: a common word's 100,000 candidates are not all needed for 1,000 hits
                searcher.text_hits(candidates.scalars().partitions(_TEXT_BATCH))
            finally:
                candidates.close()
    return searcher.result


def _index_terms(terms: list[Term]) -> list[tuple[list[str], bool]]:
    return [(list(term.words), term.prefix) for term in terms]


class _Searcher:
    """Collects hits until the limit, reading document texts in batches."""

    def __init__(self, connection: Connection, terms: list[Term], limit: int, context: int,
                 control: TaskControl) -> None:
        self.connection = connection
        self.terms = terms
        self.patterns = [term_pattern(term) for term in terms]
        self.limit = limit
        self.context = context
        self.control = control
        self.result = SearchResult()

    @property
    def full(self) -> bool:
        return len(self.result.hits) >= self.limit

    def _documents(self, batches: Iterable[Sequence[int]]) -> Iterator[_Doc]:
        """The documents, in the order of their ids in ``batches``, one query per batch."""
        for batch in batches:
            self.control.raise_if_cancelled()
            rows = self.connection.execute(
                sa.select(DOC.c.id, DOC.c.name, DOC.c.title, DOC.c.published, DOC.c.text)
                .where(DOC.c.id.in_(batch))).all()
            by_id = {row.id: _Doc(row.id, row.name, row.title, row.published, row.text) for row in rows}
            for doc_id in batch:
                if doc_id in by_id:
                    yield by_id[doc_id]

    def _occurrences(self, text: str) -> list[list[Occurrence]] | None:
        """Each term's occurrences, or None when some term does not occur (not a match)."""
        found = occurrences(text, self.patterns)
        return found if all(found) else None

    def _hit(self, doc: _Doc, start: int, end: int, **span: Any) -> SearchHit:
        left, hit, right = concordance_hit(doc.text, start, end, self.context)
        return SearchHit(doc.id, doc.name, doc.title, doc.published, start, end, left, hit, right, **span)

    def text_hits(self, batches: Iterable[Sequence[int]]) -> None:
        for doc in self._documents(batches):
            found = self._occurrences(doc.text)
            if found is None:
                continue
            self.result.documents += 1
            covered = 0  # the end of the places listed so far: what ends before it is inside one
            for occurrence in sorted((o for term in found for o in term), key=lambda o: (o.start, -o.end, o.term)):
                if occurrence.end <= covered:
                    continue
                if self.full:
                    self.result.truncated = True
                    return
                covered = occurrence.end
                self.result.hits.append(self._hit(doc, occurrence.start, occurrence.end))

    def span_hits(self, documents: sa.Select[tuple[int]], resolved: ResolvedFilters) -> None:
        """Spans in text order; each checked against the query in its own stretch of text only,
        so a span costs the same in a 3 KB article as in a 10 MB one."""
        rows = self.connection.execute(
            sa.select(SPAN.c.id, SPAN.c.document_id, SPAN.c.start_offset, SPAN.c.end_offset, SPAN.c.fragments,
                      SPAN.c.attrs, SPAN.c.layer, LABEL.c.name.label("label"),
                      ANNOTATOR.c.name.label("annotator"), ACTOR.c.name.label("actor"))
            .join(LABEL, LABEL.c.id == SPAN.c.label_id)
            .join(ANNOTATOR, ANNOTATOR.c.id == SPAN.c.annotator_id)
            .outerjoin(ACTOR, ACTOR.c.id == SPAN.c.actor_id)
            .where(SPAN.c.document_id.in_(documents.scalar_subquery()), *resolved.span_conditions())
            .order_by(SPAN.c.document_id, SPAN.c.start_offset, SPAN.c.end_offset, SPAN.c.id))
        try:  # read lazily, a document's spans at a time, so the limit also saves the reading
            for batch in itertools.batched(self._span_groups(rows, resolved), _TEXT_BATCH):
                spans = dict(batch)
                for doc in self._documents([list(spans)]):
                    if not self._add_span_hits(doc, spans[doc.id]):
                        return
        finally:
            rows.close()

    @staticmethod
    def _span_groups(rows: Iterable[Any], resolved: ResolvedFilters) -> Iterator[tuple[int, list[Any]]]:
        """(document id, its spans that pass the attribute filters), from rows in document order."""
        for doc_id, group in itertools.groupby(rows, key=lambda row: row.document_id):
            spans = [row for row in group if resolved.attrs_match(row.attrs)]
            if spans:
                yield doc_id, spans

    def _add_span_hits(self, doc: _Doc, spans: list[Any]) -> bool:
        """Add the spans that hold the query; False once the limit is reached."""
        counted = False
        for span in spans:
            if self.terms and not self._span_holds_every_term(doc.text, span):
                continue
            if self.full:
                self.result.truncated = True
                return False
            if not counted:
                self.result.documents += 1
                counted = True
            self.result.hits.append(self._hit(
                doc, span.start_offset, span.end_offset, span_id=span.id, label=span.label,
                annotator=span.annotator, layer=span.layer, actor=span.actor))
        return True

    def _span_holds_every_term(self, text: str, span: Any) -> bool:
        """Every term occurs wholly inside the span (inside one piece of a discontinuous span).

        Matched in the span's text plus one character either side, which is all the word
        boundary checks look at, so the rest of the document need not be folded and scanned.
        """
        pieces = span.fragments or [[span.start_offset, span.end_offset]]
        return all(any(self._inside(text, pattern, start, end) for start, end in pieces) for pattern in self.patterns)

    @staticmethod
    def _inside(text: str, pattern: re.Pattern[str], start: int, end: int) -> bool:
        window = max(0, start - 1)
        return any(start <= found.start + window and found.end + window <= end
                   for found in occurrences(text[window:end + 1], [pattern])[0])
