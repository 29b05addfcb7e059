"""The project database's tables, declared once with SQLModel.

Design notes:
- Offsets (``start_offset``/``end_offset``) are Python code-point offsets into ``document.text``,
  end exclusive, guarded by CHECK constraints as doccano does.
- Every span, relation and document label belongs to one annotator and one layer:
  ``annotation`` (a person's), ``suggestion`` (a model's) or ``gold`` (adjudicated).
- Layers and statuses are plain strings with CHECK constraints rather than database enums, so the
  same migrations run unchanged on SQLite and PostgreSQL.
- ``document.text`` is the last column: SQLite reads a row's columns in order, so listing titles
  of 100,000 documents never walks the overflow pages holding the text.
- Nothing here is SQLite-only; JSON columns use SQLAlchemy's portable ``JSON`` type.
- A model's suggestion keeps its row after the analyst decides on it: ``span.status`` is
  ``pending``, ``accepted`` or ``rejected`` in the ``suggestion`` layer (NULL elsewhere), which
  is how a re-run of the pipeline knows not to propose it again.
- Mentions link to canonical actors (``span.actor_id``); deleting an actor unlinks its mentions.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

LAYERS = ("annotation", "suggestion", "gold")
STATUSES = ("todo", "in_progress", "done", "reviewed")  # reviewed: a reviewer adjudicated it
LABEL_KINDS = ("span", "relation", "document")
ANNOTATOR_KINDS = ("human", "model")
SUGGESTION_STATUSES = ("pending", "accepted", "rejected")
# Rows a user can delete get ids that are never handed out again (SQLite's AUTOINCREMENT;
# PostgreSQL's sequences never reuse): undo puts a deleted row back under its old id, and the
# change log and every open window's undo history name rows by id (migration 0007).
NEVER_REUSED: dict[str, Any] = {"sqlite_autoincrement": True}


def utcnow() -> datetime:
    """Timestamps are stored in UTC so that teammates in other time zones sort edits correctly."""
    return datetime.now(UTC)


def _json_column() -> Any:
    """A JSON object column; the Core-level default serves bulk inserts that bypass the ORM."""
    return Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False, default=dict))


def _timestamp() -> Any:
    """A UTC timestamp column filled in on insert, by the ORM and by Core statements alike."""
    return Field(default_factory=utcnow, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False, default=utcnow))


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class ProjectSetting(SQLModel, table=True):
    """Project-wide settings as key/value pairs (the label schema's YAML, the spaCy pipeline…)."""

    __tablename__ = "project_setting"
    key: str = Field(primary_key=True, max_length=100)
    value: str = Field(sa_column=sa.Column(sa.Text, nullable=False))


class Annotator(SQLModel, table=True):
    """A person or a model whose layer of annotations is kept apart from everyone else's."""

    __tablename__ = "annotator"
    __table_args__ = (sa.CheckConstraint(_in("kind", ANNOTATOR_KINDS), name="ck_annotator_kind"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    kind: str = Field(default="human", max_length=10)
    created_at: datetime = _timestamp()


class Label(SQLModel, table=True):
    """A label as used in this project's data; its look and rules come from the schema."""

    __tablename__ = "label"
    __table_args__ = (
        sa.UniqueConstraint("kind", "name", name="uq_label_kind_name"),
        sa.CheckConstraint(_in("kind", LABEL_KINDS), name="ck_label_kind"),
    )
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)
    name: str = Field(max_length=200)
    color: str = Field(default="#888888", max_length=9)
    shortcut: str | None = Field(default=None, max_length=5)
    description: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    in_schema: bool = Field(default=True)


class Document(SQLModel, table=True):
    """One article. ``name`` is its external id (file stem or the id it was imported with)."""

    __tablename__ = "document"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=500, index=True)
    title: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    source: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    url: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    published: str | None = Field(default=None, max_length=40, index=True)
    content_hash: str = Field(max_length=64, unique=True)
    n_chars: int = Field(default=0)
    meta: dict[str, Any] = _json_column()
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()
    text: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    # ISO 639-1 code ("en", "ru", "be"), detected on import and correctable (migration 0010);
    # NULL for documents imported before languages were kept. Routes suggestions to a pipeline.
    language: str | None = Field(default=None, max_length=16, index=True)


class Actor(SQLModel, table=True):
    """A canonical actor of the project's registry: "Moscow" and "the Kremlin" may both be one."""

    __tablename__ = "actor"
    __table_args__ = NEVER_REUSED
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300, unique=True)
    type: str | None = Field(default=None, max_length=50)
    country: str | None = Field(default=None, max_length=100)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class ActorAlias(SQLModel, table=True):
    """One way of naming an actor; ``normalized`` is the lookup key (see ``store.actors.normalize``)."""

    __tablename__ = "actor_alias"
    __table_args__ = (sa.UniqueConstraint("actor_id", "normalized", name="uq_actor_alias"), NEVER_REUSED)
    id: int | None = Field(default=None, primary_key=True)
    actor_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("actor.id", ondelete="CASCADE"), nullable=False, index=True))
    alias: str = Field(max_length=300)
    normalized: str = Field(max_length=300, index=True)
    created_at: datetime = _timestamp()


