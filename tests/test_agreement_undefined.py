"""A figure that cannot be computed is not available, with the reason, in the report, the JSON
and the table: never 1.0 (issue 16: zero documents and no units both reported αu 1.0)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from annotator.review.agreement import AgreementOptions, agreement
from annotator.store import Project
from tests.agreement_support import doc, text, write
from tests.cli_runs import run_here


def _figures(data: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every (key path, value) of the JSON that is a figure or its reason."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _figures(value, f"{path}.{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _figures(value, f"{path}[{index}]")
    else:
        found.append((path, data))
    return found


def test_no_document_with_two_observers_is_not_available_everywhere(project_location: str, tmp_path: Path) -> None:
    # each document marked done by only one of the two: the likeliest cause is forgetting to mark done
    docs = [doc("first", text(200), {"a": [(0, 10, "PER")], "b": [(0, 10, "PER")]}, {"a": "done", "b": "in_progress"}),
            doc("second", text(200, 1), {"a": [(5, 9, "ORG")], "b": [(5, 9, "ORG")]}, {"a": "in_progress", "b": "done"})]
    with write(Project.open(project_location), docs) as project:
        report = agreement(project)
    assert report.documents == 0 and report.selection.one_observer == 2
    for figure in (report.alpha_u, report.token_alpha, report.ac1, report.fleiss_kappa, report.pairwise[0].f1_overlap,
                   report.pairwise[0].cohen_kappa):
        assert figure.value is None and "[E1000]" in (figure.reason or "")
    assert "2 have one observer" in (report.alpha_u.reason or "")
    data = report.to_json()
    assert data["overall"]["alpha_u"] is None and "[E1000]" in data["overall"]["alpha_u_reason"]
    assert data["fleiss_kappa"] is None and data["fleiss_kappa_reason"]
    assert not [path for path, value in _figures(data) if isinstance(value, float) and value == 1.0]

    path = tmp_path / "p.db"
    write(Project.open(path), docs).close()
    table = run_here("agreement", path)
    assert table.returncode == 0 and "Traceback" not in table.stderr
    alpha_line = next(line for line in table.stdout.splitlines() if line.startswith("αu (characters)"))
    assert "n/a" in alpha_line and "1.0000" not in table.stdout
    assert "[E1000] No document has two observers" in table.stdout
    assert "documents: 0 counted of 2 (2 with one observer" in table.stdout
    as_json = json.loads(run_here("agreement", path, "--json").stdout)
    assert as_json["overall"]["alpha_u"] is None and as_json["selection"]["one_observer"] == 2


def test_no_units_is_not_available(project_location: str) -> None:
    # both marked the documents done and neither made a span: nothing to agree on, not perfect agreement
    docs = [doc("first", text(200), {"a": [], "b": []}), doc("second", text(300, 1), {"a": [], "b": []})]
    with write(Project.open(project_location), docs) as project:
        report = agreement(project)
    assert report.documents == 2 and report.selection.empty_judgments == 4
    assert report.alpha_u.value is None and "[E1001]" in (report.alpha_u.reason or "")
    pair = report.pairwise[0]
    assert pair.f1_exact.value is None and "[E1001]" in (pair.f1_exact.reason or "")
    # every token is O for both: one category, as scikit-learn's NaN says
    for figure in (pair.cohen_kappa, report.fleiss_kappa, report.token_alpha, report.ac1):
        assert figure.value is None and "[E1002]" in (figure.reason or "")
    assert all(row.alpha_u.value is None for row in report.document_scores)
    assert not [path for path, value in _figures(report.to_json()) if isinstance(value, float) and value == 1.0]


def test_a_label_nobody_used_is_listed_and_not_available(project_location: str, tmp_path: Path) -> None:
    docs = [doc("d", text(300), {"a": [(0, 10, "PER")], "b": [(0, 10, "PER")]})]
    with write(Project.open(project_location), docs) as project:
        report = agreement(project, AgreementOptions(labels=("ORG",)))
    assert list(report.per_label) == ["ORG"]
    scores = report.per_label["ORG"]
    assert scores.units == 0 and scores.alpha_u.value is None and "labelled ORG" in (scores.alpha_u.reason or "")
    assert scores.f1_overlap.value is None and report.alpha_u.value is None
    assert "[E1001] No units: no span labelled ORG" in (report.alpha_u.reason or "")
    path = tmp_path / "p.db"
    write(Project.open(path), docs).close()
    data = json.loads(run_here("agreement", path, "--labels", "ORG", "--json").stdout)
    assert data["per_label"]["ORG"]["alpha_u"] is None and "labelled ORG" in data["per_label"]["ORG"]["alpha_u_reason"]


def test_fleiss_kappa_without_a_document_everyone_observes_says_so(project_location: str) -> None:
    docs = [doc("ab", text(200), {"a": [(0, 10, "PER")], "b": [(0, 10, "PER")], "c": []},
                {"a": "done", "b": "done", "c": "todo"}),
            doc("bc", text(200, 1), {"a": [], "b": [(0, 10, "PER")], "c": [(0, 12, "PER")]},
                {"a": "todo", "b": "done", "c": "done"})]
    with write(Project.open(project_location), docs) as project:
        report = agreement(project)
    assert report.documents == 2 and report.fleiss.documents == 0
    assert report.fleiss_kappa.value is None and "[E1003]" in (report.fleiss_kappa.reason or "")
    [a_c] = [pair for pair in report.pairwise if (pair.a, pair.b) == ("a", "c")]
    assert a_c.documents == 0 and a_c.cohen_kappa.value is None and "[E1013]" in (a_c.cohen_kappa.reason or "")
