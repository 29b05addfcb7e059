"""The annotation editor: what an analyst's keys and clicks do to the open document.

It sits between the widgets and the core. Widgets (the text view, palette, inspector, document
panel) report intents here ("apply ACTOR", "delete the current span", "set this attribute"); the
editor checks them (own layer only, a selection or a current span), turns each into one core
operation (``annotator.ops``) performed through the annotator's ``History`` (one transaction,
undoable from the Edit menu, the same history a test or the CLI uses), and updates the text
view from the outcome. Changes made elsewhere (a background job, another window, a teammate)
reach it through ``apply_changes``, fed by the window's one ``OpsBridge``.

Model suggestions (the ``suggestion`` layer) are shown beside the analyst's spans, read-only:
Tab walks both, ] and [ only the suggestions, and accepting or rejecting one is an operation of
``annotator.ops.suggestions``. A suggestion the analyst already has (same label and offsets) is
not shown.

A step refused because someone else changed or deleted the item (``ConflictError``, E107 for a
row gone, or an undo/redo the history dropped: ``StepRefused``) reloads the document and is
reported through ``conflicted``; the window shows the one conflict dialog.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QPoint, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMenu

from annotator.errors import Errors, UserError
from annotator.formats.detect import AUTO_SUFFIXES
from annotator.gui.actors import create_actor, link_actor
from annotator.gui.offsets import OffsetMap
from annotator.gui.suggestions import is_suggestion
from annotator.gui.textview import DocumentView
from annotator.nlp.snapping import Tokenize, snap_to_tokens, trim_whitespace
from annotator.ops import History, Operation, Outcome
from annotator.ops.documents import SetDocumentLabel, SetDocumentNote, SetStatus
from annotator.ops.spans import AddRelation, AddSpan, DeleteRelation, DeleteSpan, UpdateSpan
from annotator.ops.suggestions import AcceptSuggestions, RejectSuggestions
from annotator.schema import LabelSchema, RelationType
from annotator.store import Project
from annotator.store.actors import ActorCandidate
from annotator.store.change_log import Changes
from annotator.store.records import DeletedSpan, DocumentRecord, RelationRecord, SpanRecord
from annotator.store.versions import ConflictError

LAYER = "annotation"
RELATION_PROMPT = "Pick the tail span: click it, or Tab to it and press Enter; Esc cancels."
_FALLBACK_TOKEN = re.compile(r"\w+|[^\w\s]")


def regex_tokenize(text: str) -> Iterable[tuple[int, int]]:
    """Words and single punctuation marks: close to spaCy for snapping, used until spaCy loads."""
    return ((match.start(), match.end()) for match in _FALLBACK_TOKEN.finditer(text))


def load_spacy_tokenizer(_control: object) -> Tokenize:
    """spaCy's English tokenizer (rules only, no model: snapping needs nothing more).

    Run on a worker thread: importing spaCy takes a second or two, which must not delay the
    first window.
    """
    from annotator.nlp.pipelines import BLANK, load_pipeline
    from annotator.nlp.snapping import spacy_tokenize

    return spacy_tokenize(load_pipeline(BLANK).nlp)


def initial_attrs(schema: LabelSchema, label: str, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """Attributes of a span that gets ``label``: the schema defaults, then any ``previous`` value
    for an attribute the label also has (relabelling keeps what still applies)."""
    spec = schema.span_label(label)
    if spec is None:
        return dict(previous or {})
    attrs = {attribute.name: attribute.default for attribute in spec.attributes if attribute.default is not None}
    for attribute in spec.attributes:
        if previous and attribute.name in previous:
            attrs[attribute.name] = previous[attribute.name]
    return attrs


class DocumentEditor(QObject):
    """Edits of one analyst's annotation layer in the document shown by ``view``."""

    documentShown = Signal(int)        # a document (id) is now in the view
    currentSpanChanged = Signal()      # the current span, or its contents or relations, changed
    message = Signal(str)              # for the status bar
    conflicted = Signal(str)           # an edit refused: someone else changed the item (reloaded already)

    def __init__(self, project: Project, annotator: str, view: DocumentView) -> None:
        super().__init__(view)
        self._project = project
        self._annotator = annotator
        self._view = view
        self._performing = False  # an own operation is running: the editor shows its outcome itself
        self._document: DocumentRecord | None = None
        self._colors = project.label_colors()
        self._show_others = False
        self._show_suggestions = True
        self._review_anchor: tuple[int, int, int] | None = None  # where ] and [ continue from
        self.snapping = True
        self._tokenize: Tokenize = regex_tokenize
        self.spacy_ready = False
        self._relation_head: SpanRecord | None = None
        self.relation_menu: QMenu | None = None
        view.spanClicked.connect(self.select_span)

    # --- state -------------------------------------------------------------------------------

    @property
    def project(self) -> Project:
        return self._project

    @property
    def annotator(self) -> str:
        return self._annotator

    @property
    def history(self) -> History:
        """The undo history of this annotator on this project (kept in the core)."""
        return History.of(self._project, self._annotator)

    @property
    def document(self) -> DocumentRecord | None:
        return self._document

    @property
    def in_relation_mode(self) -> bool:
        return self._relation_head is not None

    def set_project(self, project: Project, annotator: str) -> None:
        """Edit another project (or as another annotator): its own undo history applies."""
        self._end_relation_mode()
        self._project = project
        self._annotator = annotator
        self._colors = project.label_colors()
        self._document = None

    def set_show_others(self, shown: bool) -> None:
        self._show_others = shown
        self.reload()

    @property
    def show_suggestions(self) -> bool:
        return self._show_suggestions

    def set_show_suggestions(self, shown: bool) -> None:
        self._show_suggestions = shown
        self.refresh()

    def use_spacy_tokenizer(self, tokenize: Tokenize) -> None:
        self._tokenize = tokenize
        self.spacy_ready = True

    def is_own(self, span: SpanRecord) -> bool:
        return span.annotator == self._annotator and span.layer == LAYER

    def current_span(self) -> SpanRecord | None:
        span_id = self._view.current_span_id()
        return self._view.span(span_id) if span_id is not None else None

    # --- documents ---------------------------------------------------------------------------

    def open_document(self, doc_id: int) -> None:
        self._end_relation_mode()
        self._document = self._project.documents.get(doc_id)
        self._review_anchor = None
        spans, relations = self._annotations(doc_id)
        self._view.set_document(self._document.text, spans, relations, self._colors, owner=self._annotator)
        self.documentShown.emit(doc_id)
        self.currentSpanChanged.emit()

    def _annotations(self, doc_id: int) -> tuple[list[SpanRecord], list[RelationRecord]]:
        """What the view shows: the analyst's layer (and others' when asked), then pending
        suggestions the analyst does not already have, with relations between shown ones."""
        annotators = None if self._show_others else [self._annotator]
        annotations = self._project.annotations
        spans = list(annotations.spans(doc_id, annotators=annotators, layers=[LAYER]))
        relations = list(annotations.relations(doc_id, annotators=annotators, layers=[LAYER]))
        if self._show_suggestions:
            suggested = self._project.suggestions.spans(doc_id, hide_matching=self._annotator)
            shown = {span.id for span in suggested}
            spans += suggested
            relations += [relation for relation in self._project.suggestions.relations(doc_id)
                          if relation.head_id in shown and relation.tail_id in shown]
        return spans, relations

    def refresh(self) -> None:
        """Show the open document's annotations again, keeping the scroll position and the
        current span."""
        if self._document is None:
            return
        self._view.set_annotations(*self._annotations(self._document.id))
        self.currentSpanChanged.emit()

    def reload(self) -> None:
        """Show the open document again (other annotators toggled), keeping the current span."""
        if self._document is None:
            return
        current = self._view.current_span_id()
        self.open_document(self._document.id)
        if current is not None and self._view.span(current) is not None:
            self._view.set_current_span(current, scroll=False)
            self.currentSpanChanged.emit()

    def show_nothing(self) -> None:
        """An empty project: an empty view, and the way to fill it."""
        self._end_relation_mode()
        self._document = None
        self._view.set_document("", [], [], self._colors, owner=self._annotator)
        self.currentSpanChanged.emit()
        self.message.emit(Errors.E508.format(supported=", ".join(AUTO_SUFFIXES)))

    def show_document(self, doc_id: int) -> None:
        if self._document is None or self._document.id != doc_id:
            self.open_document(doc_id)

    # --- spans -------------------------------------------------------------------------------

    def apply_label(self, label: str) -> None:
        """Label the selection as a new span, or, with no selection, relabel the current span."""
        if self._document is None:
            return
        selection = self._view.selected_range()
        if selection is not None and selection[0] != selection[1]:
            self._add_span(label, *selection)
            return
        span = self.current_span()
        if span is None:
            self.message.emit(Errors.E503)
        elif self._refuse_unless_own(span) and span.label != label:
            attrs = initial_attrs(self._project.schema, label, span.attrs)
            self._perform(UpdateSpan(span, title=f"Relabel {span.label} → {label}", label=label, attrs=attrs))

    def _add_span(self, label: str, start: int, end: int) -> None:
        assert self._document is not None
        text = self._document.text
        if self.snapping:
            bounds = snap_to_tokens(text, start, end, self._tokenize)
        else:
            bounds = trim_whitespace(text, start, end)
        if bounds is None:
            self.message.emit(Errors.E504)
            return
        attrs = initial_attrs(self._project.schema, label)
        self._perform(AddSpan(self._document.id, *bounds, label, self._annotator, attrs=attrs))

    def delete_current_span(self) -> None:
        """Delete the current span; on a suggestion, deleting it means rejecting it."""
        span = self.current_span()
        if span is None:
            self.message.emit(Errors.E503)
        elif is_suggestion(span):
            self.reject_current()
        elif self._refuse_unless_own(span):
            self._perform(DeleteSpan(span))

    def relabel_span(self, span_id: int, label: str) -> None:
        span = self._view.span(span_id)
        if span is not None and self._refuse_unless_own(span) and span.label != label:
            attrs = initial_attrs(self._project.schema, label, span.attrs)
            self._perform(UpdateSpan(span, title=f"Relabel {span.label} → {label}", label=label, attrs=attrs))

    def set_span_attrs(self, span_id: int, attrs: dict[str, Any]) -> None:
        span = self._view.span(span_id)
        if span is None or not self._refuse_unless_own(span) or span.attrs == attrs:
            return
        changed = sorted(name for name in set(span.attrs) | set(attrs) if span.attrs.get(name) != attrs.get(name))
        self._perform(UpdateSpan(span, title=f"Change {', '.join(changed)}", attrs=attrs))

    def set_span_note(self, span_id: int, note: str) -> None:
        span = self._view.span(span_id)
        if span is not None and self._refuse_unless_own(span) and span.note != note:
            self._perform(UpdateSpan(span, title="Edit note", note=note))

    def select_span(self, span_id: int) -> None:
        """A click on a span: make it current, or in relation mode, make it the tail."""
        if self._relation_head is not None:
            self.complete_relation(span_id)
            return
        self._view.set_current_span(span_id, scroll=False)
        self.currentSpanChanged.emit()

    def step_span(self, step: int) -> None:
        """Tab / Shift+Tab: the next or previous of the analyst's own spans and the shown
        suggestions, in text order, wrapping."""
        self._step(step, lambda span: self.is_own(span) or is_suggestion(span))

    def step_suggestion(self, step: int) -> None:
        """] / [: the next or previous suggestion, continuing from the current span or from the
        suggestion last accepted or rejected, wrapping."""
        if not self._step(step, is_suggestion):
            self.message.emit(Errors.E511.format(what="suggestions"))

    def _step(self, step: int, wanted: Callable[[SpanRecord], bool]) -> bool:
        """Make the next (or previous) ``wanted`` span after the current one current; False if
        there is none to go to."""
        spans = [span for span_id in self._view.span_ids_in_order()
                 if (span := self._view.span(span_id)) is not None and wanted(span)]
        if not spans:
            return False
        current = self.current_span()
        anchor = _order_key(current) if current is not None else self._review_anchor
        keys = [_order_key(span) for span in spans]
        if anchor is None:
            target = spans[0] if step > 0 else spans[-1]
        elif step > 0:
            target = next((span for span, key in zip(spans, keys, strict=True) if key > anchor), spans[0])
        else:
            target = next((span for span, key in zip(reversed(spans), reversed(keys), strict=True) if key < anchor), spans[-1])
        self._view.set_current_span(target.id)
        self.currentSpanChanged.emit()
        return True

    # --- suggestions ---------------------------------------------------------------------------

    def confirm(self) -> None:
        """Enter: in relation mode, link to the current span; on a suggestion, accept it."""
        if self._relation_head is not None:
            self.complete_relation_at_current()
        elif (span := self.current_span()) is not None and is_suggestion(span):
            self.accept_current()

    def accept_current(self) -> None:
        span = self._current_suggestion()
        if span is not None:
            self._review_anchor = _order_key(span)  # ] continues after it
            outcome = self._perform(AcceptSuggestions(span.document_id, self._annotator, suggestion=span))
            if outcome is not None:
                [acceptance] = outcome.result
                self._view.set_current_span(acceptance.span.id)
                self.currentSpanChanged.emit()

    def reject_current(self) -> None:
        span = self._current_suggestion()
        if span is not None:
            self._review_anchor = _order_key(span)
            self._perform(RejectSuggestions(span.document_id, suggestion=span))

    def accept_all(self, *, of_current_label: bool = False) -> None:
        """Accept every pending suggestion of the document, or of the current span's label."""
        scope = self._bulk_scope(of_current_label)
        if scope is not None:
            current = self._view.current_span_id()
            outcome = self._perform(AcceptSuggestions(scope[0], self._annotator, label=scope[1]))
            if outcome is not None:
                copies = {acceptance.suggestion.id: acceptance.span.id for acceptance in outcome.result}
                if current in copies:  # the copy of the current suggestion becomes current
                    self._view.set_current_span(copies[current], scroll=False)
                    self.currentSpanChanged.emit()
                self.message.emit(f"Accepted {_count(len(outcome.result), scope[1])}.")

    def reject_all(self, *, of_current_label: bool = False) -> None:
        """Reject every pending suggestion of the document, or of the current span's label."""
        scope = self._bulk_scope(of_current_label)
        if scope is not None:
            outcome = self._perform(RejectSuggestions(scope[0], label=scope[1]))
            if outcome is not None:
                self.message.emit(f"Rejected {_count(len(outcome.result), scope[1])}.")

    def _bulk_scope(self, of_current_label: bool) -> tuple[int, str | None] | None:
        """The document and label (None: all labels) a bulk decision is about, or None, with a
        message, when there is nothing to decide: an empty step on the undo stack helps no one."""
        if self._document is None:
            return None
        label = None
        if of_current_label:
            span = self.current_span()
            if span is None:
                self.message.emit(Errors.E512)
                return None
            label = span.label
        if not self._project.suggestions.spans(self._document.id, label=label):
            self.message.emit(Errors.E511.format(what=_count(None, label)))
            return None
        return self._document.id, label

    def _current_suggestion(self) -> SpanRecord | None:
        span = self.current_span()
        if span is None or not is_suggestion(span):
            self.message.emit(Errors.E510)
            return None
        return span

    # --- actors ------------------------------------------------------------------------------

    def actor_candidates(self, text: str) -> list[ActorCandidate]:
        """Registry actors for what the analyst typed in the inspector's actor field."""
        return self._project.actors.candidates(text)

    def link_actor(self, span_id: int, actor_id: int | None) -> None:
        """Link the span to a registry actor, or unlink it (None)."""
        span = self._view.span(span_id)
        if span is None or not self._refuse_unless_own(span):
            return
        actor = self._project.actors.get(actor_id) if actor_id is not None else None
        if (actor.name if actor else None) != span.actor:
            self._perform(link_actor(self._project, span, actor))

    def create_actor(self, span_id: int) -> None:
        """A new registry actor named after the span, linked to it."""
        span = self._view.span(span_id)
        if span is not None and self._refuse_unless_own(span):
            self._perform(create_actor(self._project, span, self.covered_text(span).strip()))

    def cancel(self) -> None:
        """Escape: leave relation mode, else drop the selection, else the current span."""
        if self._relation_head is not None:
            self._end_relation_mode()
            self.message.emit("Relation cancelled.")
        elif self._view.selected_range() is not None:
            self._clear_selection()
        elif self._view.current_span_id() is not None:
            self._view.set_current_span(None)
            self.currentSpanChanged.emit()

    # --- relations ---------------------------------------------------------------------------

    def start_relation(self) -> None:
        span = self.current_span()
        if span is None:
            self.message.emit(Errors.E505)
            return
        if not self._refuse_unless_own(span):
            return
        self._relation_head = span
        self._view.set_relation_mode(True)
        self.message.emit(f"Relation from {span.label} “{self.covered_text(span)}”. {RELATION_PROMPT}")

    def complete_relation_at_current(self) -> None:
        """Enter in relation mode: the current span (reached with Tab) becomes the tail."""
        current = self._view.current_span_id()
        if self._relation_head is not None and current is not None:
            self.complete_relation(current)

    def complete_relation(self, tail_id: int) -> None:
        head = self._relation_head
        tail = self._view.span(tail_id)
        if head is None or tail is None:
            return
        if tail.id == head.id:
            self.message.emit(Errors.E506)
            return
        if not self._refuse_unless_own(tail):
            return
        choices = self._project.schema.relation_types_for(head.label, tail.label)
        if not choices:
            self._end_relation_mode()
            self.message.emit(Errors.E502.format(head=head.label, tail=tail.label,
                                                 allowed=self._relations_from(head.label)))
        elif len(choices) == 1:
            self._end_relation_mode()
            self._add_relation(head, tail, choices[0])
        else:
            self._offer_relation_types(head, tail, choices)

    def _relations_from(self, label: str) -> str:
        allowed = [f"{relation.name} → {'/'.join(relation.tail)}"
                   for relation in self._project.schema.relation_types if label in relation.head]
        return "; ".join(allowed) or "no relations"

    def _offer_relation_types(self, head: SpanRecord, tail: SpanRecord, choices: list[RelationType]) -> None:
        """Several types fit: a small menu at the tail span, keyboard-navigable like any menu."""
        menu = QMenu(self._view)
        for relation in choices:
            action = menu.addAction(f"{relation.name}  ({head.label} → {tail.label})")
            action.setToolTip(relation.description)
            action.triggered.connect(lambda _checked=False, chosen=relation: self._add_relation(head, tail, chosen))
        menu.aboutToHide.connect(self._end_relation_mode)
        self.relation_menu = menu
        menu.popup(self._span_position(tail))

    def _span_position(self, span: SpanRecord) -> QPoint:
        assert self._document is not None
        cursor = QTextCursor(self._view.document())
        cursor.setPosition(OffsetMap(self._document.text).to_qt(span.end))
        return self._view.viewport().mapToGlobal(self._view.cursorRect(cursor).bottomLeft())

    def _add_relation(self, head: SpanRecord, tail: SpanRecord, relation: RelationType) -> None:
        self._end_relation_mode()
        if head.label not in relation.head or tail.label not in relation.tail:  # symmetric, other way round
            head, tail = tail, head
        self._perform(AddRelation(head, tail, relation.name, self._annotator))

    def delete_relation(self, relation_id: int) -> None:
        if self._document is None:
            return
        relation = next((r for r in self._project.annotations.relations(self._document.id)
                         if r.id == relation_id), None)
        if relation is None:  # someone else deleted it since the inspector listed it
            self.reload_from_store()
            self.message.emit(Errors.E562.format(relation_id=relation_id))
            return
        if relation.annotator != self._annotator:
            self.message.emit(Errors.E501.format(owner=relation.annotator, annotator=self._annotator))
            return
        self._perform(DeleteRelation(relation))

    def relations_of(self, span: SpanRecord) -> list[tuple[RelationRecord, SpanRecord, str]]:
        """The span's relations, each with the span at its other end and its text, for the inspector."""
        annotators = None if self._show_others else [self._annotator]
        if is_suggestion(span):
            relations = self._project.suggestions.relations(span.document_id)
        else:
            relations = self._project.annotations.relations(span.document_id, annotators=annotators, layers=[LAYER])
        found = []
        for relation in relations:
            if span.id in (relation.head_id, relation.tail_id):
                other_id = relation.tail_id if relation.head_id == span.id else relation.head_id
                other = self._view.span(other_id) or self._project.annotations.span(other_id)
                found.append((relation, other, self.covered_text(other)))
        return found

    def covered_text(self, span: SpanRecord) -> str:
        return self._document.text[span.start:span.end] if self._document is not None else ""

    def _end_relation_mode(self) -> None:
        if self.relation_menu is not None:
            menu, self.relation_menu = self.relation_menu, None
            menu.aboutToHide.disconnect(self._end_relation_mode)
            menu.hide()
            menu.deleteLater()
        if self._relation_head is not None:
            self._relation_head = None
            self._view.set_relation_mode(False)

    # --- the document as a whole ---------------------------------------------------------------

    def status(self) -> str:
        assert self._document is not None
        return self._project.annotations.status(self._document.id, self._annotator)

    def set_status(self, status: str) -> bool:
        if self._document is None or self.status() == status:
            return False
        return self._perform(SetStatus(self._document.id, self._annotator, status)) is not None

    def doc_labels(self) -> list[str]:
        assert self._document is not None
        return self._project.annotations.doc_labels(self._document.id, self._annotator)

    def set_doc_label(self, label: str, present: bool) -> None:
        if self._document is not None and (label in self.doc_labels()) != present:
            self._perform(SetDocumentLabel(self._document.id, self._annotator, label, present))

    def document_note(self) -> str:
        assert self._document is not None
        notes = self._project.annotations.notes(self._document.id)
        return next((text for _id, annotator, text in notes if annotator == self._annotator), "")

    def set_document_note(self, text: str) -> None:
        if self._document is None:
            return
        if self.document_note() != text:
            self._perform(SetDocumentNote(self._document.id, self._annotator, text))

    # --- running operations ---------------------------------------------------------------------

    def _perform(self, operation: Operation) -> Outcome | None:
        """Perform ``operation`` through the history and show its outcome; None if refused."""
        outcome = self._guarded(lambda: self.history.perform(operation))
        if outcome is not None:
            self._show_outcome(operation, outcome)
        return outcome

    def undo(self) -> Outcome | None:
        """Take back the newest step, showing the document it was about."""
        return self._replay(self.history.undo)

    def redo(self) -> Outcome | None:
        return self._replay(self.history.redo)

    def _replay(self, step: Callable[[], Outcome]) -> Outcome | None:
        outcome = self._guarded(step)
        if outcome is None:
            return None
        documents = sorted(outcome.changes.documents)
        if documents and (self._document is None or self._document.id not in documents):
            self.open_document(documents[0])
        else:
            self.refresh()
        current = self._view.current_span_id()
        shown = [span_id for span_id in sorted(outcome.changes.spans) if self._view.span(span_id) is not None]
        if shown and current not in shown:  # the span the step was about (a suggestion back, a copy)
            self._view.set_current_span(shown[0])
            self.currentSpanChanged.emit()
        return outcome

    def _guarded(self, step: Callable[[], Outcome]) -> Outcome | None:
        """Run a step of the history; a refusal is reported (a conflict also reloads), never raised."""
        self._performing = True
        try:
            return step()
        except ConflictError as error:
            self.report_conflict(str(error))
        except UserError as error:
            if str(error).startswith("[E107]"):  # the row is gone: someone else deleted it
                self.report_conflict(str(error))
            else:
                self.message.emit(str(error))
        finally:
            self._performing = False
        return None

    def apply_changes(self, changes: Changes) -> bool:
        """A change from the window's bridge: reload the open document's layers when it touched
        them (an own operation of this editor has shown itself already). True if reloaded."""
        if self._performing or self._document is None:
            return False
        if changes.schema:
            self._colors = self._project.label_colors()
        if not (changes.touches_document(self._document.id) or changes.actors or changes.schema):
            return False
        self.refresh()
        return True

    def _refuse_unless_own(self, span: SpanRecord) -> bool:
        if self.is_own(span):
            return True
        if is_suggestion(span):
            self.message.emit(Errors.E509)
        else:
            self.message.emit(Errors.E501.format(owner=span.annotator, annotator=self._annotator))
        return False

    def _clear_selection(self) -> None:
        cursor = self._view.textCursor()
        cursor.clearSelection()
        self._view.setTextCursor(cursor)

    # --- showing what an operation did ----------------------------------------------------------

    def _show_outcome(self, operation: Operation, outcome: Outcome) -> None:
        """The view follows a first run incrementally where that is cheap, else reloads."""
        result = outcome.result
        if isinstance(operation, AddSpan):
            self._view.add_span(result)
            self._clear_selection()
            self._view.set_current_span(result.id)
        elif isinstance(operation, DeleteSpan) and isinstance(result, DeletedSpan):
            for relation in result.relations:
                self._view.remove_relation(relation.id)
            self._view.remove_span(result.span.id)
            if self._view.current_span_id() == result.span.id:
                self._view.set_current_span(None)
        elif isinstance(operation, UpdateSpan):
            self._view.replace_span(result)
        elif isinstance(operation, AddRelation):
            self._view.add_relation(result)
        elif isinstance(operation, DeleteRelation):
            self._view.remove_relation(result.id)
        elif outcome.changes.spans or outcome.changes.relations or outcome.changes.actors:
            self.refresh()
        self.currentSpanChanged.emit()

    def report_conflict(self, message: str) -> None:
        """Someone else changed what an edit (or undo) touched: show the document as it now is,
        then let the window tell the analyst (``conflicted``)."""
        self.reload_from_store()
        self.conflicted.emit(message)

    def reload_from_store(self) -> None:
        """Show the open document's annotations as stored now, others' changes included, keeping
        the current span, the scroll position and the undo history."""
        self.refresh()


def _order_key(span: SpanRecord) -> tuple[int, int, int]:
    """Reading order, as the view's ``span_ids_in_order``: by start, outer before inner."""
    return (span.start, -span.end, span.id)


def _count(number: int | None, label: str | None) -> str:
    """ "3 ACTOR suggestions", "1 suggestion"; without a number, the plural alone."""
    what = f"{label} suggestion" if label else "suggestion"
    plural = what if number == 1 else what + "s"
    return plural if number is None else f"{number} {plural}"
