"""The undo history of one open project and annotator, in the core.

The window's Edit menu, a test and any other caller share this one history
(``History.of(project, annotator)``), as Anki keeps undo in the collection. A step holds the
operation that takes it back; undoing runs that operation (one transaction) and keeps *its*
undo as the redo, and so on, so every undo and redo is one transaction and puts back the very
rows, under their ids, that the steps above refer to.

Several people may change the project between a step and its undo. A step whose undo or redo
meets a row someone else changed or deleted (``ConflictError``), or that the store refuses for
another reason, is dropped from the history and the refusal is raised as one catalogue message
(E190) naming the step; nothing of it was written, since it ran in one transaction.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import sqlalchemy as sa

from annotator.errors import Errors, UserError
from annotator.ops.operation import Operation, Outcome, execute
from annotator.store import Project
from annotator.store.versions import ConflictError

LIMIT = 500  # steps kept; an analyst's session rarely goes further back


@dataclass(slots=True)
class _Step:
    label: str
    inverse: Operation  # the operation that takes the step back (or, on the redo list, forward)
    merge_key: Hashable | None = None


class StepRefused(ConflictError):
    """An undo or redo that could not be made; the step was dropped from the history."""

    def __init__(self, message: str, cause: UserError | None) -> None:
        current = cause.current if isinstance(cause, ConflictError) else None
        kind = cause.kind if isinstance(cause, ConflictError) else ""
        item_id = cause.item_id if isinstance(cause, ConflictError) else 0
        super().__init__(message, kind=kind, item_id=item_id, expected=0, current=current)


class History:
    """Undo and redo lists of one annotator on one open project."""

    _registry: weakref.WeakKeyDictionary[Project, dict[str, History]] = weakref.WeakKeyDictionary()

    def __init__(self, project: Project) -> None:
        self.project = project
        self._undo: list[_Step] = []
        self._redo: list[_Step] = []
        self._listeners: list[Callable[[], None]] = []

    @classmethod
    def of(cls, project: Project, annotator: str) -> History:
        """The history of ``annotator`` on this open project (made on first use)."""
        return cls._registry.setdefault(project, {}).setdefault(annotator, cls(project))

    # --- what the Edit menu shows --------------------------------------------------------

    @property
    def undo_label(self) -> str | None:
        return self._undo[-1].label if self._undo else None

    @property
    def redo_label(self) -> str | None:
        return self._redo[-1].label if self._redo else None

    def add_listener(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` whenever the lists change (to relabel Undo and Redo)."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    # --- acting ----------------------------------------------------------------------------

    def perform(self, operation: Operation) -> Outcome:
        """Run ``operation`` and keep its undo as the newest step (the redo list is cleared).
        A refused operation raises and leaves the history as it was."""
        outcome = execute(self.project, operation)
        if outcome.undo is not None:
            top = self._undo[-1] if self._undo else None
            key = operation.merge_key
            if key is not None and top is not None and top.merge_key == key and not self._redo:
                top.inverse = top.inverse.absorb(outcome.undo)
            else:
                self._undo.append(_Step(operation.label, outcome.undo, key))
                del self._undo[:-LIMIT]
            self._redo.clear()
            self._changed()
        return outcome

    def undo(self) -> Outcome:
        return self._replay(self._undo, self._redo, "undo")

    def redo(self) -> Outcome:
        return self._replay(self._redo, self._undo, "redo")

    def clear(self) -> None:
        self._undo.clear()
        self._redo.clear()
        self._changed()

    def _replay(self, source: list[_Step], target: list[_Step], verb: str) -> Outcome:
        if not source:
            raise UserError(Errors.E191.format(verb=verb))
        step = source.pop()
        try:
            outcome = execute(self.project, step.inverse)
        except UserError as error:
            self._changed()
            raise StepRefused(Errors.E190.format(verb=verb, label=step.label, reason=_reason(error)), error) from error
        except sa.exc.IntegrityError as error:  # a row it needs was taken or removed meanwhile
            self._changed()
            reason = "someone else changed or removed what it needs."
            raise StepRefused(Errors.E190.format(verb=verb, label=step.label, reason=reason), None) from error
        if outcome.undo is not None:
            target.append(_Step(step.label, outcome.undo))
        self._changed()
        return outcome

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()


def _reason(error: UserError) -> str:
    """The refusal's own message, without its code, as the middle of E190."""
    text = str(error)
    if text.startswith("[E") and "] " in text:
        text = text.split("] ", 1)[1]
    return text if text.endswith(".") else text + "."
