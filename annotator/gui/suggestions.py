"""Deciding on model suggestions in the editor: accept and reject, each one undoable command.

Accepting copies a suggestion into the analyst's layer (``project.suggestions.accept``, undone by
``undo_accept``, which deletes the copy and makes the suggestion pending again); rejecting only
marks it (``reject``, undone by ``reset``). "All of this label" and "all in the document" are
one command each, so one Ctrl+Z takes back the whole batch.

Ids across redo: a redo accepts again, and the store may give the copy a new row id. Commands
further up the stack (a relabel of the accepted span, a relation to it) name the copy by id, so
when the id differs the redo puts the first copy back under its old id (``delete_span`` then
``restore_span``), as ``DeleteSpan`` does for deleted spans: after any undo/redo sequence the
analyst's layer has the same rows and ids as after the first acceptance.

A pipeline run replaces *pending* suggestions with new rows (decided ones stay). So redoing a
decision on a suggestion that was pending again (undone) when a later run replaced it finds it
gone: the store's "no suggestion with id …" is shown and nothing changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from annotator.gui.undo import EditCommand, EditTarget
from annotator.store import Project
from annotator.store.records import DeletedSpan, SpanRecord
from annotator.store.suggestions import Acceptance, Suggestions

LAYER = "suggestion"


class SuggestionTarget(EditTarget, Protocol):
    """What suggestion commands need from the editor besides the ordinary ``EditTarget``."""

    def show_suggestions_changed(self, replaced: Mapping[int, int]) -> None:
        """Many suggestions changed: show the document's annotations again; ``replaced`` maps
        shown span ids to the ids that take their place (suggestion → copy, or back)."""

    def show_suggestion_back(self, span: SpanRecord) -> None:
        """A suggestion is pending again: show it, with its suggested relations, as current."""


def is_suggestion(span: SpanRecord) -> bool:
    return span.layer == LAYER


class _SuggestionCommand(EditCommand):
    """One suggestion (``suggestion``), or every pending one of the document (of ``label``)."""

    def __init__(self, target: SuggestionTarget, doc_id: int, verb: str, *, suggestion: SpanRecord | None,
                 label: str | None) -> None:
        if suggestion is not None:
            text = f"{verb} suggested {suggestion.label}"
        else:
            text = f"{verb} all {label + ' ' if label else ''}suggestions"
        super().__init__(target, doc_id, text)
        self._suggestion_target = target
        self._suggestion = suggestion
        self._label = label

    @property
    def _suggestions(self) -> Suggestions:
        return self._target.project.suggestions


class AcceptSuggestions(_SuggestionCommand):
    def __init__(self, target: SuggestionTarget, doc_id: int, annotator: str, *,
                 suggestion: SpanRecord | None = None, label: str | None = None) -> None:
        super().__init__(target, doc_id, "Accept", suggestion=suggestion, label=label)
        self._annotator = annotator
        self.acceptances: list[Acceptance] = []

    def apply(self) -> None:
        if self._suggestion is not None:
            fresh = [self._suggestions.accept(self._suggestion.id, self._annotator)]
        else:
            fresh = self._suggestions.accept_all(self.doc_id, self._annotator, self._label)
        self.acceptances = _keep_ids(self._target.project, fresh, self.acceptances)

    def revert(self) -> None:
        self._suggestions.undo_accept(self.acceptances)

    def show_applied(self) -> None:
        target = self._suggestion_target
        if self._suggestion is not None:
            [acceptance] = self.acceptances
            target.show_span_removed(acceptance.suggestion.id)
            target.show_span_added(acceptance.span, acceptance.relations)
        else:
            target.show_suggestions_changed({a.suggestion.id: a.span.id for a in self.acceptances})
        super().show_applied()

    def show_reverted(self) -> None:
        target = self._suggestion_target
        if self._suggestion is None:
            target.show_suggestions_changed({a.span.id: a.suggestion.id for a in self.acceptances if a.created})
        else:
            [acceptance] = self.acceptances
            if acceptance.created:
                target.show_span_removed(acceptance.span.id, acceptance.relations)
                target.show_suggestion_back(acceptance.suggestion)
            else:  # the analyst's own span was there before and stays; only relation copies go
                for relation in acceptance.relations:
                    target.show_relation_removed(relation)
        super().show_reverted()


class RejectSuggestions(_SuggestionCommand):
    def __init__(self, target: SuggestionTarget, doc_id: int, *, suggestion: SpanRecord | None = None,
                 label: str | None = None) -> None:
        super().__init__(target, doc_id, "Reject", suggestion=suggestion, label=label)
        self.rejected: list[int] = []

    def apply(self) -> None:
        if self._suggestion is not None:
            self._suggestion = self._suggestions.reject(self._suggestion.id)  # as it was: pending
            self.rejected = [self._suggestion.id]
        else:
            self.rejected = self._suggestions.reject_all(self.doc_id, self._label)

    def revert(self) -> None:
        self._suggestions.reset(self.rejected)

    def show_applied(self) -> None:
        if self._suggestion is not None:
            self._suggestion_target.show_span_removed(self._suggestion.id)
        else:
            self._suggestion_target.show_suggestions_changed({})
        super().show_applied()

    def show_reverted(self) -> None:
        if self._suggestion is not None:
            self._suggestion_target.show_suggestion_back(self._suggestion)
        else:
            self._suggestion_target.show_suggestions_changed({})
        super().show_reverted()


def _keep_ids(project: Project, fresh: list[Acceptance], first: list[Acceptance]) -> list[Acceptance]:
    """On redo, give the analyst's copies (and relation copies) back the ids of the first
    acceptance of the same suggestions; see the module docstring. In acceptance order, so a
    relation copy is restored after the span at its other end got its id back."""
    before = {acceptance.suggestion.id: acceptance for acceptance in first}
    annotations = project.annotations
    kept = []
    for acceptance in fresh:
        old = before.get(acceptance.suggestion.id)
        same = old is not None and (old.span.id, [r.id for r in old.relations]) == (
            acceptance.span.id, [r.id for r in acceptance.relations])
        if old is None or same or old.created != acceptance.created:
            kept.append(acceptance)
            continue
        if acceptance.created:
            annotations.delete_span(acceptance.span.id)  # with its relation copies
            annotations.restore_span(DeletedSpan(old.span, old.relations))
        else:
            for relation in acceptance.relations:
                annotations.delete_relation(relation.id)
            for relation in old.relations:
                annotations.restore_relation(relation)
        kept.append(old)
    return kept
