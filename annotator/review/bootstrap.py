"""Bootstrap confidence intervals: documents resampled with replacement, seeded, reproducible.

Krippendorff (2004, ch. 11.4) recommends bootstrapping αu's distribution. The unit resampled is
the document, not the span or token: spans and tokens of one document are not independent (one
annotator's reading of an article shapes all their spans in it), and a reviewer generalises to
other documents. Each replicate draws as many documents as were counted, with replacement,
from a ``numpy.random.Generator`` seeded with ``seed``: the same project, options and seed give
the same intervals. The interval is the percentile interval (2.5th and 97.5th percentiles) of
the replicates where the figure is defined; how many were not is reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from annotator.errors import Errors

REPLICATES = 1000
LOWEST, HIGHEST = 100, 100_000
CHUNK = 50  # replicates per step: progress and Cancel act between steps


@dataclass(frozen=True)
class Resampling:
    """How many replicates, from which seed, at which level."""

    replicates: int = REPLICATES
    seed: int = 0
    level: float = 0.95


def draws(resampling: Resampling, n_docs: int) -> Iterator[NDArray[np.int64]]:
    """The replicates' document indices (rows × n_docs, drawn order kept), ``CHUNK`` rows at a time."""
    generator = np.random.default_rng(resampling.seed)
    for start in range(0, resampling.replicates, CHUNK):
        rows = min(CHUNK, resampling.replicates - start)
        yield generator.integers(0, n_docs, size=(rows, n_docs), dtype=np.int64)


def counts(draw: NDArray[np.int64], n_docs: int) -> NDArray[np.float64]:
    """rows × documents: how many times each document was drawn in each row."""
    rows = np.repeat(np.arange(draw.shape[0]), draw.shape[1])
    return np.bincount(rows * n_docs + draw.reshape(-1), minlength=draw.shape[0] * n_docs).reshape(
        draw.shape[0], n_docs).astype(np.float64)


def interval(values: NDArray[np.float64], level: float) -> tuple[tuple[float, float] | None, str | None]:
    """The percentile interval of the defined replicates, and a note if some were not defined."""
    defined = values[~np.isnan(values)]
    note = None
    if len(defined) < len(values):
        note = Errors.E1011.format(undefined=len(values) - len(defined), replicates=len(values))
    if len(defined) == 0:
        return None, note
    tail = (1.0 - level) / 2 * 100
    low, high = np.percentile(defined, [tail, 100 - tail])
    return (float(low), float(high)), note
