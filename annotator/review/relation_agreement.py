"""Agreement on relations between matched spans: F1 per pair and per relation type.

A relation of annotator a (head, tail, type) matches one of b when both have the same type, a's
head corresponds to b's head and a's tail to b's tail. Spans correspond when the overlap
matching of ``span_matching`` paired a unit of one with a unit of the other (a span is in
several units when it has fragments; a merged unit holds several spans). Matches are one to
one, the largest number possible (``maximum_bipartite_matching``), so the order relations come
in does not matter. F1 = 2 × matches / (relations of a + relations of b), over the documents
both observe; relations with an end whose label is not measured (``--labels``) are left out and
counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from annotator.review.corpus import DocData, RelationRow
from annotator.review.span_matching import PairMatch
from annotator.review.units import Units


@dataclass
class RelationCounts:
    n_a: dict[str, int] = field(default_factory=dict)  # per relation type
    n_b: dict[str, int] = field(default_factory=dict)
    matched: dict[str, int] = field(default_factory=dict)
    left_out: int = 0  # relations with an end that is not measured
    unmatched_docs: list[int] = field(default_factory=list)  # document index of each relation left unmatched


def relation_counts(docs: Sequence[DocData], units: Units, a: int, b: int, both: np.ndarray,
                    match: PairMatch) -> RelationCounts:
    """Relations of observers ``a`` and ``b`` in the documents ``both`` marks, matched."""
    name_a, name_b = units.annotators[a], units.annotators[b]
    measured = set(units.member_span.tolist())
    counts = RelationCounts()

    def kept(name: str) -> tuple[list[RelationRow], list[int]]:
        rows = [(index, relation) for index in np.flatnonzero(both).tolist()
                for relation in docs[index].relations.get(name, [])]
        usable = [(index, r) for index, r in rows if r.head in measured and r.tail in measured]
        counts.left_out += len(rows) - len(usable)
        return [r for _index, r in usable], [index for index, _r in usable]

    (relations_a, docs_a), (relations_b, docs_b) = kept(name_a), kept(name_b)
    counts.unmatched_docs = docs_a + docs_b
    for relations, tally in ((relations_a, counts.n_a), (relations_b, counts.n_b)):
        for relation in relations:
            tally[relation.label] = tally.get(relation.label, 0) + 1
    if not relations_a or not relations_b:
        return counts
    members: dict[int, list[int]] = defaultdict(list)
    for span, unit in zip(units.member_span.tolist(), units.member_unit.tolist(), strict=True):
        members[unit].append(span)
    corresponds: dict[int, set[int]] = defaultdict(set)
    for unit_a, unit_b in zip(match.pairs_a.tolist(), match.pairs_b.tolist(), strict=True):
        for span_a in members[unit_a]:
            corresponds[span_a].update(members[unit_b])
    index_b: dict[tuple[int, int, str], list[int]] = defaultdict(list)
    for position, relation in enumerate(relations_b):
        index_b[(relation.head, relation.tail, relation.label)].append(position)
    rows, columns = [], []
    for position, relation in enumerate(relations_a):
        for head in corresponds.get(relation.head, ()):
            for tail in corresponds.get(relation.tail, ()):
                for other in index_b.get((head, tail, relation.label), ()):
                    rows.append(position)
                    columns.append(other)
    if rows:
        from scipy.sparse import csr_matrix  # on use: scipy takes a second to import
        from scipy.sparse.csgraph import maximum_bipartite_matching

        graph = csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(relations_a), len(relations_b)))
        partner = maximum_bipartite_matching(graph, perm_type="column")
        for position in np.flatnonzero(partner >= 0).tolist():
            label = relations_a[position].label
            counts.matched[label] = counts.matched.get(label, 0) + 1
        matched_a, matched_b = set(np.flatnonzero(partner >= 0).tolist()), set(partner[partner >= 0].tolist())
        counts.unmatched_docs = ([index for position, index in enumerate(docs_a) if position not in matched_a]
                                 + [index for position, index in enumerate(docs_b) if position not in matched_b])
    return counts
