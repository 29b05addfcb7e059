"""What ``agreement.compute`` returns, and its ``--json`` shape.

Every figure is a ``figures.Figure`` (a value or the reason there is none, and its interval),
and says what it rests on: ``Coverage`` (how many documents, which annotators). The JSON keeps
the earlier keys (``overall.alpha_u``, ``per_label``, ``pairwise``, ``fleiss_kappa``,
``documents``) and adds beside each figure ``<name>_reason`` when it is null and ``<name>_ci``
when intervals were asked for; ``gold`` holds each annotator against gold, ``document_scores``
the documents worst first with their differences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotator.review.attribute_agreement import AttributeScores
from annotator.review.bootstrap import Resampling
from annotator.review.corpus import ADJUDICATION_RULE, GOLD_RULE, OBSERVED_RULES, Selection
from annotator.review.differences import Differences
from annotator.review.figures import Figure


@dataclass(frozen=True)
class Coverage:
    """What a figure rests on."""

    documents: int
    annotators: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"documents": self.documents, "annotators": list(self.annotators)}


@dataclass
class Counts:
    """Units of a pair and label: a's, b's, exact and overlap matches."""

    n_a: int = 0
    n_b: int = 0
    exact: int = 0
    overlap: int = 0

    def add(self, other: Counts) -> None:
        self.n_a += other.n_a
        self.n_b += other.n_b
        self.exact += other.exact
        self.overlap += other.overlap

    def f1(self, matched: int, reason: str) -> Figure:
        total = self.n_a + self.n_b
        return Figure.of(2.0 * matched / total if total else None, reason)

    def precision_recall(self, matched: int, precision_reason: str, recall_reason: str) -> tuple[Figure, Figure]:
        """a against b: precision = matches / a's units, recall = matches / b's units (the
        matching is one to one, so a's precision is b's recall against a)."""
        return (Figure.of(matched / self.n_a if self.n_a else None, precision_reason),
                Figure.of(matched / self.n_b if self.n_b else None, recall_reason))


@dataclass
class LabelScores:
    units: int
    alpha_u: Figure
    f1_exact: Figure
    f1_overlap: Figure
    token_alpha: Figure
    ac1: Figure

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"units": self.units}
        for name in ("alpha_u", "f1_exact", "f1_overlap", "token_alpha", "ac1"):
            data.update(getattr(self, name).as_json(name))
        return data


@dataclass
class PairScores:
    a: str
    b: str
    documents: int
    counts: dict[str, Counts]
    f1_exact: Figure
    f1_overlap: Figure
    cohen_kappa: Figure
    relation_f1: Figure
    # a against b (directional): matches / a's units, matches / b's units
    precision_exact: Figure = field(default_factory=lambda: Figure(None))
    recall_exact: Figure = field(default_factory=lambda: Figure(None))
    precision_overlap: Figure = field(default_factory=lambda: Figure(None))
    recall_overlap: Figure = field(default_factory=lambda: Figure(None))

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"a": self.a, "b": self.b, "documents": self.documents}
        for name in ("f1_exact", "precision_exact", "recall_exact", "f1_overlap", "precision_overlap",
                     "recall_overlap", "cohen_kappa", "relation_f1"):
            data.update(getattr(self, name).as_json(name))
        return data


@dataclass
class RelationScores:
    f1: Figure
    per_type: dict[str, Figure] = field(default_factory=dict)
    relations: int = 0  # counted, all pairs and both sides
    left_out: int = 0


@dataclass(frozen=True)
class DocumentScore:
    """One document's αu on its own and its differences (for the list worst first)."""

    doc_id: int
    title: str
    alpha_u: Figure
    spans: int
    differences: Differences = Differences()

    def as_json(self) -> dict[str, Any]:
        return {"id": self.doc_id, "title": self.title, "spans": self.spans,
                "differences": self.differences.as_json(), **self.alpha_u.as_json("alpha_u")}


@dataclass
class GoldScores:
    """One annotator against gold, on the counted documents with gold they count in."""

    annotator: str
    documents: int
    units: int
    gold_units: int
    precision_exact: Figure
    recall_exact: Figure
    f1_exact: Figure
    precision_overlap: Figure
    recall_overlap: Figure
    f1_overlap: Figure
    alpha_u: Figure

    FIGURES = ("precision_exact", "recall_exact", "f1_exact", "precision_overlap", "recall_overlap",
               "f1_overlap", "alpha_u")

    @classmethod
    def missing(cls, annotator: str, reason: str) -> GoldScores:
        """Every figure not available for ``reason``."""
        return cls(annotator, 0, 0, 0, *[Figure(None, reason)] * len(cls.FIGURES))

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"annotator": self.annotator, "documents": self.documents, "units": self.units,
                                "gold_units": self.gold_units}
        for name in self.FIGURES:
            data.update(getattr(self, name).as_json(name))
        return data


