"""An operation: one user action, run in one transaction, returning what changed and its undo.

The shape is Anki's (``pylib/anki`` collection methods return ``OpChanges``; undo lives in the
collection): the window, the CLI and tests call the same operations, so the same action behaves
the same everywhere and is undone the same way.

Each operation's ``run`` makes the change through the store and returns a ``Done``: a result
for the caller (the new span, the acceptances…) and the operation that undoes it. The undo is
built from what the change actually did (the row ids it made, the versions it left), so undoing
it and redoing that undo's own undo puts back the very rows, under their ids, that later steps
of the history refer to. ``execute`` wraps ``run`` in one ``Project.transaction``: however many
rows a bulk action touches, it commits once or not at all, and it comes back with the
``Changes`` the store noted (``annotator.store.change_log``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from annotator.store import Project
from annotator.store.change_log import Changes


@dataclass(frozen=True, slots=True)
class Done[R]:
    """What ``Operation.run`` returns: its result, and the operation that takes it back (None
    for an action that cannot be undone, such as an import)."""

    result: R
    undo: Operation | None


@dataclass(frozen=True, slots=True)
class Outcome[R]:
    """What ``execute`` returns: the result, what changed (as committed) and the undo."""

    result: R
    changes: Changes
    undo: Operation | None


class Operation(ABC):
    """One user action. ``label`` names it in the Edit menu ("Add ACTOR", "Accept all suggestions")."""

    label: str = ""
    # Consecutive operations with the same key merge into one undo step (a note typed in
    # several commits is taken back at once); None never merges.
    merge_key: Hashable | None = None

    @abstractmethod
    def run(self, project: Project) -> Done[Any]:
        """Make the change through the store, inside the transaction ``execute`` opened."""

    def absorb(self, later: Operation) -> Operation:
        """This undo, kept for a merged step, after ``later`` (the undo of the next merged
        operation) was made: it still restores the state before the first, but must expect the
        row versions the last one left. The default keeps this operation unchanged."""
        return self


def execute(project: Project, operation: Operation) -> Outcome[Any]:
    """Run ``operation`` in one transaction and return its outcome."""
    with project.transaction(operation.label):
        done = operation.run(project)
        changes = project.changes_so_far(operation.label)
    return Outcome(done.result, changes, done.undo)


class Call(Operation):
    """An operation made of store calls that already return what undoing them needs (the
    adjudication and actor-registry functions): ``do(project)`` makes the change and returns a
    result; ``undo(project, result)`` takes it back and returns a result for ``redo``, which
    puts back the very rows (same ids); without ``redo`` the redo calls ``do`` again."""

    def __init__(self, label: str, do: Callable[[Project], Any], undo: Callable[[Project, Any], Any],
                 redo: Callable[[Project, Any], Any] | None = None) -> None:
        self.label = label
        self._do = do
        self._undo = undo
        self._redo = redo

    def run(self, project: Project) -> Done[Any]:
        result = self._do(project)
        return Done(result, _Inverse(self, result))


class _Inverse(Operation):
    """The undo of a ``Call``: runs its ``undo``; its own undo is the ``Call``'s redo."""

    def __init__(self, call: Call, result: Any) -> None:
        self.label = call.label
        self._call = call
        self._result = result

    def run(self, project: Project) -> Done[Any]:
        undone = self._call._undo(project, self._result)
        redo = self._call._redo
        if redo is None:
            return Done(undone, self._call)
        again = Call(self.label, lambda p: redo(p, undone), self._call._undo, redo)
        return Done(undone, again)


class Steps(Operation):
    """Several operations as one, in order; the undo runs their undos in reverse order."""

    def __init__(self, label: str, operations: list[Operation]) -> None:
        self.label = label
        self._operations = operations

    def run(self, project: Project) -> Done[list[Any]]:
        results, undos = [], []
        for operation in self._operations:
            done = operation.run(project)
            results.append(done.result)
            if done.undo is not None:
                undos.append(done.undo)
        return Done(results, Steps(self.label, undos[::-1]))
