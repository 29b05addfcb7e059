"""Cohen's and Fleiss' κ on integer-coded labels, with numpy.

Token labels are coded as small integers (0 is ``O``, outside every span), so the confusion
matrix and the per-token category counts are one ``bincount`` each, whatever the corpus size.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray


def cohen_kappa(a: NDArray[np.int64], b: NDArray[np.int64]) -> float:
    """Cohen (1960) κ of two raters over the same items; 1.0 when both use one category only."""
    if len(a) == 0:
        return float("nan")
    k = int(max(a.max(), b.max())) + 1
    confusion = np.bincount(a * k + b, minlength=k * k).reshape(k, k).astype(np.float64)
    n = confusion.sum()
    observed = np.trace(confusion) / n
    expected = float(confusion.sum(axis=1) @ confusion.sum(axis=0)) / (n * n)
    if expected >= 1.0:
        return 1.0 if observed >= 1.0 else 0.0
    return float((observed - expected) / (1.0 - expected))


def fleiss_kappa(ratings: Sequence[NDArray[np.int64]]) -> float:
    """Fleiss (1971) κ: each array is one rater's labels of the same items (≥ 2 raters)."""
    if len(ratings) < 2 or len(ratings[0]) == 0:
        return float("nan")
    stacked = np.stack(ratings)  # raters × items
    n_raters, n_items = stacked.shape
    k = int(stacked.max()) + 1
    counts = np.zeros((n_items, k), dtype=np.int64)
    for row in stacked:
        counts[np.arange(n_items), row] += 1
    table = counts.astype(np.float64)
    p_category = table.sum(axis=0) / (n_items * n_raters)
    per_item = (np.sum(table * table, axis=1) - n_raters) / (n_raters * (n_raters - 1))
    observed = per_item.mean()
    expected = float(np.sum(p_category ** 2))
    if expected >= 1.0:
        return 1.0 if observed >= 1.0 else 0.0
    return float((observed - expected) / (1.0 - expected))
