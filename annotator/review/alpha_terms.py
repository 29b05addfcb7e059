"""Krippendorff's αu of a corpus, of each document and of bootstrap resamples, from one set of
per-document terms.

The corpus figure lays the documents of one set of observers end to end as one continuum
(``agreement`` module docstring); ``krippendorff.category_components`` is the definition on one
continuum. Its parts split by document as follows:

- D_o: every non-zero δ² is about a unit, and lies inside its document, so the observed sum is
  a sum of per-document terms whatever order the documents are laid in.
- D_e: the number of units, Σ(2l³-3l²+l), Σl(l-1) and L are sums over documents. The one term
  that is not, Σ_units l² Σ_{gaps G ≥ l} (G - l + 1), pairs every unit with every gap of the
  continuum: gaps inside a document are per-document (a matrix documents × distinct unit
  lengths, so any multiset of documents is one matrix product), while the gaps at document
  edges join across the boundary into *runs* (a document without units of the category is
  one long gap), which depend on the order the documents are laid in and are built for each
  order (``_runs``).

So the corpus figure (the documents in id order), each document alone (its own continuum) and a
bootstrap replicate (the drawn documents, laid in the order drawn) are all exact evaluations of
the same definition: a replicate equals ``compute`` on the drawn list of documents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from annotator.review.krippendorff import observed_terms, segments

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass
class AlphaTerms:
    """One category on one group of documents that share their observers (``m`` of them)."""

    m: int
    lengths: IntArray  # per document of the group
    observed: FloatArray  # Σ δ² over ordered observer pairs, per document
    n_units: FloatArray
    cubic: FloatArray  # Σ (2l³ - 3l² + l) over the document's units
    square: FloatArray  # Σ l(l - 1)
    unit_lengths: IntArray  # the distinct unit lengths λ
    count: FloatArray  # documents × λ: units of each length
    inner: FloatArray  # documents × λ: Σ over gaps inside the document, G ≥ λ, of (G - λ + 1)
    has: NDArray[np.bool_]  # observers × documents: any unit there
    lead: IntArray  # observers × documents: from the document's start to its first unit
    trail: IntArray  # observers × documents: from its last unit to its end


def alpha_terms(lengths: IntArray, units: list[tuple[IntArray, IntArray, IntArray]]) -> AlphaTerms:
    """The terms of one category: ``units[o]`` is observer o's ``(doc, start, end)``, sorted by
    document then start, disjoint within a document (``units.build_units`` merges)."""
    m, n_docs = len(units), len(lengths)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    total = int(offsets[-1])
    parts = [segments(np.column_stack([offsets[d] + s, offsets[d] + e]), total) for d, s, e in units]
    observed = np.zeros(n_docs)
    for i in range(m):
        for j in range(m):
            if i != j:
                positions, values = observed_terms(parts[i], parts[j])
                observed += np.bincount(np.searchsorted(offsets, positions, side="right") - 1, weights=values,
                                        minlength=n_docs)[:n_docs]
    doc = np.concatenate([d for d, _s, _e in units])
    size = np.concatenate([e - s for _d, s, e in units]).astype(np.float64)
    unit_lengths, which = np.unique(np.concatenate([e - s for _d, s, e in units]), return_inverse=True)
    count = np.bincount(doc * len(unit_lengths) + which, minlength=n_docs * len(unit_lengths)).astype(
        np.float64).reshape(n_docs, len(unit_lengths))
    gap_doc, gap = [], []
    has = np.zeros((m, n_docs), dtype=bool)
    lead = np.zeros((m, n_docs), dtype=np.int64)
    trail = np.zeros((m, n_docs), dtype=np.int64)
    for o, (d, s, e) in enumerate(units):
        inside = d[1:] == d[:-1]
        gap_doc.append(d[1:][inside])
        gap.append((s[1:] - e[:-1])[inside])
        if len(d):
            first = np.concatenate([[True], ~inside])
            last = np.concatenate([~inside, [True]])
            has[o, d[first]] = True
            lead[o, d[first]] = s[first]
            trail[o, d[last]] = lengths[d[last]] - e[last]
    return AlphaTerms(
        m, lengths, observed, np.bincount(doc, minlength=n_docs).astype(np.float64),
        np.bincount(doc, weights=2 * size ** 3 - 3 * size ** 2 + size, minlength=n_docs).astype(np.float64),
        np.bincount(doc, weights=size * (size - 1), minlength=n_docs).astype(np.float64), unit_lengths, count,
        _placements(np.concatenate(gap_doc), np.concatenate(gap), n_docs, unit_lengths), has, lead, trail)


def _placements(owner: IntArray, gaps: IntArray, n_owners: int, lambdas: IntArray) -> FloatArray:
    """owners × λ: Σ over the owner's gaps G ≥ λ of (G - λ + 1), the places a unit of length λ
    can take inside them: Σ(G + 1) - λ·#{G ≥ λ}, from each owner's gaps binned between the
    sorted λ (no sort of the gaps: they are millions over a bootstrap's resamples)."""
    width = len(lambdas) + 1
    keep = gaps > 0
    bins = owner[keep] * width + np.searchsorted(lambdas, gaps[keep], side="right")
    size = n_owners * width
    total = np.bincount(bins, weights=gaps[keep] + 1, minlength=size).reshape(n_owners, width)
    count = np.bincount(bins, minlength=size).reshape(n_owners, width).astype(np.float64)
    # bin b holds the gaps with b of the λ at most their length: G ≥ λ_j in bins j + 1 and up
    total_from = np.cumsum(total[:, ::-1], axis=1)[:, ::-1]
    count_from = np.cumsum(count[:, ::-1], axis=1)[:, ::-1]
    return total_from[:, 1:] - lambdas[None, :] * count_from[:, 1:]


def _runs(terms: AlphaTerms, rep: IntArray, doc: IntArray, n_rep: int) -> FloatArray:
    """rows × λ: placements in the gaps at document edges, joined across boundaries in the order
    the documents are laid: ``doc`` in order within each row ``rep`` (rows ascending)."""
    owners, lengths = [], []
    for o in range(terms.m):
        has = terms.has[o, doc]
        before = np.cumsum(has) - has  # units-holding documents before this one, all rows
        run = before + rep  # the run open when this document starts (each row starts one)
        index = np.concatenate([run[~has], run[has], run[has] + 1])
        value = np.concatenate([terms.lengths[doc[~has]], terms.lead[o, doc[has]], terms.trail[o, doc[has]]])
        per_row = np.bincount(rep, weights=has, minlength=n_rep).astype(np.int64) + 1
        owners.append(np.repeat(np.arange(n_rep), per_row))
        lengths.append(np.bincount(index, weights=value, minlength=int(per_row.sum())).astype(np.int64))
    return _placements(np.concatenate(owners), np.concatenate(lengths), n_rep, terms.unit_lengths)


def stacked(terms: AlphaTerms) -> FloatArray:
    """documents × columns: every per-document term side by side (``evaluate``'s layout), so a
    multiset of documents sums them all in one matrix product."""
    return np.column_stack([terms.n_units, terms.cubic, terms.square, terms.observed, terms.count, terms.inner])


def evaluate(terms: AlphaTerms, totals: FloatArray, length: FloatArray, rep: IntArray, doc: IntArray,
             n_rep: int) -> tuple[FloatArray, FloatArray]:
    """D_o and D_e of each row: ``totals`` (rows × ``stacked`` columns) and ``length`` are the
    sums over the row's documents, ``rep``/``doc`` the order they are laid in."""
    n_lengths = len(terms.unit_lengths)
    n_units, cubic, square, observed = totals[:, 0], totals[:, 1], totals[:, 2], totals[:, 3]
    count, inner = totals[:, 4:4 + n_lengths], totals[:, 4 + n_lengths:]
    squares = terms.unit_lengths.astype(np.float64) ** 2
    cross = (count * (inner + _runs(terms, rep, doc, n_rep))) @ squares
    numerator = (n_units - 1) / 3.0 * cubic + cross
    ml = terms.m * length
    denominator = ml * (ml - 1) - square
    usable = (denominator > 0) & (n_units > 0) & (length > 0)
    safe_length = np.where(length > 0, length, 1.0)
    expected = np.where(usable, 2.0 / safe_length * numerator / np.where(usable, denominator, 1.0), 0.0)
    return observed / (terms.m * (terms.m - 1) * safe_length ** 2), expected


class CorpusAlpha:
    """αu's parts of every label over a corpus: documents grouped by their observers (each group
    one continuum, the groups weighted by length), one ``AlphaTerms`` per group and label."""

    def __init__(self, lengths: IntArray, groups: list[tuple[IntArray, tuple[int, ...]]],
                 units: list[dict[int, list[tuple[IntArray, IntArray, IntArray]]]], n_labels: int) -> None:
        """``groups``: (document indices, observer indices) of each group; ``units[g][label]``:
        each observer's (local document, start, end) in group g."""
        self.lengths = lengths
        self.n_labels = n_labels
        self.groups = [docs for docs, _observers in groups]
        self.terms = [[alpha_terms(lengths[docs], units[g][label]) for label in range(n_labels)]
                      for g, (docs, _observers) in enumerate(groups)]
        # per group: the documents' lengths, then each label's stacked terms; and where each starts
        self.columns = [np.column_stack([lengths[docs].astype(np.float64)] + [stacked(terms) for terms in row])
                        for docs, row in zip(self.groups, self.terms, strict=True)]
        self.offsets = [np.cumsum([1] + [stacked_width(terms) for terms in row]) for row in self.terms]
        self.group_of = np.zeros(len(lengths), dtype=np.int64)
        self.local = np.zeros(len(lengths), dtype=np.int64)
        for g, docs in enumerate(self.groups):
            self.group_of[docs] = g
            self.local[docs] = np.arange(len(docs))

    def corpus(self) -> tuple[FloatArray, FloatArray]:
        """D_o and D_e of each label over the corpus, documents in their order."""
        observed, expected = self.replicates(np.arange(len(self.lengths))[None, :])
        return observed[0], expected[0]

    def replicates(self, draws: IntArray) -> tuple[FloatArray, FloatArray]:
        """rows × labels: D_o and D_e of each row of ``draws`` (document indices, laid in order)."""
        n_rep = draws.shape[0]
        observed = np.zeros((n_rep, self.n_labels))
        expected = np.zeros((n_rep, self.n_labels))
        lengths = np.zeros((len(self.groups), n_rep))
        parts = []
        for g, docs in enumerate(self.groups):
            rep, position = np.nonzero(self.group_of[draws] == g)
            local = self.local[draws[rep, position]]
            weights = np.bincount(rep * len(docs) + local, minlength=n_rep * len(docs)).reshape(
                n_rep, len(docs)).astype(np.float64)
            totals = weights @ self.columns[g]
            lengths[g] = totals[:, 0]
            parts.append(self._evaluate(g, totals, rep, local, n_rep))
        total = np.maximum(lengths.sum(axis=0), 1.0)
        for g, results in enumerate(parts):
            share = lengths[g] / total
            for label, (d_o, d_e) in enumerate(results):
                observed[:, label] += share * d_o
                expected[:, label] += share * d_e
        return observed, expected

    def documents(self) -> tuple[FloatArray, FloatArray]:
        """documents × labels: D_o and D_e of each document on its own continuum."""
        observed = np.zeros((len(self.lengths), self.n_labels))
        expected = np.zeros((len(self.lengths), self.n_labels))
        for g, docs in enumerate(self.groups):
            order = np.arange(len(docs))
            for label, (d_o, d_e) in enumerate(self._evaluate(g, self.columns[g], order, order, len(docs))):
                observed[docs, label] = d_o
                expected[docs, label] = d_e
        return observed, expected

    def _evaluate(self, g: int, totals: FloatArray, rep: IntArray, doc: IntArray,
                  n_rep: int) -> list[tuple[FloatArray, FloatArray]]:
        bounds = self.offsets[g]
        return [evaluate(terms, totals[:, bounds[label]:bounds[label + 1]], totals[:, 0], rep, doc, n_rep)
                for label, terms in enumerate(self.terms[g])]


def stacked_width(terms: AlphaTerms) -> int:
    return 4 + 2 * len(terms.unit_lengths)
