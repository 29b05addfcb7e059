"""Review figures (issue 17): per-pair precision and recall, each annotator against gold, and
documents worst first by every kind of difference."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.review.agreement import AgreementOptions, agreement
from annotator.store import Project
from tests.agreement_support import doc, noisy_corpus, text, write
from tests.cli_runs import run_here as run_cli  # the figures are the point: in this process (tests/cli_runs.py)


def test_pair_precision_and_recall_by_hand(project: Project) -> None:
    # a: PER 0-5, PER 10-15, ORG 20-25; b: PER 0-5, PER 11-15
    # exact: one match (0-5): a's precision 1/3, recall 1/2; overlap: two (10-15 with 11-15): 2/3 and 1
    layers = {"a": [(0, 5, "PER"), (10, 15, "PER"), (20, 25, "ORG")], "b": [(0, 5, "PER"), (11, 15, "PER")]}
    report = agreement(write(project, [doc("d", text(200), layers)]))
    [pair] = report.pairwise
    assert (pair.a, pair.b) == ("a", "b")
    assert pair.precision_exact.value == pytest.approx(1 / 3) and pair.recall_exact.value == pytest.approx(1 / 2)
    assert pair.precision_overlap.value == pytest.approx(2 / 3) and pair.recall_overlap.value == pytest.approx(1.0)
    # F1 is their harmonic mean
    p, r = pair.precision_exact.value, pair.recall_exact.value
    assert pair.f1_exact.value == pytest.approx(2 * p * r / (p + r))
    data = report.to_json()["pairwise"][0]
    assert data["precision_exact"] == pytest.approx(1 / 3, abs=1e-6) and data["recall_overlap"] == 1.0


def test_pair_precision_and_recall_equal_scikit_learn(project_location: str) -> None:
    from sklearn.metrics import precision_score, recall_score

    docs = noisy_corpus(5, 12, ("a", "b"), 0.1)
    with write(Project.open(project_location), docs) as project:
        report = agreement(project)
    [pair] = report.pairwise
    # each distinct (document, start, end, label) is one item; a "predicts" it, b is the reference
    spans = {who: {(item["id"], s["start"], s["end"], s["label"]) for item in docs for s in item["spans"]
                   if s["annotator"] == who} for who in ("a", "b")}
    items = sorted(spans["a"] | spans["b"])
    predicted = [item in spans["a"] for item in items]
    reference = [item in spans["b"] for item in items]
    assert pair.precision_exact.value == pytest.approx(precision_score(reference, predicted), abs=1e-12)
    assert pair.recall_exact.value == pytest.approx(recall_score(reference, predicted), abs=1e-12)


def test_precision_without_units_is_not_available(project: Project) -> None:
    layers: dict[str, list[Any]] = {"a": [], "b": [(0, 5, "PER")]}
    [pair] = agreement(write(project, [doc("d", text(200), layers)])).pairwise
    assert pair.precision_exact.value is None and "[E1180]" in (pair.precision_exact.reason or "")
    assert "a's precision against b" in (pair.precision_exact.reason or "")
    assert pair.recall_exact.value == 0.0


def _gold_corpus() -> list[dict[str, Any]]:
    gold = [{"start": 0, "end": 5, "label": "PER", "layer": "gold"}, {"start": 20, "end": 25, "label": "ORG", "layer": "gold"}]
    reviewed = doc("reviewed", text(300), {"a": [(0, 5, "PER"), (10, 15, "PER"), (20, 25, "ORG")],
                                           "b": [(0, 5, "PER"), (21, 25, "ORG")], "r": gold},
                   {"a": "done", "b": "done", "r": "reviewed"})
    # not reviewed: its gold span is adjudication in progress, not gold yet
    pending = doc("pending", text(300, 1), {"a": [(0, 9, "LOC")], "b": [(0, 9, "LOC")],
                                            "r": [{"start": 0, "end": 9, "label": "LOC", "layer": "gold"}]})
    return [reviewed, pending]


def test_each_annotator_against_gold(project: Project) -> None:
    report = agreement(write(project, _gold_corpus()), AgreementOptions(annotators=("a", "b")))
    assert report.documents == 2 and report.gold_documents == 1
    a, b = report.gold
    assert (a.annotator, a.documents, a.units, a.gold_units) == ("a", 1, 3, 2)
    assert a.precision_exact.value == pytest.approx(2 / 3) and a.recall_exact.value == pytest.approx(1.0)
    assert a.f1_exact.value == pytest.approx(0.8)
    assert (b.units, b.gold_units) == (2, 2)
    assert b.precision_exact.value == pytest.approx(1 / 2) and b.recall_exact.value == pytest.approx(1 / 2)
    assert b.precision_overlap.value == pytest.approx(1.0) and b.recall_overlap.value == pytest.approx(1.0)
    data = report.to_json()["gold"]
    assert data["documents"] == 1 and [row["annotator"] for row in data["annotators"]] == ["a", "b"]
    assert data["annotators"][1]["f1_exact"] == pytest.approx(0.5)


def test_alpha_against_gold_is_alpha_of_the_two(project_location: str, tmp_path: Any) -> None:
    # gold's αu with a equals αu of a and an annotator "g" who made gold's spans
    with write(Project.open(project_location), _gold_corpus()) as project:
        [a, _b] = agreement(project, AgreementOptions(annotators=("a", "b"))).gold
    gold = [(0, 5, "PER"), (20, 25, "ORG")]
    as_annotator = [doc("reviewed", text(300), {"a": [(0, 5, "PER"), (10, 15, "PER"), (20, 25, "ORG")], "g": gold})]
    with write(Project.open(str(tmp_path / "as-annotator.db")), as_annotator) as project:
        expected = agreement(project).alpha_u
    assert expected.value is not None and a.alpha_u.value == pytest.approx(expected.value, abs=1e-12)


def test_no_gold_yet_is_not_available(project: Project) -> None:
    layers = {"a": [(0, 5, "PER")], "b": [(0, 5, "PER")]}
    report = agreement(write(project, [doc("d", text(200), layers)]))
    assert report.gold_documents == 0 and [row.annotator for row in report.gold] == ["a", "b"]
    for row in report.gold:
        for name in row.FIGURES:
            figure = getattr(row, name)
            assert figure.value is None and "[E1181]" in (figure.reason or "")
    row = report.to_json()["gold"]["annotators"][0]
    assert row["f1_overlap"] is None and "[E1181]" in row["f1_overlap_reason"]


def test_worst_first_counts_every_kind_of_difference(project: Project) -> None:
    # "long": a span and a relation only a made, in a long text: αu stays high, yet there are two
    # things to decide; "short": one boundary moved in a short text, αu lower
    long_spans = {"a": [{"id": "a1", "start": 0, "end": 10, "label": "ACTOR"},
                        {"id": "a2", "start": 20, "end": 40, "label": "CLAIM"},
                        {"id": "a3", "start": 100, "end": 104, "label": "ACTOR"}],
                  "b": [{"id": "b1", "start": 0, "end": 10, "label": "ACTOR"},
                        {"id": "b2", "start": 20, "end": 40, "label": "CLAIM"}]}
    relation = [{"head": "a1", "tail": "a2", "label": "speaker_of", "annotator": "a"}]
    mixed = {"a": [{"start": 0, "end": 10, "label": "ACTOR"}, {"start": 30, "end": 40, "label": "ACTOR"},
                   {"start": 50, "end": 70, "label": "THREAT", "attrs": {"threat_type": "nuclear"}}],
             "b": [{"start": 0, "end": 10, "label": "TARGET"}, {"start": 30, "end": 40, "label": "ACTOR"},
                   {"start": 50, "end": 70, "label": "THREAT", "attrs": {"threat_type": "military"}}]}
    docs = [doc("short", text(120, 1), {"a": [(0, 10, "ACTOR")], "b": [(2, 10, "ACTOR")]}),
            doc("long", text(5000, 2), long_spans, relations=relation),
            doc("mixed", text(300, 3), mixed)]
    for item in docs:
        item["title"] = item["id"]
    report = agreement(write(project, docs))
    by_title = {row.title: row for row in report.document_scores}
    long, short, mixed_row = by_title["long"], by_title["short"], by_title["mixed"]
    assert long.alpha_u.value is not None and short.alpha_u.value is not None
    assert long.alpha_u.value > short.alpha_u.value  # αu alone puts "short" first
    assert (long.differences.unmatched, long.differences.relation, long.differences.total) == (1, 1, 2)
    assert (short.differences.boundary, short.differences.total) == (1, 1)
    # a relabelled place counts once (not as two unmatched units), the attribute value once
    assert (mixed_row.differences.label, mixed_row.differences.unmatched, mixed_row.differences.attribute,
            mixed_row.differences.total) == (1, 0, 1, 2)
    assert mixed_row.alpha_u.value is not None and mixed_row.alpha_u.value < long.alpha_u.value
    assert [row.title for row in report.document_scores] == ["mixed", "long", "short"]  # ties: lower αu first
    data = report.to_json()["document_scores"]
    assert data[1]["title"] == "long" and data[1]["differences"] == {
        "score": 2, "unmatched": 1, "label": 0, "boundary": 0, "attribute": 0, "relation": 1}


def test_the_command_prints_precision_recall_gold_and_the_worst_documents(tmp_path: Path) -> None:
    location = str(tmp_path / "gold.db")
    with Project.open(location) as project:
        write(project, _gold_corpus())
    table = run_cli("agreement", location, "--annotators", "a", "b")
    assert table.returncode == 0 and "Traceback" not in table.stderr
    assert "P overlap" in table.stdout and "against gold (1 counted documents with gold" in table.stdout
    assert "documents, worst first (2 of 2" in table.stdout
    [gold_a] = [line.split() for line in table.stdout.splitlines() if line.startswith("a ") and "0.8000" in line]
    assert gold_a[:7] == ["a", "1", "3", "2", "0.6667", "1.0000", "0.8000"]
    data = json.loads(run_cli("agreement", location, "--annotators", "a", "b", "--json").stdout)
    assert data["gold"]["annotators"][0]["recall_exact"] == 1.0
    assert data["document_scores"][0]["differences"]["score"] == 2
    assert data["pairwise"][0]["precision_exact"] == 0.5


def test_the_command_without_gold_says_why(tmp_path: Path) -> None:
    location = str(tmp_path / "no-gold.db")
    with Project.open(location) as project:
        write(project, [doc("d", text(200), {"a": [(0, 5, "PER")], "b": [(0, 5, "PER")]})])
    table = run_cli("agreement", location)
    assert table.returncode == 0 and "Traceback" not in table.stderr
    assert "against gold: n/a: [E1181]" in table.stdout
