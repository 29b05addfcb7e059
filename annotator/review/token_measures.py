r"""Agreement on token labels: Cohen's κ per pair, Fleiss' κ, Krippendorff's nominal α and
Gwet's AC1, overall and per label.

Tokens are the matches of ``\w+|[^\w\s]+`` (``token_bounds``: words, and runs of other visible
characters, as NLTK's ``wordpunct_tokenize``). Each observer gives each token one label (``O``
outside every unit) by one rule, the same in every token measure:

- the label at the token's first character, or at its last when the first is outside every unit;
- where units overlap there: the innermost (shortest) unit; among equally long units the one
  that starts first; among units with the same offsets (two labels on one stretch) the label
  first in alphabetical order.

Units are ``units.build_units``'s, so the gap of a discontinuous span is ``O`` and an
annotator's overlapping spans of one label are one unit. A per-label figure reads the same
token labels as "this label or not".

Missing values: a token of a document an annotator does not observe has no value from them.
Cohen's κ of a pair uses the documents both observe, Fleiss' κ the documents every annotator
observes; α and AC1 take every counted document, with its observers' values (both are defined
for missing data: Krippendorff 2011, Gwet 2014). AC1 counts as categories those that occur,
as irrCAC does.

Every figure is a function of per-document sums (confusion and coincidence matrices, category
counts), so a bootstrap replicate is a matrix product of resample counts with those sums.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from annotator.review.units import Units

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

#: below this, an expected agreement counts as 1: every rating in one category
_ONE = 1e-12


#: The token pattern, as NLTK's ``wordpunct_tokenize`` has it; ``token_bounds`` finds the same.
TOKEN_PATTERN = r"\w+|[^\w\s]+"
_SPACE, _WORD, _OTHER = 0, 1, 2


def token_bounds(texts: Sequence[str]) -> list[tuple[IntArray, IntArray]]:
    r"""Start and end offsets of each text's tokens: the matches of ``TOKEN_PATTERN``, runs of
    word characters (letters, digits, underscore, as Python's ``\w``) and runs of other
    non-space characters. Found with numpy over all texts at once: 2.5 M characters take a
    tenth of a second, where importing spaCy for its tokenizer took longer than the whole of
    agreement is allowed."""
    lengths = np.array([len(text) for text in texts], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    codes = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    kind = np.empty(len(codes), dtype=np.int8)
    ascii_ = codes < 128
    kind[ascii_] = _ASCII_KIND[codes[ascii_]]
    if not ascii_.all():
        others, where = np.unique(codes[~ascii_], return_inverse=True)
        kind[~ascii_] = np.array([_kind(chr(code)) for code in others.tolist()], dtype=np.int8)[where]
    boundary = np.zeros(len(codes) + 1, dtype=bool)  # a token may not run across two texts
    boundary[offsets] = True
    changes = np.ones(len(codes) + 1, dtype=bool)
    changes[1:-1] = kind[1:] != kind[:-1]
    changes |= boundary
    visible = kind != _SPACE
    starts = np.flatnonzero(visible & changes[:-1])
    ends = np.flatnonzero(visible & changes[1:]) + 1
    first = np.searchsorted(starts, offsets)
    return [(starts[first[i]:first[i + 1]] - offsets[i], ends[first[i]:first[i + 1]] - offsets[i])
            for i in range(len(texts))]


def _kind(char: str) -> int:
    if char.isalnum() or char == "_":
        return _WORD
    return _SPACE if char.isspace() else _OTHER


_ASCII_KIND = np.array([_kind(chr(code)) for code in range(128)], dtype=np.int8)


def paint_order(start: IntArray, end: IntArray, code: IntArray) -> IntArray:
    """The order to paint units in so that the rule's winner is painted last: longest first,
    then the latest start, then the label last in alphabetical order (higher code)."""
    return np.lexsort((-code, -start, -(end - start)))


@dataclass
class TokenTable:
    """Each token's label code per observer (0 = ``O``, label i is i + 1, -1 = not observed)."""

    doc: IntArray  # document index of each token, ascending
    values: IntArray  # observers × tokens
    n_docs: int
    k: int  # categories: ``O`` and the labels


def token_table(texts: Sequence[str], observed: NDArray[np.bool_], units: Units,
                bounds: Sequence[tuple[IntArray, IntArray]] | None = None) -> TokenTable:
    """Token labels of every document; ``observed`` is observers × documents."""
    bounds = token_bounds(texts) if bounds is None else bounds
    lengths = np.array([len(text) for text in texts], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    counts = np.array([len(starts) for starts, _ends in bounds], dtype=np.int64)
    doc = np.repeat(np.arange(len(texts)), counts)
    firsts = np.concatenate([starts + offsets[i] for i, (starts, _e) in enumerate(bounds)] or [np.zeros(0, np.int64)])
    lasts = np.concatenate([np.maximum(ends - 1, starts) + offsets[i] for i, (starts, ends) in enumerate(bounds)]
                           or [np.zeros(0, np.int64)])
    values = np.zeros((observed.shape[0], len(doc)), dtype=np.int64)
    for o in range(observed.shape[0]):
        rows = units.of(observer=o)
        order = np.argsort(units.start[rows] + offsets[units.doc[rows]], kind="stable")
        rows = rows[order]
        at = _labeller(units.start[rows] + offsets[units.doc[rows]], units.end[rows] + offsets[units.doc[rows]],
                       units.label[rows] + 1, int(offsets[-1]))
        first = at(firsts)
        values[o] = np.where(first > 0, first, at(lasts))
        values[o, ~observed[o, doc]] = -1
    return TokenTable(doc, values, len(texts), len(units.labels) + 1)


def _labeller(start: IntArray, end: IntArray, code: IntArray, length: int) -> Callable[[IntArray], IntArray]:
    """The rule's label at given character positions, for one observer's units sorted by start.

    Units that overlap no other are disjoint and sorted, so a position's unit is one
    ``searchsorted`` away; the few that overlap others (labels nested in one another) are
    painted in the rule's order, winner last, on an array of the characters."""
    running = np.maximum.accumulate(end) if len(end) else end
    overlapping = np.zeros(len(start), dtype=bool)
    overlapping[1:] |= start[1:] < running[:-1]
    overlapping[:-1] |= end[:-1] > start[1:]
    clean = ~overlapping
    clean_start, clean_end, clean_code = start[clean], end[clean], code[clean]
    painted = None
    if overlapping.any():
        painted = np.zeros(length + 1, dtype=np.int64)
        s, e, c = start[overlapping], end[overlapping], code[overlapping]
        for begin, stop, value in zip(*(column[paint_order(s, e, c)].tolist() for column in (s, e, c)), strict=True):
            painted[begin:stop] = value

    def at(positions: IntArray) -> IntArray:
        found = np.zeros(len(positions), dtype=np.int64)
        if len(clean_start):
            index = np.maximum(np.searchsorted(clean_start, positions, side="right") - 1, 0)
            inside = (clean_start[index] <= positions) & (positions < clean_end[index])
            found = np.where(inside, clean_code[index], 0)
        return found if painted is None else np.where(found > 0, found, painted[positions])

    return at


@dataclass
class TokenSums:
    """Per-document sums every token figure is computed from (rows: documents)."""

    k: int
    m: int
    pairs: list[tuple[int, int]]
    confusion: list[FloatArray]  # per pair: documents × k² (a's label × b's label)
    fleiss_docs: NDArray[np.bool_]  # documents every observer observes
    fleiss_squares: FloatArray  # Σ over tokens of Σ_k n_k², those documents only
    fleiss_items: FloatArray
    fleiss_categories: FloatArray  # documents × k
    coincidence: FloatArray  # documents × k² (Krippendorff's o_ck)
    agree: FloatArray  # AC1: Σ over tokens rated twice or more of Σ_k r_k(r_k - 1)/(r(r - 1))
    agree_label: FloatArray  # documents × k: the same with each label against the rest
    rated_twice: FloatArray
    share: FloatArray  # documents × k: Σ over tokens of r_k / r
    rated: FloatArray
    _stacked: FloatArray | None = field(default=None, repr=False)

    def _parts(self) -> list[FloatArray]:
        return [*self.confusion, self.fleiss_squares[:, None], self.fleiss_items[:, None], self.fleiss_categories,
                self.coincidence, self.agree[:, None], self.agree_label, self.rated_twice[:, None], self.share,
                self.rated[:, None]]

    def total(self, weights: FloatArray | None) -> TokenSums:
        """The same sums over rows instead of documents: all documents (None), or each row of
        ``weights`` (rows × documents: how often each document was drawn), in one product."""
        if self._stacked is None:
            self._stacked = np.hstack(self._parts())
        totals = self._stacked.sum(axis=0, keepdims=True) if weights is None else weights @ self._stacked
        widths = np.cumsum([0] + [part.shape[1] for part in self._parts()])
        columns = [totals[:, widths[i]:widths[i + 1]] for i in range(len(widths) - 1)]
        n_pairs = len(self.pairs)
        squares, items, categories, coincidence, agree, agree_label, twice, share, rated = columns[n_pairs:]
        return TokenSums(self.k, self.m, self.pairs, columns[:n_pairs], self.fleiss_docs, squares[:, 0], items[:, 0],
                         categories, coincidence, agree[:, 0], agree_label, twice[:, 0], share, rated[:, 0])


def token_sums(table: TokenTable) -> TokenSums:
    m, k, n_docs = table.values.shape[0], table.k, table.n_docs
    present = table.values >= 0
    raters = present.sum(axis=0)
    # categories × tokens (rows contiguous): how many observers gave each token each label
    counts = np.stack([(table.values == code).sum(axis=0) for code in range(k)]).astype(np.float64)
    # tokens come document by document: a document's sums are one reduceat segment
    size = np.bincount(table.doc, minlength=n_docs)
    starts = np.concatenate([[0], np.cumsum(size)[:-1]])
    filled = size > 0

    def per_doc(values: FloatArray) -> FloatArray:
        """documents × rows of ``values`` (rows × tokens), summed per document."""
        matrix = values.reshape(-1, len(table.doc))
        result = np.zeros((n_docs, matrix.shape[0]))
        if filled.any():
            result[filled] = np.add.reduceat(matrix, starts[filled], axis=1).T
        return result

    def per_doc_matrix(index: IntArray, where: NDArray[np.bool_], weights: FloatArray | None = None) -> FloatArray:
        flat = table.doc[where] * k * k + index
        return np.bincount(flat, weights=None if weights is None else weights[where],
                           minlength=n_docs * k * k).astype(np.float64).reshape(n_docs, k * k)

    pairs = list(combinations(range(m), 2))
    confusion = []
    for a, b in pairs:
        both = present[a] & present[b]
        confusion.append(per_doc_matrix(table.values[a, both] * k + table.values[b, both], both))
    coincidence = np.zeros((n_docs, k * k))
    weight = 1.0 / np.maximum(raters - 1, 1)
    for a in range(m):
        for b in range(m):
            if a != b:
                both = present[a] & present[b]
                coincidence += per_doc_matrix(table.values[a, both] * k + table.values[b, both], both, weight)
    every, twice, rated = raters == m, raters >= 2, raters >= 1
    pair_count = np.maximum(raters * (raters - 1), 1).astype(np.float64)
    same = counts * (counts - 1)
    scalars = per_doc(np.vstack([(counts * counts).sum(axis=0) * every, every, same.sum(axis=0) / pair_count * twice,
                                 twice, rated]))
    squares, items, agree, rated_twice, rated_once = scalars.T
    rest = raters - counts
    label_agree = per_doc((same + rest * (rest - 1)) * (twice / pair_count))
    share = per_doc(counts * (rated / np.maximum(raters, 1)))
    return TokenSums(k, m, pairs, confusion, filled & (items == size), squares, items, per_doc(counts * every),
                     coincidence, agree, label_agree, rated_twice, share, rated_once)


# --- figures from summed rows (each function takes rows: the corpus, or bootstrap replicates) -----


def cohen(confusion: FloatArray, k: int) -> FloatArray:
    """Cohen's κ of each row's k×k confusion matrix; NaN with no token or one category."""
    matrix = confusion.reshape(-1, k, k)
    n = matrix.sum(axis=(1, 2))
    safe = np.where(n > 0, n, 1.0)
    observed = np.trace(matrix, axis1=1, axis2=2) / safe
    expected = np.einsum("ri,ri->r", matrix.sum(axis=2), matrix.sum(axis=1)) / safe ** 2
    return _kappa(observed, expected, n > 0)


def fleiss(squares: FloatArray, items: FloatArray, categories: FloatArray, m: int) -> FloatArray:
    """Fleiss' κ from its sums; NaN with no item or one category."""
    safe = np.where(items > 0, items, 1.0)
    observed = (squares - safe * m) / (safe * m * (m - 1))
    p = categories / (safe * m)[:, None]
    return _kappa(observed, (p ** 2).sum(axis=1), items > 0)


def _kappa(observed: FloatArray, expected: FloatArray, defined: NDArray[np.bool_]) -> FloatArray:
    usable = defined & (expected < 1.0 - _ONE)
    return np.where(usable, (observed - expected) / np.where(usable, 1.0 - expected, 1.0), np.nan)


def krippendorff_nominal(coincidence: FloatArray, k: int) -> FloatArray:
    """Krippendorff's α (nominal) from each row's coincidence matrix; NaN with one value only."""
    matrix = coincidence.reshape(-1, k, k)
    n = matrix.sum(axis=(1, 2))
    n_c = matrix.sum(axis=2)
    disagree = n - np.trace(matrix, axis1=1, axis2=2)
    chance = n ** 2 - (n_c ** 2).sum(axis=1)
    usable = chance > _ONE * np.maximum(n ** 2, 1.0)
    return np.where(usable, 1.0 - (n - 1) * disagree / np.where(usable, chance, 1.0), np.nan)


def krippendorff_binary(coincidence: FloatArray, k: int, code: int) -> FloatArray:
    """α of "label ``code`` or not", from the full coincidence matrix."""
    matrix = coincidence.reshape(-1, k, k)
    n = matrix.sum(axis=(1, 2))
    n_x = matrix[:, code, :].sum(axis=1)
    agree = matrix[:, code, code] + (n - 2 * n_x + matrix[:, code, code])
    chance = n ** 2 - n_x ** 2 - (n - n_x) ** 2
    usable = chance > _ONE * np.maximum(n ** 2, 1.0)
    return np.where(usable, 1.0 - (n - 1) * (n - agree) / np.where(usable, chance, 1.0), np.nan)


def gwet_ac1(agree: FloatArray, rated_twice: FloatArray, share: FloatArray, rated: FloatArray) -> FloatArray:
    """Gwet's AC1 (Gwet 2008; irrCAC's ``gwet`` with identity weights); NaN with one category."""
    pa = agree / np.where(rated_twice > 0, rated_twice, 1.0)
    pi = share / np.where(rated > 0, rated, 1.0)[:, None]
    q = (share > 0).sum(axis=1)
    usable = (q >= 2) & (rated_twice > 0)
    pe = (pi * (1 - pi)).sum(axis=1) / np.where(usable, q - 1, 1)
    return np.where(usable, (pa - pe) / np.where(usable, 1 - pe, 1.0), np.nan)


def gwet_binary(agree_label: FloatArray, rated_twice: FloatArray, share: FloatArray, rated: FloatArray) -> FloatArray:
    """AC1 of "this label or not": ``agree_label`` and ``share`` are that label's columns."""
    pa = agree_label / np.where(rated_twice > 0, rated_twice, 1.0)
    pi = share / np.where(rated > 0, rated, 1.0)
    usable = (pi > 0) & (pi < 1) & (rated_twice > 0)
    pe = 2 * pi * (1 - pi)
    return np.where(usable, (pa - pe) / np.where(usable, 1 - pe, 1.0), np.nan)
