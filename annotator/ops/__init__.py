"""The editing core: every user action is an operation, with undo and change events.

``execute`` runs an operation in one transaction; ``History.of(project, annotator)`` keeps the
undo and redo steps; ``ChangeFeed.of(project)`` tells subscribers of every change, the
project's own and others'. Nothing here knows Qt: the window adapts the feed to a signal.
"""

from annotator.ops.feed import ChangeFeed
from annotator.ops.history import History, StepRefused
from annotator.ops.operation import Call, Done, Operation, Outcome, execute

__all__ = ["Call", "ChangeFeed", "Done", "History", "Operation", "Outcome", "StepRefused", "execute"]