class Span(SQLModel, table=True):
    """A labelled stretch of one document's text, in one annotator's layer."""

    __tablename__ = "span"
    __table_args__ = (
        sa.CheckConstraint("start_offset >= 0", name="ck_span_start"),
        sa.CheckConstraint("end_offset > start_offset", name="ck_span_order"),
        sa.CheckConstraint(_in("layer", LAYERS), name="ck_span_layer"),
        sa.CheckConstraint(f"status IS NULL OR {_in('status', SUGGESTION_STATUSES)}", name="ck_span_status"),
        sa.Index("ix_span_doc_layer", "document_id", "layer", "annotator_id"),
        sa.Index("ix_span_start_doc_layer", "start_offset", "document_id", "layer"),  # migration 0008
        NEVER_REUSED,
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=sa.Column(sa.ForeignKey("document.id", ondelete="CASCADE"), nullable=False))
    annotator_id: int = Field(sa_column=sa.Column(sa.ForeignKey("annotator.id"), nullable=False))
    layer: str = Field(default="annotation", max_length=12)
    label_id: int = Field(sa_column=sa.Column(sa.ForeignKey("label.id"), nullable=False, index=True))
    start_offset: int
    end_offset: int
    attrs: dict[str, Any] = _json_column()
    note: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    score: float | None = None
    source: str | None = Field(default=None, max_length=200)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()
    actor_id: int | None = Field(default=None, sa_column=sa.Column(
        sa.ForeignKey("actor.id", ondelete="SET NULL", name="fk_span_actor_id_actor"), nullable=True, index=True))
    status: str | None = Field(default=None, max_length=10)
    # Discontinuous spans (brat's "T1 Label 0 5;9 14"): the pieces, each [start, end) in code
    # points; start_offset/end_offset then cover them all. NULL for ordinary, contiguous spans.
    fragments: list[list[int]] | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    # Provenance of a gold span (NULL elsewhere): whose version was accepted, and who accepted it.
    origin_annotator: str | None = Field(default=None, max_length=200)
    adjudicator: str | None = Field(default=None, max_length=200)
    # Optimistic concurrency (migration 0005): bumped by every edit of the row, checked by edits
    # that say which version they saw.
    version: int = Field(default=1, sa_column=sa.Column(sa.Integer, nullable=False, default=1, server_default="1"))


class Relation(SQLModel, table=True):
    """A typed, directed link between two spans of the same document and layer."""

    __tablename__ = "relation"
    __table_args__ = (
        sa.CheckConstraint(_in("layer", LAYERS), name="ck_relation_layer"),
        sa.Index("ix_relation_doc_layer", "document_id", "layer", "annotator_id"),
        NEVER_REUSED,
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=sa.Column(sa.ForeignKey("document.id", ondelete="CASCADE"), nullable=False))
    annotator_id: int = Field(sa_column=sa.Column(sa.ForeignKey("annotator.id"), nullable=False))
    layer: str = Field(default="annotation", max_length=12)
    label_id: int = Field(sa_column=sa.Column(sa.ForeignKey("label.id"), nullable=False))
    head_id: int = Field(sa_column=sa.Column(sa.ForeignKey("span.id", ondelete="CASCADE"), nullable=False, index=True))
    tail_id: int = Field(sa_column=sa.Column(sa.ForeignKey("span.id", ondelete="CASCADE"), nullable=False, index=True))
    attrs: dict[str, Any] = _json_column()
    created_at: datetime = _timestamp()
    origin_annotator: str | None = Field(default=None, max_length=200)  # gold provenance, as on span
    adjudicator: str | None = Field(default=None, max_length=200)
    version: int = Field(default=1, sa_column=sa.Column(sa.Integer, nullable=False, default=1, server_default="1"))


