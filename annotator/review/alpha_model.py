"""αu's model of a corpus: its documents grouped by observers, each group's units per label and
observer, as ``alpha_terms.CorpusAlpha`` takes them. Shared by the agreement of the annotators
(``agreement.py``) and of each annotator with gold (``gold_agreement.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotator.review.alpha_terms import CorpusAlpha
from annotator.review.corpus import DocData
from annotator.review.units import Units

FloatArray = NDArray[np.float64]


def corpus_alpha(docs: Sequence[DocData], units: Units) -> CorpusAlpha:
    """Groups of documents by observers, and each group's units per label and observer."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for index, doc in enumerate(docs):
        groups.setdefault(doc.observers, []).append(index)
    observer_code = {name: index for index, name in enumerate(units.annotators)}
    group_list = [(np.array(members, dtype=np.int64), tuple(observer_code[name] for name in observers))
                  for observers, members in groups.items()]
    group_of = np.zeros(len(docs), dtype=np.int64)
    local = np.zeros(len(docs), dtype=np.int64)
    for g, (members, _observers) in enumerate(group_list):
        group_of[members] = g
        local[members] = np.arange(len(members))
    # units sorted by group, label, observer, document, start: each (group, label, observer) a slice
    unit_group, unit_local = group_of[units.doc], local[units.doc]
    order = np.lexsort((units.start, unit_local, units.observer, units.label, unit_group))
    key = (unit_group[order] * max(1, len(units.labels)) + units.label[order]) * len(units.annotators) + \
        units.observer[order]
    keys, first = np.unique(key, return_index=True)
    last = np.append(first[1:], len(order))[:len(first)]
    slices = dict(zip(keys.tolist(), zip(first.tolist(), last.tolist(), strict=True), strict=True))
    empty = np.zeros(0, dtype=np.int64)
    per_group = []
    for g, (_members, observers) in enumerate(group_list):
        per_label: dict[int, list[tuple[Any, Any, Any]]] = {}
        for label in range(len(units.labels)):
            per_label[label] = []
            for o in observers:
                begin, end = slices.get((g * max(1, len(units.labels)) + label) * len(units.annotators) + o, (0, 0))
                rows = order[begin:end]
                per_label[label].append((unit_local[rows], units.start[rows], units.end[rows]) if end > begin
                                        else (empty, empty, empty))
        per_group.append(per_label)
    lengths = np.array([len(doc.text) for doc in docs], dtype=np.int64)
    return CorpusAlpha(lengths, group_list, per_group, len(units.labels))


def alpha_value(observed: FloatArray, expected: FloatArray) -> FloatArray:
    """αu = 1 - D_o / D_e, NaN (not available) where nothing could differ (D_e = 0)."""
    usable = expected > 0
    return np.where(usable, 1.0 - observed / np.where(usable, expected, 1.0), np.nan)
