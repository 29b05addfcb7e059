"""Linking ACTOR spans to canonical actors: the inspector's actor field and its undoable edits.

The field is a line edit whose popup offers ``project.actors.candidates(text)`` as the analyst
types (exact alias, then prefix, then fuzzy matches), so "Kreml" finds the actor whose alias is
"the Kremlin". Picking one links the span; "New actor from span" creates an actor named after the
span's text; "Unlink" removes the link. Each is one core operation (``annotator.ops.actors``),
undone from the Edit menu like any edit: the registry's touched actors are captured before and
after, so undoing "New actor from span" removes the actor again and redoing brings it back under
its id (a later step naming it still finds it).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal, SignalInstance
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from annotator.errors import Errors
from annotator.ops import Operation
from annotator.ops import actors as actor_ops
from annotator.store import Project
from annotator.store.actors import ACTOR_LABEL, ActorCandidate
from annotator.store.records import ActorRecord, SpanRecord

ACTOR_ID_ROLE = Qt.ItemDataRole.UserRole
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_CANDIDATES = 12


def link_actor(project: Project, span: SpanRecord, actor: ActorRecord | None) -> Operation:
    """Link an ACTOR span to a registry actor, or unlink it (``actor`` None); undoable."""
    edit = actor_ops.link_span(span.id, actor.id if actor else None, _actor_id(project, span))
    edit.label = f"Link to {actor.name}" if actor else "Unlink actor"
    return edit


def create_actor(project: Project, span: SpanRecord, name: str) -> Operation:
    """A new actor named after an ACTOR span (``name``: its text) and linked to it; undoing
    takes the actor away again, redoing brings it back under its id."""
    edit = actor_ops.create_from_span(span.id, _actor_id(project, span))
    edit.label = f"New actor {name}"
    return edit


def _actor_id(project: Project, span: SpanRecord) -> int | None:
    """The registry id of the actor the span links to now (the undo puts that link back)."""
    actor = project.actors.find(span.actor) if span.actor else None
    return actor.id if actor is not None else None


class ActorField(QWidget):
    """The canonical actor of an ACTOR span: shows it, and offers registry actors to link."""

    linkRequested = Signal(int, int)   # span id, actor id
    unlinkRequested = Signal(int)      # span id
    createRequested = Signal(int)      # span id
    message = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.candidates: Callable[[str], list[ActorCandidate]] = lambda _text: []  # set by the window
        self._span: SpanRecord | None = None
        self.line = QLineEdit()
        self._model = QStandardItemModel(self)
        self.completer = QCompleter(self._model, self)
        # The store ranks and filters (aliases, fuzzy): the popup shows its list as it is.
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCompletionRole(NAME_ROLE)
        self.completer.setWidget(self.line)
        self.completer.activated[QModelIndex].connect(self._picked)  # type: ignore[index] # the overload by index
        self.line.textEdited.connect(self._search)
        self.line.returnPressed.connect(self._entered)
        self.new_button = QPushButton("New actor from span")
        self.new_button.setToolTip("Add an actor named after this span's text to the registry, and link the span to it")
        self.new_button.clicked.connect(lambda: self._emit_for_span(self.createRequested))
        self.unlink_button = QPushButton("Unlink")
        self.unlink_button.clicked.connect(lambda: self._emit_for_span(self.unlinkRequested))
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.unlink_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.line)
        layout.addLayout(buttons)

    def show_span(self, span: SpanRecord, editable: bool) -> None:
        """Show the span's actor; a read-only span (a suggestion's proposed link) only shows it."""
        self._span = span
        self._hide_popup()
        self.line.setText(span.actor or "")
        self.line.setToolTip(f"Linked to the registry actor “{span.actor}”" if span.actor else
                             "Not linked to a registry actor")
        self.line.setReadOnly(not editable)
        self.line.setPlaceholderText("Type a name or alias to link…" if editable else "Not linked")
        self.new_button.setVisible(editable)
        self.unlink_button.setVisible(editable)
        self.unlink_button.setEnabled(span.actor is not None)

    def _search(self, text: str) -> None:
        self._model.clear()
        for candidate in self.candidates(text)[:MAX_CANDIDATES]:
            actor = candidate.actor
            details = ", ".join(part for part in (actor.type, actor.country) if part)
            shown = actor.name + (f" ({details})" if details else "")
            if candidate.matched != actor.name:
                shown += f" — as “{candidate.matched}”"
            item = QStandardItem(shown)
            item.setData(actor.id, ACTOR_ID_ROLE)
            item.setData(actor.name, NAME_ROLE)
            item.setToolTip(f"{candidate.how} match, score {candidate.score:.0f}")
            self._model.appendRow(item)
        if self._model.rowCount():
            self.completer.complete()
        else:
            self._hide_popup()

    def _hide_popup(self) -> None:
        popup = self.completer.popup()
        if popup is not None:
            popup.hide()

    def _picked(self, index: QModelIndex) -> None:
        self.line.setText(index.data(NAME_ROLE))
        if self._span is not None:
            self.linkRequested.emit(self._span.id, index.data(ACTOR_ID_ROLE))

    def _entered(self) -> None:
        """Enter without choosing from the popup: link only to an exact name or alias match."""
        text = self.line.text().strip()
        if self._span is None or self.line.isReadOnly() or not text or text == (self._span.actor or ""):
            return
        exact = [candidate for candidate in self.candidates(text) if candidate.how == "exact"]
        if len(exact) == 1:
            self.line.setText(exact[0].actor.name)
            self.linkRequested.emit(self._span.id, exact[0].actor.id)
        else:
            self.message.emit(Errors.E516.format(text=text))

    def _emit_for_span(self, signal: SignalInstance) -> None:
        if self._span is not None:
            signal.emit(self._span.id)


def is_actor_span(span: SpanRecord) -> bool:
    return span.label == ACTOR_LABEL
