"""The canonical document: the one shape every format converts to and from.

``select`` builds it from a project, each format's reader builds it from a file, ``ingest``
writes it into a project, and a line of canonical JSONL holds one. Offsets are code points
into ``text``. Typed here so that a reader that forgets a field, or a writer that reads one
under the wrong name, is caught by the type checker rather than by an analyst missing spans.

What a reader hands over is still a file's claim: ``ingest`` checks every value (offsets inside
the text, span text, relation ends, names) before anything is written, because canonical JSONL
is read as it is, with whatever a hand-edited line holds.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

#: A span's or relation's id in a file: numbers from this app and most tools, "T1" from brat.
ItemId = int | str


class CanonicalComment(TypedDict):
    """A reviewer's comment on one span (``adjudicate.comment_span``): who wrote it, what, and
    when (ISO 8601, UTC) where the file says; one per reviewer and span."""

    annotator: str
    text: str
    created: NotRequired[str]


class CanonicalSpan(TypedDict):
    """One span. ``fragments`` ([[start, end], …]) only for a discontinuous span; ``score``,
    ``source`` and ``status`` only for suggestions. Missing ``annotator``/``layer`` take the
    import's (``ReadOptions``). ``origin_annotator`` (whose version was accepted) and
    ``adjudicator`` (who accepted it) only for a gold span that has them; ``comments`` only for a
    span reviewers commented on. Written only when present, so a file without review stays as
    it was."""

    id: ItemId
    start: int
    end: int
    label: str
    text: NotRequired[str]
    annotator: NotRequired[str]
    layer: NotRequired[str]
    attrs: NotRequired[dict[str, Any]]
    note: NotRequired[str | None]
    actor: NotRequired[str | None]
    score: NotRequired[float]
    source: NotRequired[str]
    status: NotRequired[str]
    fragments: NotRequired[list[list[int]]]
    origin_annotator: NotRequired[str]
    adjudicator: NotRequired[str]
    comments: NotRequired[list[CanonicalComment]]


class CanonicalRelation(TypedDict):
    """A relation between two spans of the same document, by their ids in the document;
    ``origin_annotator``/``adjudicator`` as on a span."""

    id: ItemId
    head: ItemId
    tail: ItemId
    label: str
    annotator: NotRequired[str]
    layer: NotRequired[str]
    attrs: NotRequired[dict[str, Any]]
    origin_annotator: NotRequired[str]
    adjudicator: NotRequired[str]


class CanonicalDocLabel(TypedDict):
    """A label of the whole document; ``layer`` is left out for the annotation layer."""

    label: str
    annotator: NotRequired[str]
    layer: NotRequired[str]


class CanonicalNote(TypedDict):
    """A note on the document (span notes are the span's ``note``)."""

    text: str
    annotator: NotRequired[str]


class CanonicalDoc(TypedDict):
    """One document with everything annotated on it. ``id`` is the document's name (its id in
    the file), ``status`` maps annotator names to new/in_progress/done."""

    id: str
    title: str | None
    text: str
    meta: dict[str, Any]
    spans: list[CanonicalSpan]
    relations: list[CanonicalRelation]
    doc_labels: list[CanonicalDocLabel]
    notes: list[CanonicalNote]
    status: dict[str, str]


class ActorRecord(TypedDict):
    """One entry of the actor registry kept beside canonical JSONL (``X.actors.jsonl``)."""

    name: str
    type: NotRequired[str | None]
    country: NotRequired[str | None]
    aliases: NotRequired[list[str]]


def new_document(doc_id: str, text: str, *, title: str | None = None,
                 meta: dict[str, Any] | None = None) -> CanonicalDoc:
    """A document with nothing annotated yet, for a reader to fill."""
    return {"id": doc_id, "title": title, "text": text, "meta": meta or {}, "spans": [], "relations": [],
            "doc_labels": [], "notes": [], "status": {}}
