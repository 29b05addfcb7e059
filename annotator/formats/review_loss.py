"""What review leaves on a document that a foreign format has no place for, counted.

Canonical JSONL carries a gold item's provenance (whose version, who accepted it) and the
reviewers' comments on spans; brat, XMI, Label Studio and the others have no field a reader of
theirs would take for either, and writing them into a note or a label would change what a
round trip reads back. So an export in those formats counts them in its loss report instead of
dropping them without a word ("left out 3 reviewer comments on spans").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from annotator.formats.base import LossReport
from annotator.formats.canonical import CanonicalDoc

#: Everything of review a format can carry (``Format.carries_review``).
REVIEW = frozenset({"provenance", "comments"})
SPAN_PROVENANCE = "gold spans' provenance (origin annotator, adjudicator)"
RELATION_PROVENANCE = "gold relations' provenance (origin annotator, adjudicator)"
COMMENTS = "reviewer comments on spans"


def count_review(doc: CanonicalDoc, report: LossReport, carried: frozenset[str] = frozenset()) -> None:
    """Add what of one document's provenance and comments is not ``carried`` to ``report``."""
    if "provenance" not in carried:
        report.add(SPAN_PROVENANCE, sum(1 for span in doc["spans"]
                                        if span.get("origin_annotator") or span.get("adjudicator")))
        report.add(RELATION_PROVENANCE, sum(1 for relation in doc["relations"]
                                            if relation.get("origin_annotator") or relation.get("adjudicator")))
    if "comments" not in carried:
        report.add(COMMENTS, sum(len(span.get("comments") or []) for span in doc["spans"]))


def counting_review(docs: Iterable[CanonicalDoc], report: LossReport,
                    carried: frozenset[str] = frozenset()) -> Iterator[CanonicalDoc]:
    """Pass documents through to an exporter that cannot carry all of review, counting what it loses."""
    for doc in docs:
        count_review(doc, report, carried)
        yield doc
