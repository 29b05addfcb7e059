"""Running the editor's steps through the annotator's ``History``, and showing what they did.

Every edit is one core operation performed through ``History.of(project, annotator)`` (one
transaction, undoable from the Edit menu); undo and redo are steps of the same history. A
refusal is never raised to the window: a conflict (``ConflictError``, E107 for a row gone, an
undo/redo the history dropped: ``StepRefused``) reloads the document and is reported through
the editor's ``conflicted``, anything else through its ``message``. After a step the view
follows its outcome span by span (``shown_changes``: the spans and relations the step changed,
read again by id), or, where that cannot be done (a bulk acceptance, the schema), by
showing the document's annotations again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from annotator.errors import UserError
from annotator.gui.shown_changes import show_changes
from annotator.ops import Operation, Outcome
from annotator.ops.spans import AddSpan
from annotator.ops.suggestions import AcceptSuggestions
from annotator.store.change_log import Changes
from annotator.store.versions import ConflictError

if TYPE_CHECKING:
    from annotator.gui.editor import DocumentEditor


class HistorySteps:
    """Performs, undoes and redoes the editor's operations and shows their outcome in its view."""

    def __init__(self, editor: DocumentEditor) -> None:
        self._editor = editor
        self.running = False  # a step is running: its outcome is shown here, not by a change event

    def perform(self, operation: Operation) -> Outcome | None:
        """Perform ``operation`` through the history and show its outcome; None if refused."""
        outcome = self._guarded(lambda: self._editor.history.perform(operation))
        if outcome is not None:
            self._show_outcome(operation, outcome)
        return outcome

    def undo(self) -> Outcome | None:
        """Take back the newest step, showing the document it was about."""
        return self._replay(self._editor.history.undo)

    def redo(self) -> Outcome | None:
        return self._replay(self._editor.history.redo)

    def _replay(self, step: Callable[[], Outcome]) -> Outcome | None:
        outcome = self._guarded(step)
        if outcome is None:
            return None
        editor = self._editor
        view = editor.view
        documents = sorted(outcome.changes.documents)
        if documents and (editor.document is None or editor.document.id not in documents):
            editor.open_document(documents[0])
        else:
            self._show_changes(outcome.changes)
        current = view.current_span_id()
        shown = [span_id for span_id in sorted(outcome.changes.spans) if view.span(span_id) is not None]
        if shown and current not in shown:  # the span the step was about (a suggestion back, a copy)
            view.set_current_span(shown[0])
        editor.currentSpanChanged.emit()
        return outcome

    def _guarded(self, step: Callable[[], Outcome]) -> Outcome | None:
        """Run a step of the history; a refusal is reported (a conflict also reloads), never raised."""
        self.running = True
        try:
            return step()
        except ConflictError as error:
            self._editor.report_conflict(str(error))
        except UserError as error:
            if str(error).startswith("[E107]"):  # the row is gone: someone else deleted it
                self._editor.report_conflict(str(error))
            else:
                self._editor.message.emit(str(error))
        finally:
            self.running = False
        return None

    def _show_outcome(self, operation: Operation, outcome: Outcome) -> None:
        """The view shows what the step changed; a new span becomes current, and so does the copy
        of the current suggestion when it is accepted. The panels hear of it once."""
        view = self._editor.view
        current = view.current_span_id()
        self._show_changes(outcome.changes)
        if isinstance(operation, AddSpan):
            view.clear_selection()
            view.set_current_span(outcome.result.id)
        elif isinstance(operation, AcceptSuggestions):
            copies = {acceptance.suggestion.id: acceptance.span.id for acceptance in outcome.result}
            if current in copies:  # brought into view when it is the one decided on, not one of many
                view.set_current_span(copies[current], scroll=len(copies) == 1)
        self._editor.currentSpanChanged.emit()

    def _show_changes(self, changes: Changes) -> None:
        """Span by span where it can be done (``show_changes``), else the whole document again."""
        if not show_changes(self._editor, changes):
            self._editor.refresh()
