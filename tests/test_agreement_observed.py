"""Which documents and annotators count (``--observed``): reviewed counts as done, done with no
span is a judgment, work in progress counts only where the rule says so, an adjudicator's
reviewed mark without spans of their own is not an observation; and the output says it all."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.review.agreement import AgreementOptions, agreement
from annotator.review.corpus import OBSERVED_RULES
from annotator.store import Project
from tests.agreement_support import doc, text, write
from tests.cli_runs import refused, run_here


def _docs() -> list[dict[str, Any]]:
    same = [(0, 10, "PER"), (20, 30, "ORG")]
    return [
        doc("both-done", text(200), {"a": same, "b": same}),
        # b adjudicated this one and had annotated it too: reviewed counts as done
        doc("b-reviewed", text(200, 1), {"a": same, "b": same}, {"a": "done", "b": "reviewed"}),
        # b finished and found nothing: a judgment, "nothing here"
        doc("b-empty", text(200, 2), {"a": same, "b": []}),
        # a is still working on it
        doc("a-in-progress", text(200, 3), {"a": same[:1], "b": same}, {"a": "in_progress", "b": "done"}),
        # r only adjudicated (no span of their own): not an observer
        doc("adjudicated", text(200, 4), {"a": same, "b": same, "r": []}, {"a": "done", "b": "done", "r": "reviewed"}),
    ]


@pytest.mark.parametrize(("observed", "counted", "empty", "in_progress"), [
    ("done", ["both-done", "b-reviewed", "b-empty", "adjudicated"], 1, 0),
    ("reviewed", ["b-reviewed", "adjudicated"], 0, 0),
    ("any-status", ["both-done", "b-reviewed", "b-empty", "a-in-progress", "adjudicated"], 1, 1),
    ("with-spans", ["both-done", "b-reviewed", "a-in-progress", "adjudicated"], 0, 1),
])
def test_each_rule_counts_what_it_says(project: Project, observed: str, counted: list[str], empty: int,
                                       in_progress: int) -> None:
    write(project, _docs())
    report = agreement(project, AgreementOptions(observed=observed))  # type: ignore[arg-type]
    names = {project.documents.resolve(name): name for name in [item["id"] for item in _docs()]}
    assert [names[doc_id] for doc_id in report.doc_ids] == counted
    assert report.annotators == ("a", "b")  # r observes nothing: the adjudicator is not an annotator here
    assert report.selection.adjudication_only == 1
    assert report.selection.empty_judgments == empty and report.selection.in_progress == in_progress
    assert report.selection.considered == 5
    header = "\n".join(report.header())
    assert f"observed: {observed}: {OBSERVED_RULES[observed]}" in header  # type: ignore[index]
    assert f"documents: {len(counted)} counted of 5" in header
    assert "1 reviewed marks without own spans not counted (adjudication)" in header


def test_done_but_empty_judgments_count_unless_with_spans(project: Project) -> None:
    # issue 16: dropping b's "nothing here" turned α 0.61 into 1.0
    write(project, [doc("agreed", text(300), {"a": [(0, 10, "PER")], "b": [(0, 10, "PER")]}),
                    doc("b-found-nothing", text(300, 1), {"a": [(40, 60, "PER")], "b": []})])
    done = agreement(project)
    with_spans = agreement(project, AgreementOptions(observed="with-spans"))
    assert done.documents == 2 and done.alpha_u.value is not None and done.alpha_u.value < 0.9
    assert with_spans.documents == 1 and with_spans.alpha_u.value == pytest.approx(1.0)


def test_the_command_takes_the_rule_and_prints_it(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    write(Project.open(path), _docs()).close()
    table = run_here("agreement", path, "--observed", "any-status")
    assert table.returncode == 0, table.stderr
    assert "observed: any-status" in table.stdout and "documents: 5 counted of 5" in table.stdout
    assert "1 counted judgments still in progress" in table.stdout
    data = json.loads(run_here("agreement", path, "--observed", "reviewed", "--json").stdout)
    assert data["observed"] == "reviewed" and data["documents"] == 2
    assert data["selection"] == {"considered": 5, "counted": 2, "one_observer": 0, "no_observer": 3,
                                 "empty_judgments": 0, "in_progress": 0, "adjudication_only": 1}
    assert data["rule"].startswith(OBSERVED_RULES["reviewed"])
    alias = json.loads(run_here("agreement", path, "--all-annotated", "--json").stdout)
    assert alias["observed"] == "with-spans" and alias["documents"] == 4
    wrong = run_here("agreement", path, "--observed", "finished")
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr
    assert refused(run_here("agreement", path, "--ci", "--replicates", "5"), "E1010")
