"""WebAnno TSV 3 (INCEpTION): every kind of element of a file stored or reported, escapes, the
label mapping, exact round trips of what the format carries, and malformed files refused by line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.errors import UserError
from annotator.formats import LossReport, ReadOptions, webanno_tsv
from annotator.formats.base import ExportOptions
from annotator.formats.detect import detect_format
from annotator.formats.inception_layers import LabelMap
from annotator.formats.pipeline import export_project
from annotator.formats.webanno_tsv_escaping import (
    escape_text,
    escape_value,
    split_suffix,
    split_unescaped,
    unescape_text,
    unescape_value,
)
from annotator.formats.webanno_tsv_write import export
from annotator.importing import ImportOptions, import_files
from annotator.limits import DEFAULT_LIMITS
from annotator.store import Project
from tests.cli_runs import run_here
from tests.format_fixtures import carried, sample_docs

FIXTURE = Path(__file__).parent / "fixtures" / "inception" / "tsv" / "meeting.tsv"
TEXT = "Ms. Haag 😊 met Elianti\tin Berlin .\nThey sold cars ."
OPINION = "x\\y [1] a|b c;d e->f *g\th\ni _j"
#: Every kind of element of meeting.tsv that is not a span or relation, as the report counts it.
FIXTURE_LOSSES = [
    "left out 1 CoreferenceChain chains (chain layer; chains are not part of the schema)",
    "left out 2 CoreferenceLink chain links (chain layer; chains are not part of the schema)",
    "left out 3 Dependency relations (DKPro layer, not part of the schema)",
    "left out 1 EntityRelation relations whose ends were left out",
    "left out 1 NamedEntity annotations of zero width (a span needs at least one character)",
    "left out 12 POS annotations (DKPro layer, not part of the schema)",
    "left out 1 sentence ids (#Sentence.id; sentences are not stored)",
    "left out 2 slot links of SimpleLinkHost (links; slot features are not part of the schema)",
]


def read(path: Path, **options: Any) -> tuple[list[dict[str, Any]], LossReport]:
    report = LossReport()
    docs = list(webanno_tsv.read([path], ReadOptions(**options), report))
    return docs, report  # type: ignore[return-value]


def spans_of(doc: dict[str, Any]) -> list[tuple[int, int, str, str, dict[str, Any]]]:
    return [(s["start"], s["end"], s["text"], s["label"], s["attrs"]) for s in doc["spans"]]


def relations_of(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    text = {s["id"]: s["text"] for s in doc["spans"]}
    return [(text[r["head"]], text[r["tail"]], r["label"]) for r in doc["relations"]]


def test_every_element_of_the_fixture_is_stored_or_reported() -> None:
    [doc], report = read(FIXTURE, annotator="inception")
    assert doc["id"] == "meeting"
    assert doc["text"] == TEXT  # UTF-16 offsets of the emoji, the escaped tab, two sentences
    assert spans_of(doc) == [
        (0, 8, "Ms. Haag", "PER", {"identifier": "https://www.wikidata.org/wiki/Q1"}),  # multi-token [1]
        (4, 8, "Haag", "LAST_NAME", {}),  # stacked [2], escaped _
        (9, 10, "😊", "Sentiment", {"Opinion": "happy"}),  # no label value: the layer's name
        (11, 14, "met", "SimpleLinkHost", {}),  # a slot host: its links are reported
        (15, 22, "Elianti", "ORG", {}),
        (26, 32, "Berlin", "NamedEntity", {}),  # '*': no value
        (26, 30, "Berl", "LOC", {}),  # a sub-token span
        (35, 39, "They", "SimpleSpan", {}),  # a layer without features (placeholder column)
        (40, 49, "sold cars", "positive", {"Opinion": OPINION}),  # every reserved character escaped
        (40, 44, "sold", "SimpleLinkHost", {}),  # a host without slots ('*' in the target column)
        (45, 49, "cars", "SimpleSpan", {}),
    ]
    assert {s["annotator"] for s in doc["spans"]} == {"inception"}
    assert relations_of(doc) == [("Ms. Haag", "Haag", "part_of"),  # 1-1[1_2]: both ends by id
                                 ("Ms. Haag", "Elianti", "meets"),  # 1-1[1_0]
                                 ("Elianti", "Berlin", "EntityRelation")]  # no value
    assert report.lines() == FIXTURE_LOSSES


def test_label_map_names_labels_and_keeps_the_values_as_attributes() -> None:
    mapping = LabelMap.parse(["NamedEntity.value=ACTOR", "webanno.custom.Sentiment=FEELING", "EntityRelation=LINK"])
    [doc], _report = read(FIXTURE, label_map=mapping)
    labels = {(s["text"], s["label"]): s["attrs"] for s in doc["spans"]}
    assert labels[("Ms. Haag", "ACTOR")] == {"identifier": "https://www.wikidata.org/wiki/Q1", "value": "PER"}
    assert labels[("Berl", "ACTOR")] == {"value": "LOC"}
    assert ("Berlin", "NamedEntity") in labels  # no value in 'value': the mapping does not apply
    assert labels[("😊", "FEELING")] == {"Opinion": "happy"}
    assert labels[("sold cars", "FEELING")] == {"Category": "positive", "Opinion": OPINION}
    assert [label for _head, _tail, label in relations_of(doc)] == ["LINK", "LINK", "LINK"]


def test_label_map_mistakes_are_refused() -> None:
    with pytest.raises(UserError, match=r"E961.*NamedEntity\.valeu.*'valeu'.*identifier, value"):
        read(FIXTURE, label_map=(("NamedEntity.valeu", "ACTOR"),))
    for entry in ("NamedEntity", "NamedEntity.value=", "=ACTOR", ".value=ACTOR"):
        with pytest.raises(UserError, match="E960"):
            LabelMap.parse([entry])


def test_escapes_both_ways() -> None:
    value = "\\ [ ] | _ -> ; \t \n *"
    assert escape_value(value) == "\\\\ \\[ \\] \\| \\_ \\-> \\; \\t \\n \\*"
    assert unescape_value(escape_value(value)) == value
    documented = "#\\*'\"`´\\t:\\;{}\\|\\[ \\]()\\\\§$%?=&\\_\\n"  # INCEpTION's special-symbols test value
    assert unescape_value(documented) == "#*'\"`´\t:;{}|[ ]()\\§$%?=&_\n"
    assert escape_value(unescape_value(documented)) == documented
    text = "a\tb\\c\rd\x01e\x0bf"
    assert escape_text(text) == "a\\tb\\\\c\\rd\\\x01e\x0bf"
    assert unescape_text(escape_text(text), 3) == text
    assert unescape_text("caf\\u00e9\\t", 1) == "café\t"  # TSV 3.0/3.1: Java escapes
    assert split_unescaped("a\\|b|c\\\\|d", "|") == ["a\\|b", "c\\\\", "d"]
    assert split_suffix("PER[12]") == ("PER", "12")
    assert split_suffix("a\\[1\\]") == ("a\\[1\\]", None)
    assert split_suffix("coref->1-2") == ("coref", "1-2")
    assert split_suffix("a\\->1-2") == ("a\\->1-2", None)


def test_export_round_trip_is_exact_for_what_tsv_carries(tmp_path: Path) -> None:
    report = LossReport()
    export(sample_docs(), tmp_path / "out", report)
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["doc-1.tsv", "doc-2.tsv"]
    back, loss = read(tmp_path / "out")
    assert loss.lines() == []
    keys = ("start", "end", "text", "label", "annotator", "layer", "note", "actor")
    for before, after in zip(sample_docs(), back, strict=True):
        assert carried(after, keys, ("label", "annotator", "layer", "attrs")) == carried(
            before, keys, ("label", "annotator", "layer", "attrs"))
    assert [s["attrs"] for s in back[0]["spans"]] == [
        {"tone": '["hostile", "formal"]', "confidence": "0.9", "named": "true"}, {}, {"role": "target"}, {}]
    assert report.lines() == [
        "left out 1 document labels (WebAnno TSV has none)",
        "left out 1 document statuses (WebAnno TSV has none)",
        "left out 1 document titles (WebAnno TSV has only the text; the file is named after the document)",
        "left out 1 documents' metadata (WebAnno TSV has none)",
        "left out 3 span and relation attribute values that are not text (written as JSON text, read back as text)",
    ]
    first = (tmp_path / "out" / "doc-1.tsv").read_text(encoding="utf-8")
    assert first.startswith("#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|label|annotator|layer|note|actor|"
                            "tone|confidence|named|role\n#T_RL=webanno.custom.Relation|label|annotator|layer|"
                            "explicit|BT_webanno.custom.Span\n\n\n#Text=Putin 🇷🇺 warned NATO 😀 today.\n")
    assert "1-4\t18-22\tNATO\tTHREAT[1]|ACTOR[2]\t" in first  # UTF-16 offsets, stacked, multi-token
    assert first.count("1-1[0_2]") == 1  # the relation: on its tail's row, the head's row and both ids


def test_export_counts_renamed_attributes_and_suggestion_scores(tmp_path: Path) -> None:
    doc = sample_docs()[1]
    doc["spans"] = [{"id": 1, "start": 0, "end": 2, "text": "No", "label": "X", "annotator": "model",
                     "layer": "suggestion", "attrs": {"tone level": "calm", "label": "y"}, "score": 0.5,
                     "source": "rules", "status": "pending"}]
    report = LossReport()
    export([doc], tmp_path, report)  # type: ignore[list-item]
    assert "|tone_level|label_2\n" in (tmp_path / "doc-2.tsv").read_text(encoding="utf-8")
    [back], _loss = read(tmp_path / "doc-2.tsv")
    assert back["spans"][0]["attrs"] == {"tone_level": "calm", "label_2": "y"}
    assert report.lines() == [
        "left out 2 span and relation attributes whose name is not a TSV feature name (written under another name)",
        "left out 1 suggestions' scores, sources and review statuses (WebAnno TSV has none)",
    ]


def test_reexport_of_a_reexport_is_identical(tmp_path: Path) -> None:
    export(sample_docs(), tmp_path / "one", LossReport())
    back, _loss = read(tmp_path / "one")
    export(back, tmp_path / "two", LossReport())  # type: ignore[arg-type]
    for name in ("doc-1.tsv", "doc-2.tsv"):
        assert (tmp_path / "two" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()


_ALPHABET = st.sampled_from(["a", "b", "é", " ", "  ", "\n", "\t", "\\", "😀", "_", "|", "[", "]", "*", ";", "->",
                             "\x01", "\r"])


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    text = "".join(draw(st.lists(_ALPHABET, min_size=1, max_size=30)))
    spans = []
    for number in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        label = draw(st.sampled_from(["PER", "a|b", "x_y", "[1]", "\\", "->", "*", "é;"]))
        attrs = {"tone": draw(st.sampled_from(["", "v", "\t|[]"]))} if draw(st.booleans()) else {}
        spans.append({"id": number + 1, "start": start, "end": end, "text": text[start:end], "label": label,
                      "annotator": "alice", "layer": "annotation", "attrs": attrs, "note": None, "actor": None})
    relations = []
    if len(spans) >= 2:
        for number in range(draw(st.integers(0, 3))):
            head, tail = draw(st.sampled_from(spans)), draw(st.sampled_from(spans))
            relations.append({"id": number + 1, "head": head["id"], "tail": tail["id"], "label": "R|1",
                              "annotator": "bob", "layer": "gold", "attrs": {}})
    return {"id": "doc", "title": None, "text": text, "meta": {}, "spans": spans, "relations": relations,
            "doc_labels": [], "notes": [], "status": {}}


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=documents())
def test_any_text_and_spans_come_back_exactly(tmp_path_factory: pytest.TempPathFactory, doc: dict[str, Any]) -> None:
    """Sentences and tokens are invented by the export: whatever the text (line breaks, tabs,
    leading and trailing whitespace, escapes, emoji) and wherever spans begin and end (inside a
    word, on whitespace, across or on a line break), the text and every span and relation return."""
    out = tmp_path_factory.mktemp("tsv")
    export([doc], out, LossReport())  # type: ignore[list-item]
    [back], loss = read(out / "doc.tsv")
    assert loss.lines() == []
    assert back["text"] == doc["text"]
    keys = ("start", "end", "label", "annotator", "layer", "attrs")
    assert carried(back, keys, ("label", "annotator", "layer")) == carried(doc, keys, ("label", "annotator", "layer"))


def test_detect_routes_webanno_tsv_only(tmp_path: Path) -> None:
    other = tmp_path / "table.tsv"
    other.write_text("a\tb\n", encoding="utf-8")
    assert detect_format(FIXTURE, DEFAULT_LIMITS) == "webanno-tsv"
    assert detect_format(other, DEFAULT_LIMITS) is None


BROKEN = {
    "version 2": (b"#FORMAT=WebAnno TSV 2\n", r"E963.*'#FORMAT=WebAnno TSV 2'"),
    "not UTF-8": (b"#FORMAT=WebAnno TSV 3.3\n\n\n#Text=caf\xe9\n", "E962"),
    "few columns": ("#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|value\n\n\n#Text=Hi\n1-1\t0-2\tHi\n",
                    r"E964.*line 6: a token row needs 4 tab-separated fields"),
    "bad id": ("#FORMAT=WebAnno TSV 3.3\n\n\n#Text=Hi\nx\t0-2\tHi\t\n", r"E964.*line 5: 'x\t0-2' is not a token id"),
    "offsets": ("#FORMAT=WebAnno TSV 3.3\n\n\n#Text=Hi\n1-1\t0-9\tHi\t\n", r"E964.*line 5: the offsets 0-9"),
    "half an emoji": ("#FORMAT=WebAnno TSV 3.3\n\n\n#Text=😀\n1-1\t0-1\t😀\t\n", r"E964.*cut a character in two"),
    "orphan sub-token": ("#FORMAT=WebAnno TSV 3.3\n\n\n#Text=Hi\n1-1.1\t0-1\tH\t\n", r"E964.*line 5: the sub-token"),
    "no text line": ("#FORMAT=WebAnno TSV 3.3\n\n\n1-1\t0-2\tHi\t\n", r"E964.*line 4: a token row must follow"),
    "no tokens": ("#FORMAT=WebAnno TSV 3.3\n\n\n#Text=Hi\n\n#Text=Ho\n1-1\t3-5\tHo\t\n", r"E964.*line 5: a sentence"),
    "empty layer line": ("#FORMAT=WebAnno TSV 3.3\n#T_SP=\n", r"E964.*line 2: the layer line '#T_SP=' names no layer"),
    "huge gap": ("#FORMAT=WebAnno TSV 3.3\n\n\n#Text=Hi\n1-1\t99999999999-99999999999\tHi\t\n",
                 r"E964.*line 5: the sentence starts at offset 99,999,999,999, past the longest document"),
    "no BT": ("#FORMAT=WebAnno TSV 3.3\n#T_RL=webanno.custom.Relation|value\n", r"E964.*line 2: the relation layer"),
    "bad id suffix": ("#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|value\n\n\n#Text=Hi\n1-1\t0-2\tHi\tX[a]\t\n",
                      r"E964.*line 6: '\[a\]' is not a disambiguation id"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_malformed_files_are_refused_with_file_and_line(tmp_path: Path, name: str) -> None:
    content, message = BROKEN[name]
    path = tmp_path / "broken.tsv"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    with pytest.raises(UserError, match=message):
        read(path)


def test_import_and_export_through_a_project(project: Project, tmp_path: Path) -> None:
    """Auto import routes the .tsv; labels the schema lacks are created and reported like any
    format's; the project's export reads back into a second project and exports identically."""
    report = import_files(project, [FIXTURE], ImportOptions(annotator="inception"))
    [entry] = report.files
    assert entry.refused is None and entry.format == "webanno-tsv"
    assert (entry.spans, entry.relations, len(entry.added)) == (11, 3, 1)
    assert entry.loss.lines() == FIXTURE_LOSSES
    assert {"PER (span label)", "LAST_NAME (span label)", "meets (relation label)",
            "EntityRelation (relation label)"} <= set(report.new_labels)
    options = ExportOptions(annotators=("inception",))
    first = export_project(project, tmp_path / "first", "webanno-tsv", options)
    assert (first.documents, first.spans, first.relations) == (1, 11, 3)
    with Project.open(tmp_path / "second.db") as second:
        again = import_files(second, [tmp_path / "first"], ImportOptions(format="webanno-tsv"))
        assert (again.files[0].spans, again.files[0].relations) == (11, 3)
        export_project(second, tmp_path / "second", "webanno-tsv", options)
    assert (tmp_path / "second" / "meeting.tsv").read_bytes() == (tmp_path / "first" / "meeting.tsv").read_bytes()


def test_cli_import_with_a_label_map(tmp_path: Path) -> None:
    outcome = run_here("import", tmp_path / "p.db", FIXTURE, "--map", "NamedEntity=ACTOR")
    assert outcome.returncode == 0, outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert "left out 12 POS annotations (DKPro layer, not part of the schema)" in outcome.stderr
    assert "11 spans, 3 relations" in outcome.stdout
    refused = run_here("import", tmp_path / "q.db", FIXTURE, "--map", "NamedEntity.valeu=ACTOR")
    assert refused.returncode == 1 and "E961" in refused.stderr and "Traceback" not in refused.stderr
    malformed = run_here("import", tmp_path / "r.db", FIXTURE, "--map", "NamedEntity")
    assert malformed.returncode != 0 and "E960" in malformed.stderr
    assert not (tmp_path / "r.db").exists()
