"""spaCy DocBin: lossless own round trip, ents/spans for other readers, and `spacy train` on the export."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotator.errors import UserError
from annotator.formats import LossReport, ReadOptions, docbin
from annotator.output_files import OutputSet
from tests.format_fixtures import sample_docs, span


def test_round_trip_is_lossless_through_user_data(tmp_path: Path) -> None:
    report = LossReport()
    docbin.export(sample_docs(), tmp_path / "out.spacy", report)
    assert list(docbin.read([tmp_path / "out.spacy"], ReadOptions(), LossReport())) == sample_docs()
    assert report.lines() == ["left out 1 overlapping spans from doc.ents (they are in doc.spans['sc'] only)"]


def test_spacy_sees_all_spans_in_sc_and_non_overlapping_ones_in_ents(tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    docbin.export(sample_docs(), tmp_path / "out.spacy", LossReport())
    doc = next(DocBin().from_disk(tmp_path / "out.spacy").get_docs(spacy.blank("en").vocab))
    assert [(s.text, s.label_) for s in doc.spans["sc"]] == [
        ("Putin", "ACTOR"), ("NATO", "ACTOR"), ("warned NATO", "THREAT"), ("Kremlin", "ACTOR")]
    assert [(e.text, e.label_) for e in doc.ents] == [("Putin", "ACTOR"), ("warned NATO", "THREAT"), ("Kremlin", "ACTOR")]


def test_foreign_docbin_is_read_from_its_spans(tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    doc = spacy.blank("en")("😀 Angela Merkel met Macron")
    doc.ents = [doc.char_span(2, 15, label="PER"), doc.char_span(20, 26, label="PER")]
    DocBin(docs=[doc]).to_disk(tmp_path / "foreign.spacy")
    [back] = docbin.read([tmp_path / "foreign.spacy"], ReadOptions(annotator="model"), LossReport())
    assert back["id"] == "foreign-1"
    assert [(s["text"], s["label"], s["annotator"]) for s in back["spans"]] == [
        ("Angela Merkel", "PER", "model"), ("Macron", "PER", "model")]


def test_not_a_docbin_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / "junk.spacy").write_bytes(b"not a docbin")
    with pytest.raises(UserError, match="E874.*junk.spacy"):
        list(docbin.read([tmp_path / "junk.spacy"], ReadOptions(), LossReport()))


def _training_docs(count: int) -> list[dict]:
    docs = []
    for number in range(count):
        text = f"Minister {number} warned that Russia could strike the grid 😀 again."
        start = text.index("Russia")
        threat = text.index("strike")
        docs.append({"id": f"d{number}", "title": None, "text": text, "meta": {}, "relations": [], "doc_labels": [],
                     "notes": [], "status": {}, "spans": [span(1, text, start, start + 6, "ACTOR"),
                                                          span(2, text, threat, threat + 15, "THREAT")]})
    return docs


@pytest.mark.slow
def test_exported_split_trains_with_spacy_train(tmp_path: Path) -> None:
    docs = _training_docs(20)
    with OutputSet() as outputs:  # one export of two parts, as the pipeline writes a split
        docbin.export(docs[:16], tmp_path / "train.spacy", LossReport(), outputs)
        docbin.export(docs[16:], tmp_path / "dev.spacy", LossReport(), outputs)
    config = (tmp_path / "config.cfg").read_text()
    assert 'train = "train.spacy"' in config and 'dev = "dev.spacy"' in config
    result = subprocess.run(
        [sys.executable, "-m", "spacy", "train", "config.cfg", "--output", str(tmp_path / "model"),
         "--training.max_epochs", "1", "--training.max_steps", "20"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "model" / "model-last").is_dir()
