"""How much the annotators of each document differ, in one count, for "worst first".

αu alone misranks documents for review: a span and a relation only one annotator made in a
long text leave αu at 0.998, though the reviewer has two decisions to make there. The score
counts every difference a reviewer has to settle, each as 1, summed over the pairs of the
document's observers (on the units of ``units.py``, matched as span F1 matches them):

- ``unmatched``: a unit of one annotator that overlaps no unit of the other (neither with its
  label nor with another);
- ``label``: two units that overlap with different labels and are otherwise unmatched (paired
  one to one by the same optimal matching as span F1, so one such place counts once, not as two
  unmatched units);
- ``boundary``: units matched with the same label but different offsets;
- ``attribute``: each attribute whose value differs between matched spans (a value one left
  empty counts as different);
- ``relation``: each relation that only one annotator of the pair made (``relation_agreement``'s
  matching).

Agreement is 0; the count is not divided by the document's length, since each difference is a
decision for the reviewer whatever the length.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotator.review.corpus import DocData
from annotator.review.span_matching import PairMatch, optimal_matching
from annotator.review.units import Units

IntArray = NDArray[np.int64]

#: The kinds of difference, in the columns of ``document_differences``.
KINDS = ("unmatched", "label", "boundary", "attribute", "relation")


@dataclass(frozen=True)
class Differences:
    """One document's differences by kind (module docstring)."""

    unmatched: int = 0
    label: int = 0
    boundary: int = 0
    attribute: int = 0
    relation: int = 0

    @property
    def total(self) -> int:
        return self.unmatched + self.label + self.boundary + self.attribute + self.relation

    def as_json(self) -> dict[str, int]:
        return {"score": self.total, **{kind: getattr(self, kind) for kind in KINDS}}

    def text(self) -> str:
        """In words, for a tooltip: ``2 unmatched, 1 relation``."""
        parts = [f"{getattr(self, kind)} {kind}" for kind in KINDS if getattr(self, kind)]
        return ", ".join(parts) if parts else "no difference"


def document_differences(docs: Sequence[DocData], units: Units,
                         matches: Sequence[tuple[int, int, NDArray[np.bool_], PairMatch]],
                         relations_unmatched: Sequence[Sequence[int]]) -> list[Differences]:
    """Each document's differences over the pairs in ``matches``; ``relations_unmatched[p]``
    holds the document index of each relation pair ``p`` left unmatched."""
    table = np.zeros((len(docs), len(KINDS)), dtype=np.int64)
    attrs = {span_id: values for doc in docs for layer in doc.spans.values() for span_id, values in layer.attrs.items()}

    def count(column: int, doc_index: IntArray) -> None:
        table[:, column] += np.bincount(doc_index, minlength=len(docs))

    for (a, b, both, match), relation_docs in zip(matches, relations_unmatched, strict=True):
        paired_a, paired_b = match.pairs_a, match.pairs_b
        moved = (units.start[paired_a] != units.start[paired_b]) | (units.end[paired_a] != units.end[paired_b])
        count(KINDS.index("boundary"), units.doc[paired_a[moved]])
        counted = both[units.doc]
        left_a, left_b = _left(units.observer == a, counted, paired_a), _left(units.observer == b, counted, paired_b)
        relabelled = _relabelled(units, left_a, left_b)
        count(KINDS.index("label"), units.doc[relabelled])
        count(KINDS.index("unmatched"), units.doc[left_a])
        count(KINDS.index("unmatched"), units.doc[left_b])
        table[:, KINDS.index("unmatched")] -= 2 * np.bincount(units.doc[relabelled], minlength=len(docs))
        count(KINDS.index("attribute"), _attribute_differences(units, paired_a, paired_b, attrs))
        count(KINDS.index("relation"), np.asarray(relation_docs, dtype=np.int64))
    return [Differences(*row) for row in table.tolist()]


def _left(own: NDArray[np.bool_], counted: NDArray[np.bool_], paired: IntArray) -> IntArray:
    """The rows of one observer's units in the counted documents that the matching left alone."""
    left = own & counted
    left[paired] = False
    return np.flatnonzero(left)


def _relabelled(units: Units, left_a: IntArray, left_b: IntArray) -> IntArray:
    """The rows of ``left_a`` paired with an overlapping unit of ``left_b`` (another label: two
    unmatched units of one label never overlap, or the matching would have paired them)."""
    if not len(left_a) or not len(left_b):
        return np.zeros(0, dtype=np.int64)
    # b's units on one line, documents laid apart and sorted by start; those overlapping a unit
    # of a lie between the first whose running maximum of ends passes a's start and the last
    # starting before a's end (a range of a few rows: one observer's units rarely overlap)
    stride = int(units.end.max()) + 1
    left_b = left_b[np.lexsort((units.start[left_b], units.doc[left_b]))]
    reach = np.maximum.accumulate(units.doc[left_b] * stride + units.end[left_b])
    lo = np.searchsorted(reach, units.doc[left_a] * stride + units.start[left_a], side="right")
    hi = np.searchsorted(units.doc[left_b] * stride + units.start[left_b],
                         units.doc[left_a] * stride + units.end[left_a], side="left")
    size = np.maximum(hi - lo, 0)
    i = np.repeat(np.arange(len(left_a)), size)
    j = np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size) + np.repeat(lo, size)
    overlap = np.minimum(units.end[left_a[i]], units.end[left_b[j]]) - np.maximum(units.start[left_a[i]],
                                                                                  units.start[left_b[j]])
    keep = overlap > 0
    matched_i, _matched_j = optimal_matching(i[keep], j[keep], overlap[keep], len(left_a), len(left_b))
    return left_a[matched_i]


def _attribute_differences(units: Units, paired_a: IntArray, paired_b: IntArray,
                           attrs: Mapping[int, Mapping[str, Any]]) -> IntArray:
    """A document index for each attribute whose value differs between matched spans (each
    pair of spans once: a span with fragments is matched piece by piece)."""
    if not attrs or not len(paired_a):
        return np.zeros(0, dtype=np.int64)
    spans = np.column_stack([units.span[paired_a], units.span[paired_b]])
    _keys, first = np.unique(spans, axis=0, return_index=True)
    with_values = np.fromiter(attrs, dtype=np.int64, count=len(attrs))
    found = []
    for row in first[np.isin(spans[first, 0], with_values) | np.isin(spans[first, 1], with_values)].tolist():
        values_a, values_b = attrs.get(int(spans[row, 0]), {}), attrs.get(int(spans[row, 1]), {})
        differing = sum(_given(values_a.get(name)) != _given(values_b.get(name))
                        for name in values_a.keys() | values_b.keys())
        found += [int(units.doc[paired_a[row]])] * differing
    return np.asarray(found, dtype=np.int64)


def _given(value: Any) -> Any:
    """An empty value is the same as no value (attribute agreement's "(not set)")."""
    return None if value in (None, "", []) else value
