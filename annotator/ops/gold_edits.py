"""The reviewer's own edits of a gold span as operations: relabel, clear an attribute value.

Each is one ``UpdateSpan`` of the span as the reviewer saw it (its version expected), so undo
and redo are one transaction each and a span another reviewer changed meanwhile is refused.

- ``RelabelGold``: the attribute values follow the new label (``annotator.review.relabel``:
  undefined keys dropped, defaults filled, required ones given or refused), and the span
  becomes the reviewer's: a relabel is their decision, not the annotator's version any more,
  so ``origin_annotator`` and ``adjudicator`` are both the reviewer ("carol's version,
  adjudicated by carol"), not "boris's version" for a label boris never gave. Its undo puts the
  old label, values and provenance back.
- ``ClearAttribute``: one value taken off; the provenance stays (the span is still that
  annotator's version, less a value the reviewer found unfounded).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from annotator.errors import Errors, UserError
from annotator.ops.operation import Done, Operation
from annotator.ops.spans import UpdateSpan
from annotator.review import adjudicate, relabel
from annotator.store import Project
from annotator.store.records import SpanRecord

Provenance = tuple[str | None, str | None]


class WithProvenance(Operation):
    """``inner`` (an edit of gold span ``span_id``) that also sets the span's provenance; the undo
    is the inner undo setting the provenance the span had before."""

    def __init__(self, inner: Operation, span_id: int, provenance: Provenance) -> None:
        self.label = inner.label
        self._inner = inner
        self._span_id = span_id
        self._provenance = provenance

    def run(self, project: Project) -> Done[Any]:
        before = adjudicate.provenance(project, self._span_id)
        done = self._inner.run(project)
        adjudicate.set_provenance(project, self._span_id, *self._provenance)
        undo = WithProvenance(done.undo, self._span_id, before) if done.undo is not None else None
        return Done(done.result, undo)


class RelabelGold(Operation):
    """Relabel a gold span as ``label``; ``attrs``: the values the reviewer gave for the new
    label's required attributes (module docstring)."""

    def __init__(self, span: SpanRecord, label: str, adjudicator: str, attrs: Mapping[str, Any] | None = None) -> None:
        self.label = f"Relabel gold {span.label} → {label}"
        self._span = span
        self._new = label
        self._adjudicator = adjudicator
        self._given = dict(attrs or {})

    def run(self, project: Project) -> Done[SpanRecord]:
        span = self._span
        if span.layer != adjudicate.GOLD:
            raise UserError(Errors.E906.format(span_id=span.id))
        if self._new == span.label:
            raise UserError(Errors.E1224.format(label=span.label))
        attrs = relabel.relabelled_attrs(project.schema, span, self._new, self._given)
        edit = UpdateSpan(span, title=self.label, label=self._new, attrs=attrs)
        return WithProvenance(edit, span.id, (self._adjudicator, self._adjudicator)).run(project)


class ClearAttribute(Operation):
    """Take one attribute value off a gold span (not a required one: E1222)."""

    def __init__(self, span: SpanRecord, key: str) -> None:
        self.label = f"Clear {key} of gold {span.label}"
        self._span = span
        self._key = key

    def run(self, project: Project) -> Done[SpanRecord]:
        span = self._span
        if span.layer != adjudicate.GOLD:
            raise UserError(Errors.E906.format(span_id=span.id))
        attrs = relabel.cleared_attrs(project.schema, span, self._key)
        return UpdateSpan(span, title=self.label, attrs=attrs).run(project)
