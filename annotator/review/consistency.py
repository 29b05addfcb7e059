"""Consistency check: the same text labelled differently, and left unlabelled where it was
labelled elsewhere.

Why: a team's labels drift ("Minsk" a LOCATION in one article, an ACTOR in another; "NATO"
marked in forty articles and missed in six), and a model trained on them learns the drift. The
check lists both kinds with counts, each place openable in the editor.

Decisions:

- The spans checked are one layer's: the annotation layers of the chosen human annotators
  (all, by default) pooled as the team's labels, or the gold layer. Pooled, because "the team
  calls this text an ACTOR" is the point; who labelled each place is kept with it.
- The same text is ``annotator.search.surface``'s (white space runs as one space; case counts
  unless ``case_sensitive=False``). Discontinuous spans are not one text: they are counted in
  ``Consistency.discontinuous`` and left out.
- (a) ``labelled differently``: a text with spans of more than one label, anywhere (in one
  document or across several), with each label's count and places.
- (b) ``unlabelled``: a place where a labelled text occurs, token-aligned, that no span of the
  layer overlaps, in a document the layer has annotated (a span there, or marked done: a
  document nobody has started is not a miss). Texts of more than ``MAX_TOKENS`` tokens (claims,
  quotes) are not looked for (counted in ``Consistency.long_texts``): they rarely recur word for
  word, and a sentence found again is a quotation, not a missed label. Each document is read
  once, its tokens looked up in a table of the labelled texts by their first token.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from annotator.errors import Errors, UserError
from annotator.search.surface import snippet, surface_key, token_count, tokens
from annotator.store.project import Project
from annotator.store.tables import ANNOTATOR, DOC, LABEL, SPAN, STATUS

GOLD = "gold"
MAX_TOKENS = 8
_BATCH = 200


@dataclass(frozen=True, slots=True)
class Place:
    """One place the check names: a document, offsets and, for a labelled place, its label and who."""

    document_id: int
    title: str
    start: int
    end: int
    text: str
    label: str | None = None
    annotator: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"document": self.document_id, "title": self.title, "start": self.start, "end": self.end,
                "text": self.text, "label": self.label, "annotator": self.annotator}


@dataclass
class Finding:
    """One text: its labels with counts, and the places of this finding's kind."""

    kind: str  # "labelled differently" or "unlabelled"
    text: str
    labels: Counter[str]
    places: list[Place] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.places)

    @property
    def documents(self) -> int:
        return len({place.document_id for place in self.places})

    def labels_text(self) -> str:
        return ", ".join(f"{label} {count}" for label, count in self.labels.most_common())

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "labels": dict(self.labels.most_common()),
                "count": self.count, "documents": self.documents, "places": [p.as_json() for p in self.places]}


@dataclass
class Consistency:
    """The check's findings, worst first in each kind, and what it did not look at."""

    layer: str
    annotators: tuple[str, ...]
    case_sensitive: bool
    differently: list[Finding] = field(default_factory=list)
    unlabelled: list[Finding] = field(default_factory=list)
    spans: int = 0  # spans read
    texts: int = 0  # distinct texts labelled
    documents: int = 0  # documents the layer annotated
    discontinuous: int = 0  # spans left out: more than one piece
    long_texts: int = 0  # labelled texts not looked for unlabelled: more than MAX_TOKENS tokens

    @property
    def findings(self) -> list[Finding]:
        return self.differently + self.unlabelled

    def summary(self) -> str:
        parts = [f"{_count(len(self.differently), 'text')} labelled differently "
                 f"({_count(sum(f.count for f in self.differently), 'place')})",
                 f"{_count(len(self.unlabelled), 'text')} left unlabelled somewhere "
                 f"({_count(sum(f.count for f in self.unlabelled), 'place')})"]
        checked = (f"checked {self.spans} spans ({self.texts} distinct texts) in {self.documents} documents "
                   f"of {'gold' if self.layer == GOLD else ', '.join(self.annotators) or 'nobody'}")
        left = []
        if self.discontinuous:
            left.append(f"{self.discontinuous} discontinuous spans left out")
        if self.long_texts:
            left.append(f"{self.long_texts} texts of more than {MAX_TOKENS} tokens not looked for unlabelled")
        return "; ".join(parts) + f"; {checked}" + (f" ({'; '.join(left)})" if left else "") + "."

    def as_json(self) -> dict[str, Any]:
        return {"layer": self.layer, "annotators": list(self.annotators), "case_sensitive": self.case_sensitive,
                "spans": self.spans, "texts": self.texts, "documents": self.documents,
                "discontinuous": self.discontinuous, "long_texts": self.long_texts,
                "labelled_differently": [f.as_json() for f in self.differently],
                "unlabelled": [f.as_json() for f in self.unlabelled]}


