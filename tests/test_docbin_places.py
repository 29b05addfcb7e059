"""spaCy DocBin from other tools: doc.cats, doc.ents and every span key stored (each span's place
recorded in its ``spacy_key`` attribute) or counted, and written back where they came from.

The DocBins are made here with real spaCy (``spacy.blank("en")``) the way training scripts and
``spacy convert`` make them: ``doc.ents`` for ``ner``, ``doc.spans[KEY]`` for ``spancat``, and
``doc.cats`` with every category scored 1.0 or 0.0 for ``textcat``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from annotator.formats import LossReport, ReadOptions, docbin
from annotator.formats.base import ExportOptions
from annotator.formats.pipeline import export_project
from annotator.formats.select import select_documents
from annotator.importing import ImportOptions, import_files
from annotator.store import Project
from tests.format_fixtures import span

TEXT = "Lukashenko met Putin in Minsk 😀 and threatened Vilnius."


def _foreign_doc() -> Any:
    """One document with something in every place a DocBin has."""
    import spacy

    nlp = spacy.blank("en")
    doc = nlp.make_doc(TEXT)
    at = TEXT.index
    doc.ents = [doc.char_span(0, 10, label="PERSON", kb_id="Q1"), doc.char_span(at("Putin"), at("Putin") + 5,
                                                                                  label="PERSON"),
                doc.char_span(at("Minsk"), at("Minsk") + 5, label="GPE")]
    # Putin is both an entity and in the spancat group: one span with both places
    doc.spans["sc"] = [doc.char_span(at("Putin"), at("Putin") + 5, label="PERSON"),
                       doc.char_span(at("threatened"), at("Vilnius") + 7, label="THREAT")]
    # the same claim twice in one group (a tool's repeat), and a span without a label
    claim = doc.char_span(0, at("Minsk") + 5, label="MEETING")
    doc.spans["claims"] = [claim, doc.char_span(0, at("Minsk") + 5, label="MEETING"),
                           doc.char_span(at("and"), at("and") + 3)]
    doc.spans["claims"].attrs["scores"] = [0.9, 0.8, 0.1]
    doc.cats = {"POLITICS": 1.0, "SPORT": 0.0, "THREAT": 0.75, "WEATHER": 0.2}
    return doc


def _write(docs: list[Any], path: Path) -> Path:
    from spacy.tokens import DocBin

    DocBin(docs=docs, store_user_data=True).to_disk(path)
    return path


def _read(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    report = LossReport()
    docs = list(docbin.read([path], ReadOptions(annotator="ner-team"), report))
    return docs, report.lines()  # type: ignore[return-value]


def _places(doc: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return [(s["text"], s["label"], s["attrs"].get("spacy_key")) for s in doc["spans"]]


def test_every_place_and_category_is_stored_or_counted(tmp_path: Path) -> None:
    [doc], lines = _read(_write([_foreign_doc()], tmp_path / "foreign.spacy"))
    assert _places(doc) == [
        ("Lukashenko", "PERSON", "doc.ents"),
        ("Putin", "PERSON", ["doc.ents", "sc"]),  # in ents and in a span group: stored once, both places
        ("Minsk", "GPE", "doc.ents"),
        ("threatened Vilnius", "THREAT", "sc"),
        ("Lukashenko met Putin in Minsk", "MEETING", "claims"),
        ("Lukashenko met Putin in Minsk", "MEETING", "claims"),  # a repeat: ingestion stores it once
    ]
    assert doc["spans"][0]["attrs"]["kb_id"] == "Q1" and doc["spans"][0]["annotator"] == "ner-team"
    assert doc["doc_labels"] == [{"label": "POLITICS", "annotator": "ner-team", "layer": "annotation"},
                                 {"label": "THREAT", "annotator": "ner-team", "layer": "annotation"}]
    assert doc["meta"] == {"spacy_negative_cats": {"SPORT": 0.0, "WEATHER": 0.2}}  # below 0.5: not labels, kept
    assert lines == [
        "left out 1 attributes of spaCy span groups (e.g. spancat's scores)",
        "left out 1 scores of spaCy categories between 0.5 and 1 (a document label has no score; exported as 1.0)",
        "left out 1 spaCy spans without a label",
    ]


def test_token_annotations_and_custom_data_are_counted(tmp_path: Path) -> None:
    import spacy

    doc = spacy.blank("en").make_doc("Minsk is big. Vilnius too.")
    for token in doc:
        token.tag_, token.lemma_ = "NN", token.text.lower()
        token.is_sent_start = token.i in (0, 4)
    doc.user_data[("._.", "source", None, None)] = "wire"
    [back], lines = _read(_write([doc], tmp_path / "tagged.spacy"))
    assert back["spans"] == [] and back["doc_labels"] == []
    assert lines == [
        "left out 1 spaCy custom data of documents (doc.user_data, e.g. extension attributes)",
        "left out 2 spaCy sentence boundaries (the text keeps its sentences; boundaries are not stored)",
        "left out 7 spaCy token fine-grained tags (token annotations are not part of the schema)",
        "left out 7 spaCy token lemmas (token annotations are not part of the schema)",
    ]


def _spacy_view(path: Path) -> list[tuple[Any, ...]]:
    """What spaCy sees in a DocBin: entities, each non-empty span group, categories."""
    import spacy
    from spacy.tokens import DocBin

    return [(doc.text, [(e.start_char, e.end_char, e.label_, e.kb_id_) for e in doc.ents],
             {key: sorted((s.start_char, s.end_char, s.label_) for s in group)
              for key, group in doc.spans.items() if len(group)},
             doc.cats)
            for doc in DocBin().from_disk(path).get_docs(spacy.blank("en").vocab)]


def _storable(view: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The view as a project stores it: each group's repeats once, spans without a label counted instead."""
    return [(text, ents, {key: sorted({s for s in spans if s[2]}) for key, spans in groups.items()}, cats)
            for text, ents, groups, cats in view]


