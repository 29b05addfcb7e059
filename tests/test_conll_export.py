"""CoNLL export: a span is never cut by a sentence break, and each tag scheme reads back in seqeval.

A break the sentencizer puts inside a span (or a line break inside it) moves to the span's end
and the span is counted; before, the span's second half started a sentence with ``I-``, which
BIO readers take as another entity. Each scheme (``bio``, ``bioes``, ``iob1``) is read by
seqeval's strict reader of that scheme, and by our importer, as the spans that went out.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from seqeval.scheme import IOB1, IOB2, IOBES, Entities

from annotator.errors import UserError
from annotator.formats.base import LossReport, ReadOptions
from annotator.formats.conll import export_conll, read_conll, with_options
from annotator.formats.tag_schemes import SCHEMES, Scheme, detect_scheme
from tests.test_conll_schemes import IOB1_FILE

SEQEVAL = {"iob1": IOB1, "bio": IOB2, "bioes": IOBES}
KEPT_WHOLE = "sentence breaks inside spans (moved after the span, so the span stays whole; counted per span)"


def _doc(text: str, phrases: list[tuple[str, str]]) -> dict[str, Any]:
    spans, start = [], 0
    for number, (phrase, label) in enumerate(phrases, start=1):
        start = text.index(phrase, start)
        spans.append({"id": number, "start": start, "end": start + len(phrase), "text": phrase, "label": label,
                      "annotator": "ana", "layer": "annotation", "attrs": {}, "note": None, "actor": None})
        start += len(phrase)
    return {"id": "d", "title": "d", "text": text, "meta": {}, "spans": spans, "relations": [], "doc_labels": [],
            "notes": [], "status": {}}


def _written(path: Path) -> list[list[tuple[str, str]]]:
    sentences: list[list[tuple[str, str]]] = [[]]
    for line in path.read_text(encoding="utf-8").split("\n"):
        columns = line.split()
        if not columns or columns[0] == "-DOCSTART-":
            if sentences[-1]:
                sentences.append([])
            continue
        sentences[-1].append((columns[0], columns[-1]))
    return [sentence for sentence in sentences if sentence]


def _export(tmp_path: Path, doc: dict[str, Any], scheme: Scheme = "bio") -> tuple[list[list[tuple[str, str]]], LossReport]:
    report = LossReport()
    out = tmp_path / f"{scheme}.conll"
    export_conll([doc], out, report, scheme=scheme)
    return _written(out), report


def test_a_sentence_break_inside_a_span_moves_after_it(tmp_path: Path) -> None:
    """The sentencizer ends a sentence after 'talks.', the text's line break inside 'New\nYork':
    both sentences now end where the span does."""
    text = "Minsk talks. Ltd and Moscow met.\nNew\nYork agreed. Then Kyiv spoke."
    doc = _doc(text, [("talks. Ltd", "ORG"), ("New\nYork", "LOC"), ("Kyiv", "LOC")])
    sentences, report = _export(tmp_path, doc)
    assert report.counts == {KEPT_WHOLE: 2}
    assert sentences == [
        [("Minsk", "O"), ("talks", "B-ORG"), (".", "I-ORG"), ("Ltd", "I-ORG")],
        [("and", "O"), ("Moscow", "O"), ("met", "O"), (".", "O")],
        [("New", "B-LOC"), ("York", "I-LOC")],
        [("agreed", "O"), (".", "O")],
        [("Then", "O"), ("Kyiv", "B-LOC"), ("spoke", "O"), (".", "O")]]


def test_a_span_over_two_spaces_is_one_entity(tmp_path: Path) -> None:
    """spaCy makes the second space a token of its own; the span goes on across it."""
    sentences, report = _export(tmp_path, _doc("They met in New  York today.", [("New  York", "LOC")]))
    assert [tag for sentence in sentences for _token, tag in sentence] == ["O", "O", "O", "B-LOC", "I-LOC", "O", "O"]
    assert not report.counts


@pytest.mark.parametrize("scheme", SCHEMES)
def test_each_scheme_reads_back_in_seqeval_and_here(tmp_path: Path, scheme: Scheme) -> None:
    text = "Angela Merkel met Macron in New York City.\nPutin Lukashenko and the EU talked in Minsk today."
    phrases = [("Angela Merkel", "PER"), ("Macron", "PER"), ("New York City", "LOC"), ("Putin", "PER"),
               ("Lukashenko", "PER"), ("EU", "ORG"), ("Minsk", "LOC")]
    sentences, report = _export(tmp_path, _doc(text, phrases), scheme)
    assert not report.counts
    tags = [[tag for _token, tag in sentence] for sentence in sentences]
    assert detect_scheme(tags) == scheme
    found = [(" ".join(token for token, _tag in sentences[entity.sent_id][entity.start:entity.end]), entity.tag)
             for sentence in Entities(tags, SEQEVAL[scheme]).entities for entity in sentence]
    assert found == phrases
    back = LossReport()
    [doc] = read_conll([tmp_path / f"{scheme}.conll"], ReadOptions(), back)
    assert not back.counts
    assert [(span["text"], span["label"]) for span in doc["spans"]] == phrases
    if scheme == "iob1":  # B- only where a PER follows a PER
        assert tags[1][:2] == ["I-PER", "B-PER"] and tags[0][0] == "I-PER"


@pytest.mark.slow
def test_conll_2003_iob1_comes_back_as_it_was(tmp_path: Path) -> None:
    """The real commands: CoNLL-2003's IOB1 file imported, exported with --conll-scheme iob1, gives
    the same tokens, sentences and NER tags; an option for another format is refused, no traceback."""
    source = tmp_path / "eng.conll"
    source.write_text(IOB1_FILE, encoding="utf-8")
    location, out = tmp_path / "p.db", tmp_path / "out.conll"

    def annotator(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], capture_output=True, text=True,
                              timeout=120)

    imported = annotator("import", location, source)
    assert imported.returncode == 0 and imported.stderr == ""  # nothing reported as left out
    exported = annotator("export", location, out, "--format", "conll", "--conll-scheme", "iob1")
    assert exported.returncode == 0, exported.stderr
    assert _written(out) == _written(source)
    refused = annotator("export", location, tmp_path / "x.jsonl", "--format", "jsonl", "--conll-scheme", "bioes")
    assert refused.returncode == 1 and "[E1121]" in refused.stderr and "Traceback" not in refused.stderr
    assert not (tmp_path / "x.jsonl").exists()


@pytest.mark.parametrize("options", [{"conll_scheme": "iob2"}, {"label_column": "cats"}])
def test_options_conll_does_not_take_are_refused(options: dict[str, str]) -> None:
    with pytest.raises(UserError, match=r"^\[E1143\] CoNLL's export takes no option"):
        with_options(options)
