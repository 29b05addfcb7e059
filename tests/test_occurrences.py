"""Annotate all occurrences (issue 18), on both backends: which places are found (token-aligned,
case option, document or corpus, skipped when already labelled), and labelling them is one
operation and one undo step."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.errors import UserError
from annotator.ops.history import History
from annotator.ops.occurrences import LIMIT, LabelOccurrences, find_occurrences
from annotator.store import Project
from tests.test_active_order import at, import_texts

TEXTS = {
    "a": "NATO met in Minsk. Minsk's mayor spoke of NATO in Minskaya street.\nNATO\nallies agreed.\n",
    "b": "In Minsk, nato and NATO agreed; the NATO summit ended.\n",
    "c": "Nothing about the NATO allies here.\n",
}


@pytest.fixture
def docs(project: Project, tmp_path: Path) -> dict[str, int]:
    return import_texts(project, tmp_path / "corpus", TEXTS)


def places(found: object) -> list[tuple[int, int, str]]:
    return [(p.document_id, p.start, p.text) for p in found.places]  # type: ignore[attr-defined]


def test_document_occurrences_are_token_aligned(project: Project, docs: dict[str, int]) -> None:
    text = TEXTS["a"]
    minsk = project.annotations.add_span(docs["a"], *at(text, "Minsk"), "LOCATION", "anna")
    found = find_occurrences(project, minsk, "anna")
    second = text.index("Minsk's")
    assert places(found) == [(docs["a"], second, "Minsk")]  # not inside "Minskaya", not itself
    assert found.skipped == 0 and found.documents == 1
    assert found.places[0].before.endswith("Minsk. ") and found.places[0].after.startswith("'s mayor")


def test_corpus_case_and_already_labelled(project: Project, docs: dict[str, int]) -> None:
    a, b = TEXTS["a"], TEXTS["b"]
    nato = project.annotations.add_span(docs["a"], *at(a, "NATO"), "ACTOR", "anna")
    project.annotations.add_span(docs["b"], b.index("NATO agreed"), b.index("NATO agreed") + 4, "ACTOR", "anna")
    project.annotations.add_span(docs["b"], *at(b, "the NATO summit"), "EVENT", "anna")
    project.annotations.add_span(docs["b"], *at(b, "nato"), "ACTOR", "boris")  # another layer: no skip
    found = find_occurrences(project, nato, "anna", in_corpus=True)
    assert found.skipped == 1  # "NATO agreed" holds ACTOR in anna's layer already
    in_b = b.index("the NATO summit") + 4
    assert places(found) == [(docs["a"], a.index("of NATO") + 3, "NATO"), (docs["a"], a.index("\nNATO") + 1, "NATO"),
                             (docs["b"], in_b, "NATO"), (docs["c"], TEXTS["c"].index("NATO"), "NATO")]
    assert found.places[2].overlaps == ("EVENT 'the NATO summit'",)
    assert found.documents == 3
    ignoring_case = find_occurrences(project, nato, "anna", in_corpus=True, case_sensitive=False)
    assert (docs["b"], b.index("nato"), "nato") in places(ignoring_case)
    assert find_occurrences(project, nato, "anna").documents == 1  # this document only


def test_white_space_inside_matches_any_white_space(project: Project, docs: dict[str, int]) -> None:
    a, c = TEXTS["a"], TEXTS["c"]
    span = project.annotations.add_span(docs["c"], *at(c, "NATO allies"), "ACTOR", "anna")
    found = find_occurrences(project, span, "anna", in_corpus=True)
    assert places(found) == [(docs["a"], a.index("NATO\nallies"), "NATO\nallies")]
    assert found.places[0].before.endswith("Minskaya street. ")  # the context on one line


def test_labelling_is_one_undo_step(project: Project, docs: dict[str, int]) -> None:
    a = TEXTS["a"]
    nato = project.annotations.add_span(docs["a"], *at(a, "NATO"), "ACTOR", "anna")
    found = find_occurrences(project, nato, "anna", in_corpus=True)
    history = History.of(project, "anna")
    outcome = history.perform(LabelOccurrences(found.places, "ACTOR", "anna", attrs={"actor_type": "international_organisation"}))
    assert outcome.changes.documents == {docs["a"], docs["b"], docs["c"]}
    added = [(s.document_id, s.start, s.label, s.attrs["actor_type"]) for s in outcome.result]
    assert added == [(p.document_id, p.start, "ACTOR", "international_organisation") for p in found.places]
    assert history.undo_label == f"Label {len(found.places)} occurrences as ACTOR in 3 documents"
    again = find_occurrences(project, nato, "anna", in_corpus=True)
    assert again.places == [] and again.skipped == len(found.places)
    history.undo()
    after_undo = {s.start for d in docs.values() for s in project.annotations.spans(d, annotators=["anna"])}
    assert after_undo == {nato.start}
    assert history.undo_label is None
    history.redo()
    assert len(find_occurrences(project, nato, "anna", in_corpus=True).places) == 0


def test_gold_span_labels_gold(project: Project, docs: dict[str, int]) -> None:
    a = TEXTS["a"]
    gold = project.annotations.add_span(docs["a"], *at(a, "Minsk"), "LOCATION", "reviewer", layer="gold")
    found = find_occurrences(project, gold, "reviewer", in_corpus=True)
    assert found.layer == "gold" and len(found.places) == 2
    History.of(project, "reviewer").perform(LabelOccurrences(found.places, "LOCATION", "reviewer", layer="gold"))
    spans = project.annotations.spans(docs["b"], layers=["gold"])
    assert [(s.start, s.label, s.annotator) for s in spans] == [(TEXTS["b"].index("Minsk"), "LOCATION", "reviewer")]


def test_discontinuous_span_is_refused(project: Project, docs: dict[str, int]) -> None:
    a = TEXTS["a"]
    first, second = at(a, "NATO"), at(a, "Minsk")
    span = project.annotations.add_span(docs["a"], first[0], second[1], "ACTOR", "anna", fragments=(first, second))
    with pytest.raises(UserError, match=r"\[E1291\] ACTOR 'NATO … Minsk'"):
        find_occurrences(project, span, "anna")


def test_limit_is_reported(project: Project, tmp_path: Path) -> None:
    many = import_texts(project, tmp_path / "many", {"many": "Minsk " * (LIMIT + 5)})
    span = project.annotations.add_span(many["many"], 0, 5, "LOCATION", "anna")
    found = find_occurrences(project, span, "anna")
    assert len(found.places) == LIMIT and found.left_out == 4
    assert found.limit_message() is not None and "[E1294]" in found.limit_message()  # type: ignore[operator]
