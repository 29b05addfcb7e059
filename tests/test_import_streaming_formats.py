"""Streaming import of the formats read from one file (issue 20): Label Studio JSON, spaCy v2 JSON
and JSONL, CoNLL and spaCy DocBin hand their documents over one at a time, so a file is never held
parsed whole, and a file refused late (its last task, example or document) still changes nothing:
the chunks ingestion wrote before the refusal roll back with the file's one transaction."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from types import GeneratorType
from typing import Any

import pytest
import sqlalchemy as sa

import annotator.formats.ingest as ingest
from annotator.errors import UserError
from annotator.formats import LossReport, ReadOptions, conll, docbin, label_studio, spacy_v2, utf8_blocks
from annotator.importing import ImportOptions, import_files
from annotator.store import Project
from annotator.store.tables import DOC


def _texts(count: int, prefix: str) -> list[str]:
    return [f"Minsk said {prefix}{chr(97 + index // 26)}{chr(97 + index % 26)} today." for index in range(count)]


def _tasks(texts: list[str]) -> list[dict[str, Any]]:
    return [{"id": number, "data": {"text": text}, "annotations": [{"completed_by": 1, "result": [
        {"id": f"r{number}", "type": "labels", "from_name": "label", "to_name": "text",
         "value": {"start": 0, "end": 5, "text": "Minsk", "labels": ["GPE"]}}]}]}
        for number, text in enumerate(texts, start=1)]


def _label_studio(path: Path, texts: list[str], *, bad_last: bool = False) -> Path:
    tasks = _tasks(texts)
    if bad_last:  # well-formed JSON, but a task Label Studio never writes
        tasks.append({"data": {"text": "Broken task."}, "annotations": {"result": []}})
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _spacy_v2(path: Path, texts: list[str], *, bad_last: bool = False) -> Path:
    pairs = [[text, {"entities": [[0, 5, "GPE"]]}] for text in texts]
    if path.suffix == ".jsonl":
        lines = [json.dumps(pair, ensure_ascii=False) for pair in pairs] + (['["cut short", {"entit'] if bad_last else [])
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        text = json.dumps(pairs, ensure_ascii=False)
        path.write_text(text[:-1] + ', ["cut short", {"entit' if bad_last else text, encoding="utf-8")
    return path


def _conll(path: Path, texts: list[str], *, bad_last: bool = False) -> Path:
    blocks = ["-DOCSTART- -X- O O\n\n" + "".join(f"{token} {'B-GPE' if token == 'Minsk' else 'O'}\n"
                                                  for token in text.split()) for text in texts]
    path.write_text("\n".join(blocks) + ("Broken NOT-A-TAG\n" if bad_last else ""), encoding="utf-8")
    return path


def _docbin(path: Path, texts: list[str], *, bad_last: bool = False) -> Path:
    """A DocBin from another tool (entities only); with ``bad_last``, the last document carries
    annotator's own data with a span beyond its text, which ingestion refuses."""
    from spacy.tokens import DocBin

    nlp = docbin.blank_english()
    found = DocBin(store_user_data=True)
    for text in texts:
        doc = nlp.make_doc(text)
        doc.ents = [doc.char_span(0, 5, label="GPE")]
        found.add(doc)
    if bad_last:
        doc = nlp.make_doc("Broken document.")
        doc.user_data[docbin.USER_DATA_KEY] = json.dumps({"id": "broken", "spans": [
            {"id": 1, "start": 0, "end": 99, "label": "GPE"}], "relations": []})
        found.add(doc)
    path.write_bytes(found.to_bytes())
    return path


Writer = Callable[..., Path]
FORMATS: list[tuple[str, str, Writer, Any]] = [
    ("label-studio", "tasks.json", _label_studio, label_studio.read),
    ("spacy-v2", "train.json", _spacy_v2, spacy_v2.read),
    ("spacy-v2", "train.jsonl", _spacy_v2, spacy_v2.read),
    ("conll", "ner.conll", _conll, conll.read_conll),
    ("spacy", "train.spacy", _docbin, docbin.read),
]


def _documents(project: Project) -> int:
    with project.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(DOC)).scalar_one()


