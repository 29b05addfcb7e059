"""Linking ACTOR spans to canonical actors: the inspector's actor field and its undoable edits.

The field is a line edit whose popup offers ``project.actors.candidates(text)`` as the analyst
types (exact alias, then prefix, then fuzzy matches), so "Kreml" finds the actor whose alias is
"the Kremlin". Picking one links the span; "New actor from span" creates an actor named after the
span's text; "Unlink" removes the link. Each is one command on the undo stack.

Undoing "New actor from span" unlinks the span and deletes the actor again if no analyst's span
links to it by then: an undone creation must not leave a stray actor whose name would keep
feeding alias suggestions. Its redo creates the actor anew (same name, type and country) under
a new id, so a ``LinkActor`` redone after it finds its actor by canonical name.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal, SignalInstance
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from annotator.errors import Errors
from annotator.gui.undo import EditCommand, EditTarget
from annotator.store.actors import ACTOR_LABEL, ActorCandidate, SpanLink
from annotator.store.records import ActorRecord, SpanRecord

ACTOR_ID_ROLE = Qt.ItemDataRole.UserRole
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_CANDIDATES = 12


class _SpanActorCommand(EditCommand):
    """An edit of one span's actor link: either way, the span is shown again with its actor."""

    def __init__(self, target: EditTarget, span: SpanRecord, text: str) -> None:
        super().__init__(target, span.document_id, text)
        self._span_id = span.id

    def show_applied(self) -> None:
        _show_span(self._target, self._span_id, make_current=self.replaying)
        super().show_applied()

    def show_reverted(self) -> None:
        _show_span(self._target, self._span_id, make_current=True)
        super().show_reverted()


class LinkActor(_SpanActorCommand):
    """Link an ACTOR span to a registry actor, or unlink it (``actor`` None)."""

    def __init__(self, target: EditTarget, span: SpanRecord, actor: ActorRecord | None) -> None:
        super().__init__(target, span, f"Link to {actor.name}" if actor else "Unlink actor")
        self._actor = actor
        self._link: SpanLink | None = None

    def apply(self) -> None:
        actors = self._target.project.actors
        actor_id = None
        if self._actor is not None:
            actor_id = self._actor.id
            if self.replaying:  # a redo of "New actor from span" may have made it anew
                found = actors.find(self._actor.name)
                actor_id = found.id if found is not None else actor_id
        self._link = actors.link_span(self._span_id, actor_id)

    def revert(self) -> None:
        assert self._link is not None
        self._target.project.actors.undo_link(self._link)


class CreateActor(_SpanActorCommand):
    """A new actor named after an ACTOR span and linked to it; see the module docstring for undo."""

    def __init__(self, target: EditTarget, span: SpanRecord) -> None:
        super().__init__(target, span, "New actor from span")
        self.actor: ActorRecord | None = None
        self._link: SpanLink | None = None

    def apply(self) -> None:
        actors = self._target.project.actors
        if self.actor is None:
            self.actor, self._link = actors.create_from_span(self._span_id)
            self.setText(f"New actor {self.actor.name}")
        else:
            self.actor, self._link = actors.create_from_span(
                self._span_id, name=self.actor.name, type=self.actor.type, country=self.actor.country)

    def revert(self) -> None:
        assert self.actor is not None and self._link is not None
        actors = self._target.project.actors
        actors.undo_link(self._link)
        if actors.get(self.actor.id).mentions == 0:
            actors.delete(self.actor.id)


def _show_span(target: EditTarget, span_id: int, *, make_current: bool) -> None:
    """The span's actor name is part of its record: read it again and show it. Linking bumped
    its version, which later undos of other commands on this span must expect."""
    span = target.project.annotations.span(span_id)
    target.versions.note_span(span)
    target.show_span_changed(span, make_current=make_current)


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
