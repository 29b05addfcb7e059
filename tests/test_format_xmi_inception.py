"""INCEpTION's XMI as INCEpTION writes it: every layer read as labels or counted by kind.

The fixture (tests/fixtures/inception/xmi) is shaped like INCEpTION's exports and its TSV3 test
suite's reference files: DKPro's segmentation, POS, lemma and dependency layers, NamedEntity with
and without a value, a zero-width annotation, custom span layers (``value``, several features, no
feature, a slot host), relation layers on named entities, on custom spans and on tokens, two
chains, a document layer, and per-user CASes of a project export (``CASMetadata``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from annotator.errors import UserError
from annotator.formats import LossReport, ReadOptions, xmi
from annotator.formats.inception_layers import LabelMap
from annotator.importing import ImportOptions, import_files
from annotator.store import Project
from tests.cli_runs import run_here

FIXTURES = Path(__file__).parent / "fixtures" / "inception" / "xmi"
MEETING = FIXTURES / "meeting.xmi"
TEXT = "Ms. Haag 😊 met Elianti in Berlin .\nThey sold cars ."
CHAINS = "chain layer; chains are not part of the schema"
#: Every annotation of meeting.xmi that is not a span, relation or document label, by kind.
MEETING_LOSSES = [
    "left out 1 ComplexRelation relations between Token annotations, which are not imported",
    f"left out 1 CoreferenceChain chains ({CHAINS})",
    f"left out 2 CoreferenceLink chain links ({CHAINS})",
    "left out 3 Dependency relations (DKPro layer, not part of the schema)",
    "left out 1 EntityRelation relations whose ends were left out",
    "left out 12 Lemma annotations (DKPro layer, not part of the schema)",
    "left out 1 NamedEntity annotations of zero width (a span needs at least one character)",
    "left out 12 POS annotations (DKPro layer, not part of the schema)",  # POS and POS_NOUN
    "left out 2 Sentence annotations (DKPro layer, not part of the schema)",
    "left out 1 Sentiment features pointing at other annotations (about)",
    f"left out 1 SimpleChain chains ({CHAINS})",
    f"left out 1 SimpleLink chain links ({CHAINS})",
    "left out 1 Span annotations of zero width (a span needs at least one character)",
    "left out 1 TagsetDescription metadata (not annotations of the text)",
    "left out 12 Token annotations (DKPro layer, not part of the schema)",
    "left out 2 slot links of SimpleLinkHost (links; slot features are not part of the schema)",
]


def read(path: Path, **options: Any) -> tuple[list[dict[str, Any]], LossReport]:
    report = LossReport()
    return list(xmi.read([path], ReadOptions(**options), report)), report  # type: ignore[arg-type]


def labelled(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return sorted((s["text"], s["label"], s["attrs"]) for s in doc["spans"])


def relations_of(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    text = {s["id"]: s["text"] for s in doc["spans"]}
    return sorted((text[r["head"]], text[r["tail"]], r["label"]) for r in doc["relations"])


def test_every_layer_is_read_or_counted() -> None:
    [doc], report = read(MEETING, annotator="inception")
    assert (doc["id"], doc["title"], doc["text"]) == ("meeting", "A meeting", TEXT)
    assert labelled(doc) == [
        ("Berlin", "NamedEntity", {}),  # no value: the layer's name, not a refusal (was E810)
        ("Elianti", "ORG", {}),
        ("Haag", "PER", {"identifier": "https://www.wikidata.org/wiki/Q1"}),
        ("Ms. Haag", "speaker", {}),  # INCEpTION's webanno.custom.Span, feature 'value'
        ("They", "Span", {}),
        ("cars", "SimpleSpan", {}),  # a layer without features
        ("met", "SimpleLinkHost", {}),  # its slot links are counted
        ("sold cars", "positive", {"Opinion": "strong", "score": 0.75}),  # first text feature, typed values
        ("😊", "Sentiment", {"Opinion": "happy"}),  # UTF-16 offsets 9-11 → one code point
    ]
    assert {(s["annotator"], s["layer"]) for s in doc["spans"]} == {("inception", "annotation")}
    assert relations_of(doc) == [("Haag", "Berlin", "EntityRelation"),
                                 ("Haag", "Elianti", "meets"),  # between two NamedEntities: kept
                                 ("Ms. Haag", "They", "same")]
    assert doc["doc_labels"] == [{"label": "politics", "annotator": "inception", "layer": "annotation"}]
    assert report.lines() == MEETING_LOSSES


def test_project_export_cases_keep_their_annotators() -> None:
    docs, _report = read(FIXTURES)
    owners = sorted((s["annotator"], s["layer"], s["text"], s["label"]) for doc in docs for s in doc["spans"]
                    if s["annotator"] != "imported" or s["layer"] == "gold")
    assert owners == [("bob", "annotation", "Berlin", "LOC"),  # annotation/meeting.txt/bob.xmi
                      ("imported", "gold", "Berlin", "LOC"),  # curation/…/CURATION_USER.xmi
                      ("imported", "gold", "Haag", "PER")]


def test_label_map() -> None:
    mapping = LabelMap.parse(["NamedEntity.value=ACTOR", "Sentiment=FEELING", "webanno.custom.EntityRelation=LINK"])
    [doc], _report = read(MEETING, label_map=mapping)
    spans = labelled(doc)
    assert ("Haag", "ACTOR", {"identifier": "https://www.wikidata.org/wiki/Q1", "value": "PER"}) in spans
    assert ("Berlin", "NamedEntity", {}) in spans  # no value in 'value'
    assert ("sold cars", "FEELING", {"Category": "positive", "Opinion": "strong", "score": 0.75}) in spans
    assert ("😊", "FEELING", {"Opinion": "happy"}) in spans
    assert [label for _head, _tail, label in relations_of(doc)] == ["LINK", "LINK", "same"]
    with pytest.raises(UserError, match=r"E961.*meeting\.xmi.*Sentiment\.Opinon.*Category, Opinion, score"):
        read(MEETING, label_map=(("Sentiment.Opinon", "X"),))


def test_our_own_export_still_reads_back_with_its_layers(tmp_path: Path) -> None:
    """Our webanno.custom.Span (label, annotator, layer…) is told from INCEpTION's (value)."""
    from tests.format_fixtures import sample_docs

    xmi.export(sample_docs(), tmp_path, LossReport())
    [first, _second], report = read(tmp_path, label_map=(("Span.label", "ALL"),))
    assert {(s["label"], s["annotator"]) for s in first["spans"]} == {("ALL", "alice")}
    assert first["spans"][0]["attrs"]["label"] == "ACTOR" and first["spans"][0]["note"] == "check"
    assert report.lines() == []


