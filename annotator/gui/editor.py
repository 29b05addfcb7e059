"""The annotation editor: what an analyst's keys and clicks do to the open document.

It sits between the widgets and the core. Widgets (the text view, palette, inspector, document
panel) report intents here ("apply ACTOR", "delete the current span", "set this attribute"); the
editor checks them (the layer worked in only, a selection or a current span), turns each into one core
operation (``annotator.ops``) performed through the annotator's ``History`` (one transaction,
undoable from the Edit menu, the same history a test or the CLI uses), and updates the text
view from the outcome. Changes made elsewhere (a background job, another window, a teammate)
reach it through ``apply_changes``, fed by the window's one ``OpsBridge``.

The editor keeps the open document, the span edits and the document-level edits; its
collaborators own the rest: ``HistorySteps`` (performing, undoing and redoing through the
history, refusals, the view following an outcome), ``EditorRelations`` (relation mode, adding
and deleting relations, Tab through the targets in relation mode), ``SpanNavigation`` (Tab,
] and [) and ``SuggestionReview`` (accepting and rejecting suggestions). The editor's methods
for these delegate, so the window binds its actions to the editor alone.

The layer worked in is the analyst's own ``annotation`` layer unless View ▸ Layer chose gold or a
teammate's (``layers.Layer``, ``set_layer``): it is what the view shows as current, what Tab
walks and what label keys write to (gold with the analyst as origin and adjudicator,
``ops.gold_spans``); a teammate's is read-only.

Model suggestions (the ``suggestion`` layer) are shown beside the analyst's spans, in their own
layer only, read-only:
Tab walks only the analyst's own spans, ] and [ only the suggestions, and accepting or
rejecting one is an operation of ``annotator.ops.suggestions``. A suggestion the analyst
already has (same label and offsets) is not shown. Where a suggestion (or another annotator's
span) and one of the analyst's spans overlap, a click takes the analyst's
(``textview.screen``), so the keys that act on the current span act on it.

F2 (``edit_attributes``) asks for the focus in the inspector's attributes
(``attributesRequested``): the window hands it to the inspector.

A step refused because someone else changed or deleted the item (``ConflictError``, E107 for a
row gone, or an undo/redo the history dropped: ``StepRefused``) reloads the document and is
reported through ``conflicted``; the window shows the one conflict dialog.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QObject, Signal

from annotator.errors import Errors
from annotator.formats.detect import AUTO_SUFFIXES
from annotator.gui.actors import create_actor, link_actor
from annotator.gui.document_load import DocumentLoad
from annotator.gui.editor_relations import EditorRelations
from annotator.gui.history_steps import HistorySteps
from annotator.gui.layers import GOLD, OWN_LAYER, Layer, where
from annotator.gui.span_navigation import SpanNavigation
from annotator.gui.suggestions import SuggestionReview, is_suggestion
from annotator.gui.textview import DocumentView
from annotator.nlp.snapping import Tokenize, snap_to_tokens, trim_whitespace
from annotator.ops import History, Operation, Outcome
from annotator.ops.documents import SetDocumentLabel, SetDocumentNote, SetStatus
from annotator.ops.gold_spans import AddGoldRelation, AddGoldSpan
from annotator.ops.spans import AddFragment, AddRelation, AddSpan, DeleteSpan, RemoveFragment, UpdateSpan, pieces_of
from annotator.schema import LabelSchema
from annotator.store import Project
from annotator.store.actors import ActorCandidate
from annotator.store.change_log import Changes
from annotator.store.records import DocumentRecord, RelationRecord, SpanRecord

LAYER = "annotation"
# Opening reads the spans of this many screens of text at once (``document_load``): one, as
# ``DocumentView.screen_chars`` counts full lines at the bare line height, and every line takes
# room for chips as well (a second screen cost 2-3 ms of the key on 1 MB with 20,000 suggestions).
FIRST_SCREENS = 1
_FALLBACK_TOKEN = re.compile(r"\w+|[^\w\s]")


def regex_tokenize(text: str) -> Iterable[tuple[int, int]]:
    """Words and single punctuation marks: close to spaCy for snapping, used until spaCy loads."""
    return ((match.start(), match.end()) for match in _FALLBACK_TOKEN.finditer(text))


def load_spacy_tokenizer(_control: object) -> Tokenize:
    """spaCy's English tokenizer (rules only, no model: snapping needs nothing more).

    Run on a worker thread: importing spaCy takes a second or two, which must not delay the
    first window. Made once per process (0.13 s each time): every window's snapping calls it on
    the GUI thread only, so the windows can share it.
    """
    return _blank_tokenizer()


@functools.cache
def _blank_tokenizer() -> Tokenize:
    from annotator.nlp.pipelines import BLANK, load_pipeline
    from annotator.nlp.snapping import spacy_tokenize

    return spacy_tokenize(load_pipeline(BLANK).nlp)


def initial_attrs(schema: LabelSchema, label: str, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """Attributes of a span that gets ``label``: the schema defaults, then any ``previous`` value
    for an attribute the label also has (relabelling keeps what still applies)."""
    spec = schema.span_label(label)
    if spec is None:
        return dict(previous or {})
    attrs = spec.default_attrs()
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
    attributesRequested = Signal()     # F2 on an own span: the focus goes to the inspector's attributes

    def __init__(self, project: Project, annotator: str, view: DocumentView) -> None:
        super().__init__(view)
        self._project = project
        self._annotator = annotator
        self._view = view
        self._document: DocumentRecord | None = None
        self._colors = project.label_colors()
        self._show_others = False
        self._layer = OWN_LAYER  # View ▸ Layer: the layer shown as current and edited (``layers``)
        self._show_suggestions = True
        self.snapping = True
        self._tokenize: Tokenize = regex_tokenize
        self.spacy_ready = False
        self.steps = HistorySteps(self)
        self.relations = EditorRelations(self)
        self.navigation = SpanNavigation(self)
        self.suggestions = SuggestionReview(self, self.navigation)
        self.load: DocumentLoad | None = None  # the open document's spans still being read (``document_load``)
        view.spanClicked.connect(self.select_span)

    # --- state -------------------------------------------------------------------------------

    @property
    def project(self) -> Project:
        return self._project

    @property
    def annotator(self) -> str:
        return self._annotator

    @property
    def view(self) -> DocumentView:
        return self._view

    @property
    def history(self) -> History:
        """The undo history of this annotator on this project (kept in the core)."""
        return History.of(self._project, self._annotator)

    @property
    def document(self) -> DocumentRecord | None:
        return self._document

    @property
    def in_relation_mode(self) -> bool:
        return self.relations.active

    def set_project(self, project: Project, annotator: str) -> None:
        """Edit another project (or as another annotator): its own undo history applies."""
        self.relations.end()
        self._stop_loading()
        self._project = project
        self._annotator = annotator
        self._colors = project.label_colors()
        self._document = None

    def set_show_others(self, shown: bool) -> None:
        self._show_others = shown
        self.reload()

    @property
    def layer(self) -> Layer:
        return self._layer

    def set_layer(self, layer: Layer) -> None:
        """Work in ``layer`` (own, gold or a teammate's) from now on: the open document shows it,
        scrolled where it was."""
        if layer != self._layer:
            self._layer = layer
            self.relations.end()
            self._view.set_owner(layer.owner(self._annotator))
            self.refresh()

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
        """Whether ``span`` is in the layer worked in (View ▸ Layer): what Tab walks and relations join."""
        return self._layer.holds(span, self._annotator)

    def can_edit(self, span: SpanRecord) -> bool:
        """Whether the analyst may change ``span``: in the layer worked in, which is not a teammate's."""
        return self._layer.editable and self._layer.holds(span, self._annotator)

    def shows(self, item: SpanRecord | RelationRecord) -> bool:
        """Whether the view shows ``item`` (a suggestion aside): it is in the layer worked in, or
        with View ▸ Show other annotators in any annotation or gold layer."""
        return self._layer.holds(item, self._annotator) or (self._show_others and item.layer in (LAYER, GOLD))

    def current_span(self) -> SpanRecord | None:
        span_id = self._view.current_span_id()
        return self._view.span(span_id) if span_id is not None else None

    def covered_text(self, span: SpanRecord, gap: str = " … ") -> str:
        """The span's text; a discontinuous span's pieces joined by ``gap``."""
        if self._document is None:
            return ""
        return gap.join(self._document.text[a:b] for a, b in pieces_of(span))

    # --- documents ---------------------------------------------------------------------------

    def open_document(self, doc_id: int) -> None:
        """Show a document from its top: the spans and the text of its first screens at once,
        the rest read while the window is idle (``document_load``, ``textview.text_fill``)."""
        self.relations.end()
        self._stop_loading()
        self._document = self._project.documents.get(doc_id)
        self.navigation.forget()
        load = DocumentLoad(self, doc_id, len(self._document.text))
        first = self._view.screen_chars() * FIRST_SCREENS
        spans, relations = load.first(first)
        self._view.set_document(self._document.text, spans, relations, self._colors,
                                owner=self._layer.owner(self._annotator), text_first=first)
        self.load = load
        load.start()
        self.documentShown.emit(doc_id)
        self.currentSpanChanged.emit()

    def _stop_loading(self) -> None:
        if self.load is not None:
            self.load.stop()
            self.load.deleteLater()
            self.load = None

    def shown_layers(self) -> tuple[list[str] | None, list[str], bool]:
        """What the view shows (``shows``): the annotators (None: all) and layers read, and
        whether the pending suggestions the analyst does not already have are shown too."""
        if self._show_others:
            annotators, layers = None, [LAYER, GOLD]
        else:
            annotators, layers = self._layer.annotators(self._annotator), [self._layer.store_layer]
        return annotators, layers, self._show_suggestions and self._layer == OWN_LAYER

    def _annotations(self, doc_id: int) -> tuple[list[SpanRecord], list[RelationRecord]]:
        """What the view shows (``shows``): the layer worked in (and the others when asked), then,
        in the analyst's own layer, pending suggestions they do not already have, with relations
        between shown ones."""
        annotators, layers, suggestions = self.shown_layers()
        annotations = self._project.annotations
        spans = list(annotations.spans(doc_id, annotators=annotators, layers=layers))
        relations = list(annotations.relations(doc_id, annotators=annotators, layers=layers))
        if suggestions:
            # The analyst's spans were just read: the suggestions they already have are left out
            # here, not by the store reading them again (60 ms with 20,000 own spans).
            own = {(span.label, span.start, span.end) for span in spans if span.annotator == self._annotator}
            suggested = [span for span in self._project.suggestions.spans(doc_id)
                         if (span.label, span.start, span.end) not in own]
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
        self._stop_loading()  # everything is read again here
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
        self.relations.end()
        self._stop_loading()
        self._document = None
        self._view.set_document("", [], [], self._colors, owner=self._layer.owner(self._annotator))
        self.currentSpanChanged.emit()
        self.message.emit(Errors.E508.format(supported=", ".join(AUTO_SUFFIXES)))

    def show_document(self, doc_id: int) -> None:
        if self._document is None or self._document.id != doc_id:
            self.open_document(doc_id)

    def apply_changes(self, changes: Changes) -> bool:
        """A change from the window's bridge: reload the open document's layers when it touched
        them (an own operation of this editor has shown itself already). True if reloaded."""
        if self.steps.running or self._document is None:
            return False
        if changes.schema:
            self._colors = self._project.label_colors()
        if not (changes.touches_document(self._document.id) or changes.actors or changes.schema):
            return False
        self.refresh()
        return True

    def report_conflict(self, message: str) -> None:
        """Someone else changed what an edit (or undo) touched: show the document as it now is,
        then let the window tell the analyst (``conflicted``)."""
        self.reload_from_store()
        self.conflicted.emit(message)

    def reload_from_store(self) -> None:
        """Show the open document's annotations as stored now, others' changes included, keeping
        the current span, the scroll position and the undo history."""
        self.refresh()

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
        elif self.refuse_unless_own(span) and span.label != label:
            attrs = initial_attrs(self._project.schema, label, span.attrs)
            self.perform(UpdateSpan(span, title=f"Relabel {span.label} → {label}", label=label, attrs=attrs))

    def _add_span(self, label: str, start: int, end: int) -> None:
        assert self._document is not None
        bounds = self._snapped(start, end)
        if bounds is None:
            self.message.emit(Errors.E504)
            return
        attrs = initial_attrs(self._project.schema, label)
        if not self._layer.editable:
            self.message.emit(Errors.E1240.format(owner=self._layer.teammate, annotator=self._annotator))
        elif self._layer == OWN_LAYER:
            self.perform(AddSpan(self._document.id, *bounds, label, self._annotator, attrs=attrs))
        else:  # gold: the analyst is the new span's origin and adjudicator
            self.perform(AddGoldSpan(self._document.id, *bounds, label, self._annotator, attrs=attrs))

    def _snapped(self, start: int, end: int) -> tuple[int, int] | None:
        """A selection snapped to tokens (trimmed of white space when snapping is off)."""
        assert self._document is not None
        if self.snapping:
            return snap_to_tokens(self._document.text, start, end, self._tokenize)
        return trim_whitespace(self._document.text, start, end)

    def toggle_fragment(self, label: str) -> None:
        """Shift with a label key: the selection, snapped as for a new span, becomes a fragment
        of the current span, or stops being one when it is exactly one of its fragments
        (``AddFragment``, ``RemoveFragment``: one step each; refusals say why)."""
        selection = self._view.selected_range()
        span = self.current_span()
        if self._document is None or span is None or selection is None:
            self.message.emit(Errors.E591)
            return
        if not self.refuse_unless_own(span):
            return
        bounds = self._snapped(*selection)
        if bounds is None:
            self.message.emit(Errors.E504)
            return
        step = RemoveFragment if bounds in pieces_of(span) else AddFragment
        if self.perform(step(span, *bounds, label)) is not None:
            self._view.clear_selection()

    def delete_current_span(self) -> None:
        """Delete the current span; on a suggestion, deleting it means rejecting it."""
        span = self.current_span()
        if span is None:
            self.message.emit(Errors.E503)
        elif is_suggestion(span):
            self.reject_current()
        elif self.refuse_unless_own(span):
            self.perform(DeleteSpan(span))

    def relabel_span(self, span_id: int, label: str) -> None:
        span = self._view.span(span_id)
        if span is not None and self.refuse_unless_own(span) and span.label != label:
            attrs = initial_attrs(self._project.schema, label, span.attrs)
            self.perform(UpdateSpan(span, title=f"Relabel {span.label} → {label}", label=label, attrs=attrs))

    def set_span_attrs(self, span_id: int, attrs: dict[str, Any]) -> None:
        span = self._view.span(span_id)
        if span is None or not self.refuse_unless_own(span) or span.attrs == attrs:
            return
        changed = sorted(name for name in set(span.attrs) | set(attrs) if span.attrs.get(name) != attrs.get(name))
        self.perform(UpdateSpan(span, title=f"Change {', '.join(changed)}", attrs=attrs))

    def set_span_note(self, span_id: int, note: str) -> None:
        span = self._view.span(span_id)
        if span is not None and self.refuse_unless_own(span) and span.note != note:
            self.perform(UpdateSpan(span, title="Edit note", note=note))

    def select_span(self, span_id: int) -> None:
        """A click on a span: make it current, or in relation mode, make it the tail."""
        if self.relations.active:
            self.relations.complete(span_id)
            return
        self._view.set_current_span(span_id, scroll=False)
        self.currentSpanChanged.emit()

    def step_span(self, step: int) -> None:
        """Tab / Shift+Tab: the next of the analyst's spans (``SpanNavigation.step_span``), in
        relation mode the next target, nearest the head first (``EditorRelations.step_target``)."""
        if self.relations.active:
            self.relations.step_target(step)
        else:
            self.navigation.step_span(step)

    def step_suggestion(self, step: int) -> None:
        """] / [ (``SpanNavigation.step_suggestion``)."""
        self.navigation.step_suggestion(step)

    def confirm(self) -> None:
        """Enter: in relation mode, link to the current span; on a suggestion, accept it."""
        if self.relations.active:
            self.relations.complete_at_current()
        elif (span := self.current_span()) is not None and is_suggestion(span):
            self.accept_current()

    def cancel(self) -> None:
        """Escape: leave relation mode (the head current again), else drop the selection, else
        the current span."""
        if self.relations.active:
            self.relations.cancel()
        elif self._view.selected_range() is not None:
            self._view.clear_selection()
        elif self._view.current_span_id() is not None:
            self._view.set_current_span(None)
            self.currentSpanChanged.emit()

    def edit_attributes(self) -> None:
        """F2: the focus to the current span's attributes in the inspector, if the span is the
        analyst's; else a message saying why not."""
        span = self.current_span()
        if span is None:
            self.message.emit(Errors.E583)
        elif self.refuse_unless_own(span):
            self.attributesRequested.emit()

    # --- suggestions (``SuggestionReview``) ----------------------------------------------------

    def accept_current(self) -> None:
        self.suggestions.accept_current()

    def reject_current(self) -> None:
        self.suggestions.reject_current()

    def accept_all(self, *, of_current_label: bool = False) -> None:
        self.suggestions.accept_all(of_current_label=of_current_label)

    def reject_all(self, *, of_current_label: bool = False) -> None:
        self.suggestions.reject_all(of_current_label=of_current_label)

    # --- actors ------------------------------------------------------------------------------

    def actor_candidates(self, text: str) -> list[ActorCandidate]:
        """Registry actors for what the analyst typed in the inspector's actor field."""
        return self._project.actors.candidates(text)

    def link_actor(self, span_id: int, actor_id: int | None) -> None:
        """Link the span to a registry actor, or unlink it (None)."""
        span = self._view.span(span_id)
        if span is None or not self.refuse_unless_own(span):
            return
        actor = self._project.actors.get(actor_id) if actor_id is not None else None
        if (actor.name if actor else None) != span.actor:
            self.perform(link_actor(self._project, span, actor))

    def create_actor(self, span_id: int) -> None:
        """A new registry actor named after the span, linked to it."""
        span = self._view.span(span_id)
        if span is not None and self.refuse_unless_own(span):
            self.perform(create_actor(self._project, span, self.covered_text(span, " ").strip()))

    # --- relations (``EditorRelations``) -------------------------------------------------------

    def start_relation(self) -> None:
        self.relations.start()

    def delete_relation(self, relation_id: int) -> None:
        self.relations.delete(relation_id)

    def relation_step(self, head: SpanRecord, tail: SpanRecord, label: str) -> Operation:
        """The operation linking two spans of the layer worked in: in gold, with the analyst as
        the relation's origin and adjudicator."""
        if head.layer == GOLD:
            return AddGoldRelation(head, tail, label, self._annotator)
        return AddRelation(head, tail, label, self._annotator)

    def relations_of(self, span: SpanRecord) -> list[tuple[RelationRecord, SpanRecord, str]]:
        """The span's relations for the inspector (``EditorRelations.of_span``)."""
        return self.relations.of_span(span)

    # --- the document as a whole ---------------------------------------------------------------

    def own_span_count(self, doc_id: int, annotator: str) -> int | None:
        """How many spans of ``annotator``'s layer the open document ``doc_id`` has, from the
        view, which shows them all (None for another document or annotator, while a step runs
        and the view does not show its outcome yet, or while the document's spans are still
        being read)."""
        if self._document is None or self._document.id != doc_id or annotator != self._annotator \
                or self.steps.running or not (self._layer == OWN_LAYER or self._show_others) \
                or self._view.loading:
            return None
        return self._view.count_spans(LAYER, annotator)

    def status(self) -> str:
        assert self._document is not None
        return self._project.annotations.status(self._document.id, self._annotator)

    def set_status(self, status: str) -> bool:
        if self._document is None or self.status() == status:
            return False
        return self.perform(SetStatus(self._document.id, self._annotator, status)) is not None

    def doc_labels(self) -> list[str]:
        assert self._document is not None
        return self._project.annotations.doc_labels(self._document.id, self._annotator)

    def set_doc_label(self, label: str, present: bool) -> None:
        if self._document is not None and (label in self.doc_labels()) != present:
            self.perform(SetDocumentLabel(self._document.id, self._annotator, label, present))

    def document_note(self) -> str:
        assert self._document is not None
        notes = self._project.annotations.notes(self._document.id)
        return next((text for _id, annotator, text in notes if annotator == self._annotator), "")

    def set_document_note(self, text: str) -> None:
        if self._document is None:
            return
        if self.document_note() != text:
            self.perform(SetDocumentNote(self._document.id, self._annotator, text))

    # --- running operations (``HistorySteps``) -------------------------------------------------

    def perform(self, operation: Operation) -> Outcome | None:
        """Perform ``operation`` through the history and show its outcome; None if refused."""
        return self.steps.perform(operation)

    def undo(self) -> Outcome | None:
        """Take back the newest step, showing the document it was about."""
        return self.steps.undo()

    def redo(self) -> Outcome | None:
        return self.steps.redo()

    def refuse_unless_own(self, span: SpanRecord) -> bool:
        """True for a span the analyst may change (``can_edit``); for any other, a message saying why not."""
        if self.can_edit(span):
            return True
        if is_suggestion(span):
            self.message.emit(Errors.E509)
        elif self.is_own(span):  # a teammate's layer, shown read-only
            self.message.emit(Errors.E1240.format(owner=span.annotator, annotator=self._annotator))
        elif self._layer == OWN_LAYER and span.layer == LAYER:
            self.message.emit(Errors.E501.format(owner=span.annotator, annotator=self._annotator))
        else:
            self.message.emit(Errors.E1241.format(where=where(span, self._annotator),
                                                  layer=self._layer.title(self._annotator)))
        return False
