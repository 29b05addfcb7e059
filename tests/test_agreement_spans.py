"""What a span contributes: fragments piece by piece, one annotator's overlapping spans of a label
as one unit in every measure (with a warning), an optimal one-to-one overlap matching whatever
the order, and one token tie-break rule."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from annotator.review.agreement import agreement
from annotator.review.corpus import DocData, LayerSpans
from annotator.review.span_matching import match_pair
from annotator.review.units import Units, build_units
from annotator.store import Project
from tests.agreement_support import doc, text, write
from tests.cli_runs import run_here


def _fragmented(start: int, end: int, pieces: list[list[int]], label: str = "PER") -> dict[str, object]:
    return {"start": start, "end": end, "label": label, "fragments": pieces}


def test_discontinuous_spans_are_compared_fragment_by_fragment(project_location: str) -> None:
    # issue 16: the same fragments gave αu -0.149, the gap counted as labelled
    body = "Ivan and also Petrov met the minister in Minsk today."
    spans = {"a": [_fragmented(0, 20, [[0, 4], [14, 20]])], "b": [_fragmented(0, 20, [[0, 4], [14, 20]])]}
    with write(Project.open(project_location), [doc("d", body, spans)]) as project:
        report = agreement(project)
    pair = report.pairwise[0]
    assert report.alpha_u.value == pytest.approx(1.0)
    assert pair.f1_exact.value == 1.0 and pair.f1_overlap.value == 1.0 and pair.cohen_kappa.value == 1.0
    assert pair.counts["PER"].n_a == 2  # each fragment is a unit


def test_the_gap_between_fragments_is_not_labelled(project_location: str) -> None:
    body = "Ivan and also Petrov met the minister in Minsk today."
    spans = {"a": [_fragmented(0, 20, [[0, 4], [14, 20]])], "b": [(0, 20, "PER")]}
    with write(Project.open(project_location), [doc("d", body, spans)]) as project:
        report = agreement(project)
    pair = report.pairwise[0]
    assert report.alpha_u.value is not None and report.alpha_u.value < 1.0
    assert pair.f1_exact.value == 0.0 and pair.f1_overlap.value == pytest.approx(2 * 1 / 3)
    assert pair.cohen_kappa.value is not None and pair.cohen_kappa.value < 1.0  # "and also" is O for a, PER for b


def test_one_annotators_overlapping_spans_of_a_label_are_one_unit_in_every_measure(tmp_path: Path) -> None:
    # issue 16: αu merged them (1.0) while F1 counted them apart (0.667)
    path = tmp_path / "p.db"
    body = text(200)
    with write(Project.open(path), [doc("d", body, {"a": [(0, 10, "PER"), (5, 15, "PER")], "b": [(0, 15, "PER")]})]
               ) as project:
        report = agreement(project)
    pair = report.pairwise[0]
    assert report.alpha_u.value == pytest.approx(1.0)
    assert pair.f1_exact.value == 1.0 and pair.f1_overlap.value == 1.0 and pair.cohen_kappa.value == 1.0
    assert report.per_label["PER"].units == 2
    assert report.warnings == ["[E1005] 2 spans in 1 documents overlap another span of the same annotator and "
                               "label; each such group is measured as one unit, their union (in αu, F1, the token "
                               "measures, attributes and relations alike)."]
    outcome = run_here("agreement", path, "--json")
    assert outcome.returncode == 0 and "warning: [E1005] 2 spans" in outcome.stderr


def test_overlap_f1_takes_the_best_one_to_one_matching_in_any_order(project_location: str) -> None:
    # issue 16: a greedy matching paired 0-10 with 5-15 and gave 0.5
    first = [(0, 10, "PER"), (10, 20, "PER")]
    second = [(5, 15, "PER"), (0, 2, "PER")]
    body = text(100)
    documents = []
    for index, (x, y) in enumerate(itertools.product(itertools.permutations(first), itertools.permutations(second))):
        documents.append(doc(f"d{index}", body + " " * index, {"a1": list(x), "a2": list(y)}))
        documents.append(doc(f"e{index}", body + "." * (index + 1), {"a1": list(y), "a2": list(x)}))
    with write(Project.open(project_location), documents) as project:
        report = agreement(project)
    [pair] = report.pairwise
    assert pair.f1_overlap.value == 1.0
    assert all(row.alpha_u.value is not None for row in report.document_scores)


def _units(intervals_a: list[tuple[int, int]], intervals_b: list[tuple[int, int]]) -> Units:
    def layer(intervals: list[tuple[int, int]], first_id: int) -> LayerSpans:
        return LayerSpans(("L",), range(first_id, first_id + len(intervals)), [s for s, _e in intervals],
                          [e for _s, e in intervals], [0] * len(intervals))

    docs = [DocData(1, "", "x" * 200, ("a", "b"), {"a": layer(intervals_a, 0), "b": layer(intervals_b, 100)})]
    return build_units(docs, ("a", "b"), ("L",))


def test_overlap_matching_has_the_most_pairs_on_random_spans() -> None:
    """Against networkx's maximum bipartite matching on the same overlap graph."""
    rng = random.Random(3)
    for _trial in range(300):
        def layer() -> list[tuple[int, int]]:
            result, position = [], 0
            while position < 180:
                position += rng.randint(0, 12)
                end = position + rng.randint(1, 15)
                result.append((position, min(end, 200)))
                position = end
            return [(s, e) for s, e in result if s < e]

        a, b = layer(), layer()
        units = _units(a, b)
        match = match_pair(units, 0, 1, np.array([True]))
        graph = nx.Graph()
        graph.add_nodes_from((("a", i) for i in range(len(a))), bipartite=0)
        graph.add_nodes_from(("b", j) for j in range(len(b)))
        graph.add_edges_from((("a", i), ("b", j)) for i, (s, e) in enumerate(a) for j, (t, f) in enumerate(b)
                             if s < f and t < e)
        best = len(nx.bipartite.maximum_matching(graph, top_nodes=[("a", i) for i in range(len(a))])) // 2
        assert int(match.overlap[0]) == best


def test_identical_offsets_with_two_labels_take_the_alphabetically_first_in_every_token_measure(
        project_location: str) -> None:
    body = "The Foreign Ministry of Russia said nothing at all today."
    with write(Project.open(project_location), [doc("d", body, {"a": [(4, 20, "PER"), (4, 20, "ORG")],
                                                                "b": [(4, 20, "ORG")]})]) as project:
        report = agreement(project)
    pair = report.pairwise[0]
    assert pair.cohen_kappa.value == 1.0 and report.token_alpha.value == 1.0 and report.ac1.value == 1.0
    assert report.per_label["ORG"].token_alpha.value == 1.0 and report.per_label["ORG"].ac1.value == 1.0
    # no token reads PER for anyone: one category, not available
    assert report.per_label["PER"].token_alpha.value is None and report.per_label["PER"].ac1.value is None
    assert pair.f1_exact.value == pytest.approx(2 * 1 / 3)  # the span measures still see a's PER