@pytest.mark.parametrize(("name", "file", "write", "read"), FORMATS, ids=[f[1] for f in FORMATS])
def test_documents_are_made_one_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, file: str,
                                          write: Writer, read: Any) -> None:
    """The reader is a generator, and when it hands over its first document it has made that one
    alone (each reader's one-document step is counted)."""
    module, step = {"label-studio": (label_studio._TaskReader, "read"), "spacy-v2": (spacy_v2._Example, "read"),
                    "conll": (conll, "_document"), "spacy": (docbin, "_canonical")}[name]
    made: list[int] = []
    original = getattr(module, step)

    def counted(*args: Any, **kwargs: Any) -> Any:
        made.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, step, counted)
    docs = read([write(tmp_path / file, _texts(5, "lazy"))], ReadOptions(), LossReport())
    assert isinstance(docs, GeneratorType)
    first = next(docs)
    assert first["text"] == "Minsk said lazyaa today." and len(made) == 1
    assert len(list(docs)) == 4 and len(made) == 5


@pytest.mark.parametrize(("name", "file", "write", "read"), [f for f in FORMATS if f[0] in ("label-studio", "spacy-v2")],
                         ids=["label-studio", "spacy-v2.json", "spacy-v2.jsonl"])
def test_the_first_document_comes_before_a_bad_last_one_is_read(tmp_path: Path, name: str, file: str, write: Writer,
                                                                read: Any) -> None:
    """Label Studio's last task is refused (E972) and spaCy v2's last example is cut short (E1100)
    only after the documents before them have been handed over."""
    docs = read([write(tmp_path / file, _texts(3, "early"), bad_last=True)], ReadOptions(), LossReport())
    assert next(docs)["text"] == "Minsk said earlyaa today."
    with pytest.raises(UserError, match=r"\[E972\].*task 4" if name == "label-studio" else r"\[E1100\]"):
        list(docs)


def test_a_bad_conll_line_is_found_before_the_first_document(tmp_path: Path) -> None:
    """CoNLL checks every line in a first pass (it needs the whole file's tags for its scheme
    anyway): a bad last line refuses the file before any document, as reading it whole did."""
    docs = conll.read_conll([_conll(tmp_path / "ner.conll", _texts(3, "line"), bad_last=True)], ReadOptions(),
                            LossReport())
    with pytest.raises(UserError, match=r"\[E850\].*line 21: 'NOT-A-TAG'"):
        next(docs)


@pytest.mark.parametrize(("name", "file", "write", "read"), FORMATS, ids=[f[1] for f in FORMATS])
def test_a_file_refused_late_changes_nothing(project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            name: str, file: str, write: Writer, read: Any) -> None:
    """Ingestion writes two documents at a time; the file before and the file after the bad one
    are imported, and of the bad one nothing stays, though chunks of it were written (except for
    CoNLL, refused in its first pass)."""
    monkeypatch.setattr(ingest, "CHUNK_DOCUMENTS", 2)
    chunks: list[int] = []
    original = ingest._Writer.write

    def write_chunk(self: ingest._Writer, docs: list[Any]) -> list[int]:
        chunks.append(len(docs))
        return original(self, docs)

    monkeypatch.setattr(ingest._Writer, "write", write_chunk)
    before = write(tmp_path / f"a_{file}", _texts(1, "before"))
    bad = write(tmp_path / f"b_{file}", _texts(5, "bad"), bad_last=True)
    after = write(tmp_path / f"c_{file}", _texts(1, "after"))
    report = import_files(project, [before, bad, after], ImportOptions(format=name))
    assert [path for path, _message in report.refused] == [str(bad)]
    assert sorted(document.name for document in report.imported) == sorted(
        [f"a_{Path(file).stem}-1", f"c_{Path(file).stem}-1"] if name != "label-studio" else ["1", "1"])
    assert _documents(project) == 2
    assert sum(chunks) >= (2 if name == "conll" else 6)  # 1 + 1, and for most also the bad file's first five


@pytest.mark.slow
@pytest.mark.parametrize(("name", "file", "write", "read"), FORMATS[:4], ids=[f[1] for f in FORMATS[:4]])
def test_reading_a_file_holds_less_than_twice_its_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str,
                                                       file: str, write: Writer, read: Any) -> None:
    """Python's own count of the memory the reader holds at its peak, documents let go as they
    come (as ingestion lets each chunk go): under twice the file's size (parsing it whole held
    five times that for Label Studio, seventeen for CoNLL). Blocks of 4 KB instead of a megabyte,
    so that the window's constant part is small beside this small file."""
    monkeypatch.setattr(utf8_blocks, "BLOCK_BYTES", 4096)
    path = write(tmp_path / file, _texts(2500, "held"))
    size = path.stat().st_size
    tracemalloc.start()
    try:
        for _doc in read([path], ReadOptions(), LossReport()):
            pass
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * size, (peak, size)
