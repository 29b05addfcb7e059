"""brat standoff: brat's own example files, lossless round trips, malformed input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.errors import UserError
from annotator.formats.base import FORMATS, LossReport, ReadOptions
from annotator.formats.brat import export_brat, read_brat

TDT = Path("/work/shared/interop/brat/TDT")
if not TDT.is_dir():
    TDT = Path(__file__).resolve().parents[2] / "shared" / "interop" / "brat" / "TDT"


def _span(sid: int, text: str, start: int, end: int, label: str, **extra: Any) -> dict[str, Any]:
    return {"id": sid, "start": start, "end": end, "text": text[start:end], "label": label,
            "annotator": "ana", "layer": "annotation", "attrs": {}, "note": None, "actor": None} | extra


def _doc(doc_id: str, text: str, spans: list[dict[str, Any]], relations: list[dict[str, Any]] | None = None,
         ) -> dict[str, Any]:
    return {"id": doc_id, "title": doc_id, "text": text, "meta": {}, "spans": spans,
            "relations": relations or [], "doc_labels": [], "notes": [], "status": {}}


def _carried(doc: dict[str, Any]) -> dict[str, Any]:
    """What brat carries: text, spans (offsets, label, fragments, attrs, note), relations by span."""
    spans = sorted(doc["spans"], key=lambda s: (s["start"], s["end"], s["label"]))
    position = {s["id"]: (s["start"], s["end"], s["label"]) for s in spans}
    return {
        "text": doc["text"],
        "spans": [(s["start"], s["end"], s["text"], s["label"], s.get("fragments"), s["attrs"], s["note"])
                  for s in spans],
        "relations": sorted((position[r["head"]], position[r["tail"]], r["label"]) for r in doc["relations"]),
    }


def _round_trip(docs: list[dict[str, Any]], out: Path) -> tuple[list[dict[str, Any]], LossReport]:
    report = LossReport()
    export_brat(docs, out, report)
    back = list(read_brat([out], ReadOptions(annotator="ana"), LossReport()))
    return back, report


def _count_lines(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            counts[line[0]] = counts.get(line[0], 0) + 1
    return counts


def test_registered() -> None:
    fmt = FORMATS["brat"]
    assert fmt.target == "folder" and fmt.export is export_brat and fmt.read is read_brat


@pytest.mark.parametrize("name", ["wn071", "w078"])
def test_brat_example_documents_give_one_span_per_t_line(name: str) -> None:
    lines = _count_lines(TDT / f"{name}.ann")
    report = LossReport()
    (doc,) = read_brat([TDT / f"{name}.ann"], ReadOptions(annotator="tdt", layer="gold"), report)
    assert doc["id"] == name
    assert len(doc["spans"]) == lines["T"]
    assert len(doc["relations"]) == lines["R"]
    assert sum(len(s["attrs"]) for s in doc["spans"]) == lines["A"]
    assert sum(1 for s in doc["spans"] if s["note"]) == lines["#"]
    assert {s["annotator"] for s in doc["spans"]} == {"tdt"} and {s["layer"] for s in doc["spans"]} == {"gold"}
    assert not report.counts
    if name == "wn071":
        assert lines == {"T": 74, "R": 72, "A": 227, "#": 74}
        first = doc["spans"][0]
        assert (first["start"], first["end"], first["text"], first["label"]) == (0, 7, "Halonen", "N")
        assert first["attrs"] == {"SUBCAT": "Prop", "NUM": "Sg", "CASE": "Nom", "CASECHANGE": "cap"}
        assert first["note"] == "Lemma: Halonen"
    for span in doc["spans"]:
        assert doc["text"][span["start"]:span["end"]] == span["text"]


def test_brat_example_folder_round_trips(tmp_path: Path) -> None:
    docs = list(read_brat([TDT], ReadOptions(annotator="ana"), LossReport()))
    assert [d["id"] for d in docs] == ["w078", "wn071"]
    back, report = _round_trip(docs, tmp_path / "out")
    assert not report.counts
    assert [_carried(d) for d in back] == [_carried(d) for d in docs]


def test_round_trip_emoji_overlap_discontinuous_relations_attributes(tmp_path: Path) -> None:
    text = "Der Kreml 🇷🇺 sagt: 👍🏽 Moskau und\nKyjiw 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 verhandeln."
    kreml = text.index("Kreml")
    moskau, kyjiw, verh = text.index("Moskau"), text.index("Kyjiw"), text.index("verhandeln")
    spans = [
        _span(10, text, kreml, kreml + 5, "ACTOR", attrs={"actor_type": "state", "metonym": True},
              note="the Kremlin\nas an institution"),
        _span(11, text, kreml - 4, kreml + 8, "MENTION"),  # overlaps ACTOR, includes the flag emoji
        _span(12, text, moskau, kyjiw + 5, "ACTOR", fragments=[[moskau, moskau + 6], [kyjiw, kyjiw + 5]],
              attrs={"roles": ["host", "guest"]}),
        _span(13, text, verh, verh + 10, "EVENT", attrs={"negated": False}),
        _span(14, text, text.index("👍🏽"), text.index("👍🏽") + 2, "SIGN"),
    ]
    relations = [{"id": 1, "head": 10, "tail": 13, "label": "speaker_of", "annotator": "ana",
                  "layer": "annotation", "attrs": {}},
                 {"id": 2, "head": 12, "tail": 13, "label": "party_to", "annotator": "ana",
                  "layer": "annotation", "attrs": {}}]
    doc = _doc("news/2024 #1", text, spans, relations)
    back, report = _round_trip([doc], tmp_path / "out")
    assert not report.counts
    (got,) = back
    assert got["id"] == "news_2024_1"
    expected = _carried(doc)
    # brat has no "false" binary attribute: absence is false.
    expected["spans"] = [s[:5] + ({k: v for k, v in s[5].items() if v is not False},) + s[6:]
                         for s in expected["spans"]]
    assert _carried(got) == expected
    ann = (tmp_path / "out" / "news_2024_1.ann").read_text(encoding="utf-8")
    assert f"ACTOR {moskau} {moskau + 6};{kyjiw} {kyjiw + 5}\tMoskau Kyjiw" in ann
    assert "\tmetonym T1\n" in ann and "\tactor_type T1 state\n" in ann
    conf = (tmp_path / "out" / "annotation.conf").read_text(encoding="utf-8")
    assert "speaker_of\tArg1:ACTOR, Arg2:EVENT" in conf
    assert "actor_type\tArg:ACTOR, Value:state" in conf and "metonym\tArg:ACTOR\n" in conf


def test_what_brat_cannot_carry_is_reported(tmp_path: Path) -> None:
    text = "Putin spoke."
    spans = [_span(1, text, 0, 5, "ACTOR", attrs={"quote": "a long text", "cut": "two\nlines", "n": 3},
                   actor=7)]
    doc = _doc("d", text, spans) | {"doc_labels": [{"label": "relevant", "annotator": "ana"}]}
    back, report = _round_trip([doc], tmp_path / "out")
    assert report.counts == {
        "attribute values that are empty or hold a tab or line break (a brat value is the rest of one line)": 1,
        "actor links of spans (brat has no actor registry)": 1,
        "document labels (brat annotates spans only)": 1,
    }
    # numbers come back as brat values: strings; a value with spaces is a brat value as it is
    assert back[0]["spans"][0]["attrs"] == {"quote": "a long text", "n": "3"}


def test_several_annotators_get_one_collection_each(tmp_path: Path) -> None:
    text = "Putin spoke."
    doc = _doc("d", text, [_span(1, text, 0, 5, "ACTOR"), _span(2, text, 0, 5, "ACTOR", annotator="bob")])
    plain = _doc("empty", "Nothing here.", [])
    _round_trip([doc, plain], tmp_path / "out")
    for annotator in ("ana", "bob"):
        (got, empty) = read_brat([tmp_path / "out" / annotator], ReadOptions(annotator=annotator), LossReport())
        assert [(s["start"], s["end"], s["label"]) for s in got["spans"]] == [(0, 5, "ACTOR")]
        assert empty["id"] == "empty" and empty["spans"] == []


def test_crlf_text_offsets_point_at_the_same_characters(tmp_path: Path) -> None:
    raw = "Line one\r\nPutin said\r\nKyjiw."
    (tmp_path / "d.txt").write_bytes(raw.encode("utf-8"))
    putin, kyjiw = raw.index("Putin"), raw.index("Kyjiw")
    (tmp_path / "d.ann").write_text(
        f"T1\tACTOR {putin} {putin + 5}\tPutin\nT2\tSPAN {putin} {kyjiw + 5}\tPutin said  Kyjiw\n",
        encoding="utf-8", newline="")
    (doc,) = read_brat([tmp_path], ReadOptions(), LossReport())
    assert doc["text"] == "Line one\nPutin said\nKyjiw."
    assert [s["text"] for s in doc["spans"]] == ["Putin", "Putin said\nKyjiw"]


@pytest.mark.parametrize(("ann", "message"), [
    ("T1\tACTOR 0 5\tPutin\nT2\tACTOR 6 99\tspoke\n", "line 2: offsets 6-99 do not fit d.txt, which has 12"),
    ("T1\tACTOR 0 5\tBiden\n", "line 1: the annotation says 'Biden' but d.txt has 'Putin'"),
    ("T1\tACTOR 0 5\tPutin\nR1\tsaid Arg1:T1 Arg2:T9\n", "line 2: 'T9' refers to no annotation"),
    ("T1\tACTOR 0 5\tPutin\nT1\tACTOR 0 5\tPutin\n", "line 2: the id 'T1' is used twice"),
    ("T1\tACTOR zero 5\tPutin\n", "line 1: 'zero 5' are not offsets"),
    ("A1\tnegated T4\n", "line 1: 'T4' refers to no annotation"),
])
def test_malformed_ann_gives_a_clear_error(tmp_path: Path, ann: str, message: str) -> None:
    (tmp_path / "d.txt").write_text("Putin spoke.", encoding="utf-8")
    (tmp_path / "d.ann").write_text(ann, encoding="utf-8")
    with pytest.raises(UserError, match=r"d\.ann, " + message.replace(".", r"\.").replace("(", r"\(")):
        list(read_brat([tmp_path], ReadOptions(), LossReport()))


def test_ann_without_txt_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "lonely.ann").write_text("T1\tACTOR 0 5\tPutin\n", encoding="utf-8")
    with pytest.raises(UserError, match="lonely.ann has no text file lonely.txt"):
        list(read_brat([tmp_path], ReadOptions(), LossReport()))


def test_events_and_normalizations_are_reported(tmp_path: Path) -> None:
    (tmp_path / "d.txt").write_text("Putin attacked Kyiv.", encoding="utf-8")
    (tmp_path / "d.ann").write_text(
        "T1\tActor 0 5\tPutin\nT2\tAttack 6 14\tattacked\nE1\tAttack:T2 Agent:T1\n"
        "N1\tReference T1 Wikidata:Q7747\tPutin\nA1\tNegation E1\n", encoding="utf-8")
    report = LossReport()
    (doc,) = read_brat([tmp_path], ReadOptions(), report)
    assert len(doc["spans"]) == 2
    assert report.counts == {"brat events": 1, "brat normalizations": 1,
                             "brat attributes of relations or events": 1}


_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\r"), min_size=1, max_size=60)


@st.composite
def _documents(draw: st.DrawFn) -> dict[str, Any]:
    text = draw(_TEXT)
    spans = []
    for number in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        label = draw(st.sampled_from(["ACTOR", "THREAT", "Ort", "ÄÖ"]))
        spans.append(_span(number + 1, text, start, end, label))
    return _doc("doc", text, spans)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=_documents())
def test_property_export_then_read_gives_the_same_spans(tmp_path_factory: pytest.TempPathFactory,
                                                        doc: dict[str, Any]) -> None:
    out = tmp_path_factory.mktemp("brat")
    back, report = _round_trip([doc], out)
    assert not report.counts
    assert _carried(back[0]) == _carried(doc)


def test_spaces_in_label_names_are_reported_once_per_span(tmp_path: Path) -> None:
    text = "Putin spoke."
    doc = _doc("d", text, [_span(1, text, 0, 5, "state actor"), _span(2, text, 6, 11, "speech act")],
               [{"id": 1, "head": 1, "tail": 2, "label": "says", "annotator": "ana", "layer": "annotation",
                 "attrs": {}}])
    back, report = _round_trip([doc], tmp_path / "out")
    assert report.counts == {"spaces in label or attribute names (written as '_')": 2}
    assert [s["label"] for s in back[0]["spans"]] == ["state_actor", "speech_act"]
    assert len(back[0]["relations"]) == 1
