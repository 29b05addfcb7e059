"""Inter-annotator agreement of a project's annotation layers.

Measures (see ``AgreementReport``):
- Krippendorff's αu on character offsets, per label and overall (``krippendorff.py``). The
  published definition is for one continuum, so the selected documents are laid end to end as
  one continuum of their total length (units never cross a document boundary). Documents whose
  observers differ form separate continua whose disagreements are averaged weighted by length;
  with one set of observers this is exactly the published formula.
- Span precision / recall / F1 of each pair, exact (same offsets and label) and overlap
  (same label, overlapping, matched greedily one-to-one, largest overlap first), per label and
  micro-averaged over labels.
- Cohen's κ per pair and Fleiss' κ on token labels: tokens of ``spacy.blank("en")``, ``O``
  outside spans. Where spans overlap, the token takes the innermost (shortest) span's label,
  the earliest-starting one among equals. A token takes the label at its first character, or
  at its last when the first is outside every span. Cohen's κ of a pair uses the documents both
  observe; Fleiss' κ the documents every annotator of the report observes (None if there are
  none).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotator.review.corpus import AgreementOptions, DocData, load_corpus, observers_in
from annotator.review.kappa import cohen_kappa, fleiss_kappa
from annotator.review.krippendorff import Components, alpha_from, category_components
from annotator.store.project import Project

__all__ = [
    "AgreementOptions",
    "AgreementReport",
    "LabelScores",
    "PairScores",
    "agreement",
    "compute",
    "per_document",
]


@dataclass
class Counts:
    """Span counts of one pair and label: a's spans, b's spans, exact and overlap matches."""

    n_a: int = 0
    n_b: int = 0
    exact: int = 0
    overlap: int = 0

    def add(self, other: Counts) -> None:
        self.n_a += other.n_a
        self.n_b += other.n_b
        self.exact += other.exact
        self.overlap += other.overlap

    def f1(self, matched: int) -> float:
        total = self.n_a + self.n_b
        return 1.0 if total == 0 else 2.0 * matched / total


@dataclass
class PairScores:
    a: str
    b: str
    counts: dict[str, Counts]
    cohen_kappa: float | None
    documents: int

    def total(self) -> Counts:
        total = Counts()
        for counts in self.counts.values():
            total.add(counts)
        return total

    @property
    def f1_exact(self) -> float:
        total = self.total()
        return total.f1(total.exact)

    @property
    def f1_overlap(self) -> float:
        total = self.total()
        return total.f1(total.overlap)

    @property
    def precision_exact(self) -> float:
        total = self.total()
        return total.exact / total.n_b if total.n_b else 1.0

    @property
    def recall_exact(self) -> float:
        total = self.total()
        return total.exact / total.n_a if total.n_a else 1.0


@dataclass
class LabelScores:
    alpha_u: float
    f1_exact: float
    f1_overlap: float
    observed: float = 0.0
    expected: float = 0.0


@dataclass
class AgreementReport:
    alpha_u: float
    per_label: dict[str, LabelScores]
    pairwise: list[PairScores]
    fleiss_kappa: float | None
    documents: int
    annotators: tuple[str, ...] = ()
    doc_ids: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The ``annotator agreement --json`` shape; undefined figures are null."""
        return {
            "overall": {"alpha_u": _num(self.alpha_u)},
            "per_label": {label: {"alpha_u": _num(s.alpha_u), "f1_exact": _num(s.f1_exact),
                                  "f1_overlap": _num(s.f1_overlap)} for label, s in self.per_label.items()},
            "pairwise": [{"a": p.a, "b": p.b, "f1_exact": _num(p.f1_exact), "f1_overlap": _num(p.f1_overlap),
                          "cohen_kappa": _num(p.cohen_kappa)} for p in self.pairwise],
            "fleiss_kappa": _num(self.fleiss_kappa),
            "documents": self.documents,
        }


def _num(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 6)


_ALL = AgreementOptions()


def agreement(project: Project, options: AgreementOptions = _ALL) -> AgreementReport:
    """Every measure over the documents the options select (see the module docstring)."""
    docs, _chosen = load_corpus(project, options)
    return compute(docs)


