"""Each agreement measure against a reference implementation: Gwet's AC1 against irrCAC,
Krippendorff's nominal α against the ``krippendorff`` package (overall and per label, with a
document one annotator did not finish), attribute κ against scikit-learn, αu over several
groups of observers against the one-continuum definition, and relation F1 by hand."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest

from annotator.review.agreement import agreement
from annotator.review.corpus import AgreementOptions
from annotator.review.krippendorff import category_components
from annotator.review.token_measures import token_bounds
from annotator.store import Project
from tests.agreement_support import doc, noisy_corpus, text, write

ANNOTATORS = ("a", "b", "c")


def token_rule(body: str, spans: Sequence[tuple[int, int, str]], labels: Sequence[str]) -> list[int]:
    """The documented rule, written plainly: the label at the token's first character, else at
    its last; the shortest covering span, then the earliest, then the alphabetically first."""
    code = {label: index + 1 for index, label in enumerate(sorted(labels))}
    [(starts, ends)] = token_bounds([body])
    result = []
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        value = 0
        for position in (start, max(end - 1, start)):
            covering = [(e - s, s, label) for s, e, label in spans if s <= position < e]
            if covering:
                value = code[min(covering)[2]]
                break
        result.append(value)
    return result


def token_matrix(docs: Sequence[dict[str, Any]], annotators: Sequence[str],
                 observed: dict[tuple[int, str], bool] | None = None) -> dict[str, np.ndarray]:
    """Each annotator's token codes over all documents, NaN where they do not observe."""
    labels = sorted({span["label"] for item in docs for span in item["spans"]})
    result: dict[str, list[float]] = {who: [] for who in annotators}
    for index, item in enumerate(docs):
        for who in annotators:
            spans = [(s["start"], s["end"], s["label"]) for s in item["spans"] if s["annotator"] == who]
            codes = token_rule(item["text"], spans, labels)
            if observed is not None and not observed.get((index, who), True):
                codes = [np.nan] * len(codes)
            result[who].extend(codes)
    return {who: np.array(values) for who, values in result.items()}


def test_tokens_are_the_matches_of_the_documented_pattern() -> None:
    import random
    import re

    from annotator.review.token_measures import TOKEN_PATTERN

    rng = random.Random(0)
    alphabet = "ab Z9_ .,!?-\"'\t\n\u00a0\u2003é\u0301中文😀👍🏽\u200bЖж١٢\u2028\x1c\ud800"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(2000)]
    for body, (starts, ends) in zip(texts, token_bounds(texts), strict=True):
        expected = [match.span() for match in re.finditer(TOKEN_PATTERN, body)]
        assert list(zip(starts.tolist(), ends.tolist(), strict=True)) == expected, body


def test_token_labels_follow_the_rule_where_labels_nest_and_cross() -> None:
    import random

    from annotator.review.corpus import DocData, LayerSpans
    from annotator.review.token_measures import token_table
    from annotator.review.units import build_units

    rng = random.Random(5)
    labels = ("LOC", "ORG", "PER")
    for _trial in range(60):
        body = text(rng.randint(40, 300), rng.randint(0, 10_000))
        spans: list[tuple[int, int, str]] = []
        for _ in range(rng.randint(0, 25)):
            start = rng.randrange(len(body) - 1)
            span = (start, min(len(body), start + rng.randint(1, 30)), rng.choice(labels))
            if not any(label == span[2] and s < span[1] and span[0] < e for s, e, label in spans):
                spans.append(span)  # one label's spans do not overlap: those are merged first
        layer = LayerSpans(labels, range(len(spans)), [s for s, _e, _l in spans], [e for _s, e, _l in spans],
                           [labels.index(label) for _s, _e, label in spans])
        docs = [DocData(1, "", body, ("a", "b"), {"a": layer, "b": LayerSpans(labels, [], [], [], [])})]
        table = token_table([body], np.array([[True], [True]]), build_units(docs, ("a", "b"), labels))
        assert table.values[0].tolist() == token_rule(body, spans, labels), spans


def _corpus_with_a_gap() -> tuple[list[dict[str, Any]], dict[tuple[int, str], bool]]:
    """Twelve documents; c has not finished the first three (in progress: not an observer)."""
    docs = noisy_corpus(11, 12, ANNOTATORS, 0.12)
    observed = {}
    for index, item in enumerate(docs):
        if index < 3:
            item["status"]["c"] = "in_progress"
            observed[(index, "c")] = False
    return docs, observed


