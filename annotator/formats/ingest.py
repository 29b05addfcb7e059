"""Writing canonical documents into a project: checked, then written, in one transaction per input.

What a format reads arrives here as canonical documents. Every document is checked before it is
written (offsets inside the text, span text equal to ``text[start:end]`` when given, relation
ends in the same document), and all of an input is written in one transaction, a chunk of
documents at a time as its reader parses them (so a large file is never held whole): a bad
document anywhere refuses the file whole with a message naming the file, the document and the
span, and the rollback leaves nothing of the file behind.

Decisions:
- Documents are matched by content hash (the corpus importer's): a known text gets the file's
  annotations added, it is not stored twice. Spans, relations, document labels and notes that
  the matched document already has (same offsets, label, annotator and layer) are not added
  again, so importing a file twice changes nothing the second time. Identical spans within one
  input (same document, annotator, layer, label and offsets) are stored once, and so are the
  relations that become identical through them; ``IngestReport.duplicate_spans`` and
  ``duplicate_relations`` count the rest, which ``pipeline.import_input`` reports as left out.
- Span and relation ids of the file are kept when they are all positive integers, unique and
  unused in the project (an import into an empty project), which is what makes export → import
  → export give the same file; otherwise they are renumbered and relations follow.
- Text with CR characters is normalised as the corpus reader does (CRLF and lone CR become LF)
  and every offset is mapped through the change; span text is checked against the text as given.
- Labels, annotators and registry actors new to the project are created (labels outside the
  schema, as ``allow_new_label`` does) and reported, never dropped.
- A gold item's provenance (``origin_annotator``, ``adjudicator``) is stored with it, so
  export → merge → export keeps whose version each gold span is and who chose it; the file may
  give it on gold items only (elsewhere the columns mean nothing). A span's reviewer comments
  are stored as the review stores them (a note on the span), also on a span the matched
  document already has, unless that reviewer's same comment is there. A gold span the project
  already has without any provenance (merged before provenance travelled) takes the file's;
  provenance it has is never replaced.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeGuard

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from annotator.corpus.dates import is_published_date
from annotator.corpus.importer import ImportedDocument, content_hash
from annotator.corpus.titles import title_from_text
from annotator.errors import Errors, UserError
from annotator.formats.base import ReadOptions
from annotator.formats.canonical import ActorRecord, CanonicalDoc
from annotator.storable import unstorable
from annotator.store.actors import normalize
from annotator.store.database import advance_id_sequences, hold_import_lock, insert_unless_present, inserted_id
from annotator.store.models import (
    LAYERS,
    STATUSES,
    SUGGESTION_STATUSES,
    utcnow,
)
from annotator.store.project import label_color
from annotator.store.tables import (
    ACTOR,
    ALIAS,
    ANNOTATOR,
    DOC,
    DOC_LABEL,
    LABEL,
    NOTE,
    REL,
    SPAN,
    STATUS,
)
from annotator.store.versions import bumped
from annotator.tasks import TaskControl

if TYPE_CHECKING:
    from annotator.store.project import Project

_DEFAULT_OPTIONS = ReadOptions()
_LARGEST_ID = 2**31 - 1  # ids are INTEGER columns (32 bits on PostgreSQL); a file's larger ids are renumbered
_NAME_WIDTH = 200  # the provenance columns' width (PostgreSQL refuses a longer value)
#: Documents checked and written at a time; the transaction stays open between chunks.
CHUNK_DOCUMENTS = 500
CHUNK_CHARACTERS = 8_000_000


__all__ = ["IngestReport", "content_hash", "ingest_documents"]


@dataclass
class IngestReport:
    """What an ingestion wrote, and what it had to add to the project to write it."""

    added: list[ImportedDocument] = field(default_factory=list)  # documents stored, ``source`` is the file
    documents_matched: int = 0  # texts already in the project: annotations added to them
    spans: int = 0
    relations: int = 0
    doc_labels: int = 0
    notes: int = 0
    span_notes: int = 0  # spans written with a note (brat's AnnotatorNotes, a region's note)
    span_comments: int = 0  # reviewers' comments on spans (canonical JSONL's "comments")
    provenance_filled: int = 0  # gold spans already here, without provenance, given the file's
    statuses: int = 0
    already_present: int = 0  # spans/relations/labels/notes a matched document had already
    duplicate_spans: int = 0  # spans identical to one written before them in the same input
    duplicate_relations: int = 0  # relations identical to one written before them (often through such spans)
    new_labels: list[tuple[str, str]] = field(default_factory=list)  # (kind, name)
    new_annotators: list[str] = field(default_factory=list)
    new_actors: list[str] = field(default_factory=list)

    @property
    def documents_added(self) -> int:
        return len(self.added)


@dataclass
class _Span:
    key: Any  # the span's id in the file
    start: int
    end: int
    label: str
    annotator: str
    layer: str
    attrs: dict[str, Any]
    note: str
    actor: str | None
    score: float | None
    source: str | None
    status: str | None
    fragments: list[list[int]] | None
    origin: str | None = None  # gold provenance: whose version, who accepted it
    adjudicator: str | None = None
    comments: list[tuple[str, str, datetime | None]] = field(default_factory=list)  # (reviewer, text, when)


@dataclass
class _Relation:
    key: Any
    head: Any
    tail: Any
    label: str
    annotator: str
    layer: str
    attrs: dict[str, Any]
    origin: str | None = None
    adjudicator: str | None = None


@dataclass
class _Doc:
    name: str
    title: str
    text: str
    meta: dict[str, Any]
    spans: list[_Span]
    relations: list[_Relation]
    doc_labels: list[tuple[str, str, str]]  # (label, annotator, layer)
    notes: list[tuple[str, str]]  # (annotator, text)
    status: dict[str, str]


def ingest_documents(project: Project, docs: Iterable[CanonicalDoc], *, control: TaskControl | None = None,
                     source: str = "", options: ReadOptions = _DEFAULT_OPTIONS,
                     actors: Sequence[ActorRecord] = ()) -> IngestReport:
    """Check canonical documents and write them in one transaction (all or nothing), a chunk at a time.

    ``docs`` may be a reader that parses its file as it is taken (canonical JSONL does): the
    documents are checked and written a chunk at a time into the one open transaction, so neither
    the file nor its documents are ever held whole, and a document that fails its checks, the
    last one too, rolls back everything written before it.

    ``source`` names the file in error messages; ``options`` gives the annotator and layer of
    items that do not say whose they are. ``actors`` are registry records (``{"name", "type",
    "country", "aliases"}``, as canonical JSONL keeps beside the file) written in the same
    transaction: an actor the project lacks is created, one it has (names compared as the
    registry compares them) gains the aliases it lacked.
    """
    control = control or TaskControl()
    chunks = _checked_chunks(docs, source or "input", options)
    first = next(chunks, None)
    control.raise_if_cancelled()
    report = IngestReport()
    if first is None and not actors:
        return report
    with project.transaction() as connection:
        hold_import_lock(connection)  # before the writer reads what the project has
        writer = _Writer(connection, report, source)
        for actor in actors:
            writer.add_aliases(writer.actor_id(actor["name"], actor.get("type"), actor.get("country")),
                               actor.get("aliases") or [])
        written: list[int] = []
        for chunk in itertools.chain([first] if first else [], chunks):
            written += writer.write(chunk)
            control.raise_if_cancelled()
        project.note_change(document_list=True, documents=written)
        advance_id_sequences(connection, [SPAN, REL])
    return report


def _checked_chunks(docs: Iterable[CanonicalDoc], source: str, options: ReadOptions) -> Iterator[list[_Doc]]:
    """The documents checked, in chunks of ``CHUNK_DOCUMENTS`` or ``CHUNK_CHARACTERS`` of text."""
    chunk: list[_Doc] = []
    characters = 0
    for index, doc in enumerate(docs, start=1):
        chunk.append(_check(doc, index, source, options))
        characters += len(chunk[-1].text)
        if len(chunk) >= CHUNK_DOCUMENTS or characters >= CHUNK_CHARACTERS:
            yield chunk
            chunk, characters = [], 0
    if chunk:
        yield chunk


# --- validation ------------------------------------------------------------------------------


def _check(doc: object, index: int, source: str, options: ReadOptions) -> _Doc:
    """A document as the file gave it (a canonical JSONL line may hold anything), checked."""
    if not isinstance(doc, dict):
        raise UserError(Errors.E812.format(source=source, document=index, problem="it is not a JSON object"))
    name = doc.get("id")
    name = str(name) if isinstance(name, (str, int)) and not isinstance(name, bool) and name != "" else f"doc-{index}"

    def fail(problem: str) -> UserError:
        return UserError(Errors.E812.format(source=source, document=name, problem=problem))

    text = doc.get("text")
    if not isinstance(text, str) or not text.strip():
        raise fail('"text" must be a non-empty string')
    options.limits.check_document(text, f"{source}: document '{name}'")
    problem = unstorable(text, "its text") or unstorable(
        {key: value for key, value in doc.items() if key != "text"}, "the document")
    if problem:
        raise fail(f"{problem}, which a project cannot store; remove it from the file")
    meta = _published_checked(_typed(doc.get("meta"), dict, {}, '"meta"', fail), fail)
    title = _typed(doc.get("title"), str, "", '"title"', fail).strip()
    spans = [_check_span(item, position, text, name, source, options)
             for position, item in enumerate(_typed(doc.get("spans"), list, [], '"spans"', fail))]
    keys = [span.key for span in spans]
    if len(set(map(repr, keys))) != len(keys):
        raise fail("two spans have the same id")
    known = set(map(repr, keys))
    relations = []
    for position, item in enumerate(_typed(doc.get("relations"), list, [], '"relations"', fail)):
        relation = _check_relation(item, position, fail, options)
        for end, span_key in (("head", relation.head), ("tail", relation.tail)):
            if repr(span_key) not in known:
                raise UserError(Errors.E811.format(source=source, document=name, relation=relation.key, end=end,
                                                   span=span_key))
        relations.append(relation)
    doc_labels = []
    for item in _typed(doc.get("doc_labels"), list, [], '"doc_labels"', fail):
        if not isinstance(item, dict) or not _name(item.get("label")):
            raise fail('each of "doc_labels" needs a "label"')
        doc_labels.append((item["label"], _annotator(item, options, fail), _layer(item, options, fail)))
    notes = []
    for item in _typed(doc.get("notes"), list, [], '"notes"', fail):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise fail('each of "notes" needs a "text"')
        notes.append((_annotator(item, options, fail), item["text"]))
    status = _typed(doc.get("status"), dict, {}, '"status"', fail)
    for annotator, value in status.items():
        if value not in STATUSES or not annotator.strip():
            raise fail(f'status of "{annotator}" must be one of {", ".join(STATUSES)}, not {value!r}')
    checked = _Doc(name, title or title_from_text(text) or name, text, dict(meta), spans, relations, doc_labels,
                   notes, dict(status))
    if "\r" in text:
        _normalise_newlines(checked, source)
    return checked


def _published_checked(meta: dict[str, Any], fail: Any) -> dict[str, Any]:
    """``meta`` with its published date checked as the corpus importer checks it: the search's
    date filters compare ISO dates as text, so "2024-13-45" or "10.03.2014" would match wrongly."""
    published = meta.get("published")
    if published is None or (isinstance(published, str) and not published.strip()):
        return meta
    if not isinstance(published, str) or not is_published_date(published.strip()):
        raise fail(f'"meta.published" {published!r} is not an ISO date (YYYY, YYYY-MM, YYYY-MM-DD, or a date '
                   'and time such as 2024-03-31T14:05:00Z)')
    return {**meta, "published": published.strip()}


def _check_span(item: Any, position: int, text: str, document: str, source: str, options: ReadOptions) -> _Span:
    key = item.get("id", f"#{position + 1}") if isinstance(item, dict) else f"#{position + 1}"

    def fail(problem: str) -> UserError:
        return UserError(Errors.E810.format(source=source, document=document, span=key, problem=problem))

    if not isinstance(item, dict):
        raise fail("it is not a JSON object")
    start, end = item.get("start"), item.get("end")
    if not _is_int(start) or not _is_int(end):
        raise fail('"start" and "end" must be whole numbers')
    if not 0 <= start < end <= len(text):
        raise fail(f"{start}-{end} does not fit the text, which has {len(text)} characters")
    given = item.get("text")
    if given is not None and given != text[start:end]:
        raise fail(f"its text {given!r} is not the document's text there ({text[start:end]!r})")
    if not _name(item.get("label")):
        raise fail('"label" must be a non-empty string')
    fragments = item.get("fragments")
    if fragments is not None:
        fragments = _check_fragments(fragments, start, end, fail)
    status = item.get("status")
    if status is not None and status not in SUGGESTION_STATUSES:
        raise fail(f'"status" must be one of {", ".join(SUGGESTION_STATUSES)}')
    score = item.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, (int, float))):
        raise fail('"score" must be a number')
    layer = _layer(item, options, fail)
    if layer == "suggestion" and status is None:
        status = "pending"
    actor = item.get("actor")
    origin, adjudicator = _provenance(item, layer, fail)
    return _Span(key, start, end, item["label"], _annotator(item, options, fail), layer,
                 dict(_typed(item.get("attrs"), dict, {}, '"attrs"', fail)),
                 _typed(item.get("note"), str, "", '"note"', fail), actor if _name(actor) else None,
                 score, _typed(item.get("source"), str, "", '"source"', fail) or None, status, fragments,
                 origin, adjudicator, _check_comments(item.get("comments"), options, fail))


def _provenance(item: dict[str, Any], layer: str, fail: Any) -> tuple[str | None, str | None]:
    """A gold item's (origin annotator, adjudicator), each a name or None."""
    values: list[str | None] = []
    for key in ("origin_annotator", "adjudicator"):
        value = item.get(key)
        if value is None or value == "":
            values.append(None)
            continue
        if not _name(value) or len(value.strip()) > _NAME_WIDTH:
            raise fail(f'"{key}" must be a name of at most {_NAME_WIDTH} characters')
        if layer != "gold":
            raise fail(f'"{key}" is kept for gold items only, and this one is in the {layer} layer')
        values.append(value.strip())
    return values[0], values[1]


