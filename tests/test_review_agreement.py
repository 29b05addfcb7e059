"""Agreement measures: the published αu example, limiting cases, κ against reference code."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from annotator.review.agreement import AgreementOptions, agreement
from annotator.review.krippendorff import alpha_u
from annotator.store import Project
from tests.agreement_support import doc, noisy_corpus, text, write
from tests.cli_runs import refused, run_here

# Krippendorff (2004, Content Analysis, p. 254): a continuum from 150 to 450, observers i and j,
# categories c and k; as [start, end) offsets relative to the continuum's beginning.
BEGIN, LENGTH = 150, 300
KRIPPENDORFF_2004 = {
    "i": [(225, 295, "c"), (370, 400, "c"), (180, 240, "k"), (300, 350, "k")],
    "j": [(220, 300, "c"), (355, 375, "c"), (400, 420, "c"), (180, 240, "k"), (300, 350, "k")],
}


def _example_project(path: Path | str) -> Project:
    shifted = {who: [(s - BEGIN, e - BEGIN, label) for s, e, label in items]
               for who, items in KRIPPENDORFF_2004.items()}
    return write(Project.open(path), [doc("k2004", text(LENGTH), shifted)])


def test_krippendorff_2004_worked_example_maths() -> None:
    units = {label: [np.array([(s - BEGIN, e - BEGIN) for s, e, lab in KRIPPENDORFF_2004[who] if lab == label])
                     for who in ("i", "j")] for label in ("c", "k")}
    overall, per_label = alpha_u(units, LENGTH)
    # the book rounds D_o and D_e to four places before dividing; unrounded αu is 0.85867
    assert round(per_label["c"].observed, 4) == 0.0144
    assert round(per_label["c"].expected, 4) == 0.0532
    assert round(per_label["k"].expected, 4) == 0.0490
    assert per_label["c"].alpha == pytest.approx(0.7286, abs=1e-4)
    assert per_label["k"].alpha == pytest.approx(1.0)
    assert overall == pytest.approx(0.8591, abs=5e-4)
    rounded = 1 - round(per_label["c"].observed, 4) / (round(per_label["c"].expected, 4)
                                                       + round(per_label["k"].expected, 4))
    assert round(rounded, 4) == 0.8591


def test_krippendorff_2004_worked_example_through_the_project_api(project_location: str) -> None:
    with _example_project(project_location) as project:
        report = agreement(project)
    assert report.documents == 1
    assert report.alpha_u.value == pytest.approx(0.8591, abs=5e-4)
    assert report.per_label["c"].alpha_u.value == pytest.approx(0.7286, abs=1e-4)
    assert report.per_label["k"].alpha_u.value == pytest.approx(1.0)
    [ranked] = report.document_scores
    assert ranked.alpha_u.value == pytest.approx(0.8591, abs=5e-4)


def test_krippendorff_2004_worked_example_through_the_cli(tmp_path: Path) -> None:
    _example_project(tmp_path / "k.db").close()
    outcome = run_here("agreement", tmp_path / "k.db", "--annotators", "i", "j", "--json")
    assert outcome.returncode == 0, outcome.stderr
    data = json.loads(outcome.stdout)
    assert {"overall", "per_label", "pairwise", "fleiss_kappa", "documents", "observed", "selection", "annotators",
            "fleiss", "attributes", "relations", "warnings"} <= set(data)
    assert data["documents"] == 1 and data["observed"] == "done" and data["annotators"] == ["i", "j"]
    assert data["overall"]["alpha_u"] == pytest.approx(0.8591, abs=5e-4)
    assert data["overall"]["documents"] == 1 and data["overall"]["annotators"] == ["i", "j"]
    assert data["per_label"]["c"]["alpha_u"] == pytest.approx(0.7286, abs=1e-4)
    assert data["per_label"]["k"]["alpha_u"] == pytest.approx(1.0)
    pair = data["pairwise"][0]
    assert (pair["a"], pair["b"], pair["documents"]) == ("i", "j", 1)
    assert pair["f1_exact"] == pytest.approx(2 * 2 / 9)  # only the two k units are identical
    assert pair["f1_overlap"] == pytest.approx(2 * 4 / 9)  # c 225-295/220-300, c 370-400/355-375
    table = run_here("agreement", tmp_path / "k.db")
    assert table.returncode == 0 and "αu (characters)" in table.stdout and "0.8587" in table.stdout
    assert "observed: done" in table.stdout and "documents: 1 counted of 1" in table.stdout


def test_identical_layers_agree_perfectly(project_location: str) -> None:
    docs = noisy_corpus(1, 5, ("ann",), 0.0)
    for item in docs:
        item["spans"] = item["spans"] + [{**span, "annotator": "bob"} for span in item["spans"]]
        item["status"] = {"ann": "done", "bob": "done"}
    with write(Project.open(project_location), docs) as project:
        data = agreement(project).to_json()
    assert data["documents"] == 5
    assert data["overall"]["alpha_u"] == pytest.approx(1.0)
    assert data["overall"]["token_alpha"] == pytest.approx(1.0) and data["overall"]["ac1"] == pytest.approx(1.0)
    assert data["fleiss_kappa"] == pytest.approx(1.0)
    for scores in data["per_label"].values():
        assert (scores["alpha_u"], scores["f1_exact"], scores["f1_overlap"]) == (1.0, 1.0, 1.0)
    [pair] = data["pairwise"]
    assert (pair["f1_exact"], pair["f1_overlap"], pair["cohen_kappa"]) == (1.0, 1.0, 1.0)


def test_disjoint_layers_have_f1_zero(project_location: str) -> None:
    with write(Project.open(project_location), [doc("d", text(400), {"a": [(0, 10, "PER"), (50, 60, "ORG")],
                                                                      "b": [(100, 110, "PER"), (200, 230, "ORG")]})]
               ) as project:
        report = agreement(project)
    pair = report.pairwise[0]
    assert pair.f1_exact.value == 0.0 and pair.f1_overlap.value == 0.0
    assert all(s.f1_exact.value == 0.0 and s.f1_overlap.value == 0.0 for s in report.per_label.values())
    assert report.alpha_u.value is not None and report.alpha_u.value < 0.0


def test_kappas_equal_reference_implementations(project_location: str) -> None:
    from sklearn.metrics import cohen_kappa_score
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    from tests.test_agreement_references import token_matrix

    annotators = ("a", "b", "c")
    docs = noisy_corpus(7, 12, annotators, 0.15)
    with write(Project.open(project_location), docs) as project:
        report = agreement(project)
    per_annotator = token_matrix(docs, annotators)
    for pair in report.pairwise:
        expected = cohen_kappa_score(per_annotator[pair.a], per_annotator[pair.b])
        assert pair.cohen_kappa.value == pytest.approx(expected, abs=1e-9)
    table, _categories = aggregate_raters(np.column_stack([per_annotator[w] for w in annotators]))
    assert report.fleiss_kappa.value == pytest.approx(fleiss_kappa(table, method="fleiss"), abs=1e-9)
    assert 0.0 < report.fleiss_kappa.value < 1.0


def test_overlap_matching_is_one_to_one(project_location: str) -> None:
    with write(Project.open(project_location), [doc("d", text(200), {"a": [(0, 20, "PER")],
                                                                      "b": [(0, 8, "PER"), (10, 20, "PER")]})]
               ) as project:
        pair = agreement(project).pairwise[0]
    assert pair.counts["PER"].overlap == 1
    assert pair.f1_overlap.value == pytest.approx(2 * 1 / 3)


def test_fewer_than_two_annotators_is_a_user_error(project_location: str, tmp_path: Path) -> None:
    from annotator.errors import UserError

    with write(Project.open(project_location), [doc("d", text(100), {"a": [(0, 5, "PER")]})]) as project:
        with pytest.raises(UserError, match="E901"):
            agreement(project)
    write(Project.open(tmp_path / "one.db"), [doc("d", text(100), {"a": [(0, 5, "PER")]})]).close()
    assert refused(run_here("agreement", tmp_path / "one.db"), "E901")


def test_options_restrict_labels_and_documents(project_location: str) -> None:
    with write(Project.open(project_location), [
        doc("first", text(300), {"a": [(0, 10, "PER"), (20, 30, "ORG")], "b": [(0, 10, "PER"), (22, 30, "ORG")]}),
        doc("second", text(300, 1), {"a": [(0, 10, "PER")], "b": [(40, 50, "PER")]}),
    ]) as project:
        only_org = agreement(project, AgreementOptions(labels=("ORG",)))
        first = agreement(project, AgreementOptions(documents=("first",)))
    assert list(only_org.per_label) == ["ORG"] and only_org.per_label["ORG"].units == 2
    assert first.documents == 1 and first.per_label["PER"].f1_exact.value == 1.0