def contexts(project: Project, findings: Sequence[Finding], per_finding: int) -> dict[Place, tuple[str, str]]:
    """The text before and after the first ``per_finding`` places of each finding, for a window's
    rows: read apart from the check (one query per batch of documents), since a check finds
    100,000s of places and a person reads a few hundred."""
    shown = [place for finding in findings for place in finding.places[:per_finding]]
    doc_ids = sorted({place.document_id for place in shown})
    texts: dict[int, str] = {}
    for batch in itertools.batched(doc_ids, 500):
        texts.update(project.documents.texts(list(batch)))
    return {place: snippet(texts[place.document_id], place.start, place.end)
            for place in shown if place.document_id in texts}


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@dataclass(frozen=True, slots=True)
class _Labelled:
    document_id: int
    start: int
    end: int
    label: str
    annotator: str
    fragments: bool


def check(project: Project, *, layer: str = "annotation", annotators: Sequence[str] | None = None,
          case_sensitive: bool = True) -> Consistency:
    """Both kinds of finding over ``layer`` (module docstring); E1295 for another layer, E1296 for
    annotators with no annotations."""
    if layer not in ("annotation", GOLD):
        raise UserError(Errors.E1295.format(layer=layer))
    with project.reading() as connection:
        names = _annotators(connection, project, layer, annotators)
        spans = _spans(connection, layer, names)
        annotated = sorted({span.document_id for span in spans} | _done(connection, layer, names))
        result = Consistency(layer, names, case_sensitive, documents=len(annotated))
        by_doc: dict[int, list[_Labelled]] = defaultdict(list)
        for span in spans:
            by_doc[span.document_id].append(span)
        labelled: dict[str, list[Place]] = defaultdict(list)
        for doc_id, title, text in _texts(connection, annotated):
            for span in by_doc.get(doc_id, ()):
                if span.fragments:
                    result.discontinuous += 1
                    continue
                covered = text[span.start:span.end]
                labelled[surface_key(covered, case_sensitive)].append(
                    Place(doc_id, title, span.start, span.end, covered, span.label, span.annotator))
        result.spans = len(spans)
        result.texts = len(labelled)
        for places in labelled.values():
            labels = Counter(place.label or "" for place in places)
            if len(labels) > 1:
                result.differently.append(Finding("labelled differently", places[0].text, labels, places))
        result.differently.sort(key=lambda f: (-f.count, f.text))
        wanted = {key: places for key, places in labelled.items() if key.strip()}
        result.long_texts = sum(token_count(key) > MAX_TOKENS for key in wanted)
        wanted = {key: places for key, places in wanted.items() if token_count(key) <= MAX_TOKENS}
        missed = _unlabelled(connection, annotated, by_doc, wanted, case_sensitive)
    for key, places in missed.items():
        labels = Counter(place.label or "" for place in labelled[key])
        result.unlabelled.append(Finding("unlabelled", labelled[key][0].text, labels, places))
    result.unlabelled.sort(key=lambda f: (-f.count, f.text))
    return result


def _annotators(connection: sa.Connection, project: Project, layer: str,
                annotators: Sequence[str] | None) -> tuple[str, ...]:
    humans = list(connection.execute(sa.select(ANNOTATOR.c.name).where(ANNOTATOR.c.kind == "human")
                                     .order_by(ANNOTATOR.c.name)).scalars())
    if layer == GOLD or annotators is None:
        return tuple(humans) if layer != GOLD else ()
    missing = [name for name in annotators if name not in humans]
    if missing:
        raise UserError(Errors.E1296.format(annotators=", ".join(missing), verb="has" if len(missing) == 1 else "have",
                                            location=project.location, known=", ".join(humans) or "none yet"))
    return tuple(dict.fromkeys(annotators))