def _check_comments(value: Any, options: ReadOptions, fail: Any) -> list[tuple[str, str, datetime | None]]:
    """A span's reviewer comments: ``[{"annotator", "text", "created"?}]``."""
    comments = []
    for comment in _typed(value, list, [], '"comments"', fail):
        if not isinstance(comment, dict) or not _name(comment.get("text")):
            raise fail('each of "comments" needs a "text"')
        created = comment.get("created")
        when = None
        if created is not None:
            try:
                when = datetime.fromisoformat(created) if isinstance(created, str) else None
            except ValueError:
                pass
            if when is None:
                raise fail(f'a comment\'s "created" {created!r} is not an ISO date and time')
            when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
        comments.append((_annotator(comment, options, fail), comment["text"], when))
    return comments


def _check_fragments(fragments: Any, start: int, end: int, fail: Any) -> list[list[int]] | None:
    if not isinstance(fragments, list) or not all(
            isinstance(piece, list) and len(piece) == 2 and all(_is_int(v) for v in piece) for piece in fragments):
        raise fail('"fragments" must be a list of [start, end] pairs')
    if len(fragments) < 2:
        return None
    previous = -1
    for a, b in fragments:
        if not a < b or a < previous:
            raise fail(f"fragment {a}-{b} is empty or out of order")
        previous = b
    if fragments[0][0] != start or fragments[-1][1] != end:
        raise fail("its fragments must begin at its start and end at its end")
    return [list(piece) for piece in fragments]


