"""The reviewer's last step in the real window (issue 17): the gold two teammates' work was
adjudicated into is exported from the main window's Export dataset dialog, by keys only, and
the file says whose version each gold span and relation was and who chose it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.ops import History
from annotator.ops.adjudication import AcceptAgreed
from annotator.store import Project
from tests.xwindow.conftest import ANNOTATOR, sample_project
from tests.xwindow.desktop import App, wait_for

FIRST = 1
EXPORT_KEY = "ctrl+shift+e"


@pytest.fixture(scope="module")
def project_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """anna and boris agree on two ACTORs and a CLAIM with speaker_of between them; alice (the
    analyst the window runs as) accepted what they agree on into gold."""
    path = sample_project(tmp_path_factory.mktemp("gold-export"))
    with Project.open(path, create=False) as project:
        text = project.documents.get(FIRST).text
        for who in ("anna", "boris"):
            spans = {}
            for phrase, label in (("The United Transitional Cabinet of Belarus", "ACTOR"),
                                  ("the Russian Federation", "ACTOR"),
                                  ("interference by the Russian Federation", "CLAIM")):
                start = text.index(phrase)
                spans[phrase] = project.annotations.add_span(FIRST, start, start + len(phrase), label, who)
            project.annotations.add_relation(spans["The United Transitional Cabinet of Belarus"].id,
                                             spans["interference by the Russian Federation"].id, "speaker_of", who)
        History.of(project, ANNOTATOR).perform(AcceptAgreed(FIRST, ["anna", "boris"], ANNOTATOR))
    return path


def test_gold_exported_from_the_dialog_carries_its_provenance(app: App, store: Project, project_path: Path) -> None:
    target = project_path.parent / "gold.jsonl"
    app.key("Escape", "ctrl+Home")
    app.key(EXPORT_KEY)
    dialog, _title = wait_for("the export dialog", app.dialog)
    app.still()
    # The dialog opens in "Write to" (the format: canonical JSONL, the first); Tab past Browse… to
    # the annotators (alice ticked: gold's spans are hers as adjudicator), Tab to the layer: G
    # chooses Gold.
    app.type(str(target))
    app.key("Tab", "Tab", "Tab")
    app.key("g")
    app.still()
    app.key("Return")
    wait_for("the exported file", lambda: target.exists() and target.stat().st_size > 0, timeout=30)
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines() if line.strip()]
    spans = [span for record in records for span in record.get("spans", [])]
    relations = [relation for record in records for relation in record.get("relations", [])]
    assert len(spans) == 3 and all(span["layer"] == "gold" for span in spans)
    assert {(span["origin_annotator"], span["adjudicator"]) for span in spans} == {("anna", ANNOTATOR)}
    assert [(relation["label"], relation["origin_annotator"], relation["adjudicator"]) for relation in relations] \
        == [("speaker_of", "anna", ANNOTATOR)]
    app.key("Escape")  # the export's report, if it shows one
