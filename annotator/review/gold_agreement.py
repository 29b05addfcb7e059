"""Each annotator against gold, so a lead sees who needs guidance.

Gold is ``corpus.GOLD_RULE``'s: the gold layer of the counted documents someone marked
reviewed. Each annotator is compared with it on those of these documents they count in, as the
pairs are compared with one another (``units.py``'s units, ``span_matching``'s exact and
overlap matches), gold in the place of the second annotator: precision is the share of the
annotator's units that gold has too, recall the share of gold's units the annotator found, F1
their harmonic mean, and αu the two of them alone. A figure that cannot be computed (no gold
yet, no unit of the annotator or of gold) is not available with the reason, never 1.0.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from annotator.errors import Errors
from annotator.review.agreement_report import Counts, GoldScores
from annotator.review.alpha_model import alpha_value, corpus_alpha
from annotator.review.corpus import DocData
from annotator.review.figures import Figure
from annotator.review.span_matching import match_pair
from annotator.review.units import build_units, span_columns

#: Gold's observer key among the annotators' names: PostgreSQL text cannot hold NUL, so no
#: annotator can be called this.
GOLD = "\x00gold"


def gold_scores(docs: Sequence[DocData], annotators: Sequence[str],
                labels: Sequence[str]) -> tuple[int, list[GoldScores]]:
    """The number of counted documents with gold, and each annotator's figures against it."""
    with_gold = [DocData(doc.id, doc.title, doc.text, (*doc.observers, GOLD), {**doc.spans, GOLD: gold})
                 for doc in docs if (gold := doc.gold) is not None]
    if not with_gold:
        return 0, [GoldScores.missing(name, Errors.E1181) for name in annotators]
    names = (*annotators, GOLD)
    labels = tuple(sorted(set(labels) | span_columns(with_gold, names).label_names()))
    units = build_units(with_gold, names, labels)
    scores = []
    for a, name in enumerate(annotators):
        counted = np.array([name in doc.observers for doc in with_gold], dtype=bool)
        documents = int(counted.sum())
        if not documents:
            scores.append(GoldScores.missing(name, Errors.E1182.format(annotator=name, documents=len(with_gold))))
            continue
        match = match_pair(units, a, len(annotators), counted)
        total = Counts(int(match.n_a.sum()), int(match.n_b.sum()), int(match.exact.sum()), int(match.overlap.sum()))
        reasons = (Errors.E1180.format(who=name, documents=documents, measure=f"{name}'s precision against gold"),
                   Errors.E1180.format(who="gold", documents=documents, measure=f"{name}'s recall against gold"))
        no_units = Errors.E1001.format(labels="", documents=documents)
        precision_exact, recall_exact = total.precision_recall(total.exact, *reasons)
        precision_overlap, recall_overlap = total.precision_recall(total.overlap, *reasons)
        scores.append(GoldScores(name, documents, total.n_a, total.n_b, precision_exact, recall_exact,
                                 total.f1(total.exact, no_units), precision_overlap, recall_overlap,
                                 total.f1(total.overlap, no_units), _alpha(with_gold, counted, name, labels)))
    return len(with_gold), scores


def _alpha(with_gold: Sequence[DocData], counted: np.ndarray, name: str, labels: Sequence[str]) -> Figure:
    """αu of ``name`` and gold alone, on the documents ``counted`` marks."""
    docs = [DocData(doc.id, doc.title, doc.text, (name, GOLD), doc.spans)
            for doc, keep in zip(with_gold, counted.tolist(), strict=True) if keep]
    units = build_units(docs, (name, GOLD), labels)
    observed, expected = corpus_alpha(docs, units).corpus()
    reason = Errors.E1004.format(label="") if len(units) else Errors.E1001.format(labels="", documents=len(docs))
    return Figure.of(float(alpha_value(observed.sum(keepdims=True), expected.sum(keepdims=True))[0]), reason)