def _check_relation(item: Any, position: int, fail: Any, options: ReadOptions) -> _Relation:
    if not isinstance(item, dict) or "head" not in item or "tail" not in item or not _name(item.get("label")):
        raise fail(f'relation {position + 1} needs "head", "tail" and "label"')
    layer = _layer(item, options, fail)
    return _Relation(item.get("id", f"#{position + 1}"), item["head"], item["tail"], item["label"],
                     _annotator(item, options, fail), layer,
                     dict(_typed(item.get("attrs"), dict, {}, '"attrs"', fail)),
                     *_provenance(item, layer, lambda problem: fail(f"relation {position + 1}: {problem}")))


def _annotator(item: dict[str, Any], options: ReadOptions, fail: Any) -> str:
    value = item.get("annotator")
    if value is None:
        return options.annotator
    if not _name(value):
        raise fail('"annotator" must be a non-empty string')
    return str(value).strip()


def _layer(item: dict[str, Any], options: ReadOptions, fail: Any) -> str:
    value = item.get("layer") or options.layer
    if value not in LAYERS:
        raise fail(f'"layer" must be one of {", ".join(LAYERS)}, not {value!r}')
    return str(value)


def _typed(value: Any, kind: type, default: Any, what: str, fail: Any) -> Any:
    if value is None:
        return default
    if not isinstance(value, kind):
        raise fail(f"{what} must be {'an object' if kind is dict else 'a list' if kind is list else 'a string'}")
    return value


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _name(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _normalise_newlines(doc: _Doc, source: str) -> None:
    """CRLF and lone CR become LF, as the corpus reader stores text; offsets follow.

    An offset maps to the number of characters kept before it; the CR of a CRLF pair is the
    character dropped, so an offset between CR and LF lands before the new LF.
    """
    text = doc.text
    kept = [0] * (len(text) + 1)
    count = 0
    for index, char in enumerate(text):
        kept[index] = count
        if not (char == "\r" and text[index + 1:index + 2] == "\n"):
            count += 1
    kept[len(text)] = count
    for span in doc.spans:
        start, end = kept[span.start], kept[span.end]
        if start >= end:
            raise UserError(Errors.E810.format(source=source, document=doc.name, span=span.key,
                                               problem="it covers only a CR, which becomes part of a line break"))
        span.start, span.end = start, end
        if span.fragments:
            span.fragments = [[kept[a], kept[b]] for a, b in span.fragments]
    doc.text = text.replace("\r\n", "\n").replace("\r", "\n")


# --- writing ---------------------------------------------------------------------------------


class _Writer:
    """One transaction's worth of writes, with name → id maps that live only as long as it."""

    def __init__(self, connection: Connection, report: IngestReport, source: str) -> None:
        self.connection = connection
        self.report = report
        self.source = source
        self.now = utcnow()
        self.labels = {(kind, name): label_id for label_id, kind, name in connection.execute(
            sa.select(LABEL.c.id, LABEL.c.kind, LABEL.c.name))}
        self.annotators: dict[str, int] = dict(connection.execute(sa.select(ANNOTATOR.c.name, ANNOTATOR.c.id)).all())
        self.actors = {normalize(name): actor_id for actor_id, name in connection.execute(
            sa.select(ACTOR.c.id, ACTOR.c.name))}
        self.inserted: set[int] = set()  # documents this input added, in an earlier chunk or this one

    # names to ids, creating what is missing

    def label_id(self, kind: str, name: str) -> int:
        key = (kind, name)
        if key not in self.labels:  # an analyst's window may add the same label at this moment
            insert_unless_present(self.connection, LABEL, {"kind": kind, "name": name, "color": label_color(name),
                                                           "in_schema": False}, ["kind", "name"])
            self.labels[key] = self.connection.execute(
                sa.select(LABEL.c.id).where(LABEL.c.kind == kind, LABEL.c.name == name)).scalar_one()
            self.report.new_labels.append(key)
        return self.labels[key]

    def annotator_id(self, name: str, layer: str) -> int:
        if name not in self.annotators:  # or register the same annotator, as the label above
            kind = "model" if layer == "suggestion" else "human"
            insert_unless_present(self.connection, ANNOTATOR, {"name": name, "kind": kind, "created_at": self.now},
                                  ["name"])
            self.annotators[name] = self.connection.execute(
                sa.select(ANNOTATOR.c.id).where(ANNOTATOR.c.name == name)).scalar_one()
            self.report.new_annotators.append(name)
        return self.annotators[name]

    def actor_id(self, name: str, type_: str | None = None, country: str | None = None) -> int:
        clean = " ".join(str(name).split())
        key = normalize(clean)
        if key not in self.actors:
            self.actors[key] = inserted_id(self.connection.execute(ACTOR.insert().values(
                name=clean, type=type_ or None, country=country or None, created_at=self.now,
                updated_at=self.now)))
            self.add_aliases(self.actors[key], [clean])
            self.report.new_actors.append(clean)
        return self.actors[key]

    def add_aliases(self, actor_id: int, aliases: Iterable[str]) -> None:
        have = set(self.connection.execute(
            sa.select(ALIAS.c.normalized).where(ALIAS.c.actor_id == actor_id)).scalars())
        for alias in aliases:
            text = " ".join(str(alias).split())
            key = normalize(text)
            if key and key not in have:
                have.add(key)
                self.connection.execute(ALIAS.insert().values(actor_id=actor_id, alias=text, normalized=key,
                                                              created_at=self.now))

    def stamped(self, table: sa.Table) -> sa.Insert:
        """A bulk insert whose timestamps are written into the SQL once: a bound value, even
        ``sa.literal``, is converted again for every one of 200,000 rows (a second per import).
        The text is SQLAlchemy's own SQLite storage format, so reading it back is unchanged."""
        if self.connection.dialect.name != "sqlite":
            return table.insert().values(created_at=self.now, updated_at=self.now)
        stamp: sa.ColumnElement[Any] = sa.literal_column(f"'{self.now.strftime('%Y-%m-%d %H:%M:%S.%f')}'")
        return table.insert().values(created_at=stamp, updated_at=stamp)

    # the documents

    def write(self, docs: list[_Doc]) -> list[int]:
        """Write the documents and what they carry; returns their ids (new or matched)."""
        doc_ids, matched = self._documents(docs)
        repeated = matched & self.inserted  # texts this input added in an earlier chunk
        matched -= repeated
        existing = self._existing(matched | repeated)
        span_ids = self._spans(docs, doc_ids, existing, repeated)
        self._comments(docs, doc_ids, span_ids, existing)
        self._relations(docs, doc_ids, span_ids, existing, repeated)
        self._doc_extras(docs, doc_ids, existing, matched | repeated)
        return doc_ids

    def _documents(self, docs: list[_Doc]) -> tuple[list[int], set[int]]:
        """Each document's id (inserting new texts), and the ids of those the project had."""
        hashes = [content_hash(doc.text) for doc in docs]
        known: dict[str, int] = {}
        for start in range(0, len(hashes), 500):
            known.update(self.connection.execute(
                sa.select(DOC.c.content_hash, DOC.c.id).where(DOC.c.content_hash.in_(hashes[start:start + 500]))).all())
        matched = set(known.values())
        rows: list[dict[str, Any]] = []
        seen = set(known)
        for doc, digest in zip(docs, hashes, strict=True):
            if digest not in seen:
                seen.add(digest)
                meta = doc.meta
                rows.append({
                    "name": doc.name, "title": doc.title, "text": doc.text, "content_hash": digest, "n_chars": len(doc.text),
                    "meta": meta, "source": _text(meta.get("source")) or "", "url": _text(meta.get("url")),
                    "published": _text(meta.get("published"), 40),
                    # detected after the import, as for a plain one (``store.pending``)
                    "language": None})
        if rows:  # multi-row statements, not one a row (see corpus.importer._write)
            new: dict[str, int] = dict(
                self.connection.execute(self.stamped(DOC).returning(DOC.c.content_hash, DOC.c.id), rows).all())
            known.update(new)
            self.inserted.update(new.values())
        self.report.added += [ImportedDocument(known[row["content_hash"]], row["name"], row["title"], self.source)
                              for row in rows]
        self.report.documents_matched += len(docs) - len(rows)
        return [known[digest] for digest in hashes], matched

    def _existing(self, doc_ids: set[int]) -> dict[str, Any]:
        """What matched documents already hold, as comparable keys (nothing for new documents)."""
        found: dict[str, Any] = {"spans": {}, "relations": set(), "doc_labels": set(), "notes": set(),
                                 "comments": set()}
        ids = sorted(doc_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for row in self.connection.execute(sa.select(
                    SPAN.c.id, SPAN.c.document_id, SPAN.c.start_offset, SPAN.c.end_offset, SPAN.c.label_id,
                    SPAN.c.annotator_id, SPAN.c.layer).where(SPAN.c.document_id.in_(chunk))):
                found["spans"][tuple(row[1:])] = row[0]
            found["relations"].update(tuple(row) for row in self.connection.execute(sa.select(
                REL.c.head_id, REL.c.tail_id, REL.c.label_id, REL.c.annotator_id, REL.c.layer)
                .where(REL.c.document_id.in_(chunk))))
            found["doc_labels"].update(tuple(row) for row in self.connection.execute(sa.select(
                DOC_LABEL.c.document_id, DOC_LABEL.c.annotator_id, DOC_LABEL.c.layer, DOC_LABEL.c.label_id)
                .where(DOC_LABEL.c.document_id.in_(chunk))))
            for document_id, span_id, annotator_id, text in self.connection.execute(sa.select(
                    NOTE.c.document_id, NOTE.c.span_id, NOTE.c.annotator_id, NOTE.c.text)
                    .where(NOTE.c.document_id.in_(chunk))):
                if span_id is None:
                    found["notes"].add((document_id, annotator_id, text))
                else:
                    found["comments"].add((span_id, annotator_id, text))
        return found

    def _spans(self, docs: list[_Doc], doc_ids: list[int], existing: dict[str, Any],
               repeated: set[int]) -> list[dict[str, int]]:
        """Insert the spans; returns, per document, the file's span key (as repr) → database id.
        A span the same text had earlier in the input (``repeated``: written by an earlier chunk)
        is a duplicate of it, as within a chunk."""
        maps: list[dict[str, int]] = []
        rows: list[dict[str, Any]] = []
        first: dict[tuple[Any, ...], tuple[int, str]] = {}  # key → (document, file key) of the span written for it
        repeats: list[tuple[int, str, tuple[int, str]]] = []
        for position, (doc, doc_id) in enumerate(zip(docs, doc_ids, strict=True)):
            mapping: dict[str, int] = {}
            for span in doc.spans:
                label_id = self.label_id("span", span.label)
                annotator_id = self.annotator_id(span.annotator, span.layer)
                key = (doc_id, span.start, span.end, label_id, annotator_id, span.layer)
                if key in existing["spans"] and doc_id in repeated:
                    mapping[repr(span.key)] = existing["spans"][key]
                    self.report.duplicate_spans += 1
                    continue
                if key in existing["spans"]:
                    mapping[repr(span.key)] = existing["spans"][key]
                    self.report.already_present += 1
                    if span.origin or span.adjudicator:
                        self._fill_provenance(existing["spans"][key], span)
                    continue
                if key in first:  # the same span again in this input: its relations go to the first
                    mapping[repr(span.key)] = 0  # resolved below, once the first has its id
                    repeats.append((position, repr(span.key), first[key]))
                    continue
                first[key] = (position, repr(span.key))
                rows.append({
                    "file_key": span.key, "document_id": doc_id, "annotator_id": annotator_id, "layer": span.layer,
                    "label_id": label_id, "start_offset": span.start, "end_offset": span.end, "attrs": span.attrs,
                    "note": span.note, "score": span.score, "source": span.source, "status": span.status,
                    "fragments": span.fragments, "actor_id": self.actor_id(span.actor) if span.actor else None,
                    "origin_annotator": span.origin, "adjudicator": span.adjudicator})
            maps.append(mapping)
        new_ids = self._ids(SPAN, [row.pop("file_key") for row in rows])
        for row, new_id in zip(rows, new_ids, strict=True):
            row["id"] = new_id
        index = 0
        for doc, mapping in zip(docs, maps, strict=True):
            for span in doc.spans:
                if repr(span.key) not in mapping:
                    mapping[repr(span.key)] = rows[index]["id"]
                    index += 1
        for position, span_key, (at, first_key) in repeats:
            maps[position][span_key] = maps[at][first_key]
        self.report.duplicate_spans += len(repeats)
        if rows:
            self.connection.execute(self.stamped(SPAN), rows)
        self.report.spans += len(rows)
        self.report.span_notes += sum(1 for row in rows if row["note"])
        return maps

    def _fill_provenance(self, span_id: int, span: _Span) -> None:
        """Give a gold span the project has without provenance the file's (a bumped version, as
        every edit of a span, so a window holding the old one hears of it)."""
        filled = self.connection.execute(SPAN.update().where(
            SPAN.c.id == span_id, SPAN.c.origin_annotator.is_(None), SPAN.c.adjudicator.is_(None))
            .values(origin_annotator=span.origin, adjudicator=span.adjudicator, **bumped(SPAN))).rowcount
        self.report.provenance_filled += filled

    def _comments(self, docs: list[_Doc], doc_ids: list[int], span_ids: list[dict[str, int]],
                  existing: dict[str, Any]) -> None:
        """The spans' reviewer comments, onto the spans written or matched for them."""
        rows: list[dict[str, Any]] = []
        for doc, doc_id, mapping in zip(docs, doc_ids, span_ids, strict=True):
            for span in doc.spans:
                for reviewer, text, when in span.comments:
                    key = (mapping[repr(span.key)], self.annotator_id(reviewer, "annotation"), text)
                    if key in existing["comments"]:
                        self.report.already_present += 1
                        continue
                    existing["comments"].add(key)
                    rows.append({"document_id": doc_id, "span_id": key[0], "annotator_id": key[1], "text": text,
                                 "created_at": when or self.now})
        if rows:
            self.connection.execute(NOTE.insert(), rows)
        self.report.span_comments += len(rows)

    def _relations(self, docs: list[_Doc], doc_ids: list[int], span_ids: list[dict[str, int]],
                   existing: dict[str, Any], repeated: set[int]) -> None:
        rows: list[dict[str, Any]] = []
        keys: list[Any] = []
        written: set[tuple[Any, ...]] = set()
        for doc, doc_id, mapping in zip(docs, doc_ids, span_ids, strict=True):
            for relation in doc.relations:
                head, tail = mapping[repr(relation.head)], mapping[repr(relation.tail)]
                label_id = self.label_id("relation", relation.label)
                annotator_id = self.annotator_id(relation.annotator, relation.layer)
                key = (head, tail, label_id, annotator_id, relation.layer)
                if key in existing["relations"] and doc_id not in repeated:
                    self.report.already_present += 1
                    continue
                if key in written or key in existing["relations"]:
                    self.report.duplicate_relations += 1
                    continue
                written.add(key)
                keys.append(relation.key)
                rows.append({"document_id": doc_id, "annotator_id": annotator_id, "layer": relation.layer,
                                 "label_id": label_id, "head_id": head, "tail_id": tail, "attrs": relation.attrs,
                                 "created_at": self.now, "origin_annotator": relation.origin,
                                 "adjudicator": relation.adjudicator})
        for row, new_id in zip(rows, self._ids(REL, keys), strict=True):
            row["id"] = new_id
        if rows:
            self.connection.execute(REL.insert(), rows)
        self.report.relations += len(rows)

    def _doc_extras(self, docs: list[_Doc], doc_ids: list[int], existing: dict[str, Any],
                    matched: set[int]) -> None:
        labels, notes = [], []
        statuses: dict[tuple[int, int], dict[str, Any]] = {}  # a text twice in one file: its last status wins
        for doc, doc_id in zip(docs, doc_ids, strict=True):
            for label, annotator, layer in doc.doc_labels:
                key = (doc_id, self.annotator_id(annotator, layer), layer, self.label_id("document", label))
                if key in existing["doc_labels"]:
                    self.report.already_present += 1
                    continue
                existing["doc_labels"].add(key)
                labels.append({"document_id": doc_id, "annotator_id": key[1], "layer": layer, "label_id": key[3],
                                   "created_at": self.now})
            for annotator, text in doc.notes:
                note_key = (doc_id, self.annotator_id(annotator, "annotation"), text)
                if note_key in existing["notes"]:
                    self.report.already_present += 1
                    continue
                notes.append({"document_id": doc_id, "annotator_id": note_key[1], "text": text,
                              "created_at": self.now})
            for annotator, status in doc.status.items():
                annotator_id = self.annotator_id(annotator.strip(), "annotation")
                if doc_id in matched:  # the file's status replaces the project's, unless it is the same
                    mine = (STATUS.c.document_id == doc_id, STATUS.c.annotator_id == annotator_id)
                    if self.connection.execute(sa.select(STATUS.c.status).where(*mine)).scalar() == status:
                        self.report.already_present += 1
                        continue
                    self.connection.execute(STATUS.delete().where(*mine))
                statuses[(doc_id, annotator_id)] = {"document_id": doc_id, "annotator_id": annotator_id,
                                                    "status": status, "updated_at": self.now}
        for table, rows in ((DOC_LABEL, labels), (NOTE, notes), (STATUS, list(statuses.values()))):
            if rows:
                self.connection.execute(table.insert(), rows)
        self.report.doc_labels += len(labels)
        self.report.notes += len(notes)
        self.report.statuses += len(statuses)

    def _ids(self, table: sa.Table, keys: list[Any]) -> list[int]:
        """The file's ids when they are all free positive integers, else fresh ones after the largest."""
        if not keys:
            return []
        if all(_is_int(key) and 0 < key <= _LARGEST_ID for key in keys) and len(set(keys)) == len(keys):
            taken = 0
            for start in range(0, len(keys), 500):
                taken += self.connection.execute(sa.select(sa.func.count()).select_from(table)
                                                 .where(table.c.id.in_(keys[start:start + 500]))).scalar_one()
            if not taken:
                return list(keys)
        largest = self.connection.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))).scalar_one()
        return list(range(largest + 1, largest + 1 + len(keys)))


def _text(value: Any, limit: int | None = None) -> str | None:
    """A metadata value for a text column: strings only, cut to the column's width."""
    return value[:limit] if isinstance(value, str) and value else None