def test_a_foreign_docbin_round_trips_through_a_project(project: Project, tmp_path: Path) -> None:
    original = _write([_foreign_doc()], tmp_path / "foreign.spacy")
    [entry] = import_files(project, [original]).files
    assert entry.format == "spacy" and not entry.refused
    assert (entry.spans, entry.doc_labels) == (5, 2)
    assert "left out 1 duplicate spans (same annotator, layer, label and offsets: stored once)" in entry.loss.lines()
    [stored] = select_documents(project, ExportOptions())
    assert sorted(s["label"] for s in stored["spans"]) == ["GPE", "MEETING", "PERSON", "PERSON", "THREAT"]
    assert stored["meta"]["spacy_negative_cats"] == {"SPORT": 0.0, "WEATHER": 0.2}
    out = tmp_path / "out" / "train.spacy"
    result = export_project(project, out, "spacy", ExportOptions())
    assert result.loss.lines() == []
    expected = _storable(_spacy_view(original))
    expected[0][3]["THREAT"] = 1.0  # a document label has no score
    assert _spacy_view(out) == expected


def test_labels_made_here_go_to_cats_and_sc_beside_recorded_places(tmp_path: Path) -> None:
    text = "Minsk and Vilnius and Riga."
    doc = {"id": "d", "title": None, "text": text, "meta": {"spacy_negative_cats": {"SPORT": 0.0, "POLITICS": 0.0}},
           "relations": [], "notes": [], "status": {},
           "doc_labels": [{"label": "POLITICS", "annotator": "alice"}, {"label": "POLITICS", "annotator": "bob"}],
           "spans": [span(1, text, 0, 5, "GPE", attrs={"spacy_key": "doc.ents"}),
                     span(2, text, 0, 17, "LIST", attrs={"spacy_key": "doc.ents"}),  # overlaps span 1 in ents
                     span(3, text, 10, 17, "GPE", attrs={"spacy_key": ["doc.ents", "places"]}),
                     span(4, text, 22, 26, "GPE"),  # made here: sc, and ents as it overlaps none there
                     span(5, text, 10, 26, "LIST")]}  # made here, overlaps ents: sc only
    report = LossReport()
    docbin.export([doc], tmp_path / "out.spacy", report)
    [(_text, ents, groups, cats)] = _spacy_view(tmp_path / "out.spacy")
    assert [(start, end, label) for start, end, label, _kb in ents] == [(0, 17, "LIST"), (22, 26, "GPE")]
    assert groups == {"places": [(10, 17, "GPE")], "sc": [(0, 5, "GPE"), (10, 26, "LIST"), (22, 26, "GPE")]}
    assert cats == {"SPORT": 0.0, "POLITICS": 1.0}  # the document has POLITICS now: the label wins
    assert report.lines() == [
        "left out 1 overlapping spans from doc.ents (they are in doc.spans['sc'] only)",
        "left out 2 spans recorded for doc.ents that overlap another there (kept in doc.spans['sc'] or their "
        "span group)"]


@pytest.mark.parametrize("cats", [{"A": float("nan")}, {"": 1.0}])
def test_categories_without_a_usable_score_or_name_are_counted(tmp_path: Path, cats: dict[str, float]) -> None:
    import spacy

    doc = spacy.blank("en").make_doc("Minsk.")
    doc.cats = cats
    [back], lines = _read(_write([doc], tmp_path / "cats.spacy"))
    assert back["doc_labels"] == [] and back["meta"] == {}
    assert lines == ["left out 1 spaCy categories that are not a named label with a number as score"]


def test_own_export_keeps_places_through_user_data(tmp_path: Path) -> None:
    [doc], _lines = _read(_write([_foreign_doc()], tmp_path / "foreign.spacy"))
    docbin.export([doc], tmp_path / "again.spacy", LossReport())
    [back], lines = _read(tmp_path / "again.spacy")
    assert back == doc and lines == []


def test_import_options_choose_the_format(project: Project, tmp_path: Path) -> None:
    path = _write([_foreign_doc()], tmp_path / "named.bin")
    report = import_files(project, [path], ImportOptions(format="spacy", annotator="team"))
    assert not report.refused and report.files[0].doc_labels == 2
    [stored] = select_documents(project, ExportOptions())
    assert {label["annotator"] for label in stored["doc_labels"]} == {"team"}
