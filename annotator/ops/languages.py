"""Setting a document's language: one operation, one undo step (see ``store.languages``)."""

from __future__ import annotations

from annotator.errors import Errors, UserError
from annotator.ops.operation import Done, Operation
from annotator.store import Project
from annotator.store.languages import set_document_language


class SetLanguage(Operation):
    """Make a document's language ``language`` (None: unknown), replacing ``expected``, the
    language the analyst saw; the undo puts ``expected`` back where the step's value still is."""

    def __init__(self, doc_id: int, language: str | None, *, expected: str | None) -> None:
        self.label = f"Set language to {language or 'unknown'}"
        self._args = (doc_id, language, expected)

    def run(self, project: Project) -> Done[str | None]:
        doc_id, language, expected = self._args
        if language == expected:
            raise UserError(Errors.E1322.format(doc_id=doc_id, language=language or "unknown"))
        set_document_language(project, doc_id, language, expected=expected)
        return Done(language, SetLanguage(doc_id, expected, expected=language))