def per_document(project: Project, options: AgreementOptions = _ALL) -> list[tuple[int, str, float]]:
    """``(doc_id, title, αu)`` of each selected document, worst first, for the review window."""
    docs, _chosen = load_corpus(project, options)
    scores = []
    for doc in docs:
        labels = sorted({label for spans in doc.spans.values() for _s, _e, label in spans})
        observed = expected = 0.0
        for label in labels:
            units = [np.array([(s, e) for s, e, lab in doc.spans[name] if lab == label], dtype=np.int64)
                     .reshape(-1, 2) for name in doc.observers]
            components = category_components(units, len(doc.text))
            observed += components.observed
            expected += components.expected
        scores.append((doc.id, doc.title, alpha_from(observed, expected)))
    scores.sort(key=lambda item: (item[2], item[0]))
    return scores


def compute(docs: Sequence[DocData]) -> AgreementReport:
    """The report for documents already loaded (``corpus.load_corpus``)."""
    annotators = observers_in(docs)
    labels = sorted({label for doc in docs for spans in doc.spans.values() for _s, _e, label in spans})
    code = {label: index + 1 for index, label in enumerate(labels)}
    alpha, label_components = _alpha(docs, labels)
    pairwise = []
    tokens = _token_labels(docs, code)
    for a, b in combinations(annotators, 2):
        both = [doc for doc in docs if a in doc.observers and b in doc.observers]
        counts = _span_counts(both, a, b, labels)
        kappa = None
        if both:
            kappa = cohen_kappa(np.concatenate([tokens[doc.id][a] for doc in both]),
                                np.concatenate([tokens[doc.id][b] for doc in both]))
        pairwise.append(PairScores(a, b, counts, kappa, len(both)))
    everyone = [doc for doc in docs if set(annotators) <= set(doc.observers)]
    fleiss = None
    if everyone and len(annotators) >= 2:
        fleiss = fleiss_kappa([np.concatenate([tokens[doc.id][name] for doc in everyone]) for name in annotators])
    per_label = {}
    for label in labels:
        total = Counts()
        for pair in pairwise:
            total.add(pair.counts.get(label, Counts()))
        components = label_components[label]
        per_label[label] = LabelScores(components.alpha, total.f1(total.exact), total.f1(total.overlap),
                                       components.observed, components.expected)
    return AgreementReport(alpha, per_label, pairwise, fleiss, len(docs), annotators, [doc.id for doc in docs])


# --- αu ---------------------------------------------------------------------------------------


def _alpha(docs: Sequence[DocData], labels: Sequence[str]) -> tuple[float, dict[str, Components]]:
    """Overall αu and per-label components over continua grouped by observers (length-weighted)."""
    groups: dict[tuple[str, ...], list[DocData]] = {}
    for doc in docs:
        groups.setdefault(doc.observers, []).append(doc)
    total_length = sum(len(doc.text) for doc in docs) or 1
    observed = {label: 0.0 for label in labels}
    expected = {label: 0.0 for label in labels}
    for observers, group in groups.items():
        offsets = np.cumsum([0] + [len(doc.text) for doc in group])
        length = int(offsets[-1])
        weight = length / total_length
        for label in labels:
            units = []
            for name in observers:
                pieces = [(s + offset, e + offset) for doc, offset in zip(group, offsets[:-1].tolist(), strict=True)
                          for s, e, lab in doc.spans[name] if lab == label]
                units.append(np.array(pieces, dtype=np.int64).reshape(-1, 2))
            components = category_components(units, length)
            observed[label] += weight * components.observed
            expected[label] += weight * components.expected
    per_label = {label: Components(observed[label], expected[label]) for label in labels}
    return alpha_from(sum(observed.values()), sum(expected.values())), per_label


# --- span F1 ----------------------------------------------------------------------------------


def _global_spans(docs: Sequence[DocData], name: str, labels: Sequence[str]) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """A's spans on one line: documents end to end, each label on its own stretch of it."""
    offsets = np.cumsum([0] + [len(doc.text) + 1 for doc in docs])
    stride = int(offsets[-1]) + 1
    code = {label: index for index, label in enumerate(labels)}
    rows = [(code[lab] * stride + offset + s, code[lab] * stride + offset + e, code[lab])
            for doc, offset in zip(docs, offsets[:-1].tolist(), strict=True) for s, e, lab in doc.spans[name]]
    array = np.array(rows, dtype=np.int64).reshape(-1, 3)
    array = array[np.lexsort((array[:, 1], array[:, 0]))]
    return array[:, 0], array[:, 1], array[:, 2]


