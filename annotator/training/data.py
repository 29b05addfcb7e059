"""From canonical documents (as an export selects them) to spaCy training examples.

Which component learns a label (``plan_labels``), a fixed rule:

- ``ner`` takes the entity-like span labels: those the schema's ``entity_mapping`` maps a spaCy
  entity type to (ACTOR, LOCATION, DATE, EVENT in the default schema). They are short and rarely
  overlap, which is what a named-entity recogniser models. If more than ``MAX_NER_OVERLAP`` of a
  label's spans in the data overlap another entity-like span, the label goes to ``spancat`` after
  all, since ``ner`` would lose them.
- ``spancat`` takes every other span label (CLAIM, THREAT, TARGET): long spans that overlap each
  other and the entities. Its candidates come from a fixed rule (``training.suggesters``).
- ``textcat`` takes the document labels when they are all in one exclusive group; otherwise
  ``textcat_multilabel`` (the default schema has two groups and a free label).

Spans are widened to whole tokens (``formats.docbin.token_aligned``, the spaCy export's rule, which
counts what moved); the same span made by several annotators is one example; ``ner`` spans that
overlap a longer one are left out for ``ner`` and counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotator.formats.base import LossReport
from annotator.formats.canonical import CanonicalDoc

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

    from annotator.schema import LabelSchema

SPANS_KEY = "sc"  # spancat's spans, as in the DocBin export
MAX_NER_OVERLAP = 0.1


@dataclass(frozen=True)
class LabelPlan:
    """Which labels each component learns; empty tuples leave the component out."""

    ner: tuple[str, ...] = ()
    spancat: tuple[str, ...] = ()
    textcat: tuple[str, ...] = ()
    exclusive: bool = False  # document labels exclude each other (textcat rather than textcat_multilabel)

    @property
    def textcat_component(self) -> str:
        return "textcat" if self.exclusive else "textcat_multilabel"

    @property
    def span_labels(self) -> tuple[str, ...]:
        return self.ner + self.spancat

    def as_json(self) -> dict[str, list[str]]:
        return {"ner": list(self.ner), "spancat": list(self.spancat), self.textcat_component: list(self.textcat)}


@dataclass
class Counts:
    """What the examples hold, per label, and what could not be carried (``left_out``)."""

    spans: Counter[str] = field(default_factory=Counter)
    doc_labels: Counter[str] = field(default_factory=Counter)
    left_out: LossReport = field(default_factory=LossReport)


def plan_labels(schema: LabelSchema, docs: list[CanonicalDoc]) -> LabelPlan:
    """Route the labels found in ``docs`` to components by the rule in the module docstring."""
    entity_like = set(schema.entity_mapping.values())
    span_labels = sorted({span["label"] for doc in docs for span in doc["spans"]})
    doc_labels = sorted({label["label"] for doc in docs for label in doc["doc_labels"]})
    overlapping, total = Counter[str](), Counter[str]()
    for doc in docs:
        entities = sorted((span["start"], span["end"], span["label"]) for span in doc["spans"]
                          if span["label"] in entity_like)
        for index, (start, end, label) in enumerate(entities):
            total[label] += 1
            if any(other[0] < end and start < other[1] and (other[0], other[1]) != (start, end)
                   for other in entities[max(0, index - 20):index + 20]):
                overlapping[label] += 1
    ner = tuple(label for label in span_labels
                if label in entity_like and overlapping[label] <= MAX_NER_OVERLAP * total[label])
    spancat = tuple(label for label in span_labels if label not in ner)
    groups = {definition.group for definition in schema.document_labels if definition.name in doc_labels}
    return LabelPlan(ner=ner, spancat=spancat, textcat=tuple(doc_labels),
                     exclusive=len(groups) == 1 and None not in groups)


def annotated(doc: CanonicalDoc) -> bool:
    """Whether a document says anything to learn from: a document nobody annotated is not evidence
    that it holds no entities, so it is left out rather than taught as empty."""
    return bool(doc["spans"] or doc["doc_labels"])


def reference_doc(nlp: Language, canonical: CanonicalDoc, plan: LabelPlan, counts: Counts) -> Doc:
    """The gold ``Doc`` of one document: ``doc.ents`` for ``ner``, ``doc.spans`` for spancat,
    ``doc.cats`` for the document labels."""
    from spacy.util import filter_spans

    from annotator.formats.docbin import token_aligned

    doc = nlp.make_doc(canonical["text"])
    seen: set[tuple[int, int, str]] = set()
    entities: list[Span] = []
    spans: list[Span] = []
    for span in canonical["spans"]:
        if span["label"] not in plan.span_labels:
            continue
        aligned = token_aligned(doc, span, counts.left_out)
        if aligned is None or (key := (aligned.start, aligned.end, span["label"])) in seen:
            continue
        seen.add(key)
        (entities if span["label"] in plan.ner else spans).append(aligned)
    kept = filter_spans(entities)
    counts.left_out.add("entity-like spans overlapping a longer one (ner keeps one span per token)",
                        len(entities) - len(kept))
    doc.ents = kept
    doc.spans[SPANS_KEY] = spans
    counts.spans.update(span.label_ for span in [*kept, *spans])
    labels = {label["label"] for label in canonical["doc_labels"]} & set(plan.textcat)
    if labels:  # a document with none of them says nothing about them (spaCy treats absent cats as missing)
        doc.cats = {label: float(label in labels) for label in plan.textcat}
        counts.doc_labels.update(labels)
    return doc
