"""The language of each document (``document.language``): read for the list, set as a user action.

Detection on import fills it (``annotator.corpus.language``); the analyst corrects it from the
window or ``annotator docs --set-language``, and suggestions are routed by it. A change is
guarded like every other edit: it says which language it expects to replace, so a correction
made by a teammate meanwhile is refused (E1324) rather than silently overwritten, and an undo
expects what its step wrote.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import sqlalchemy as sa

from annotator.errors import Errors, UserError
from annotator.store.tables import DOC

if TYPE_CHECKING:
    from annotator.store.project import Project

_IN_CHUNK = 500


def document_languages(project: Project, doc_ids: Iterable[int]) -> dict[int, str | None]:
    """The language of each of ``doc_ids`` that exists (None: not known)."""
    ids = list(doc_ids)
    found: dict[int, str | None] = {}
    with project.reading() as connection:
        for start in range(0, len(ids), _IN_CHUNK):
            rows = connection.execute(sa.select(DOC.c.id, DOC.c.language)
                                      .where(DOC.c.id.in_(ids[start:start + _IN_CHUNK]))).all()
            found.update((doc_id, language) for doc_id, language in rows)
    return found


def set_document_language(project: Project, doc_id: int, language: str | None, *, expected: str | None) -> None:
    """Make ``doc_id``'s language ``language``, where it is ``expected`` now (E1324 otherwise)."""
    with project.transaction() as connection:
        row = connection.execute(sa.select(DOC.c.language).where(DOC.c.id == doc_id)).one_or_none()
        if row is None:
            raise UserError(Errors.E105.format(doc_id=doc_id, location=project.location))
        if row.language != expected:
            raise UserError(Errors.E1324.format(doc_id=doc_id, current=row.language or "unknown",
                                                seen=expected or "unknown"))
        connection.execute(DOC.update().where(DOC.c.id == doc_id).values(language=language))
        project.note_change(documents=[doc_id])
