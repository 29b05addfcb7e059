"""Krippendorff's alpha for unitizing (αu), vectorised with numpy.

Definition: Krippendorff (1995) "On the reliability of unitizing continuous data", restated in
Krippendorff (2004) *Content Analysis*, pp. 251–256. For one category ``c`` each observer's
continuum ``[0, L)`` is cut into segments: units of ``c`` (w = 1) and the gaps between them
(w = 0, which includes stretches carrying *other* categories). Two segments of different
observers differ by

- ``(b_g - b_h)² + (e_g - e_h)²`` when both are units and they overlap;
- ``l_g²`` when unit ``g`` lies inside gap ``h`` (and symmetrically);
- ``0`` otherwise.

Observed disagreement sums that over all ordered observer pairs, divided by ``m(m-1)L²``;
expected disagreement (p. 253) pairs every unit with every position it could have had in every
gap: ``(2/L) Σ_u [(n_c-1)/3 (2l³-3l²+l) + l² Σ_{gaps G≥l} (G-l+1)] / (mL(mL-1) - Σ_u l(l-1))``. αu for a category is ``1 - D_o/D_e``; overall αu is
``1 - ΣD_o / ΣD_e`` over the categories. Only segments that overlap have a non-zero distance,
so the observed term needs O(segments) pairs (found with ``searchsorted``), and the expected
term needs one sort of the gap lengths: a million-character continuum takes milliseconds.

Units of one observer and one category that overlap each other are merged first (the
definition assumes they do not); adjacent units stay two units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
Segments = tuple[IntArray, IntArray, NDArray[np.bool_]]  # starts, ends, is-unit flags


@dataclass(frozen=True)
class Components:
    """The two disagreements of one category; αu is ``1 - observed/expected``."""

    observed: float
    expected: float

    @property
    def alpha(self) -> float:
        return alpha_from(self.observed, self.expected)


def alpha_from(observed: float, expected: float) -> float:
    """αu from its parts; NaN when undefined: no unit anywhere, or units that leave no room to
    differ (D_e = 0), where agreement cannot be told from chance (never 1.0, as DKPro)."""
    if expected <= 0.0:
        return float("nan")
    return 1.0 - observed / expected


def _merge(units: IntArray) -> IntArray:
    """Sorted ``(n, 2)`` [start, end) units with overlapping ones merged (adjacent kept apart)."""
    if len(units) == 0:
        return units.reshape(0, 2)
    units = units[np.lexsort((units[:, 1], units[:, 0]))]
    starts, ends = units[:, 0], units[:, 1]
    running_end = np.maximum.accumulate(ends)
    new_group = np.empty(len(units), dtype=bool)
    new_group[0] = True
    new_group[1:] = starts[1:] >= running_end[:-1]
    group = np.cumsum(new_group) - 1
    merged_start = starts[new_group]
    merged_end = np.zeros(len(merged_start), dtype=np.int64)
    np.maximum.at(merged_end, group, ends)
    return np.column_stack([merged_start, merged_end])


def segments(units: IntArray, length: int) -> Segments:
    """The partition of ``[0, length)`` into units and gaps: starts, ends, is-unit flags."""
    starts, ends = units[:, 0], units[:, 1]
    gap_starts = np.concatenate([[0], ends])
    gap_ends = np.concatenate([starts, [length]])
    keep = gap_ends > gap_starts
    seg_start = np.concatenate([starts, gap_starts[keep]])
    seg_end = np.concatenate([ends, gap_ends[keep]])
    is_unit = np.concatenate([np.ones(len(starts), bool), np.zeros(int(keep.sum()), bool)])
    order = np.argsort(seg_start, kind="stable")
    return seg_start[order], seg_end[order], is_unit[order]


def _observed_pair(a: Segments, b: Segments) -> float:
    """Σ δ² over segments g of one observer and h of another (one order of the pair)."""
    return float(np.sum(observed_terms(a, b)[1]))


def observed_terms(a: Segments, b: Segments) -> tuple[IntArray, NDArray[np.float64]]:
    """The non-zero δ² terms of ``_observed_pair``, each with the start of the unit it is about
    (every non-zero term involves a unit), so a corpus's terms can be summed per document."""
    a_start, a_end, a_unit = a
    b_start, b_end, b_unit = b
    # segments of b overlapping segment g of a form the index range [lo, hi): both partitions
    lo = np.searchsorted(b_end, a_start, side="right")
    hi = np.searchsorted(b_start, a_end, side="left")
    counts = hi - lo
    g = np.repeat(np.arange(len(a_start)), counts)
    h = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(lo, counts)
    gs, ge, gu = a_start[g], a_end[g], a_unit[g]
    hs, he, hu = b_start[h], b_end[h], b_unit[h]
    both = gu & hu
    g_in_gap = gu & ~hu & (gs >= hs) & (ge <= he)
    h_in_gap = hu & ~gu & (hs >= gs) & (he <= ge)
    positions = np.concatenate([gs[both], gs[g_in_gap], hs[h_in_gap]])
    values = np.concatenate([((gs - hs) ** 2 + (ge - he) ** 2)[both], ((ge - gs) ** 2)[g_in_gap],
                             ((he - hs) ** 2)[h_in_gap]]).astype(np.float64)
    return positions, values


def category_components(units_by_observer: Sequence[IntArray], length: int) -> Components:
    """D_o and D_e of one category on one continuum of ``length``, ``m >= 2`` observers."""
    m = len(units_by_observer)
    if m < 2 or length <= 0:
        return Components(0.0, 0.0)
    merged = [_merge(np.asarray(u, dtype=np.int64).reshape(-1, 2)) for u in units_by_observer]
    parts = [segments(u, length) for u in merged]
    observed_sum = 0.0
    for i in range(m):
        for j in range(m):
            if i != j:
                observed_sum += _observed_pair(parts[i], parts[j])
    observed = observed_sum / (m * (m - 1) * float(length) ** 2)

    unit_lengths = np.concatenate([u[:, 1] - u[:, 0] for u in merged]).astype(np.float64)
    gap_lengths = np.sort(np.concatenate(
        [(e - s)[~w] for s, e, w in parts]).astype(np.float64))
    n_units = len(unit_lengths)
    if n_units == 0:
        return Components(observed, 0.0)
    # for each unit length l: Σ over gaps G ≥ l of (G - l + 1)
    first = np.searchsorted(gap_lengths, unit_lengths, side="left")
    suffix = np.concatenate([np.cumsum(gap_lengths[::-1])[::-1], [0.0]])
    fitting = len(gap_lengths) - first
    placements = suffix[first] - fitting * (unit_lengths - 1)
    lengths = unit_lengths  # Krippendorff's l
    numerator = np.sum((n_units - 1) / 3.0 * (2 * lengths ** 3 - 3 * lengths ** 2 + lengths)
                       + lengths ** 2 * placements)
    ml = m * float(length)
    denominator = ml * (ml - 1) - float(np.sum(lengths * (lengths - 1)))
    expected = 2.0 / float(length) * numerator / denominator if denominator > 0 else 0.0
    return Components(observed, expected)


def alpha_u(units: Mapping[str, Sequence[IntArray]], length: int) -> tuple[float, dict[str, Components]]:
    """Overall αu and each category's components; ``units[label][observer]`` is ``(n, 2)``."""
    per_label = {label: category_components(observers, length) for label, observers in units.items()}
    observed = sum(c.observed for c in per_label.values())
    expected = sum(c.expected for c in per_label.values())
    return alpha_from(observed, expected), per_label
