"""Relations in the editor: relation mode, adding a relation and deleting one, and a span's
relations as the inspector lists them.

R starts relation mode at the current span (the head); a click on a span, or Tab to it and
Enter, picks the tail. Tab and Shift+Tab walk only the targets the head can link to: the
analyst's own spans (never suggestions or others' layers) whose label the schema allows a
relation to, nearest the head first, so the claim next to a speaker is one Tab away however
many suggestions lie between. When the schema allows one relation type between their labels it
is added at once; when it allows several, a small menu at the tail span offers them (keyboard-
navigable like any menu). Esc leaves relation mode with the head current again. Adding and
deleting are operations performed through the editor (``DocumentEditor.perform``), one
transaction and one undo step each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMenu

from annotator.errors import Errors
from annotator.gui.inspector import quoted
from annotator.gui.offsets import OffsetMap
from annotator.gui.suggestions import is_suggestion
from annotator.ops.spans import DeleteRelation
from annotator.schema import RelationType
from annotator.store.records import RelationRecord, SpanRecord

if TYPE_CHECKING:
    from annotator.gui.editor import DocumentEditor


RELATION_PROMPT = "Pick the tail span: click it, or Tab to it (nearest first) and press Enter; Esc cancels."


class EditorRelations:
    """Adding and deleting the analyst's relations in the editor's open document."""

    def __init__(self, editor: DocumentEditor) -> None:
        self._editor = editor
        self._head: SpanRecord | None = None  # relation mode: the span the relation starts at
        self._targets: list[int] | None = None  # what Tab walks in relation mode, nearest first
        self.menu: QMenu | None = None  # the relation types offered, while that menu is open

    @property
    def active(self) -> bool:
        """In relation mode: the next span picked becomes the tail."""
        return self._head is not None

    def start(self) -> None:
        editor = self._editor
        span = editor.current_span()
        if span is None:
            editor.message.emit(Errors.E505)
            return
        if not editor.refuse_unless_own(span):
            return
        self._head = span
        self._targets = None
        editor.view.set_relation_mode(True)
        editor.message.emit(f"Relation from {span.label} {quoted(editor.covered_text(span))}. {RELATION_PROMPT}")

    def step_target(self, step: int) -> None:
        """Tab / Shift+Tab in relation mode: the next (previous) target the head can link to,
        nearest first, wrapping; Enter then links it."""
        editor = self._editor
        head = self._head
        if head is None:
            return
        view = editor.view
        if self._targets is None:
            self._targets = self._targets_of(head)
        targets = [span_id for span_id in self._targets if view.span(span_id) is not None]
        if not targets:
            editor.message.emit(Errors.E584.format(label=head.label, allowed=self._relations_from(head.label)))
            return
        current = view.current_span_id()
        if current in targets:
            target = targets[(targets.index(current) + step) % len(targets)]
        else:
            target = targets[0] if step > 0 else targets[-1]
        view.set_current_span(target)
        editor.currentSpanChanged.emit()
        tail = view.span(target)
        assert tail is not None
        editor.message.emit(f"Relation from {head.label} to {tail.label} {quoted(editor.covered_text(tail))}: "
                            "Enter links, Tab the next nearest, Esc cancels.")

    def _targets_of(self, head: SpanRecord) -> list[int]:
        """The analyst's shown spans a relation from ``head`` may go to, nearest first (the gap
        of text between them; a following span before a preceding one at the same gap)."""
        editor = self._editor
        schema = editor.project.schema
        view = editor.view
        allowed: dict[str, bool] = {}
        found = []
        for span_id in view.span_ids_in_order():
            span = view.span(span_id)
            if span is None or span.id == head.id or not editor.is_own(span):
                continue
            if span.label not in allowed:
                allowed[span.label] = bool(schema.relation_types_for(head.label, span.label))
            if allowed[span.label]:
                gap = max(0, span.start - head.end, head.start - span.end)
                found.append((gap, span.start < head.start, span.start, span.id))
        return [span_id for *_key, span_id in sorted(found)]

    def complete_at_current(self) -> None:
        """Enter in relation mode: the current span (reached with Tab) becomes the tail."""
        current = self._editor.view.current_span_id()
        if self._head is not None and current is not None:
            self.complete(current)

    def complete(self, tail_id: int) -> None:
        editor = self._editor
        head = self._head
        tail = editor.view.span(tail_id)
        if head is None or tail is None:
            return
        if tail.id == head.id:
            editor.message.emit(Errors.E506)
            return
        if not editor.refuse_unless_own(tail):
            return
        choices = editor.project.schema.relation_types_for(head.label, tail.label)
        if not choices:
            self.end()
            editor.message.emit(Errors.E502.format(head=head.label, tail=tail.label,
                                                   allowed=self._relations_from(head.label)))
        elif len(choices) == 1:
            self.end()
            self._add(head, tail, choices[0])
        else:
            self._offer_types(head, tail, choices)

    def cancel(self) -> None:
        """Esc in relation mode: leave it, with the head current again."""
        head = self._head
        self.end()
        view = self._editor.view
        if head is not None and view.span(head.id) is not None and view.current_span_id() != head.id:
            view.set_current_span(head.id)
            self._editor.currentSpanChanged.emit()
        self._editor.message.emit("Relation cancelled.")

    def end(self) -> None:
        """Leave relation mode (and close the menu of types, if it is open)."""
        if self.menu is not None:
            menu, self.menu = self.menu, None
            menu.aboutToHide.disconnect(self.end)
            menu.hide()
            menu.deleteLater()
        self._targets = None
        if self._head is not None:
            self._head = None
            self._editor.view.set_relation_mode(False)
            self._editor.message.emit("")  # the prompt is done with: linked, cancelled or refused

    def _relations_from(self, label: str) -> str:
        allowed = [f"{relation.name} → {'/'.join(relation.tail)}"
                   for relation in self._editor.project.schema.relation_types if label in relation.head]
        return "; ".join(allowed) or "no relations"

    def _offer_types(self, head: SpanRecord, tail: SpanRecord, choices: list[RelationType]) -> None:
        """Several types fit: a small menu at the tail span, keyboard-navigable like any menu."""
        menu = QMenu(self._editor.view)
        for relation in choices:
            action = menu.addAction(f"{relation.name}  ({head.label} → {tail.label})")
            action.setToolTip(relation.description)
            action.triggered.connect(lambda _checked=False, chosen=relation: self._add(head, tail, chosen))
        menu.aboutToHide.connect(self.end)
        self.menu = menu
        menu.popup(self._span_position(tail))

    def _span_position(self, span: SpanRecord) -> QPoint:
        document = self._editor.document
        assert document is not None
        view = self._editor.view
        cursor = QTextCursor(view.document())
        cursor.setPosition(OffsetMap(document.text).to_qt(span.end))
        return view.viewport().mapToGlobal(view.cursorRect(cursor).bottomLeft())

    def _add(self, head: SpanRecord, tail: SpanRecord, relation: RelationType) -> None:
        self.end()
        if head.label not in relation.head or tail.label not in relation.tail:  # symmetric, other way round
            head, tail = tail, head
        self._editor.perform(self._editor.relation_step(head, tail, relation.name))  # gold: with provenance

    def of_span(self, span: SpanRecord) -> list[tuple[RelationRecord, SpanRecord, str]]:
        """The span's relations, each with the span at its other end and its text, for the inspector."""
        editor = self._editor
        project = editor.project
        if is_suggestion(span):  # the view leaves out those to a suggestion hidden by an own span
            relations = project.suggestions.relations(span.document_id, touching=[span.id])
        else:  # the view holds every relation of the layers it shows, kept as steps change them
            relations = editor.view.relations_touching(span.id)
        found = []
        for relation in relations:
            if span.id in (relation.head_id, relation.tail_id):
                other_id = relation.tail_id if relation.head_id == span.id else relation.head_id
                other = editor.view.span(other_id) or project.annotations.span(other_id)
                found.append((relation, other, editor.covered_text(other)))
        return found

    def delete(self, relation_id: int) -> None:
        editor = self._editor
        if editor.document is None:
            return
        relation = next(iter(editor.project.annotations.relations(editor.document.id, ids=[relation_id])), None)
        if relation is None:  # someone else deleted it since the inspector listed it
            editor.reload_from_store()
            editor.message.emit(Errors.E562.format(relation_id=relation_id))
            return
        if relation.annotator != editor.annotator:
            editor.message.emit(Errors.E501.format(owner=relation.annotator, annotator=editor.annotator))
            return
        editor.perform(DeleteRelation(relation))