def test_token_alpha_and_ac1_equal_krippendorff_and_irrcac_overall_and_per_label(project_location: str) -> None:
    import krippendorff
    from irrCAC.raw import CAC

    docs, observed = _corpus_with_a_gap()
    with write(Project.open(project_location), docs) as project:
        report = agreement(project)
    matrix = token_matrix(docs, ANNOTATORS, observed)
    ratings = np.vstack([matrix[who] for who in ANNOTATORS])
    assert np.isnan(ratings).any()  # the check covers missing values
    categories = sorted(set(ratings[~np.isnan(ratings)].tolist()))

    expected_alpha = krippendorff.alpha(reliability_data=ratings, level_of_measurement="nominal")
    assert report.token_alpha.value == pytest.approx(expected_alpha, abs=1e-9)
    gwet = CAC(pd.DataFrame(ratings.T, columns=list(ANNOTATORS)), categories=categories, digits=12).gwet()
    assert report.ac1.value == pytest.approx(gwet["est"]["coefficient_value"], abs=1e-9)

    labels = sorted(report.per_label)
    for code, label in enumerate(labels, start=1):
        binary = np.where(np.isnan(ratings), np.nan, (ratings == code).astype(float))
        expected = krippendorff.alpha(reliability_data=binary, level_of_measurement="nominal")
        assert report.per_label[label].token_alpha.value == pytest.approx(expected, abs=1e-9), label
        label_gwet = CAC(pd.DataFrame(binary.T, columns=list(ANNOTATORS)), categories=[0.0, 1.0], digits=12).gwet()
        assert report.per_label[label].ac1.value == pytest.approx(label_gwet["est"]["coefficient_value"], abs=1e-9)
    assert 0.0 < report.token_alpha.value < 1.0 and 0.0 < report.ac1.value < 1.0


def test_fleiss_kappa_uses_only_documents_everyone_observes_and_says_so(project_location: str) -> None:
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    docs, observed = _corpus_with_a_gap()
    with write(Project.open(project_location), docs) as project:
        report = agreement(project)
    assert report.documents == 12
    assert report.fleiss.documents == 9 and report.fleiss.annotators == ANNOTATORS
    matrix = token_matrix(docs[3:], ANNOTATORS)
    table, _categories = aggregate_raters(np.column_stack([matrix[who] for who in ANNOTATORS]).astype(int))
    assert report.fleiss_kappa.value == pytest.approx(fleiss_kappa(table, method="fleiss"), abs=1e-9)
    data = report.to_json()
    assert data["fleiss"] == {"documents": 9, "annotators": list(ANNOTATORS)}
    pairs = {(pair["a"], pair["b"]): pair["documents"] for pair in data["pairwise"]}
    assert pairs == {("a", "b"): 12, ("a", "c"): 9, ("b", "c"): 9}


def _reference_alpha(docs: Sequence[dict[str, Any]], observers: Sequence[tuple[str, ...]]) -> float:
    """The corpus αu as defined: documents of one set of observers end to end, each set's
    components weighted by its length (``category_components`` is checked against the book)."""
    labels = sorted({span["label"] for item in docs for span in item["spans"]})
    groups: dict[tuple[str, ...], list[int]] = {}
    for index, who in enumerate(observers):
        groups.setdefault(who, []).append(index)
    total = sum(len(item["text"]) for item in docs)
    observed_sum = expected_sum = 0.0
    for who, members in groups.items():
        offsets = np.cumsum([0] + [len(docs[i]["text"]) for i in members])
        for label in labels:
            units = [np.array([(offsets[k] + s["start"], offsets[k] + s["end"]) for k, i in enumerate(members)
                               for s in docs[i]["spans"] if s["annotator"] == name and s["label"] == label],
                              dtype=np.int64).reshape(-1, 2) for name in who]
            parts = category_components(units, int(offsets[-1]))
            observed_sum += offsets[-1] / total * parts.observed
            expected_sum += offsets[-1] / total * parts.expected
    return 1.0 - observed_sum / expected_sum


def test_alpha_u_over_groups_of_observers_equals_the_definition(project_location: str) -> None:
    docs = noisy_corpus(5, 9, ANNOTATORS, 0.2)
    observers = []
    for index, item in enumerate(docs):
        if index % 3 == 1:  # b did not finish these: {a, c} is a second group
            item["status"]["b"] = "in_progress"
        observers.append(tuple(who for who in ANNOTATORS if item["status"][who] == "done"))
    with write(Project.open(project_location), docs) as project:
        report = agreement(project)
    assert report.alpha_u.value == pytest.approx(_reference_alpha(docs, observers), abs=1e-12)