def _span_counts(docs: Sequence[DocData], a: str, b: str, labels: Sequence[str]) -> dict[str, Counts]:
    a_start, a_end, a_label = _global_spans(docs, a, labels)
    b_start, b_end, b_label = _global_spans(docs, b, labels)
    counts = {label: Counts() for label in labels}
    n_a = np.bincount(a_label, minlength=len(labels))
    n_b = np.bincount(b_label, minlength=len(labels))
    # exact: identical (start, end) rows, label included in the position
    a_rows = np.unique(np.column_stack([a_start, a_end]), axis=0)
    b_rows = np.unique(np.column_stack([b_start, b_end]), axis=0)
    both = np.vstack([a_rows, b_rows])
    exact_label = np.zeros(len(labels), dtype=np.int64)
    if len(both):
        rows, seen = np.unique(both, axis=0, return_counts=True)
        shared = rows[seen == 2]
        if len(shared):
            label_of = np.searchsorted(a_start, shared[:, 0])
            exact_label = np.bincount(a_label[label_of], minlength=len(labels))
    overlap_label = np.bincount(_greedy_overlap(a_start, a_end, a_label, b_start, b_end),
                                minlength=len(labels)) if len(a_start) and len(b_start) else np.zeros(len(labels), int)
    for index, label in enumerate(labels):
        counts[label] = Counts(int(n_a[index]), int(n_b[index]), int(exact_label[index]), int(overlap_label[index]))
    return counts


def _greedy_overlap(a_start: NDArray[np.int64], a_end: NDArray[np.int64], a_label: NDArray[np.int64],
                    b_start: NDArray[np.int64], b_end: NDArray[np.int64]) -> NDArray[np.int64]:
    """Labels of the one-to-one matches of overlapping spans, largest overlap first."""
    longest = int((b_end - b_start).max())
    lo = np.searchsorted(b_start, a_start - longest, side="left")
    hi = np.searchsorted(b_start, a_end, side="left")
    counts = np.maximum(hi - lo, 0)
    i = np.repeat(np.arange(len(a_start)), counts)
    j = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(lo, counts)
    overlap = np.minimum(a_end[i], b_end[j]) - np.maximum(a_start[i], b_start[j])
    keep = overlap > 0
    i, j, overlap = i[keep], j[keep], overlap[keep]
    order = np.lexsort((j, i, -overlap))
    used_a: set[int] = set()
    used_b: set[int] = set()
    matched = []
    for x, y in zip(i[order].tolist(), j[order].tolist(), strict=True):
        if x not in used_a and y not in used_b:
            used_a.add(x)
            used_b.add(y)
            matched.append(x)
    return a_label[np.array(matched, dtype=np.int64)]


# --- token labels -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    import spacy

    return spacy.blank("en").tokenizer


def token_bounds(texts: Sequence[str]) -> list[tuple[NDArray[np.int64], NDArray[np.int64]]]:
    """Start and end character offsets of each text's spaCy tokens."""
    result = []
    for doc in _tokenizer().pipe(texts, batch_size=256):
        starts = np.fromiter((token.idx for token in doc), dtype=np.int64, count=len(doc))
        lengths = np.fromiter((len(token) for token in doc), dtype=np.int64, count=len(doc))
        result.append((starts, starts + lengths))
    return result


def token_labels(length: int, spans: Sequence[tuple[int, int, str]], code: dict[str, int],
                 starts: NDArray[np.int64], ends: NDArray[np.int64]) -> NDArray[np.int64]:
    """One code per token (0 = ``O``); innermost span wins, then the earliest (module docstring)."""
    chars = np.zeros(length + 1, dtype=np.int32)
    for s, e, label in sorted(spans, key=lambda span: (-(span[1] - span[0]), -span[0])):
        chars[s:e] = code[label]
    if len(starts) == 0:
        return np.zeros(0, dtype=np.int64)
    first = chars[starts]
    last = chars[np.maximum(ends - 1, starts)]
    return np.where(first > 0, first, last).astype(np.int64)


def _token_labels(docs: Sequence[DocData], code: dict[str, int]) -> dict[int, dict[str, NDArray[np.int64]]]:
    bounds = token_bounds([doc.text for doc in docs])
    return {doc.id: {name: token_labels(len(doc.text), doc.spans[name], code, starts, ends)
                     for name in doc.observers}
            for doc, (starts, ends) in zip(docs, bounds, strict=True)}
