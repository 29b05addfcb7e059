"""Agreement measures: the published αu example, limiting cases, κ against reference code."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from annotator.cli.main import main
from annotator.formats.ingest import ingest_documents
from annotator.review.agreement import AgreementOptions, agreement, per_document
from annotator.review.krippendorff import alpha_u
from annotator.store import Project

# Krippendorff (2004, Content Analysis, p. 254): a continuum from 150 to 450, observers i and j,
# categories c and k; as [start, end) offsets relative to the continuum's beginning.
BEGIN, LENGTH = 150, 300
KRIPPENDORFF_2004 = {
    "i": [(225, 295, "c"), (370, 400, "c"), (180, 240, "k"), (300, 350, "k")],
    "j": [(220, 300, "c"), (355, 375, "c"), (400, 420, "c"), (180, 240, "k"), (300, 350, "k")],
}


def _doc(name: str, text: str, layers: dict[str, list[tuple[int, int, str]]],
         status: str = "done") -> dict[str, Any]:
    spans = [{"start": s, "end": e, "label": label, "annotator": who}
             for who, items in layers.items() for s, e, label in items]
    return {"id": name, "text": text, "spans": spans, "status": {who: status for who in layers}}


def _text(length: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    words = []
    size = 0
    while size < length:
        word = "".join(rng.choice("abcdefghij") for _ in range(rng.randint(1, 7)))
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:length - 1] + "."


def _example_project(path: Path | str) -> Project:
    project = Project.open(path)
    shifted = {who: [(s - BEGIN, e - BEGIN, label) for s, e, label in items]
               for who, items in KRIPPENDORFF_2004.items()}
    ingest_documents(project, [_doc("k2004", _text(LENGTH), shifted)])
    return project


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
        assert report.alpha_u == pytest.approx(0.8591, abs=5e-4)
        assert report.per_label["c"].alpha_u == pytest.approx(0.7286, abs=1e-4)
        assert report.per_label["k"].alpha_u == pytest.approx(1.0)
        ranked = per_document(project)
        assert ranked[0][2] == pytest.approx(0.8591, abs=5e-4)


def test_krippendorff_2004_worked_example_through_the_cli(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    _example_project(tmp_path / "k.db").close()
    assert main(["agreement", str(tmp_path / "k.db"), "--annotators", "i", "j", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"overall", "per_label", "pairwise", "fleiss_kappa", "documents"}
    assert data["documents"] == 1
    assert data["overall"]["alpha_u"] == pytest.approx(0.8591, abs=5e-4)
    assert data["per_label"]["c"]["alpha_u"] == pytest.approx(0.7286, abs=1e-4)
    assert data["per_label"]["k"]["alpha_u"] == pytest.approx(1.0)
    assert set(data["per_label"]["c"]) == {"alpha_u", "f1_exact", "f1_overlap"}
    pair = data["pairwise"][0]
    assert (pair["a"], pair["b"]) == ("i", "j")
    assert pair["f1_exact"] == pytest.approx(2 * 2 / 9)  # only the two k units are identical
    assert pair["f1_overlap"] == pytest.approx(2 * 4 / 9)  # c 225-295/220-300, c 370-400/355-375
    assert main(["agreement", str(tmp_path / "k.db")]) == 0
    assert "alpha_u" in capsys.readouterr().out


def _corpus(seed: int, n_docs: int, annotators: tuple[str, ...], noise: float) -> list[dict[str, Any]]:
    """Documents where each annotator's spans are a noisy copy of one hidden truth."""
    rng = random.Random(seed)
    docs = []
    for index in range(n_docs):
        text = _text(rng.randint(200, 600), seed * 1000 + index)
        truth = []
        position = 0
        while True:
            position += rng.randint(5, 60)
            end = position + rng.randint(2, 25)
            if end >= len(text):
                break
            truth.append((position, end, rng.choice(["PER", "ORG", "LOC"])))
            position = end
        layers = {}
        for who in annotators:
            spans = []
            for s, e, label in truth:
                roll = rng.random()
                if roll < noise:
                    continue
                if roll < 2 * noise:
                    label = rng.choice(["PER", "ORG", "LOC"])
                if roll < 3 * noise:
                    s = min(s + rng.randint(0, 2), e - 1)
                spans.append((s, e, label))
            layers[who] = spans
        docs.append(_doc(f"d{index}", text, layers))
    return docs


