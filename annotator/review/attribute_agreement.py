"""Agreement on the attribute values of matched spans: Cohen's κ per attribute and pair.

Which spans are compared: for each pair of annotators, the overlap matching of
``span_matching`` pairs their units, and each pair of units is read as the pair of their
representative spans (``units.py``); each distinct pair of spans counts once, so a
discontinuous span matched piece by piece is not counted once per piece.

Which attributes: those the schema gives the label, and any other that either span of a pair
sets. A value not set (absent, empty text, empty list) is the value "(not set)", so one
annotator filling in ``threat_type`` where the other left it empty is a disagreement. A
multiple choice is compared as the set of its choices.

The figure of an attribute is each pair's Cohen's κ, and with more than two annotators the
mean of the pairs' defined κ (Light's κ, Light 1971).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from annotator.errors import Errors
from annotator.review.figures import Figure
from annotator.review.token_measures import cohen

NOT_SET = "(not set)"


@dataclass
class AttributePair:
    a: str
    b: str
    spans: int  # matched pairs of spans compared
    observed: Figure  # share of those with the same value
    kappa: Figure


@dataclass
class AttributeScores:
    label: str
    name: str
    pairs: list[AttributePair] = field(default_factory=list)
    kappa: Figure = field(default_factory=lambda: Figure(None))

    @property
    def key(self) -> str:
        return f"{self.label}.{self.name}"


def value_of(attrs: Mapping[str, Any], name: str) -> str:
    """The comparable form of one attribute value (module docstring)."""
    value = attrs.get(name)
    if value is None or value == "" or value == [] or value == {}:
        return NOT_SET
    if isinstance(value, list):
        return json.dumps(sorted(json.dumps(item, sort_keys=True) for item in value))
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


@dataclass
class MatchedSpans:
    """One pair of annotators' matched spans: those with values as (label, a's, b's), and how
    many of each label have no value on either side (counted, not listed: usually most)."""

    a: str
    b: str
    with_values: list[tuple[str, Mapping[str, Any], Mapping[str, Any]]]
    without_values: Mapping[str, int]


def attribute_scores(pairs: Sequence[MatchedSpans], schema: Mapping[str, Sequence[str]]) -> list[AttributeScores]:
    """Each attribute's agreement; ``schema`` gives each label's attribute names."""
    tallies: dict[tuple[str, str], dict[tuple[str, str], Counter[tuple[str, str]]]] = {}
    for pair in pairs:
        for label, attrs_a, attrs_b in pair.with_values:
            for name in dict.fromkeys([*schema.get(label, ()), *attrs_a, *attrs_b]):
                tallies.setdefault((label, name), {}).setdefault((pair.a, pair.b), Counter())[
                    (value_of(attrs_a, name), value_of(attrs_b, name))] += 1
        for label, count in pair.without_values.items():
            for name in schema.get(label, ()):
                tallies.setdefault((label, name), {}).setdefault((pair.a, pair.b), Counter())[(NOT_SET, NOT_SET)] += count
    result = []
    for (label, name), by_pair in sorted(tallies.items()):
        scores = AttributeScores(label, name)
        for pair in pairs:
            scores.pairs.append(_pair(pair.a, pair.b, by_pair.get((pair.a, pair.b), Counter()), f"{label}.{name}"))
        defined = [item.kappa.value for item in scores.pairs if item.kappa.value is not None]
        reason = next((item.kappa.reason for item in scores.pairs if item.spans), None) or \
            Errors.E1007.format(attribute=f"{label}.{name}")
        scores.kappa = Figure.of(float(np.mean(defined)) if defined else None, reason)
        result.append(scores)
    return result


def _pair(a: str, b: str, compared: Counter[tuple[str, str]], key: str) -> AttributePair:
    total = sum(compared.values())
    if set(compared) <= {(NOT_SET, NOT_SET)}:
        reason = Errors.E1007.format(attribute=key)
        return AttributePair(a, b, total, Figure.of(1.0 if total else None, reason), Figure(None, reason))
    categories = {value: index for index, value in enumerate(sorted({v for pair in compared for v in pair}))}
    k = len(categories)
    confusion = np.zeros(k * k)
    for (x, y), count in compared.items():
        confusion[categories[x] * k + categories[y]] += count
    same = sum(count for (x, y), count in compared.items() if x == y) / total
    only = next(iter(categories)) if k == 1 else ""
    kappa = Figure.of(float(cohen(confusion[None, :], k)[0]),
                      Errors.E1002.format(category=only, what=f"{key} of {a} and {b}'s matched spans"))
    return AttributePair(a, b, total, Figure(same), kappa)
