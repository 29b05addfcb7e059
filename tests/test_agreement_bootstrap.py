"""Bootstrap intervals: documents resampled, seeded and reproducible, each replicate exactly the
figures of the drawn documents; in the report, the JSON and the table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from annotator.review.agreement import Resampling, _token_values, agreement, compute
from annotator.review.alpha_model import alpha_value, corpus_alpha
from annotator.review.bootstrap import counts, draws
from annotator.review.corpus import AgreementOptions, load_corpus
from annotator.review.token_measures import token_sums, token_table
from annotator.review.units import build_units, span_columns
from annotator.store import Project
from tests.agreement_support import noisy_corpus, write
from tests.cli_runs import run_here

ANNOTATORS = ("a", "b", "c")


def _project(location: str | Path) -> Project:
    docs = noisy_corpus(21, 14, ANNOTATORS, 0.15)
    for index, item in enumerate(docs):
        if index % 4 == 0:  # two groups of observers, and pairs on different documents
            item["status"]["c"] = "in_progress"
    return write(Project.open(location), docs)


def test_a_replicate_is_exactly_the_figures_of_the_drawn_documents(project_location: str) -> None:
    with _project(project_location) as project:
        corpus = load_corpus(project, AgreementOptions())
    docs = corpus.docs
    annotators = ANNOTATORS
    labels = tuple(sorted(span_columns(docs, annotators).label_names()))
    units = build_units(docs, annotators, labels)
    observed = np.array([[name in item.observers for item in docs] for name in annotators])
    model = corpus_alpha(docs, units)
    sums = token_sums(token_table([item.text for item in docs], observed, units))
    draw = next(draws(Resampling(replicates=100, seed=7), len(docs)))[:5]
    d_o, d_e = model.replicates(draw)
    alphas = alpha_value(d_o.sum(axis=1), d_e.sum(axis=1))
    tokens = _token_values(sums, counts(draw, len(docs)))
    for row in range(len(draw)):
        again = compute([docs[index] for index in draw[row].tolist()])
        assert again.alpha_u.value == pytest.approx(alphas[row], abs=1e-12)
        assert again.token_alpha.value == pytest.approx(tokens["alpha"][row], abs=1e-12)
        assert again.ac1.value == pytest.approx(tokens["ac1"][row], abs=1e-12)
        assert again.fleiss_kappa.value == pytest.approx(tokens["fleiss"][row], abs=1e-12)
        for index, pair in enumerate(again.pairwise):
            assert pair.cohen_kappa.value == pytest.approx(tokens["cohen"][index][row], abs=1e-12)
        for code, label in enumerate(labels):
            assert again.per_label[label].alpha_u.value == pytest.approx(
                alpha_value(d_o[row, code:code + 1], d_e[row, code:code + 1])[0], abs=1e-12)


def test_intervals_are_seeded_and_reproducible(project_location: str) -> None:
    with _project(project_location) as project:
        first = agreement(project, resampling=Resampling(replicates=200, seed=1))
        again = agreement(project, resampling=Resampling(replicates=200, seed=1))
        other = agreement(project, resampling=Resampling(replicates=200, seed=2))
    assert first.alpha_u.interval == again.alpha_u.interval
    assert first.alpha_u.interval != other.alpha_u.interval
    for report in (first, other):
        low, high = report.alpha_u.interval or (2.0, -2.0)
        assert low < report.alpha_u.value < high  # type: ignore[operator]
        assert report.fleiss_kappa.interval is not None and report.token_alpha.interval is not None
        assert all(pair.cohen_kappa.interval is not None for pair in report.pairwise)
        assert all(scores.alpha_u.interval is not None for scores in report.per_label.values())
    assert first.per_label["PER"].f1_overlap.interval is None  # only αu and the token figures


def test_intervals_in_json_and_table(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    _project(path).close()
    data = json.loads(run_here("agreement", path, "--ci", "--replicates", "200", "--seed", "3", "--json").stdout)
    assert data["bootstrap"] == {"replicates": 200, "seed": 3, "level": 0.95, "resampled": "documents"}
    low, high = data["overall"]["alpha_u_ci"]
    assert low < data["overall"]["alpha_u"] < high
    assert all("cohen_kappa_ci" in pair for pair in data["pairwise"])
    table = run_here("agreement", path, "--ci", "--replicates", "200", "--seed", "3")
    assert table.returncode == 0
    assert "intervals: 95% bootstrap, 200 resamples of the documents, seed 3" in table.stdout
    alpha_line = next(line for line in table.stdout.splitlines() if line.startswith("αu (characters)"))
    assert f"[{low:.3f}, {high:.3f}]" in alpha_line


def test_one_document_has_no_interval_and_says_why(project_location: str) -> None:
    with write(Project.open(project_location), noisy_corpus(2, 1, ("a", "b"), 0.2)) as project:
        report = agreement(project, resampling=Resampling(replicates=100))
    assert report.alpha_u.value is not None and report.alpha_u.interval is None
    assert "[E1008]" in (report.alpha_u.interval_note or "")
    assert "alpha_u_ci_note" in report.to_json()["overall"]


def test_the_table_says_why_there_is_no_interval(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    write(Project.open(path), noisy_corpus(2, 1, ("a", "b"), 0.2)).close()
    table = run_here("agreement", path, "--ci", "--replicates", "100")
    assert table.returncode == 0
    assert "interval (αu, token α, AC1, Fleiss' κ, a-b κ): [E1008] 1 counted document(s)" in table.stdout