def test_identical_layers_agree_perfectly(project_location: str) -> None:
    with Project.open(project_location) as project:
        docs = _corpus(1, 5, ("ann",), 0.0)
        for doc in docs:
            spans = doc["spans"]
            doc["spans"] = spans + [{**span, "annotator": "bob"} for span in spans]
            doc["status"] = {"ann": "done", "bob": "done"}
        ingest_documents(project, docs)
        report = agreement(project)
    data = report.to_json()
    assert data["documents"] == 5
    assert data["overall"]["alpha_u"] == pytest.approx(1.0)
    assert data["fleiss_kappa"] == pytest.approx(1.0)
    for scores in data["per_label"].values():
        assert scores == {"alpha_u": 1.0, "f1_exact": 1.0, "f1_overlap": 1.0}
    assert data["pairwise"] == [{"a": "ann", "b": "bob", "f1_exact": 1.0, "f1_overlap": 1.0, "cohen_kappa": 1.0}]


def test_disjoint_layers_have_f1_zero(project_location: str) -> None:
    text = _text(400)
    with Project.open(project_location) as project:
        ingest_documents(project, [_doc("d", text, {"a": [(0, 10, "PER"), (50, 60, "ORG")],
                                                    "b": [(100, 110, "PER"), (200, 230, "ORG")]})])
        report = agreement(project)
    pair = report.pairwise[0]
    assert pair.f1_exact == 0.0 and pair.f1_overlap == 0.0
    assert all(s.f1_exact == 0.0 and s.f1_overlap == 0.0 for s in report.per_label.values())
    assert report.alpha_u < 0.0


def test_only_done_documents_count_unless_all_annotated(project_location: str) -> None:
    text = _text(300)
    with Project.open(project_location) as project:
        ingest_documents(project, [
            _doc("done", text, {"a": [(0, 10, "PER")], "b": [(0, 10, "PER")]}),
            _doc("open", text + " more", {"a": [(0, 10, "PER")], "b": [(5, 10, "PER")]}, status="in_progress"),
        ])
        assert agreement(project).documents == 1
        assert agreement(project, AgreementOptions(all_annotated=True)).documents == 2
        assert agreement(project, AgreementOptions(all_annotated=True, labels=("ORG",))).per_label == {}


def test_kappas_equal_reference_implementations(project_location: str) -> None:
    from sklearn.metrics import cohen_kappa_score
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    from annotator.review.agreement import token_bounds, token_labels

    annotators = ("a", "b", "c")
    docs = _corpus(7, 12, annotators, 0.15)
    with Project.open(project_location) as project:
        ingest_documents(project, docs)
        report = agreement(project)
    labels = sorted({span["label"] for doc in docs for span in doc["spans"]})
    code = {label: index + 1 for index, label in enumerate(labels)}
    bounds = token_bounds([doc["text"] for doc in docs])
    per_annotator = {who: np.concatenate([
        token_labels(len(doc["text"]), [(s["start"], s["end"], s["label"]) for s in doc["spans"]
                                        if s["annotator"] == who], code, *bound)
        for doc, bound in zip(docs, bounds, strict=True)]) for who in annotators}
    for pair in report.pairwise:
        expected = cohen_kappa_score(per_annotator[pair.a], per_annotator[pair.b])
        assert pair.cohen_kappa == pytest.approx(expected, abs=1e-9)
    table, _categories = aggregate_raters(np.column_stack([per_annotator[w] for w in annotators]))
    assert report.fleiss_kappa == pytest.approx(fleiss_kappa(table, method="fleiss"), abs=1e-9)
    assert 0.0 < report.fleiss_kappa < 1.0


def test_token_labels_take_the_innermost_span() -> None:
    from annotator.review.agreement import token_bounds, token_labels

    text = "The Foreign Ministry of Russia said"
    (starts, ends), = token_bounds([text])
    spans = [(4, 30, "ORG"), (23, 29, "LOC")]
    codes = token_labels(len(text), spans, {"ORG": 1, "LOC": 2}, starts, ends)
    assert codes.tolist() == [0, 1, 1, 1, 2, 0]


def test_overlap_matching_is_one_to_one(project_location: str) -> None:
    text = _text(200)
    with Project.open(project_location) as project:
        ingest_documents(project, [_doc("d", text, {"a": [(0, 20, "PER")],
                                                    "b": [(0, 8, "PER"), (10, 20, "PER")]})])
        pair = agreement(project).pairwise[0]
    assert pair.counts["PER"].overlap == 1
    assert pair.f1_overlap == pytest.approx(2 * 1 / 3)


def test_fewer_than_two_annotators_is_a_user_error(project_location: str) -> None:
    from annotator.errors import UserError

    with Project.open(project_location) as project:
        ingest_documents(project, [_doc("d", _text(100), {"a": [(0, 5, "PER")]})])
        with pytest.raises(UserError, match="E901"):
            agreement(project)
