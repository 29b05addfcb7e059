"""Showing what a step changed in the open document without reading the whole document again.

After an accept, a reject, an undo or a redo the editor used to show the document's annotations
again (``DocumentEditor.refresh``): on a 1 MB document with 20,000 suggestions that reads 20,000
rows and rebuilds the view's index, 0.6 to 1 s for one key. A step changes a few spans and
relations, and its ``Changes`` names every one of them (the store notes each row it writes or
deletes), so ``show_changes`` reads just those again by id and puts each into the view, replaces
it or takes it out by the rule the editor shows a document by (``DocumentEditor._annotations``):

- spans and relations of the layer worked in (View ▸ Layer: the analyst's own, gold or a
  teammate's), and of every annotation and gold layer with View ▸ Show other annotators
  (``DocumentEditor.shows``);
- in the analyst's own layer, pending suggestions while suggestions are shown, except one with the label and offsets of a
  span of the analyst's own (so the pending suggestions at an own span that came, went or moved
  are looked at again too), and the suggested relations between two suggestions shown.

An actor's change names the spans that show its name (``Actors._note_change``), so it is taken
on as theirs. What cannot be taken on one by one (the schema, everything, or more than
``MOST_ITEMS`` spans and relations, such as accepting all suggestions, where reading the
document once is cheaper) is left to the caller: ``show_changes`` returns False.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.store.change_log import Changes
from annotator.store.records import RelationRecord, SpanRecord

if TYPE_CHECKING:
    from annotator.gui.editor import DocumentEditor

MOST_ITEMS = 200
OWN_LAYER = "annotation"
SUGGESTION_LAYER = "suggestion"

Key = tuple[str, int, int]  # (label, start, end): an own span hides the pending suggestions with its key


def show_changes(editor: DocumentEditor, changes: Changes) -> bool:
    """Update the editor's view with the spans and relations ``changes`` names; False (nothing
    done) when the change is not one to take one by one."""
    document = editor.document
    if document is None or changes.everything or changes.schema:
        return False
    if len(changes.spans) + len(changes.relations) > MOST_ITEMS:
        return False
    if changes.spans or changes.relations:
        _Update(editor, document.id).apply(changes)
    return True


class _Update:
    """One ``show_changes``: the reads and the view edits, spans before relations."""

    def __init__(self, editor: DocumentEditor, doc_id: int) -> None:
        self._editor = editor
        self._doc_id = doc_id
        self._view = editor.view
        self._project = editor.project

    def apply(self, changes: Changes) -> None:
        with self._view.changing():  # the lines touched are measured and repainted once
            suggestions = self._own_and_others(changes)
            appeared = self._suggestions(suggestions)
            self._relations(changes, appeared)

    def _own_and_others(self, changes: Changes) -> dict[int, SpanRecord | None]:
        """Show the changed spans of the annotation layer; return the suggestions to look at
        again: the changed ones, and those at the analyst's spans that came or went."""
        stored = {span.id: span for span in self._project.annotations.spans(self._doc_id, ids=changes.spans)} \
            if changes.spans else {}
        suggestions: dict[int, SpanRecord | None] = {}
        came: set[Key] = set()
        gone: set[Key] = set()
        for span_id in sorted(changes.spans):
            before, after = self._view.span(span_id), stored.get(span_id)
            either = after if after is not None else before
            if either is None:
                continue  # neither shown nor in this document
            if either.layer == SUGGESTION_LAYER:
                suggestions[span_id] = after
                continue
            was, now = (_key(span) if span is not None and self._is_own(span) else None for span in (before, after))
            if was != now:
                gone.update([was] if was is not None else [])
                came.update([now] if now is not None else [])
            self._show_span(span_id, after if after is not None and self._shows_layer_of(after) else None)
        for key in came:  # a suggestion shown with the label and offsets of a new own span hides
            for span_id in self._view.spans_at(key[1]):
                shown = self._view.span(span_id)
                if shown is not None and shown.layer == SUGGESTION_LAYER and _key(shown) == key:
                    suggestions.setdefault(span_id, shown)
        if gone:  # one hidden by an own span that went or moved may show: not in the view, so read
            for suggestion in self._project.annotations.spans(self._doc_id, layers=[SUGGESTION_LAYER],
                                                              starting_at={key[1] for key in gone}):
                if _key(suggestion) in gone:
                    suggestions.setdefault(suggestion.id, suggestion)
        return suggestions

    def _suggestions(self, suggestions: dict[int, SpanRecord | None]) -> list[int]:
        """Show or hide each suggestion as the rule says; return those that were not shown and are."""
        appeared = []
        for span_id, suggestion in suggestions.items():
            shown = suggestion if suggestion is not None and self._shows_suggestion(suggestion) else None
            if shown is not None and self._view.span(span_id) is None:
                appeared.append(span_id)
            self._show_span(span_id, shown)
        return appeared

    def _relations(self, changes: Changes, appeared: list[int]) -> None:
        """Show the changed relations as the rule says, and the suggested relations of the
        suggestions that appeared (taking a span out of the view took its relations with it)."""
        annotations = self._project.annotations
        relations = {relation.id: relation for relation in annotations.relations(self._doc_id, ids=changes.relations)} \
            if changes.relations else {}
        if appeared:
            relations.update((relation.id, relation) for relation in annotations.relations(
                self._doc_id, layers=[SUGGESTION_LAYER], touching=appeared))
        for relation_id in sorted(set(changes.relations) | set(relations)):
            relation = relations.get(relation_id)
            if relation is not None and self._shows_relation(relation):
                self._view.add_relation(relation)  # or replaces it
            else:
                self._view.remove_relation(relation_id)  # nothing when it is not shown

    def _show_span(self, span_id: int, span: SpanRecord | None) -> None:
        """Show ``span`` as it now is, or no span ``span_id`` (None)."""
        if span is not None:
            if self._view.span(span_id) != span:
                self._view.add_span(span)
        elif self._view.span(span_id) is not None:
            self._view.remove_span(span_id)

    def _is_own(self, span: SpanRecord) -> bool:
        return span.layer == OWN_LAYER and span.annotator == self._editor.annotator

    def _shows_layer_of(self, item: SpanRecord | RelationRecord) -> bool:
        return self._editor.shows(item)  # the layer worked in (View ▸ Layer), and others' when shown

    def _shows_suggestion(self, span: SpanRecord) -> bool:
        if not self._editor.show_suggestions or span.status != "pending" or self._editor.layer.kind != "own":
            return False
        return not any((own := self._view.span(other)) is not None and self._is_own(own) and _key(own) == _key(span)
                       for other in self._view.spans_at(span.start))

    def _shows_relation(self, relation: RelationRecord) -> bool:
        if relation.layer == SUGGESTION_LAYER:
            ends = [self._view.span(relation.head_id), self._view.span(relation.tail_id)]
            return all(end is not None and end.layer == SUGGESTION_LAYER for end in ends)
        return self._shows_layer_of(relation)


def _key(span: SpanRecord) -> Key:
    return (span.label, span.start, span.end)
