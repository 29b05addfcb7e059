"""Spans as agreement measures them: units, one per labelled stretch of text.

The unit of every span measure (αu, span F1, the token measures, attributes and relations):

- Each fragment of a discontinuous span is a unit of its own, so the gap between fragments is
  not labelled: a span 0-5;9-14 agrees exactly with another annotator's 0-5;9-14 and marks
  nothing in 5-9.
- One annotator's units of the same label that overlap are merged into one, their union. αu's
  definition assumes that an observer's units of one category do not overlap, and F1 must count
  the stretch once too, or the same data gives αu 1.0 and F1 0.667. Units that only touch stay
  apart. The spans involved are counted (``Units.overlapping_spans``) for a warning.
- A merged unit's attribute values are those of its first span (earliest start, then the
  longest, then the oldest id): the representative ``span``. Relations see every member span.

All arrays are sorted by document, observer, label and start, so one observer's units of one
label in one document are a run of disjoint, increasing intervals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from annotator.review.corpus import DocData

IntArray = NDArray[np.int64]


@dataclass
class Units:
    """Every unit of the counted documents, one row each (module docstring)."""

    annotators: tuple[str, ...]
    labels: tuple[str, ...]
    doc: IntArray  # index into the corpus's documents
    observer: IntArray  # index into ``annotators``
    label: IntArray  # index into ``labels``
    start: IntArray  # document offsets, end exclusive
    end: IntArray
    span: IntArray  # the representative span's id
    member_span: IntArray  # every (span, unit) pair: a span with fragments is in several units
    member_unit: IntArray
    overlapping_spans: int = 0  # spans merged with another span of the same annotator and label
    overlapping_docs: int = 0

    def __len__(self) -> int:
        return len(self.start)

    def of(self, doc: int | None = None, observer: int | None = None, label: int | None = None) -> IntArray:
        """Row indices matching the given document, observer and label (None: any)."""
        mask = np.ones(len(self), dtype=bool)
        for column, value in ((self.doc, doc), (self.observer, observer), (self.label, label)):
            if value is not None:
                mask &= column == value
        return np.flatnonzero(mask)


@dataclass
class SpanColumns:
    """Every span piece of the observers' layers, one row each: ``label`` indexes ``vocabulary``."""

    vocabulary: tuple[str, ...]
    doc: IntArray
    observer: IntArray
    label: IntArray
    start: IntArray
    end: IntArray
    span: IntArray

    def label_names(self) -> set[str]:
        return {self.vocabulary[code] for code in np.unique(self.label).tolist()}


def span_columns(docs: Sequence[DocData], annotators: Sequence[str]) -> SpanColumns:
    """The observers' spans of ``docs`` laid in columns, each fragment a row of its own."""
    observer_code = {name: index for index, name in enumerate(annotators)}
    layers = [(index, observer_code[name], item.spans[name]) for index, item in enumerate(docs)
              for name in item.observers if len(item.spans[name])]
    vocabulary: dict[str, int] = {}
    lookups: dict[int, IntArray] = {}  # a layer's label tuple (by identity: usually one shared) → codes
    for _index, _observer, layer in layers:
        if id(layer.labels) not in lookups:
            lookups[id(layer.labels)] = np.array([vocabulary.setdefault(name, len(vocabulary))
                                                  for name in layer.labels], dtype=np.int64)

    def column(values: list[IntArray]) -> IntArray:
        return np.concatenate(values).astype(np.int64) if values else np.zeros(0, dtype=np.int64)

    lengths = [len(layer) for _index, _observer, layer in layers]
    doc = np.repeat(np.array([index for index, _o, _l in layers], dtype=np.int64), lengths)
    observer = np.repeat(np.array([code for _i, code, _l in layers], dtype=np.int64), lengths)
    label = column([lookups[id(layer.labels)][layer.label] for _i, _o, layer in layers])
    start, end, span = (column([getattr(layer, name) for _i, _o, layer in layers]) for name in ("start", "end", "id"))
    pieces = {span_id: value for _i, _o, layer in layers for span_id, value in layer.pieces.items()}
    if pieces:  # each fragment a row of its own, in place of its span's row
        fragmented = np.isin(span, np.fromiter(pieces, dtype=np.int64))
        rows = np.flatnonzero(fragmented)
        counts = [len(pieces[span_id]) for span_id in span[rows].tolist()]
        flat = [piece for span_id in span[rows].tolist() for piece in pieces[span_id]]
        source = np.repeat(rows, counts)
        keep = ~fragmented
        doc, observer, label, span = (np.concatenate([values[keep], values[source]]) for values in
                                      (doc, observer, label, span))
        start = np.concatenate([start[keep], np.array([a for a, _b in flat], dtype=np.int64)])
        end = np.concatenate([end[keep], np.array([b for _a, b in flat], dtype=np.int64)])
    return SpanColumns(tuple(vocabulary), doc, observer, label, start, end, span)


def build_units(docs: Sequence[DocData], annotators: Sequence[str], labels: Sequence[str],
                columns: SpanColumns | None = None) -> Units:
    """The units of ``docs`` for ``annotators`` (observers only) and ``labels``; ``columns``
    are ``span_columns(docs, annotators)`` when the caller has them already."""
    columns = span_columns(docs, annotators) if columns is None else columns
    label_code = {label: index for index, label in enumerate(labels)}
    lookup = np.array([label_code.get(name, -1) for name in columns.vocabulary] + [-1], dtype=np.int64)
    label = lookup[columns.label]
    keep = label >= 0
    doc, observer, label, start, end, span = (values[keep] for values in (
        columns.doc, columns.observer, label, columns.start, columns.end, columns.span))
    order = np.lexsort((span, -end, start, label, observer, doc))
    doc, observer, label, start, end, span = (column[order] for column in (doc, observer, label, start, end, span))
    empty = np.zeros(0, dtype=np.int64)
    if len(start) == 0:
        return Units(tuple(annotators), tuple(labels), empty, empty, empty, empty, empty, empty, empty, empty)
    # overlapping rows of one (document, observer, label) merge: a running maximum of the ends,
    # offset by group so that it restarts in each group
    group = (doc * len(annotators) + observer) * max(1, len(labels)) + label
    stride = int(end.max()) + 1
    running = np.maximum.accumulate(group * stride + end)
    new = np.ones(len(start), dtype=bool)
    new[1:] = group[1:] * stride + start[1:] >= running[:-1]
    first = np.flatnonzero(new)
    unit = np.cumsum(new) - 1
    pairs = np.unique(span * len(first) + unit)  # distinct (span, unit): a span's pieces may share a unit
    member_span, member_unit = pairs // len(first), pairs % len(first)
    per_unit = np.bincount(member_unit, minlength=len(first))
    shared = per_unit[member_unit] > 1
    return Units(
        tuple(annotators), tuple(labels), doc[first], observer[first], label[first], start[first],
        np.maximum.reduceat(end, first), span[first], member_span, member_unit,
        overlapping_spans=int(len(np.unique(member_span[shared]))),
        overlapping_docs=int(len(np.unique(doc[first][per_unit > 1]))),
    )
