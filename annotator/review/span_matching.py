"""Span F1 of two annotators: exact and overlap matches, one to one, per label.

Counted on the units (``units.py``) of both annotators in the documents both observe:

- exact: same label, same offsets;
- overlap: same label and at least one character in common, paired one to one by an optimal
  matching: the largest number of pairs (the best F1 the spans allow, whatever order they come
  in), and among matchings of that size the largest total overlap. A greedy "largest overlap
  first" pairing depends on order and can miss pairs: a1 0-10 and 10-20 against a2 5-15 and
  0-2 pairs 0-10 with 5-15 and leaves two spans alone (F1 0.5), where 0-10/0-2 and
  10-20/5-15 pair all four (F1 1.0).

The overlap graph falls into small connected components (spans near one another); a component
with one edge is a pair, the others are solved with ``scipy.optimize.linear_sum_assignment``
on weights ``K + overlap``, where ``K`` exceeds any component's total overlap, so one more pair
always outweighs any gain in overlap.

F1 = 2 × matches / (units of a + units of b).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from annotator.review.units import Units

IntArray = NDArray[np.int64]


@dataclass
class PairMatch:
    """Counts per label (arrays indexed like ``Units.labels``) and the overlap pairs (unit rows)."""

    n_a: IntArray
    n_b: IntArray
    exact: IntArray
    overlap: IntArray
    pairs_a: IntArray
    pairs_b: IntArray


def match_pair(units: Units, a: int, b: int, docs: NDArray[np.bool_]) -> PairMatch:
    """Observer ``a`` against ``b`` on the documents ``docs`` (a mask) marks."""
    n_labels = len(units.labels)
    rows_a = np.flatnonzero((units.observer == a) & docs[units.doc])
    rows_b = np.flatnonzero((units.observer == b) & docs[units.doc])
    label_a, label_b = units.label[rows_a], units.label[rows_b]
    counts = {"n_a": np.bincount(label_a, minlength=n_labels), "n_b": np.bincount(label_b, minlength=n_labels)}
    # one line for everything: (document, label) blocks laid apart, each observer's units in a
    # block disjoint and increasing, so the units of b overlapping a unit of a are one range
    stride = int(units.end.max(initial=1)) + 1
    def key(rows: IntArray, column: IntArray) -> IntArray:
        return (units.doc[rows] * n_labels + units.label[rows]) * stride + column[rows]

    a_start, a_end = key(rows_a, units.start), key(rows_a, units.end)
    b_start, b_end = key(rows_b, units.start), key(rows_b, units.end)
    lo = np.searchsorted(b_end, a_start, side="right")
    hi = np.searchsorted(b_start, a_end, side="left")
    size = np.maximum(hi - lo, 0)
    i = np.repeat(np.arange(len(rows_a)), size)
    j = np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size) + np.repeat(lo, size)
    overlap = np.minimum(a_end[i], b_end[j]) - np.maximum(a_start[i], b_start[j])
    exact = (a_start[i] == b_start[j]) & (a_end[i] == b_end[j])
    matched_i, matched_j = optimal_matching(i, j, overlap, len(rows_a), len(rows_b))
    return PairMatch(counts["n_a"], counts["n_b"], np.bincount(label_a[i[exact]], minlength=n_labels),
                     np.bincount(label_a[matched_i], minlength=n_labels), rows_a[matched_i], rows_b[matched_j])


def optimal_matching(i: IntArray, j: IntArray, overlap: IntArray, n_a: int, n_b: int) -> tuple[IntArray, IntArray]:
    """The matched edges: most pairs, then most overlap (module docstring)."""
    if len(i) == 0:
        return i, j
    # scipy on use: every command imports this module at start-up, and scipy takes a second
    from scipy.optimize import linear_sum_assignment
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(i)), (i, n_a + j)), shape=(n_a + n_b, n_a + n_b))
    _n, component = connected_components(graph, directed=False)
    edge_component = component[i]
    edges_in = np.bincount(edge_component)
    single = edges_in[edge_component] == 1
    keep_i, keep_j = [i[single]], [j[single]]
    several = np.flatnonzero(~single)
    order = several[np.argsort(edge_component[several], kind="stable")]
    bounds = np.flatnonzero(np.diff(edge_component[order])) + 1
    for edges in np.split(order, bounds) if len(order) else []:
        rows, local_i = np.unique(i[edges], return_inverse=True)
        columns, local_j = np.unique(j[edges], return_inverse=True)
        big = float(overlap[edges].max()) * min(len(rows), len(columns)) + 1.0
        weights = np.zeros((len(rows), len(columns)))
        weights[local_i, local_j] = big + overlap[edges]
        chosen_rows, chosen_columns = linear_sum_assignment(weights, maximize=True)
        real = weights[chosen_rows, chosen_columns] > 0
        keep_i.append(rows[chosen_rows[real]])
        keep_j.append(columns[chosen_columns[real]])
    return np.concatenate(keep_i), np.concatenate(keep_j)
