"""Deciding on model suggestions as operations: accept or reject one, all of a label, or all.

However many suggestions a decision covers, it is one operation (one transaction) and one undo
step; its undo and redo are one transaction each too. Accepting copies a suggestion into the
analyst's layer; the undo deletes the copies and makes the suggestions pending again, and the
redo puts the very copies back under their ids (``Suggestions.reaccept``), so a later relabel
or relation in the history still finds them.
"""

from __future__ import annotations

from collections.abc import Sequence

from annotator.ops.documents import keeping_status
from annotator.ops.operation import Done, Operation
from annotator.store import Project
from annotator.store.records import SpanRecord
from annotator.store.suggestions import Acceptance


def _decision_label(verb: str, suggestion: SpanRecord | None, label: str | None) -> str:
    if suggestion is not None:
        return f"{verb} suggested {suggestion.label}"
    return f"{verb} all {label + ' ' if label else ''}suggestions"


class AcceptSuggestions(Operation):
    """Accept ``suggestion``, or every pending suggestion of the document (of ``label``)."""

    def __init__(self, doc_id: int, annotator: str, *, suggestion: SpanRecord | None = None,
                 label: str | None = None) -> None:
        self.label = _decision_label("Accept", suggestion, label)
        self._args = (doc_id, annotator, suggestion, label)

    def run(self, project: Project) -> Done[list[Acceptance]]:
        doc_id, annotator, suggestion, label = self._args

        def accept() -> Done[list[Acceptance]]:
            if suggestion is not None:
                acceptances = [project.suggestions.accept(suggestion.id, annotator)]
            else:
                acceptances = project.suggestions.accept_all(doc_id, annotator, label)
            return Done(acceptances, UndoAcceptance(acceptances, self.label))

        return keeping_status(project, doc_id, annotator, accept)


class UndoAcceptance(Operation):
    def __init__(self, acceptances: Sequence[Acceptance], label: str) -> None:
        self.label = label
        self._acceptances = list(acceptances)

    def run(self, project: Project) -> Done[list[Acceptance]]:
        project.suggestions.undo_accept(self._acceptances)
        return Done(self._acceptances, Reaccept(self._acceptances, self.label))


class Reaccept(Operation):
    def __init__(self, acceptances: Sequence[Acceptance], label: str) -> None:
        self.label = label
        self._acceptances = list(acceptances)

    def run(self, project: Project) -> Done[list[Acceptance]]:
        project.suggestions.reaccept(self._acceptances)
        return Done(self._acceptances, UndoAcceptance(self._acceptances, self.label))


class RejectSuggestions(Operation):
    """Reject ``suggestion``, every pending suggestion of the document (of ``label``), or the
    suggestions ``ids`` (the redo of a rejection: exactly the ones it rejected)."""

    def __init__(self, doc_id: int, *, suggestion: SpanRecord | None = None, label: str | None = None,
                 ids: Sequence[int] | None = None, title: str | None = None) -> None:
        self.label = title or _decision_label("Reject", suggestion, label)
        self._args = (doc_id, suggestion, label, None if ids is None else list(ids))

    def run(self, project: Project) -> Done[list[int]]:
        doc_id, suggestion, label, ids = self._args
        if ids is not None:
            for suggestion_id in ids:
                project.suggestions.reject(suggestion_id)
            rejected = ids
        elif suggestion is not None:
            rejected = [project.suggestions.reject(suggestion.id).id]
        else:
            rejected = project.suggestions.reject_all(doc_id, label)
        return Done(rejected, ResetSuggestions(doc_id, rejected, self.label))


class ResetSuggestions(Operation):
    """Make rejected suggestions pending again (the undo of a rejection)."""

    def __init__(self, doc_id: int, ids: Sequence[int], label: str) -> None:
        self.label = label
        self._doc_id = doc_id
        self._ids = list(ids)

    def run(self, project: Project) -> Done[list[int]]:
        project.suggestions.reset(self._ids)
        return Done(self._ids, RejectSuggestions(self._doc_id, ids=self._ids, title=self.label))
