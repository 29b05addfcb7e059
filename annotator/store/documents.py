"""Reading documents: the list, one document, its canonical JSON shape, project statistics.

The document list is built for 100,000 rows: ``ids`` returns only ids in display order and
``summaries`` fetches the few rows on screen, the way Anki's browser table does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from annotator.errors import Errors, UserError
from annotator.storable import parse_id, unstorable
from annotator.store.quick_reads import document_overview
from annotator.store.records import DocumentRecord, DocumentSummary
from annotator.store.tables import ANNOTATOR, DOC, LABEL, SPAN, STATUS

if TYPE_CHECKING:
    from annotator.store.project import Project


_STATUS_ORDER = {"todo": 0, "in_progress": 1, "done": 2}
_LISTED = 10  # documents named in an "ambiguous name" message
_IN_CHUNK = 500  # ids per IN (...) list, well under every backend's bound-parameter limit


def _summary_rows(mine: bool) -> sa.Select[Any]:
    """The list rows of documents ``ids``, with the status of ``annotator_id`` when ``mine``:
    joined to the document's row, one statement, as the window's list asks again for the open
    document's row after every edit."""
    status = STATUS.c.status if mine else sa.null()
    query = sa.select(DOC.c.id, DOC.c.name, DOC.c.title, DOC.c.n_chars, DOC.c.updated_at,
                      status.label("status")).where(DOC.c.id.in_(sa.bindparam("ids", expanding=True)))
    if mine:
        query = query.select_from(DOC.outerjoin(STATUS, sa.and_(
            STATUS.c.document_id == DOC.c.id, STATUS.c.annotator_id == sa.bindparam("annotator_id"))))
    return query


def _span_counts(mine: bool) -> sa.Select[Any]:
    """The own spans of documents ``uncounted`` (``annotator_id``'s when ``mine``)."""
    query = (sa.select(SPAN.c.document_id, sa.func.count())
             .where(SPAN.c.document_id.in_(sa.bindparam("uncounted", expanding=True)), SPAN.c.layer == "annotation")
             .group_by(SPAN.c.document_id))
    return query.where(SPAN.c.annotator_id == sa.bindparam("annotator_id")) if mine else query


# Built once, with bound parameters (why: ``annotations``' note on ``SPAN_BY_ID``), by whether
# an annotator's status and counts are asked for.
_SUMMARY_ROWS = {mine: _summary_rows(mine) for mine in (False, True)}
_DOCUMENT = sa.select(DOC).where(DOC.c.id == sa.bindparam("doc_id"))  # opening one
_SPAN_COUNTS = {mine: _span_counts(mine) for mine in (False, True)}


class UnknownDocument(UserError):
    """No document has the id or name a user gave (E105)."""


def _shortened(title: str, width: int = 60) -> str:
    return title if len(title) <= width else title[: width - 1] + "…"