class DocumentLabel(SQLModel, table=True):
    """A label for a whole document (relevance, genre…), per annotator and layer."""

    __tablename__ = "document_label"
    __table_args__ = (
        sa.UniqueConstraint("document_id", "annotator_id", "layer", "label_id", name="uq_document_label"),
        sa.CheckConstraint(_in("layer", LAYERS), name="ck_document_label_layer"),
        NEVER_REUSED,
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=sa.Column(sa.ForeignKey("document.id", ondelete="CASCADE"), nullable=False))
    annotator_id: int = Field(sa_column=sa.Column(sa.ForeignKey("annotator.id"), nullable=False))
    layer: str = Field(default="annotation", max_length=12)
    label_id: int = Field(sa_column=sa.Column(sa.ForeignKey("label.id"), nullable=False))
    created_at: datetime = _timestamp()


class DocumentStatus(SQLModel, table=True):
    """How far one annotator has got with one document; absent means ``todo``."""

    __tablename__ = "document_status"
    __table_args__ = (sa.CheckConstraint(_in("status", STATUSES), name="ck_document_status"),)
    document_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("document.id", ondelete="CASCADE"), primary_key=True)
    )
    annotator_id: int = Field(sa_column=sa.Column(sa.ForeignKey("annotator.id"), primary_key=True))
    status: str = Field(default="todo", max_length=12)
    updated_at: datetime = _timestamp()


class Note(SQLModel, table=True):
    """A free-text note by an annotator on a whole document, or a reviewer's comment on one span
    (``span_id`` set; the comment goes when the span does)."""

    __tablename__ = "note"
    __table_args__ = NEVER_REUSED
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=sa.Column(sa.ForeignKey("document.id", ondelete="CASCADE"), nullable=False, index=True))
    annotator_id: int = Field(sa_column=sa.Column(sa.ForeignKey("annotator.id"), nullable=False))
    text: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    created_at: datetime = _timestamp()
    span_id: int | None = Field(default=None, sa_column=sa.Column(
        sa.ForeignKey("span.id", ondelete="CASCADE", name="fk_note_span_id_span"), nullable=True, index=True))


class ChangeLog(SQLModel, table=True):
    """One row per committed change of the project: what it touched (documents, spans,
    relations, actors… by id), by which open project (``origin``, one per window or process),
    and the action's name. Other windows and processes read the rows after the last one they saw
    to learn what someone else changed (``annotator.store.change_log``); old rows are pruned."""

    __tablename__ = "change_log"
    __table_args__ = NEVER_REUSED
    id: int | None = Field(default=None, primary_key=True)
    origin: str = Field(max_length=40)
    label: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    made_at: datetime = _timestamp()
    changes: dict[str, Any] = _json_column()


class ReviewDecision(SQLModel, table=True):
    """A reviewer's decision on a compared item gold cannot show: a difference turned down
    (``rejected``), or an annotator's version taken where that version is "nothing" and gold
    already holds nothing (``taken:<annotator>``). ``item_key`` names the difference by what it
    is about (kind, offsets, labels, versions; ``annotator.review.comparison``), never by row ids,
    so the decision outlives re-imports of the same annotations. One decision per item."""

    __tablename__ = "review_decision"
    __table_args__ = (sa.UniqueConstraint("document_id", "item_key", name="uq_review_decision"), NEVER_REUSED)
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=sa.Column(sa.ForeignKey("document.id", ondelete="CASCADE"), nullable=False))
    item_key: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    decision: str = Field(max_length=220)
    adjudicator: str = Field(max_length=200)
    version: int = Field(default=1, sa_column=sa.Column(sa.Integer, nullable=False, default=1, server_default="1"))
    created_at: datetime = _timestamp()


class ModelVersion(SQLModel, table=True):
    """One trained suggestion model kept with the project (migration 0010): the packed spaCy
    pipeline and what it was trained on and scored, so a team on PostgreSQL shares the models as
    it shares the annotations, and a version can be chosen, compared and deleted. ``archive`` is
    the pipeline directory as a gzipped tar; ``thresholds`` holds the per-label minimum score a
    suggestion of this model needs to be shown."""

    __tablename__ = "model_version"
    __table_args__ = (NEVER_REUSED,)
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = _timestamp()
    trained_by: str = Field(default="", max_length=200)
    layer: str = Field(default="gold", max_length=40)
    labels: dict[str, Any] = _json_column()
    trained_on: dict[str, Any] = _json_column()
    scores: dict[str, Any] = _json_column()
    curve: dict[str, Any] = _json_column()
    thresholds: dict[str, Any] = _json_column()
    size_bytes: int = Field(default=0)
    archive: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
