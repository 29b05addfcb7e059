"""Accepted suggestions start with the schema's default attribute values, as spans made by hand
do (the editor's ``initial_attrs``): a suggestion's own values win, attributes it leaves unset get
the defaults. Accepting one and accepting all, undo and redo, on both backends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from annotator.ops import History
from annotator.ops.suggestions import AcceptSuggestions
from annotator.schema.model import SpanLabel
from annotator.store import Project
from annotator.store.suggestions import DocumentCandidates, SpanCandidate
from tests.ops_support import import_article

ME = "alice"
# "Lukashenko said that Moscow threatened Belarus with new sanctions.\n"
CANDIDATES = [
    SpanCandidate(0, 10, "ACTOR", "ner", attrs={"country": "Belarus"}),
    SpanCandidate(16, 65, "CLAIM", "speech", attrs={"reporting": "paraphrased"}),
    SpanCandidate(28, 38, "THREAT", "pattern:threat_cues", attrs={"threat_type": "economic", "modality": "conditional"}),
]
EXPECTED = {  # the bundled schema: ACTOR metonym false, CLAIM sovereignty_position not_addressed, THREAT modality actual
    "ACTOR": {"metonym": False, "country": "Belarus"},
    "CLAIM": {"sovereignty_position": "not_addressed", "reporting": "paraphrased"},
    "THREAT": {"threat_type": "economic", "modality": "conditional"},  # the suggestion's modality wins
}


@pytest.fixture
def doc_id(project: Project, tmp_path: Path) -> int:
    doc_id = import_article(project, tmp_path)
    project.suggestions.replace_pending("model", [DocumentCandidates(doc_id, CANDIDATES)])
    return doc_id


def own_attrs(project: Project, doc_id: int) -> dict[str, dict[str, Any]]:
    return {span.label: span.attrs for span in project.annotations.spans(doc_id, layers=["annotation"])}


def test_accepting_one_fills_the_defaults_the_suggestion_leaves_unset(project: Project, doc_id: int) -> None:
    history = History.of(project, ME)
    for label in ("ACTOR", "CLAIM", "THREAT"):
        [suggestion] = project.suggestions.spans(doc_id, label=label)
        assert "metonym" not in suggestion.attrs and "sovereignty_position" not in suggestion.attrs
        history.perform(AcceptSuggestions(doc_id, ME, suggestion=suggestion))
        assert own_attrs(project, doc_id)[label] == EXPECTED[label]
    assert EXPECTED["ACTOR"] == project.schema.span_label("ACTOR").default_attrs() | {"country": "Belarus"}


def test_accepting_all_fills_the_defaults_and_undo_and_redo_keep_them(project: Project, doc_id: int) -> None:
    history = History.of(project, ME)
    accepted = history.perform(AcceptSuggestions(doc_id, ME)).result
    assert own_attrs(project, doc_id) == EXPECTED
    history.undo()
    assert own_attrs(project, doc_id) == {}
    assert {s.label: s.attrs for s in project.suggestions.spans(doc_id)} == {c.label: c.attrs for c in CANDIDATES}
    history.redo()
    spans = project.annotations.spans(doc_id, layers=["annotation"])
    assert {(s.id, s.label) for s in spans} == {(a.span.id, a.span.label) for a in accepted}
    assert own_attrs(project, doc_id) == EXPECTED


def test_a_list_default_is_copied_for_each_span() -> None:
    """A multichoice default is the span's own list: changing it changes neither the schema nor
    the next span's."""
    label = SpanLabel.model_validate({"name": "CLAIM", "color": "#e69f00", "attributes": [
        {"name": "frames", "type": "multichoice", "values": ["legitimacy", "repression"], "default": ["legitimacy"]}]})
    first = label.default_attrs()
    first["frames"].append("repression")
    assert label.default_attrs() == {"frames": ["legitimacy"]}