def _spans(connection: sa.Connection, layer: str, names: tuple[str, ...]) -> list[_Labelled]:
    query = (sa.select(SPAN.c.document_id, SPAN.c.start_offset, SPAN.c.end_offset, LABEL.c.name, ANNOTATOR.c.name,
                       sa.type_coerce(SPAN.c.fragments, sa.Text))
             .join(LABEL, LABEL.c.id == SPAN.c.label_id).join(ANNOTATOR, ANNOTATOR.c.id == SPAN.c.annotator_id)
             .where(SPAN.c.layer == layer)
             .order_by(SPAN.c.document_id, SPAN.c.start_offset, SPAN.c.end_offset, SPAN.c.id))
    if layer != GOLD:
        query = query.where(ANNOTATOR.c.name.in_(names))
    return [_Labelled(doc_id, start, end, label, who, fragments not in (None, "null", "[]"))
            for doc_id, start, end, label, who, fragments in connection.execute(query)]


def _done(connection: sa.Connection, layer: str, names: tuple[str, ...]) -> set[int]:
    """Documents the layer's owners marked done (gold: reviewed), spans or not."""
    query = sa.select(STATUS.c.document_id).join(ANNOTATOR, ANNOTATOR.c.id == STATUS.c.annotator_id)
    if layer == GOLD:
        query = query.where(STATUS.c.status == "reviewed")
    else:
        query = query.where(STATUS.c.status.in_(["done", "reviewed"]), ANNOTATOR.c.name.in_(names))
    return set(connection.execute(query).scalars())


def _texts(connection: sa.Connection, doc_ids: Sequence[int]) -> Iterator[tuple[int, str, str]]:
    for batch in itertools.batched(doc_ids, _BATCH):
        for row in connection.execute(sa.select(DOC.c.id, DOC.c.title, DOC.c.name, DOC.c.text)
                                      .where(DOC.c.id.in_(batch)).order_by(DOC.c.id)):
            yield row.id, row.title or row.name, row.text


def _unlabelled(connection: sa.Connection, doc_ids: Sequence[int], by_doc: dict[int, list[_Labelled]],
                wanted: dict[str, list[Place]], case_sensitive: bool) -> dict[str, list[Place]]:
    """The places of the annotated documents where a wanted text occurs and no span overlaps."""
    firsts: dict[str, int] = {}  # a wanted text's first token → the most tokens a text starting so has
    for key in wanted:
        start, end = tokens(key)[0]
        firsts[key[start:end]] = max(firsts.get(key[start:end], 0), token_count(key))
    missed: dict[str, list[Place]] = defaultdict(list)
    if not firsts:
        return missed
    for doc_id, title, text in _texts(connection, doc_ids):
        covered = _merged(sorted((s.start, s.end) for s in by_doc.get(doc_id, ())))
        starts = [a for a, _b in covered]
        places = tokens(text)
        for index, (start, end) in enumerate(places):
            head = text[start:end]  # one token, no white space: its own key, lower-cased without case
            longest = firsts.get(head if case_sensitive else head.lower())
            if longest is None:
                continue
            for last in range(index, min(index + longest, len(places))):
                stop = places[last][1]
                key = surface_key(text[start:stop], case_sensitive)
                if key in wanted and not _overlapped(covered, starts, start, stop):
                    missed[key].append(Place(doc_id, title, start, stop, text[start:stop]))
    return missed


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted intervals with those that overlap or touch joined: disjoint, for ``bisect``."""
    joined: list[tuple[int, int]] = []
    for a, b in spans:
        if joined and a <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], b))
        else:
            joined.append((a, b))
    return joined


def _overlapped(covered: list[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of the disjoint, sorted ``covered`` intervals."""
    index = bisect.bisect_left(starts, end) - 1  # the last interval starting before ``end``
    return index >= 0 and covered[index][1] > start
