"""Label distribution: how many spans of each label each annotator made, in the selection.

Labels come in the schema's order (the order analysts know from the palette), then labels the
project uses outside the schema, alphabetically.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from annotator.dashboard.data import SpanData
from annotator.schema import LabelSchema


@dataclass
class LabelCounts:
    labels: list[str]
    annotators: list[str]
    counts: Counter[tuple[str, str]]  # (annotator, label) -> spans

    def total(self, label: str) -> int:
        return sum(self.counts[(name, label)] for name in self.annotators)


def label_counts(data: SpanData, schema: LabelSchema) -> LabelCounts:
    counts: Counter[tuple[str, str]] = Counter((span.annotator, span.label) for span in data.spans.values())
    used = {label for _name, label in counts}
    in_schema = [label.name for label in schema.span_labels]
    labels = in_schema + sorted(used - set(in_schema))
    annotators = sorted({name for name, _label in counts})
    return LabelCounts(labels, annotators, counts)
