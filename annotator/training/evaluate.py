"""Scores of a trained pipeline on the held-out documents, with spaCy's ``Scorer``, and the
train curve's verdict.

Spans are scored together whichever component predicts them (``doc.ents`` of ``ner`` and
``doc.spans["sc"]`` of spancat; their labels are disjoint), so "overall" is the micro-averaged
precision, recall and F1 over every span label, and each label has its own. Document labels are
scored by ``Scorer.score_cats`` per label.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.training.data import SPANS_KEY, LabelPlan

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

#: How much the last quarter must raise F1 (in points of F1 from 0 to 1) to count as an improvement.
CURVE_TOLERANCE = 0.005


@dataclass(frozen=True)
class LabelScore:
    precision: float
    recall: float
    f1: float
    support: int  # spans (or documents) with this label among the held-out documents


@dataclass
class Scores:
    """Held-out scores; ``overall`` is None when nothing was held out."""

    overall: LabelScore | None = None
    labels: dict[str, LabelScore] = field(default_factory=dict)
    documents: int = 0

    def as_json(self) -> dict[str, Any]:
        return {"overall": asdict(self.overall) if self.overall else None,
                "labels": {label: asdict(score) for label, score in self.labels.items()},
                "documents": self.documents}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scores:
        overall = data.get("overall")
        return cls(overall=LabelScore(**overall) if overall else None,
                   labels={label: LabelScore(**score) for label, score in (data.get("labels") or {}).items()},
                   documents=int(data.get("documents") or 0))


@dataclass(frozen=True)
class CurvePoint:
    fraction: float  # of the training documents
    documents: int
    f1: float


def _spans(doc: Doc, _attr: str) -> list[Span]:
    return [*doc.ents, *doc.spans.get(SPANS_KEY, [])]


def score(nlp: Language, references: Sequence[Doc], plan: LabelPlan) -> Scores:
    """Run ``nlp`` on the held-out texts and score its spans and document labels against theirs."""
    from spacy.scorer import Scorer
    from spacy.training import Example

    if not references:
        return Scores()
    predicted = nlp.pipe(reference.text for reference in references)
    examples = [Example(doc, reference) for doc, reference in zip(predicted, references, strict=True)]
    support = Counter(span.label_ for reference in references for span in _spans(reference, ""))
    labels: dict[str, LabelScore] = {}
    overall = None
    if plan.span_labels:
        found = Scorer.score_spans(examples, "spans", getter=_spans, allow_overlap=True,
                                   has_annotation=lambda _doc: True)
        overall = LabelScore(found["spans_p"] or 0.0, found["spans_r"] or 0.0, found["spans_f"] or 0.0,
                             sum(support.values()))
        per_type = found["spans_per_type"] or {}
        for label in plan.span_labels:
            values = per_type.get(label, {"p": 0.0, "r": 0.0, "f": 0.0})
            labels[label] = LabelScore(values["p"], values["r"], values["f"], support[label])
    if plan.textcat:
        cats = Scorer.score_cats(examples, "cats", labels=plan.textcat, multi_label=not plan.exclusive)
        having = Counter(label for reference in references for label, value in reference.cats.items() if value)
        for label, values in (cats.get("cats_f_per_type") or {}).items():
            labels[label] = LabelScore(values["p"], values["r"], values["f"], having[label])
    return Scores(overall=overall, labels=labels, documents=len(references))


def curve_message(points: Sequence[CurvePoint]) -> str:
    """Whether the last quarter of the training documents still raised the held-out F1, in the
    spirit of Prodigy's train-curve: if it did, more annotations of the same kind will likely
    help; if not, the model may be as good as this kind of data makes it."""
    if len(points) < 2:
        return ""
    before, last = points[-2].f1, points[-1].f1
    if last > before + CURVE_TOLERANCE:
        return (f"F1 rose from {before:.2f} to {last:.2f} in the last quarter of the training documents: "
                "as a rule of thumb, annotating more documents of the same kind will likely improve the model.")
    if last < before - CURVE_TOLERANCE:
        return (f"F1 fell from {before:.2f} to {last:.2f} in the last quarter of the training documents: more "
                "of the same data may not help; check the latest annotations for inconsistencies, or the "
                "held-out documents may be too few to tell.")
    return (f"F1 stayed at {last:.2f} in the last quarter of the training documents: more annotations of the "
            "same kind are unlikely to help much; consider other kinds of documents or labels.")