@dataclass
class AgreementReport:
    annotators: tuple[str, ...]
    documents: int
    selection: Selection
    alpha_u: Figure
    token_alpha: Figure
    ac1: Figure
    fleiss_kappa: Figure
    fleiss: Coverage
    per_label: dict[str, LabelScores]
    pairwise: list[PairScores]
    attributes: list[AttributeScores]
    relations: RelationScores
    warnings: list[str] = field(default_factory=list)
    document_scores: list[DocumentScore] = field(default_factory=list)  # worst first
    gold: list[GoldScores] = field(default_factory=list)
    gold_documents: int = 0  # counted documents with gold
    doc_ids: list[int] = field(default_factory=list)
    resampling: Resampling | None = None

    @property
    def coverage(self) -> Coverage:
        """αu, the token α and AC1 rest on every counted document and its observers."""
        return Coverage(self.documents, self.annotators)

    def header(self) -> list[str]:
        """The rule and what it counted, in words (the output's first lines)."""
        selection = self.selection
        lines = [f"observed: {selection.observed}: {OBSERVED_RULES[selection.observed]}; {ADJUDICATION_RULE}",
                 f"documents: {self.documents} counted of {selection.considered} "
                 f"({selection.one_observer} with one observer and {selection.no_observer} with none left out)",
                 f"annotators: {len(self.annotators)} ({', '.join(self.annotators) or 'none'})"]
        extra = []
        if selection.empty_judgments:
            extra.append(f"{selection.empty_judgments} counted judgments with no span ('nothing here')")
        if selection.in_progress:
            extra.append(f"{selection.in_progress} counted judgments still in progress")
        if selection.adjudication_only:
            extra.append(f"{selection.adjudication_only} reviewed marks without own spans not counted (adjudication)")
        if extra:
            lines.append("of which: " + "; ".join(extra))
        if self.resampling is not None:
            lines.append(f"intervals: 95% bootstrap, {self.resampling.replicates} resamples of the documents, "
                         f"seed {self.resampling.seed}")
        return lines

    def to_json(self) -> dict[str, Any]:
        """The ``annotator agreement --json`` shape; figures not available are null with a reason."""
        selection = self.selection
        overall: dict[str, Any] = {}
        for name in ("alpha_u", "token_alpha", "ac1"):
            overall.update(getattr(self, name).as_json(name))
        overall.update(self.coverage.as_json())
        data: dict[str, Any] = {
            "observed": selection.observed,
            "rule": f"{OBSERVED_RULES[selection.observed]}; {ADJUDICATION_RULE}",
            "selection": {"considered": selection.considered, "counted": self.documents,
                          "one_observer": selection.one_observer, "no_observer": selection.no_observer,
                          "empty_judgments": selection.empty_judgments, "in_progress": selection.in_progress,
                          "adjudication_only": selection.adjudication_only},
            "documents": self.documents,
            "annotators": list(self.annotators),
            "overall": overall,
            "per_label": {label: scores.as_json() for label, scores in self.per_label.items()},
            "pairwise": [pair.as_json() for pair in self.pairwise],
            **self.fleiss_kappa.as_json("fleiss_kappa"),
            "fleiss": self.fleiss.as_json(),
            "attributes": [{"label": item.label, "attribute": item.name, **item.kappa.as_json("kappa"),
                            "pairs": [{"a": pair.a, "b": pair.b, "spans": pair.spans,
                                       **pair.observed.as_json("observed"), **pair.kappa.as_json("kappa")}
                                      for pair in item.pairs]} for item in self.attributes],
            "relations": {**self.relations.f1.as_json("f1"), "relations": self.relations.relations,
                          "left_out": self.relations.left_out,
                          "per_type": {name: figure.as_json("f1") for name, figure in self.relations.per_type.items()}},
            "gold": {"rule": GOLD_RULE, "documents": self.gold_documents,
                     "annotators": [scores.as_json() for scores in self.gold]},
            "document_scores": [row.as_json() for row in self.document_scores],
            "warnings": list(self.warnings),
        }
        if self.resampling is not None:
            data["bootstrap"] = {"replicates": self.resampling.replicates, "seed": self.resampling.seed,
                                 "level": self.resampling.level, "resampled": "documents"}
        return data