class Documents:
    """Read access to the project's documents."""

    def __init__(self, project: Project) -> None:
        self._project = project

    def count(self) -> int:
        with self._project.reading() as connection:
            return connection.execute(sa.select(sa.func.count()).select_from(DOC)).scalar_one()

    def ids(self, *, title_filter: str = "", status: str | None = None,
            annotator: str | None = None, sort: str = "id") -> list[int]:
        """Document ids in display order, optionally filtered by title/name text and status.

        ``sort`` is ``id``, ``title``, ``status`` (todo first; needs ``annotator``) or
        ``updated`` (most recently edited first).
        """
        query = sa.select(DOC.c.id)
        status_column = None
        if annotator is not None and (status is not None or sort == "status"):
            annotator_id = self._project.reading_annotator_id(annotator)
            query = query.outerjoin(
                STATUS, sa.and_(STATUS.c.document_id == DOC.c.id, STATUS.c.annotator_id == annotator_id)
            )
            status_column = sa.func.coalesce(STATUS.c.status, "todo")
        if title_filter:
            pattern = f"%{title_filter}%"
            query = query.where(sa.or_(DOC.c.title.ilike(pattern), DOC.c.name.ilike(pattern)))
        if status is not None and status_column is not None:
            query = query.where(status_column == status)
        if sort == "title":
            query = query.order_by(DOC.c.title, DOC.c.id)
        elif sort == "updated":
            query = query.order_by(DOC.c.updated_at.desc(), DOC.c.id)
        elif sort == "status" and status_column is not None:
            order = sa.case(_STATUS_ORDER, value=status_column, else_=0)
            query = query.order_by(order, DOC.c.id)
        else:
            query = query.order_by(DOC.c.id)
        with self._project.reading() as connection:
            return list(connection.execute(query).scalars())

    def summaries(self, doc_ids: list[int], annotator: str | None = None, *,
                  counted: Mapping[int, int] | None = None) -> list[DocumentSummary]:
        """List rows for ``doc_ids`` (in that order): status and span count are ``annotator``'s.
        ``counted``: span counts the caller already knows (the open document's, which the
        editor keeps), not counted again; counting 20,000 spans takes milliseconds."""
        counted = counted or {}
        if not doc_ids:
            return []
        annotator_id = self._project.reading_annotator_id(annotator) if annotator else None
        uncounted = [doc_id for doc_id in doc_ids if doc_id not in counted]
        mine = annotator_id is not None
        parameters = {"ids": doc_ids, "uncounted": uncounted, "annotator_id": annotator_id}
        with self._project.reading() as connection:
            rows = connection.execute(_SUMMARY_ROWS[mine], parameters).all()
            counts: dict[int, int] = dict(counted)
            if uncounted:
                counts.update((doc_id, count) for doc_id, count in connection.execute(_SPAN_COUNTS[mine], parameters))
        by_id = {row.id: row for row in rows}
        return [
            DocumentSummary(
                id=row.id, name=row.name, title=row.title, n_chars=row.n_chars,
                status=row.status or "todo", span_count=counts.get(row.id, 0),
                updated_at=row.updated_at,
            )
            for doc_id in doc_ids
            if (row := by_id.get(doc_id)) is not None
        ]

    def languages(self, doc_ids: list[int]) -> dict[int, str | None]:
        """The language of each of ``doc_ids`` (None: not known; ``store.languages``)."""
        from annotator.store.languages import document_languages

        return document_languages(self._project, doc_ids)

    def get(self, doc_id: int) -> DocumentRecord:
        with self._project.reading() as connection:
            row = connection.execute(_DOCUMENT, {"doc_id": doc_id}).one_or_none()
        if row is None:
            raise UserError(Errors.E105.format(doc_id=doc_id, location=self._project.location))
        return DocumentRecord(
            id=row.id, name=row.name, title=row.title, text=row.text, source=row.source, url=row.url,
            published=row.published, content_hash=row.content_hash, meta=dict(row.meta or {}),
            updated_at=row.updated_at,
        )

    def texts(self, doc_ids: list[int]) -> dict[int, str]:
        """The texts of some documents in one query (for batch work such as suggestions)."""
        with self._project.reading() as connection:
            return dict(connection.execute(sa.select(DOC.c.id, DOC.c.text).where(DOC.c.id.in_(doc_ids))).all())

    def characters(self, doc_ids: list[int] | None = None) -> int:
        """How many characters ``doc_ids`` (None: every document) hold together: what a long run
        over them (suggestions) reports its progress against."""
        total = sa.select(sa.func.coalesce(sa.func.sum(DOC.c.n_chars), 0))
        with self._project.reading() as connection:
            if doc_ids is None:
                return int(connection.execute(total).scalar_one())
            return sum(int(connection.execute(total.where(DOC.c.id.in_(doc_ids[start:start + _IN_CHUNK]))).scalar_one())
                       for start in range(0, len(doc_ids), _IN_CHUNK))

    def resolve(self, reference: str | int) -> int:
        """A document id from what a user typed: its numeric id or its name.

        A number is an id first, so an id always reaches its document, even when another
        document is named like it (every document has an id; ``annotator docs`` lists them).
        Names are not unique (two records with the same "id" field in different files, a file
        stem that is also another's id), so a name shared by several documents is refused as
        ambiguous (E402), listing them, rather than picking one or claiming there is none.
        """
        text = str(reference).strip()
        if unstorable(text, "the name") is not None:  # no document can have it; the database would refuse the query
            raise UnknownDocument(Errors.E105.format(doc_id=text, location=self._project.location))
        with self._project.reading() as connection:
            number = parse_id(text)
            if number is not None:
                found = connection.execute(sa.select(DOC.c.id).where(DOC.c.id == number)).scalar_one_or_none()
                if found is not None:
                    return found
            matches = connection.execute(
                sa.select(DOC.c.id, DOC.c.title).where(DOC.c.name == text).order_by(DOC.c.id)
                .limit(_LISTED + 1)).all()
            count = len(matches) if len(matches) <= _LISTED else connection.execute(
                sa.select(sa.func.count()).select_from(DOC).where(DOC.c.name == text)).scalar_one()
        if len(matches) == 1:
            return matches[0].id
        if not matches:
            raise UnknownDocument(Errors.E105.format(doc_id=text, location=self._project.location))
        candidates = "; ".join(f"id {row.id} ({_shortened(row.title)})" for row in matches[:_LISTED])
        if count > _LISTED:
            candidates += f"; and {count - _LISTED} more"
        raise UserError(Errors.E402.format(reference=text, count=count, location=self._project.location,
                                           candidates=candidates))

    def statuses(self, doc_id: int) -> dict[str, str]:
        """Every annotator's status on one document."""
        with self._project.reading() as connection:
            rows = connection.execute(
                sa.select(ANNOTATOR.c.name, STATUS.c.status)
                .join(ANNOTATOR, ANNOTATOR.c.id == STATUS.c.annotator_id)
                .where(STATUS.c.document_id == doc_id)
                .order_by(ANNOTATOR.c.name)
            ).all()
        return {name: status for name, status in rows}

    def progress(self, annotator: str) -> tuple[int, int]:
        """(documents ``annotator`` marked done, all documents)."""
        annotator_id = self._project.reading_annotator_id(annotator)
        with self._project.reading() as connection:
            done = connection.execute(
                sa.select(sa.func.count()).select_from(STATUS)
                .where(STATUS.c.annotator_id == annotator_id, STATUS.c.status == "done")
            ).scalar_one()
        return done, self.count()

    def overview(self) -> list[dict[str, Any]]:
        """Every document with its size, span counts and status per annotator (``annotator docs``)."""
        with self._project.reading() as connection:
            docs = connection.execute(
                sa.select(DOC.c.id, DOC.c.name, DOC.c.title, DOC.c.n_chars).order_by(DOC.c.id)
            ).all()
            counts = connection.execute(
                sa.select(SPAN.c.document_id, ANNOTATOR.c.name, SPAN.c.layer, sa.func.count())
                .join(ANNOTATOR, ANNOTATOR.c.id == SPAN.c.annotator_id)
                .group_by(SPAN.c.document_id, ANNOTATOR.c.name, SPAN.c.layer)
                .order_by(ANNOTATOR.c.name)
            ).all()
            statuses = connection.execute(
                sa.select(STATUS.c.document_id, ANNOTATOR.c.name, STATUS.c.status)
                .join(ANNOTATOR, ANNOTATOR.c.id == STATUS.c.annotator_id)
                .order_by(ANNOTATOR.c.name)
            ).all()
        return document_overview(docs, counts, statuses)

    def stats(self) -> dict[str, Any]:
        """Counts for ``annotator stats``: documents, annotators, spans per label and annotator."""
        with self._project.reading() as connection:
            n_docs, n_chars = connection.execute(
                sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(DOC.c.n_chars), 0))
            ).one()
            rows = connection.execute(
                sa.select(LABEL.c.name, ANNOTATOR.c.name, SPAN.c.layer, sa.func.count())
                .select_from(SPAN)
                .join(LABEL, LABEL.c.id == SPAN.c.label_id)
                .join(ANNOTATOR, ANNOTATOR.c.id == SPAN.c.annotator_id)
                .group_by(LABEL.c.name, ANNOTATOR.c.name, SPAN.c.layer)
                .order_by(LABEL.c.name, ANNOTATOR.c.name, SPAN.c.layer)
            ).all()
            done: dict[str, int] = dict(connection.execute(
                sa.select(ANNOTATOR.c.name, sa.func.count())
                .join(STATUS, STATUS.c.annotator_id == ANNOTATOR.c.id)
                .where(STATUS.c.status == "done")
                .group_by(ANNOTATOR.c.name)
            ).all())
        spans: dict[str, dict[str, int]] = {}
        for label, annotator, layer, count in rows:
            key = annotator if layer == "annotation" else f"{annotator} ({layer})"
            spans.setdefault(label, {})[key] = count
        return {
            "documents": n_docs,
            "characters": n_chars,
            "annotators": self._project.annotator_names(),
            "done": done,
            "spans": spans,
            "span_total": sum(count for *_rest, count in rows),
        }

