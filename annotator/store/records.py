"""Plain, immutable views of stored rows that the CLI, the exporters and the GUI pass around.

They carry label and annotator *names*, not ids, because that is what every consumer shows or
writes; the store translates at its edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    id: int
    name: str
    title: str
    text: str
    source: str
    url: str | None
    published: str | None
    content_hash: str
    meta: dict[str, Any]
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """One row of the document list: cheap to fetch for the rows on screen."""

    id: int
    name: str
    title: str
    n_chars: int
    status: str
    span_count: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class SpanRecord:
    id: int
    document_id: int
    start: int
    end: int
    label: str
    annotator: str
    layer: str
    attrs: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    score: float | None = None
    source: str | None = None
    actor: str | None = None  # canonical name of the linked registry actor
    status: str | None = None  # a suggestion's pending/accepted/rejected; None outside that layer
    fragments: tuple[tuple[int, int], ...] | None = None  # pieces of a discontinuous span, else None
    version: int = 1  # the row's version when read: edits pass it back as ``expected_version``


@dataclass(frozen=True, slots=True)
class RelationRecord:
    id: int
    document_id: int
    head_id: int
    tail_id: int
    label: str
    annotator: str
    layer: str
    attrs: dict[str, Any] = field(default_factory=dict)
    version: int = 1  # as on ``SpanRecord``


@dataclass(frozen=True, slots=True)
class DeletedSpan:
    """What deleting a span removed, so that undo can put back exactly the same rows and ids."""

    span: SpanRecord
    relations: tuple[RelationRecord, ...]


@dataclass(frozen=True, slots=True)
class ActorRecord:
    """A canonical actor with its aliases and how many analysts' spans (not suggestions) link to it."""

    id: int
    name: str
    type: str | None
    country: str | None
    aliases: tuple[str, ...] = ()
    mentions: int = 0
