"""CoNLL-2003 BIO: seqeval reads the exported tags, round trips, what is left out is counted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from seqeval.metrics.sequence_labeling import get_entities

from annotator.errors import UserError
from annotator.formats.base import FORMATS, LossReport, ReadOptions
from annotator.formats.conll import export_conll, read_conll

TEXT = "Vladimir Putin met Wolodymyr Selenskyj 🇺🇦 in New York.\nThe EU said no. NATO agreed"


def _span(sid: int, text: str, phrase: str, label: str, nth: int = 0, **extra: Any) -> dict[str, Any]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return {"id": sid, "start": start, "end": start + len(phrase), "text": phrase, "label": label,
            "annotator": "ana", "layer": "annotation", "attrs": {}, "note": None, "actor": None} | extra


def _doc(doc_id: str, text: str, spans: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"id": doc_id, "title": doc_id, "text": text, "meta": {}, "spans": spans, "relations": [],
            "doc_labels": [], "notes": [], "status": {}} | extra


def _sentences(path: Path) -> list[list[tuple[str, str]]]:
    """Token/tag sequences as a CoNLL reader sees them (first column word, last column tag)."""
    sentences: list[list[tuple[str, str]]] = [[]]
    for line in path.read_text(encoding="utf-8").split("\n"):
        columns = line.split()
        if not columns or columns[0] == "-DOCSTART-":
            if sentences[-1]:
                sentences.append([])
            continue
        assert len(columns) == 4 and columns[1:3] == ["-X-", "_"]
        sentences[-1].append((columns[0], columns[-1]))
    return [s for s in sentences if s]


def test_registered() -> None:
    fmt = FORMATS["conll"]
    assert fmt.target == "file" and fmt.export is export_conll and fmt.read is read_conll


def test_seqeval_reads_the_exported_entities(tmp_path: Path) -> None:
    spans = [_span(1, TEXT, "Vladimir Putin", "PER"), _span(2, TEXT, "Wolodymyr Selenskyj", "PER"),
             _span(3, TEXT, "New York", "LOC"), _span(4, TEXT, "EU", "ORG"), _span(5, TEXT, "NATO", "ORG")]
    out = tmp_path / "train.conll"
    report = LossReport()
    export_conll([_doc("d1", TEXT, spans)], out, report)
    assert not report.counts
    assert out.read_text(encoding="utf-8").startswith("-DOCSTART- -X- O O\n\nVladimir -X- _ B-PER\n")
    sentences = _sentences(out)
    assert len(sentences) == 3  # sentencizer: "…York." | "The EU said no." | "NATO agreed" (line break)
    found = []
    for sentence in sentences:
        tokens = [token for token, _ in sentence]
        for label, first, last in get_entities([tag for _, tag in sentence]):
            found.append((" ".join(tokens[first:last + 1]), label))
    assert found == [("Vladimir Putin", "PER"), ("Wolodymyr Selenskyj", "PER"), ("New York", "LOC"),
                     ("EU", "ORG"), ("NATO", "ORG")]


def test_round_trip_of_spans_on_token_boundaries(tmp_path: Path) -> None:
    text = "Putin met Selenskyj 🇺🇦 in Kyjiw .\nThe EU said no ."
    docs = [_doc("a", text, [_span(1, text, "Putin", "PER"), _span(2, text, "Selenskyj 🇺🇦", "PER"),
                             _span(3, text, "The EU", "ORG")]),
            _doc("b", "Nothing to see here .", [])]
    out = tmp_path / "out.conll"
    export_conll(docs, out, LossReport())
    report = LossReport()
    back = list(read_conll([out], ReadOptions(annotator="ner", layer="gold"), report))
    assert not report.counts
    assert [d["id"] for d in back] == ["out-1", "out-2"]
    # The flag is two regional-indicator tokens for spaCy: CoNLL rebuilds the text with single spaces.
    assert back[0]["text"] == text.replace("🇺🇦", "🇺 🇦")
    assert [(s["text"], s["label"], s["annotator"], s["layer"]) for s in back[0]["spans"]] == [
        ("Putin", "PER", "ner", "gold"), ("Selenskyj 🇺 🇦", "PER", "ner", "gold"), ("The EU", "ORG", "ner", "gold")]
    assert back[1]["text"] == "Nothing to see here ." and back[1]["spans"] == []
    for doc in back:
        for span in doc["spans"]:
            assert doc["text"][span["start"]:span["end"]] == span["text"]


def test_overlaps_and_what_conll_cannot_carry_are_counted(tmp_path: Path) -> None:
    spans = [_span(1, TEXT, "Vladimir Putin", "PER", attrs={"actor_type": "person"}, note="president"),
             _span(2, TEXT, "Putin", "PER"),                       # nested in 1
             _span(3, TEXT, "Putin met", "EVENT"),                # crosses 1
             _span(4, TEXT, "New York", "LOC"),
             _span(5, TEXT, "York", "LOC", actor=3),               # nested in 4
             _span(6, TEXT, "EU", "ORG"),
             _span(7, TEXT, " ", "WS")]
    relations = [{"id": 1, "head": 1, "tail": 4, "label": "met_in", "annotator": "ana", "layer": "annotation",
                  "attrs": {}}]
    doc = _doc("d", TEXT, spans, relations=relations, doc_labels=[{"label": "relevant", "annotator": "ana"}])
    report = LossReport()
    export_conll([doc], tmp_path / "x.conll", report)
    assert report.counts == {
        "overlapping spans (CoNLL has one label per token)": 3,
        "spans on whitespace only (no token to tag)": 1,
        "relations (CoNLL has no relations)": 1,
        "span attributes (CoNLL has tags only)": 1,
        "span notes (CoNLL has tags only)": 1,
        "actor links of spans (CoNLL has tags only)": 1,
        "document labels (CoNLL has tags only)": 1,
    }
    assert "left out 3 overlapping spans (CoNLL has one label per token)" in report.lines()
    tags = [tag for sentence in _sentences(tmp_path / "x.conll") for _, tag in sentence]
    assert tags[:3] == ["B-PER", "I-PER", "O"]  # the longest span keeps the tokens


def test_adjacent_entities_of_one_label_stay_apart(tmp_path: Path) -> None:
    text = "Putin Biden Xi"
    spans = [_span(1, text, "Putin", "PER"), _span(2, text, "Biden Xi", "PER")]
    export_conll([_doc("d", text, spans)], tmp_path / "x.conll", LossReport())
    assert [tag for s in _sentences(tmp_path / "x.conll") for _, tag in s] == ["B-PER", "B-PER", "I-PER"]
    (doc,) = read_conll([tmp_path / "x.conll"], ReadOptions(), LossReport())
    assert [s["text"] for s in doc["spans"]] == ["Putin", "Biden Xi"]


def test_lenient_import_of_iob1_and_bioes(tmp_path: Path) -> None:
    path = tmp_path / "mixed.conll"
    path.write_text("EU\tI-ORG\nrejects\tO\nGerman\tI-MISC\ncall\tO\n\n"
                    "Angela S-PER\nMerkel B-PER\nvon E-PER\nder O\nLeyen I-PER\n", encoding="utf-8")
    report = LossReport()
    (doc,) = read_conll([path], ReadOptions(), report)
    assert doc["text"] == "EU rejects German call\nAngela Merkel von der Leyen"
    assert [(s["text"], s["label"]) for s in doc["spans"]] == [
        ("EU", "ORG"), ("German", "MISC"), ("Angela", "PER"), ("Merkel von", "PER"), ("Leyen", "PER")]
    # S- and E- make the file BIOES: the three I- without a B- break it, and are counted
    assert report.lines() == ["left out 3 tags that break the BIOES scheme (an I- or E- without a B-, a B- or I- "
                              "without an E-: entities read as seqeval reads them)"]


@pytest.mark.parametrize(("content", "message"), [
    ("Putin B-PER\nspoke\n", r"x\.conll, line 2: a CoNLL line needs a token and a tag"),
    ("Putin B-PER\nspoke PER\n", r"x\.conll, line 2: 'PER' is not a BIO tag"),
])
def test_malformed_conll_gives_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "x.conll"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UserError, match=message):
        list(read_conll([path], ReadOptions(), LossReport()))


def test_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "x.conll"
    path.write_bytes("Müller B-PER\n".encode("latin-1"))
    with pytest.raises(UserError, match=r"x\.conll is not UTF-8"):
        list(read_conll([path], ReadOptions(), LossReport()))
