"""The project database's tables, declared once as SQLAlchemy Core tables on ``METADATA``.

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
- Plain Core tables, not ORM classes: every read and write is a Core statement, and the tables
  are the first thing every command and the window import. Declared as SQLModel classes they
  cost a quarter of a second more on each start (pydantic models and the ORM's mappers, which
  nothing used). A column given without ``nullable`` is NOT NULL, and one given a Python
  ``default`` fills rows a Core insert leaves it out of.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

LAYERS = ("annotation", "suggestion", "gold")
STATUSES = ("todo", "in_progress", "done", "reviewed")  # reviewed: a reviewer adjudicated it
LABEL_KINDS = ("span", "relation", "document")
ANNOTATOR_KINDS = ("human", "model")
SUGGESTION_STATUSES = ("pending", "accepted", "rejected")
# Rows a user can delete get ids that are never handed out again (SQLite's AUTOINCREMENT;
# PostgreSQL's sequences never reuse): undo puts a deleted row back under its old id, and the
# change log and every open window's undo history name rows by id (migration 0007).
NEVER_REUSED: dict[str, Any] = {"sqlite_autoincrement": True}

METADATA = sa.MetaData()


def utcnow() -> datetime:
    """Timestamps are stored in UTC so that teammates in other time zones sort edits correctly."""
    return datetime.now(UTC)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True)


def _string(column: str, length: int, *, nullable: bool = False, **options: Any) -> sa.Column[str]:
    return sa.Column(column, sa.String(length), nullable=nullable, **options)


def _text(column: str, *, nullable: bool = False, **options: Any) -> sa.Column[str]:
    return sa.Column(column, sa.Text, nullable=nullable, **options)


def _reference(column: str, target: str, *, nullable: bool = False, **options: Any) -> sa.Column[int]:
    """A foreign key column (``ondelete`` and the constraint's ``name`` go to the key)."""
    key = {option: options.pop(option) for option in ("ondelete", "name") if option in options}
    return sa.Column(column, sa.ForeignKey(target, **key), nullable=nullable, **options)


def _json(column: str) -> sa.Column[Any]:
    """A JSON object column; the default serves Core inserts that leave it out."""
    return sa.Column(column, sa.JSON, nullable=False, default=dict)


def _timestamp(column: str) -> sa.Column[datetime]:
    """A UTC timestamp column filled in on insert."""
    return sa.Column(column, sa.DateTime(timezone=True), nullable=False, default=utcnow)


def _version() -> sa.Column[int]:
    """Optimistic concurrency (migration 0005): bumped by every edit of the row, checked by edits
    that say which version they saw."""
    return sa.Column("version", sa.Integer, nullable=False, default=1, server_default="1")


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


# Project-wide settings as key/value pairs (the label schema's YAML, the spaCy pipeline…).
SETTING = sa.Table(
    "project_setting", METADATA,
    _string("key", 100, primary_key=True),
    _text("value"),
)

# A person or a model whose layer of annotations is kept apart from everyone else's.
ANNOTATOR = sa.Table(
    "annotator", METADATA,
    _id(),
    _string("name", 200, unique=True),
    _string("kind", 10, default="human"),
    _timestamp("created_at"),
    sa.CheckConstraint(_in("kind", ANNOTATOR_KINDS), name="ck_annotator_kind"),
)

# A label as used in this project's data; its look and rules come from the schema.
LABEL = sa.Table(
    "label", METADATA,
    _id(),
    _string("kind", 10),
    _string("name", 200),
    _string("color", 9, default="#888888"),
    _string("shortcut", 5, nullable=True),
    _text("description", server_default=""),
    sa.Column("in_schema", sa.Boolean, nullable=False, default=True),
    sa.UniqueConstraint("kind", "name", name="uq_label_kind_name"),
    sa.CheckConstraint(_in("kind", LABEL_KINDS), name="ck_label_kind"),
)

# One article. ``name`` is its external id (file stem or the id it was imported with).
DOC = sa.Table(
    "document", METADATA,
    _id(),
    _string("name", 500, index=True),
    _text("title"),
    _text("source"),
    _text("url", nullable=True),
    _string("published", 40, nullable=True, index=True),
    _string("content_hash", 64, unique=True),
    sa.Column("n_chars", sa.Integer, nullable=False, default=0),
    _json("meta"),
    _timestamp("created_at"),
    _timestamp("updated_at"),
    _text("text"),
    # ISO 639-1 code ("en", "ru", "be"), detected on import and correctable (migration 0010);
    # NULL for documents imported before languages were kept. Routes suggestions to a pipeline.
    _string("language", 16, nullable=True, index=True),
)

# A canonical actor of the project's registry: "Moscow" and "the Kremlin" may both be one.
ACTOR = sa.Table(
    "actor", METADATA,
    _id(),
    _string("name", 300, unique=True),
    _string("type", 50, nullable=True),
    _string("country", 100, nullable=True),
    _timestamp("created_at"),
    _timestamp("updated_at"),
    **NEVER_REUSED,
)

# One way of naming an actor; ``normalized`` is the lookup key (see ``store.actors.normalize``).
ALIAS = sa.Table(
    "actor_alias", METADATA,
    _id(),
    _reference("actor_id", "actor.id", ondelete="CASCADE", index=True),
    _string("alias", 300),
    _string("normalized", 300, index=True),
    _timestamp("created_at"),
    sa.UniqueConstraint("actor_id", "normalized", name="uq_actor_alias"),
    **NEVER_REUSED,
)

# A labelled stretch of one document's text, in one annotator's layer.
SPAN = sa.Table(
    "span", METADATA,
    _id(),
    _reference("document_id", "document.id", ondelete="CASCADE"),
    _reference("annotator_id", "annotator.id"),
    _string("layer", 12, default="annotation"),
    _reference("label_id", "label.id", index=True),
    sa.Column("start_offset", sa.Integer, nullable=False),
    sa.Column("end_offset", sa.Integer, nullable=False),
    _json("attrs"),
    _text("note", server_default=""),
    sa.Column("score", sa.Float, nullable=True),
    _string("source", 200, nullable=True),
    _timestamp("created_at"),
    _timestamp("updated_at"),
    _reference("actor_id", "actor.id", ondelete="SET NULL", name="fk_span_actor_id_actor", nullable=True, index=True),
    _string("status", 10, nullable=True),
    # Discontinuous spans (brat's "T1 Label 0 5;9 14"): the pieces, each [start, end) in code
    # points; start_offset/end_offset then cover them all. NULL for ordinary, contiguous spans.
    sa.Column("fragments", sa.JSON, nullable=True),
    # Provenance of a gold span (NULL elsewhere): whose version was accepted, and who accepted it.
    _string("origin_annotator", 200, nullable=True),
    _string("adjudicator", 200, nullable=True),
    _version(),
    sa.CheckConstraint("start_offset >= 0", name="ck_span_start"),
    sa.CheckConstraint("end_offset > start_offset", name="ck_span_order"),
    sa.CheckConstraint(_in("layer", LAYERS), name="ck_span_layer"),
    sa.CheckConstraint(f"status IS NULL OR {_in('status', SUGGESTION_STATUSES)}", name="ck_span_status"),
    sa.Index("ix_span_doc_layer", "document_id", "layer", "annotator_id"),
    sa.Index("ix_span_start_doc_layer", "start_offset", "document_id", "layer"),  # migration 0008
    **NEVER_REUSED,
)

# A typed, directed link between two spans of the same document and layer.
REL = sa.Table(
    "relation", METADATA,
    _id(),
    _reference("document_id", "document.id", ondelete="CASCADE"),
    _reference("annotator_id", "annotator.id"),
    _string("layer", 12, default="annotation"),
    _reference("label_id", "label.id"),
    _reference("head_id", "span.id", ondelete="CASCADE", index=True),
    _reference("tail_id", "span.id", ondelete="CASCADE", index=True),
    _json("attrs"),
    _timestamp("created_at"),
    _string("origin_annotator", 200, nullable=True),  # gold provenance, as on span
    _string("adjudicator", 200, nullable=True),
    _version(),
    sa.CheckConstraint(_in("layer", LAYERS), name="ck_relation_layer"),
    sa.Index("ix_relation_doc_layer", "document_id", "layer", "annotator_id"),
    **NEVER_REUSED,
)

# A label for a whole document (relevance, genre…), per annotator and layer.
DOC_LABEL = sa.Table(
    "document_label", METADATA,
    _id(),
    _reference("document_id", "document.id", ondelete="CASCADE"),
    _reference("annotator_id", "annotator.id"),
    _string("layer", 12, default="annotation"),
    _reference("label_id", "label.id"),
    _timestamp("created_at"),
    sa.UniqueConstraint("document_id", "annotator_id", "layer", "label_id", name="uq_document_label"),
    sa.CheckConstraint(_in("layer", LAYERS), name="ck_document_label_layer"),
    **NEVER_REUSED,
)

# How far one annotator has got with one document; absent means ``todo``.
STATUS = sa.Table(
    "document_status", METADATA,
    _reference("document_id", "document.id", ondelete="CASCADE", primary_key=True),
    _reference("annotator_id", "annotator.id", primary_key=True),
    _string("status", 12, default="todo"),
    _timestamp("updated_at"),
    sa.CheckConstraint(_in("status", STATUSES), name="ck_document_status"),
)

# A free-text note by an annotator on a whole document, or a reviewer's comment on one span
# (``span_id`` set; the comment goes when the span does).
NOTE = sa.Table(
    "note", METADATA,
    _id(),
    _reference("document_id", "document.id", ondelete="CASCADE", index=True),
    _reference("annotator_id", "annotator.id"),
    _text("text"),
    _timestamp("created_at"),
    _reference("span_id", "span.id", ondelete="CASCADE", name="fk_note_span_id_span", nullable=True, index=True),
    **NEVER_REUSED,
)

# One row per committed change of the project: what it touched (documents, spans, relations,
# actors… by id), by which open project (``origin``, one per window or process), and the
# action's name. Other windows and processes read the rows after the last one they saw to learn
# what someone else changed (``annotator.store.change_log``); old rows are pruned.
CHANGE_LOG = sa.Table(
    "change_log", METADATA,
    _id(),
    _string("origin", 40),
    _text("label", server_default=""),
    _timestamp("made_at"),
    _json("changes"),
    **NEVER_REUSED,
)

# A reviewer's decision on a compared item gold cannot show: a difference turned down
# (``rejected``), or an annotator's version taken where that version is "nothing" and gold
# already holds nothing (``taken:<annotator>``). ``item_key`` names the difference by what it is
# about (kind, offsets, labels, versions; ``annotator.review.comparison``), never by row ids, so
# the decision outlives re-imports of the same annotations. One decision per item.
REVIEW_DECISION = sa.Table(
    "review_decision", METADATA,
    _id(),
    _reference("document_id", "document.id", ondelete="CASCADE"),
    _text("item_key"),
    _string("decision", 220),
    _string("adjudicator", 200),
    _version(),
    _timestamp("created_at"),
    sa.UniqueConstraint("document_id", "item_key", name="uq_review_decision"),
    **NEVER_REUSED,
)

# One trained suggestion model kept with the project (migration 0010): the packed spaCy pipeline
# and what it was trained on and scored, so a team on PostgreSQL shares the models as it shares
# the annotations, and a version can be chosen, compared and deleted. ``archive`` is the pipeline
# directory as a gzipped tar; ``thresholds`` holds the per-label minimum score a suggestion of
# this model needs to be shown.
MODEL_VERSION = sa.Table(
    "model_version", METADATA,
    _id(),
    _timestamp("created_at"),
    _string("trained_by", 200, default=""),
    _string("layer", 40, default="gold"),
    _json("labels"),
    _json("trained_on"),
    _json("scores"),
    _json("curve"),
    _json("thresholds"),
    sa.Column("size_bytes", sa.Integer, nullable=False, default=0),
    sa.Column("archive", sa.LargeBinary, nullable=False),
    **NEVER_REUSED,
)