def test_other_views_and_unknown_structures_are_counted(tmp_path: Path) -> None:
    from cassis import Cas, TypeSystem

    system = TypeSystem()
    span = system.create_type("webanno.custom.Claim")
    system.create_feature(span, "stance", "uima.cas.String")
    bookkeeping = system.create_type("webanno.custom.Note", supertypeName="uima.cas.TOP")
    system.create_feature(bookkeeping, "text", "uima.cas.String")
    cas = Cas(typesystem=system, sofa_string="Claims here.")
    cas.add(span(begin=0, end=6, stance="pro"))
    cas.add(span(begin=7, end=40))  # past the end of the text
    cas.add(bookkeeping(text="x"))
    other = cas.create_view("translation")
    other.sofa_string = "Behauptungen."
    other.add(span(begin=0, end=5))
    (tmp_path / "TypeSystem.xml").write_text(system.to_xml(), encoding="utf-8")
    with pytest.warns(UserWarning, match="Not mapping internal offset"):  # cassis on the span past the end
        (tmp_path / "claims.xmi").write_text(cas.to_xmi(), encoding="utf-8")
    [doc], report = read(tmp_path)
    assert labelled(doc) == [("Claims", "pro", {})]
    assert report.lines() == [
        "left out 1 Claim annotations outside the text (offsets 7-40)",
        "left out 1 Note feature structures (not a span, relation or document layer)",
        "left out 1 annotations in the view 'translation' (only the initial view is read)",
    ]


def test_import_into_a_project(project: Project) -> None:
    """The folder INCEpTION exports: three CASes of one text become one document; what the
    schema lacks is added and reported as new labels, as every format does."""
    report = import_files(project, [FIXTURES], ImportOptions(format="xmi", annotator="inception"))
    [entry] = report.files
    assert entry.refused is None
    assert (len(entry.added), entry.matched) == (1, 2)
    assert (entry.spans, entry.relations, entry.doc_labels) == (12, 3, 1)
    assert entry.loss.lines() == MEETING_LOSSES
    assert {"NamedEntity (span label)", "speaker (span label)", "meets (relation label)",
            "politics (document label)"} <= set(report.new_labels)
    assert set(report.new_annotators) >= {"bob", "inception"}


def test_cli_reads_the_folder_with_a_map(tmp_path: Path) -> None:
    outcome = run_here("import", tmp_path / "p.db", FIXTURES, "--format", "xmi", "--map", "NamedEntity=ACTOR")
    assert outcome.returncode == 0, outcome.stderr
    assert "Traceback" not in outcome.stderr and "line 0" not in outcome.stderr
    assert "12 spans, 3 relations, 1 document label" in outcome.stdout
    assert "left out 1 NamedEntity annotations of zero width" in outcome.stderr