@pytest.mark.slow
def test_alpha_u_of_corpus_documents_and_resamples_equals_the_definition_on_random_studies() -> None:
    """300 random studies (1-7 documents, 2-4 observers, documents without units): the corpus,
    each document alone and a resample laid in drawn order, each against ``category_components``
    on the continuum laid out by hand."""
    from annotator.review.alpha_terms import CorpusAlpha

    rng = np.random.default_rng(3)
    for _trial in range(300):
        n_docs, m = int(rng.integers(1, 8)), int(rng.integers(2, 5))
        lengths = rng.integers(5, 80, size=n_docs).astype(np.int64)
        units = []
        for _o in range(m):
            rows = []
            for d in range(n_docs):
                position = 0
                while rng.random() > 0.3:
                    position += int(rng.integers(0, 15))
                    end = position + int(rng.integers(1, 12))
                    if end > lengths[d]:
                        break
                    rows.append((d, position, end))
                    position = end
            table = np.array(rows, dtype=np.int64).reshape(-1, 3)
            units.append((table[:, 0], table[:, 1], table[:, 2]))
        model = CorpusAlpha(lengths, [(np.arange(n_docs), tuple(range(m)))], [{0: units}], 1)

        observed, expected = model.corpus()
        assert (observed[0], expected[0]) == pytest.approx(_laid_out(lengths, units, np.arange(n_docs)), abs=1e-15)
        per_observed, per_expected = model.documents()
        for d in range(n_docs):
            assert (per_observed[d, 0], per_expected[d, 0]) == pytest.approx(
                _laid_out(lengths, units, np.array([d])), abs=1e-15)
        draw = rng.integers(0, n_docs, size=(1, n_docs))
        drawn_observed, drawn_expected = model.replicates(draw)
        assert (drawn_observed[0, 0], drawn_expected[0, 0]) == pytest.approx(
            _laid_out(lengths, units, draw[0]), abs=1e-15)


def _laid_out(lengths: np.ndarray, units: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
              order: np.ndarray) -> tuple[float, float]:
    """D_o and D_e of the documents laid end to end in ``order``, by ``category_components``."""
    offsets = np.concatenate([[0], np.cumsum(lengths[order])])
    laid = [np.concatenate([np.column_stack([offsets[i] + s[d == doc], offsets[i] + e[d == doc]])
                            for i, doc in enumerate(order.tolist())]) for d, s, e in units]
    parts = category_components(laid, int(offsets[-1]))
    return parts.observed, parts.expected


def test_attribute_kappa_equals_scikit_learn(project_location: str) -> None:
    from sklearn.metrics import cohen_kappa_score

    values_a = ["military", "nuclear", "economic", "military", None, "nuclear", "military", "hybrid"]
    values_b = ["military", "nuclear", "military", "military", "nuclear", "nuclear", None, "hybrid"]
    body = text(800)
    layers: dict[str, list[Any]] = {"a": [], "b": []}
    for index, (x, y) in enumerate(zip(values_a, values_b, strict=True)):
        start = 10 + 90 * index
        for who, value in (("a", x), ("b", y)):
            layers[who].append({"start": start + (who == "b"), "end": start + 20, "label": "THREAT",
                                "attrs": {"threat_type": value} if value else {}})
    with write(Project.open(project_location), [doc("d", body, layers)]) as project:
        report = agreement(project)
    [threat] = [item for item in report.attributes if item.key == "THREAT.threat_type"]
    expected = cohen_kappa_score([x or "(not set)" for x in values_a], [y or "(not set)" for y in values_b])
    assert threat.kappa.value == pytest.approx(expected, abs=1e-12)
    [pair] = threat.pairs
    assert pair.spans == 8 and pair.observed.value == pytest.approx(5 / 8)
    others = [item for item in report.attributes if item.label == "THREAT" and item.name != "threat_type"]
    assert others and all(item.kappa.value is None and "E1007" in (item.kappa.reason or "") for item in others)


def test_relation_f1_matches_relations_between_matched_spans(project_location: str) -> None:
    body = text(400)
    spans = {"a": [{"id": "a1", "start": 0, "end": 10, "label": "ACTOR"},
                   {"id": "a2", "start": 20, "end": 40, "label": "CLAIM"},
                   {"id": "a3", "start": 60, "end": 70, "label": "ACTOR"}],
             "b": [{"id": "b1", "start": 1, "end": 10, "label": "ACTOR"},
                   {"id": "b2", "start": 20, "end": 38, "label": "CLAIM"},
                   {"id": "b3", "start": 60, "end": 70, "label": "ACTOR"}]}
    relations = [{"head": "a1", "tail": "a2", "label": "speaker_of", "annotator": "a"},  # matches b1→b2
                 {"head": "a3", "tail": "a2", "label": "speaker_of", "annotator": "a"},  # b has none from b3
                 {"head": "b1", "tail": "b2", "label": "speaker_of", "annotator": "b"}]
    with write(Project.open(project_location), [doc("d", body, spans, relations=relations)]) as project:
        report = agreement(project)
        only_actor = agreement(project, AgreementOptions(labels=("ACTOR",)))
    [pair] = report.pairwise
    assert pair.relation_f1.value == pytest.approx(2 * 1 / 3)
    assert report.relations.per_type["speaker_of"].value == pytest.approx(2 / 3)
    assert report.relations.relations == 3
    assert only_actor.relations.f1.value is None and only_actor.relations.left_out == 3
    assert any("E1012" in warning for warning in only_actor.warnings)
