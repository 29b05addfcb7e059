"""Document-level edits as operations: status, document labels and the document note."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from annotator.ops.operation import Done, Operation, Steps
from annotator.store import Project

STATUS_TITLES = {"todo": "To do", "in_progress": "In progress", "done": "Done", "reviewed": "Reviewed"}


class SetStatus(Operation):
    def __init__(self, doc_id: int, annotator: str, status: str, *, label: str | None = None) -> None:
        self.label = label or f"Mark {STATUS_TITLES.get(status, status).lower()}"
        self._args = (doc_id, annotator, status)

    def run(self, project: Project) -> Done[str]:
        doc_id, annotator, status = self._args
        previous = project.annotations.set_status(doc_id, annotator, status)
        return Done(previous, SetStatus(doc_id, annotator, previous, label=self.label))


class SetDocumentLabel(Operation):
    """Check or uncheck one document label. Checking a label of a group unchecks its siblings,
    so the undo sets the whole previous set back (``SetDocumentLabels``)."""

    def __init__(self, doc_id: int, annotator: str, label: str, present: bool) -> None:
        self.label = f"{'Set' if present else 'Clear'} {label}"
        self._args = (doc_id, annotator, label, present)

    def run(self, project: Project) -> Done[list[str]]:
        doc_id, annotator, label, present = self._args
        before = project.annotations.doc_labels(doc_id, annotator)
        project.annotations.set_doc_label(doc_id, label, annotator, present)
        return Done(project.annotations.doc_labels(doc_id, annotator),
                    SetDocumentLabels(doc_id, annotator, before, label=self.label))


class SetDocumentLabels(Operation):
    """Make an annotator's document labels exactly ``labels``."""

    def __init__(self, doc_id: int, annotator: str, labels: Sequence[str], *, label: str = "Set document labels") -> None:
        self.label = label
        self._args = (doc_id, annotator, tuple(labels))

    def run(self, project: Project) -> Done[list[str]]:
        doc_id, annotator, wanted = self._args
        annotations = project.annotations
        before = annotations.doc_labels(doc_id, annotator)
        for name in set(before) - set(wanted):
            annotations.set_doc_label(doc_id, name, annotator, False)
        for name in wanted:  # in order: a group's last label wins, as it did when it was set
            annotations.set_doc_label(doc_id, name, annotator, True)
        return Done(annotations.doc_labels(doc_id, annotator),
                    SetDocumentLabels(doc_id, annotator, before, label=self.label))


class SetDocumentNote(Operation):
    def __init__(self, doc_id: int, annotator: str, text: str) -> None:
        self.label = "Edit document note"
        self._args = (doc_id, annotator, text)
        self.merge_key: Hashable | None = ("document note", doc_id, annotator)

    def run(self, project: Project) -> Done[str]:
        doc_id, annotator, text = self._args
        before = next((note for _id, who, note in project.annotations.notes(doc_id) if who == annotator), "")
        project.annotations.set_document_note(doc_id, annotator, text)
        return Done(text, SetDocumentNote(doc_id, annotator, before))


def keeping_status[R](project: Project, doc_id: int, annotator: str, run: Callable[[], Done[R]]) -> Done[R]:
    """Run an edit that may move the annotator's status (a first edit makes a document "in
    progress"); its undo then puts the previous status back too, and the redo moves it again."""
    with project.transaction():  # joins the operation's own; the store notes the statuses it moves
        before = project.annotations.status(doc_id, annotator)
        noted = doc_id in project.changes_so_far().statuses
        done = run()
        if done.undo is None or (not noted and doc_id not in project.changes_so_far().statuses):
            return done  # not moved: no need to read it again
        if project.annotations.status(doc_id, annotator) == before:
            return done
    undo = Steps(done.undo.label, [done.undo, SetStatus(doc_id, annotator, before, label=done.undo.label)])
    return Done(done.result, undo)
