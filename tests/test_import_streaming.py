"""Streaming import (issue 20): JSONL and CSV files, plain and canonical, are read a line at a time
and written into one open transaction per file, so their size does not decide the memory an
import takes, while a bad line anywhere (the last one too) still changes nothing. And every way
a document reaches a project leaves the full-text index agreeing with the documents."""

from __future__ import annotations

import codecs
import json
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import GeneratorType
from typing import Any

import pytest
import sqlalchemy as sa

import annotator.corpus.importer as importer
import annotator.corpus.text_stream as text_stream
import annotator.formats.ingest as ingest
from annotator.corpus.decode import read_text
from annotator.corpus.importer import import_paths
from annotator.corpus.readers import stream_file
from annotator.corpus.text_stream import text_lines
from annotator.errors import UserError
from annotator.formats.jsonl import stream_lines
from annotator.importing import import_files
from annotator.limits import DEFAULT_LIMITS
from annotator.search import search
from annotator.store import Project
from annotator.store.backups import restore_backup, take_backup
from annotator.store.copy import copy_project
from annotator.store.pending import catch_up, pending_counts
from annotator.store.tables import DOC
from tests.conftest import integrity_check


def _words(count: int, prefix: str = "word") -> list[str]:
    """Distinct made-up words the tokenizer keeps whole: one document each."""
    return [f"{prefix}{chr(97 + index // 26)}{chr(97 + index % 26)}" for index in range(count)]


def _jsonl(path: Path, words: list[str], last: str | None = None, filler: str = "") -> Path:
    lines = [json.dumps({"id": word, "text": f"Minsk said {word} today.{filler}"}) for word in words]
    path.write_text("\n".join(lines + ([last] if last is not None else [])) + "\n", encoding="utf-8")
    return path


def _found(project: Project, word: str) -> list[str]:
    return [hit.doc_name for hit in search(project, word).hits]


def _documents(project: Project) -> int:
    with project.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(DOC)).scalar_one()


def _index_agrees(project: Project) -> None:
    """SQLite: the index is whole as it is, and once the pending documents are caught up (as any
    search does first) FTS5 finds it agrees with the document table (rank 1 reads the content
    too, so before the catch-up it would count the pending documents as missing)."""
    if project.engine.dialect.name == "sqlite":
        with project.engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO document_fts(document_fts) VALUES ('integrity-check')")
        catch_up(project)
        assert not pending_counts(project)
        with project.engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO document_fts(document_fts, rank) VALUES ('integrity-check', 1)")


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two documents a batch or chunk, so a file of a few lines is written in several steps."""
    monkeypatch.setattr(importer, "BATCH_DOCUMENTS", 2)
    monkeypatch.setattr(ingest, "CHUNK_DOCUMENTS", 2)


# --- the readers hand out documents as they read ----------------------------------------------


def test_jsonl_and_csv_readers_are_generators_that_read_line_by_line(tmp_path: Path) -> None:
    """The first document comes out although a later line is broken: nothing reads ahead."""
    plain = stream_file(_jsonl(tmp_path / "plain.jsonl", ["alpha", "beta"], last="{broken"))
    assert isinstance(plain, GeneratorType)
    assert next(iter(plain)).name == "alpha"
    table = tmp_path / "table.csv"
    table.write_text('id,text\n1,"Minsk, first"\n2,"unclosed\n', encoding="utf-8")
    rows = stream_file(table)
    assert isinstance(rows, GeneratorType)
    assert next(iter(rows)).text == "Minsk, first"
    canonical = tmp_path / "canonical.jsonl"
    canonical.write_text(json.dumps({"id": "a", "text": "Minsk.", "spans": []}) + "\n{broken\n", encoding="utf-8")
    docs = stream_lines(canonical)
    assert isinstance(docs, GeneratorType)
    assert next(docs)["id"] == "a"
    with pytest.raises(UserError, match=r"\[E309\].*line 2"):
        next(docs)


CONTENTS = [
    "plain\nlines\n",
    "no newline at the end",
    "crlf\r\nand lone\rcr\r\n\r\nblank line above\r\n",
    "\ufeffmark at the start\nМинск — Лукашэнка 🇧🇾\n",
    "cr at a block edge\r",
    "\n\n  \nlast\n",
]


@pytest.mark.parametrize("block", [3, 1 << 20])
@pytest.mark.parametrize("content", CONTENTS)
def test_lines_are_read_text_split_at_lf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str,
                                         block: int) -> None:
    """Blocks of 3 bytes cut CRLF pairs and multi-byte characters apart: the lines are still
    exactly those of the whole-file reader, each with its LF."""
    monkeypatch.setattr(text_stream, "BLOCK_BYTES", block)
    path = tmp_path / "file.jsonl"
    path.write_bytes(content.encode("utf-8"))
    with text_lines(path, DEFAULT_LIMITS) as lines:
        read = list(lines)
    assert "".join(read) == read_text(path)
    assert all(line.endswith("\n") for line in read[:-1])


@pytest.mark.parametrize(("data", "code"), [
    (b"text\x00with a NUL\n", "E304"),
    (b" \n\t\r\n", "E308"),
    (b"\xef\xbb\xbf  \n", "E308"),
    (b"\x01\x02\x03\x04 x\n", "E306"),
    ("a\x85\x86\x87\x88\x89\n".encode(), "E306"),
])
def test_a_file_refused_whole_is_refused_before_its_first_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              data: bytes, code: str) -> None:
    monkeypatch.setattr(text_stream, "BLOCK_BYTES", 2)
    path = tmp_path / "bad.jsonl"
    path.write_bytes(data)
    with pytest.raises(UserError, match=rf"\[{code}\]") as whole:
        read_text(path)
    with pytest.raises(UserError, match=rf"\[{code}\]") as streamed, text_lines(path, DEFAULT_LIMITS):
        pass
    assert str(streamed.value) == str(whole.value)


@pytest.mark.parametrize(("text", "encoding"), [("Мінск, Лукашэнка.\nДругі радок\r\n", "cp1251"),
                                                ("Minsk\nline two\n", "utf-16")])
def test_files_not_in_utf8_are_read_whole_as_before(tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / "legacy.csv"
    path.write_bytes((codecs.BOM_UTF16 if encoding == "utf-16" else b"") + text.encode(
        "utf-16-le" if encoding == "utf-16" else encoding))
    with text_lines(path, DEFAULT_LIMITS) as lines:
        assert "".join(lines) == read_text(path)


# --- one transaction per file, rows streamed into it ------------------------------------------


def test_rows_are_written_while_the_file_is_read(project: Project, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch, small_batches: None) -> None:
    """The importer writes a batch before it reads the rest of the file (and the format
    ingestion a chunk), so neither holds the file's documents whole."""
    events: list[str] = []
    original_stream, original_write = importer.stream_file, importer._write

    def counted(path: Path, **options: Any) -> Iterator[Any]:
        for draft in original_stream(path, **options):
            events.append("read")
            yield draft

    def write(*args: Any) -> None:
        events.append("write")
        original_write(*args)

    monkeypatch.setattr(importer, "stream_file", counted)
    monkeypatch.setattr(importer, "_write", write)
    import_paths(project, [_jsonl(tmp_path / "five.jsonl", _words(5))])
    assert events == ["read", "read", "write", "read", "read", "write", "read", "write"]

    chunks: list[int] = []
    original_chunk_write = ingest._Writer.write

    def write_chunk(self: ingest._Writer, docs: list[Any]) -> list[int]:
        chunks.append(len(docs))
        return original_chunk_write(self, docs)

    monkeypatch.setattr(ingest._Writer, "write", write_chunk)
    canonical = tmp_path / "canonical.jsonl"
    canonical.write_text("".join(json.dumps({"id": word, "text": f"Brest saw {word}.", "spans": []}) + "\n"
                                 for word in _words(5, "canon")), encoding="utf-8")
    assert not import_files(project, [canonical]).refused
    assert chunks == [2, 2, 1]


def test_a_bad_last_line_changes_nothing(project: Project, tmp_path: Path, small_batches: None) -> None:
    """Plain JSONL, CSV and canonical JSONL whose last line is bad: the batches written before it
    are rolled back with it, and the file before and the file after are imported."""
    before = _jsonl(tmp_path / "a_before.jsonl", ["earlier"])
    plain = _jsonl(tmp_path / "b_plain.jsonl", _words(5, "plain"), last='{"text": 42}')
    table = tmp_path / "c_table.csv"
    table.write_text("id,text\n" + "".join(f"{word},Gomel saw {word}.\n" for word in _words(5, "row"))
                     + "6,too,many\n", encoding="utf-8")
    canonical = tmp_path / "d_canonical.jsonl"
    canonical.write_text("".join(json.dumps({"id": word, "text": f"Brest saw {word}.", "spans": []}) + "\n"
                                 for word in _words(5, "canon"))
                         + json.dumps({"id": "bad", "text": "Short.", "spans": [
                             {"id": 1, "start": 0, "end": 99, "label": "X"}]}) + "\n", encoding="utf-8")
    after = _jsonl(tmp_path / "e_after.jsonl", ["later"])
    report = import_files(project, [before, plain, table, canonical, after])
    refused = dict(report.refused)
    assert "[E311]" in refused[str(plain)] and "line 6" in refused[str(plain)]
    assert "[E317]" in refused[str(table)] and "row 6" in refused[str(table)]
    assert "[E810]" in refused[str(canonical)] and "'bad'" in refused[str(canonical)]
    assert [document.name for document in report.imported] == ["earlier", "later"]
    assert _documents(project) == 2
    for word in ("plainaa", "rowaa", "canonaa"):
        assert _found(project, word) == []
    assert _found(project, "earlier") == ["earlier"]
    _index_agrees(project)


def test_streamed_files_keep_their_place_and_their_duplicates(project: Project, tmp_path: Path,
                                                              small_batches: None) -> None:
    """Plain texts queued before a JSONL file are written before it; a text twice is skipped
    once, inside one file and across files."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("Minsk said wordaa today.", encoding="utf-8")
    _jsonl(folder / "b.jsonl", ["wordaa", "wordab", "wordab", "wordac"])
    (folder / "c.txt").write_text("Minsk said wordac today.", encoding="utf-8")
    (folder / "d.txt").write_text("Pinsk, last.", encoding="utf-8")
    report = import_paths(project, [folder])
    assert [(d.name, Path(d.source).name) for d in report.imported] == [
        ("a", "a.txt"), ("wordab", "b.jsonl"), ("wordac", "b.jsonl"), ("d", "d.txt")]
    assert sorted(Path(d.source).name for d in report.duplicates) == ["b.jsonl", "b.jsonl", "c.txt"]
    ids = [d.id for d in report.imported]
    assert ids == sorted(ids)
    assert _found(project, "wordac") == ["wordac"]


def test_a_text_twice_in_a_canonical_file_counts_the_same_across_chunks(project: Project, tmp_path: Path,
                                                                       small_batches: None) -> None:
    """The second copy of a document (in a later chunk than the first) adds nothing twice: its
    spans and relations are duplicates of the first's, as within one chunk."""
    text = "Moscow warned Minsk."
    doc = {"id": "twice", "text": text, "status": {"anna": "done"},
           "spans": [{"id": 1, "start": 0, "end": 6, "label": "ACTOR", "annotator": "anna"},
                     {"id": 2, "start": 14, "end": 19, "label": "ACTOR", "annotator": "anna"}],
           "relations": [{"id": 1, "head": 1, "tail": 2, "label": "THREATENS", "annotator": "anna"}]}
    others = [{"id": word, "text": f"Grodno saw {word}.", "spans": []} for word in _words(3, "other")]
    path = tmp_path / "twice.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in [doc, *others, doc]), encoding="utf-8")
    [entry] = import_files(project, [path]).files
    assert entry.refused is None
    assert (len(entry.added), entry.matched, entry.spans, entry.relations) == (4, 1, 2, 1)
    assert entry.loss.counts == {
        "duplicate spans (same annotator, layer, label and offsets: stored once)": 2,
        "duplicate relations (same ends, label, annotator and layer: stored once)": 1}


# --- the full-text index follows every writer -------------------------------------------------


def test_every_way_in_leaves_the_index_right(project: Project, project_location: str, tmp_path: Path,
                                             small_batches: None) -> None:
    """Batched plain texts, streamed JSONL and CSV, a canonical file in chunks, a teammate's
    import through another connection: each document is found by its own word."""
    folder = tmp_path / "texts"
    folder.mkdir()
    for word in _words(3, "text"):
        (folder / f"{word}.txt").write_text(f"Vitebsk heard {word}.", encoding="utf-8")
    table = tmp_path / "rows.csv"
    table.write_text("id,text\n" + "".join(f"{word},Gomel saw {word}.\n" for word in _words(3, "row")),
                     encoding="utf-8")
    canonical = tmp_path / "canonical.jsonl"
    canonical.write_text("".join(json.dumps({"id": word, "text": f"Brest saw {word}.", "spans": [
        {"id": index + 1, "start": 0, "end": 5, "label": "PLACE"}]}) + "\n"
        for index, word in enumerate(_words(3, "canon"))), encoding="utf-8")
    import_files(project, [folder, _jsonl(tmp_path / "lines.jsonl", _words(3, "line")), table, canonical])
    with Project.open(project_location) as teammate:
        import_paths(teammate, [_jsonl(tmp_path / "mate.jsonl", _words(3, "mate"))])
    for prefix in ("text", "line", "row", "canon", "mate"):
        for word in _words(3, prefix):
            assert _found(project, word) == [word], word
    assert _documents(project) == 15
    _index_agrees(project)


def test_copies_and_restored_backups_are_searchable(tmp_path: Path) -> None:
    """``annotator copy`` (rows arriving in the target's own index) and a restored backup (the
    file copied whole, index and all) find what the original finds."""
    original = tmp_path / "original.db"
    with Project.open(original) as project:
        import_paths(project, [_jsonl(tmp_path / "first.jsonl", _words(3, "first"))])
        backup = take_backup(original)
        import_paths(project, [_jsonl(tmp_path / "second.jsonl", _words(2, "second"))])
    copy_project(str(original), str(tmp_path / "copy.db"))
    with Project.open(tmp_path / "copy.db") as copied:
        assert _found(copied, "firstab") == ["firstab"] and _found(copied, "secondab") == ["secondab"]
        _index_agrees(copied)
    restore_backup(original, backup.path)
    with Project.open(original) as restored:
        assert _found(restored, "firstac") == ["firstac"] and _found(restored, "secondaa") == []
        _index_agrees(restored)


# --- a killed import ---------------------------------------------------------------------------


@pytest.mark.slow
def test_an_import_killed_at_any_moment_leaves_the_index_agreeing_with_the_documents(tmp_path: Path) -> None:
    """``annotator import`` of texts and a JSONL file written in several batches, SIGKILLed at
    random moments: the project is whole, the JSONL file is in all or not at all, and the
    full-text index holds exactly the documents (FTS5's own check against the table)."""
    path = tmp_path / "killed.db"
    Project.open(path).close()
    rng = random.Random(20)
    for attempt in range(3):
        folder = tmp_path / f"round{attempt}"
        folder.mkdir()
        for word in _words(30, f"text{attempt}x"):
            (folder / f"{word}.txt").write_text(f"Vitebsk heard {word}.", encoding="utf-8")
        lines = _jsonl(folder / "z_lines.jsonl", [f"{word}{n}" for n in range(9) for word in _words(600, f"j{attempt}x")],
                       filler=" Grodno and Brest." * 40)
        wal = path.with_name(path.name + "-wal")
        before = wal.stat().st_size if wal.exists() else 0
        worker = subprocess.Popen([sys.executable, "-m", "annotator", "import", str(path), str(folder)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if attempt < 2:  # the last one runs to its end
            # once it writes (the log's size, looked at without opening the file), at a random moment
            while worker.poll() is None and (wal.stat().st_size if wal.exists() else 0) == before:
                time.sleep(0.01)
            time.sleep(rng.uniform(0, 1.5))
            worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=120)
        assert integrity_check(path) == "ok"
        with Project.open(path) as project:
            _index_agrees(project)
            with project.engine.connect() as connection:
                from_lines = connection.execute(sa.select(sa.func.count()).select_from(DOC).where(
                    DOC.c.source == str(lines))).scalar_one()
            assert from_lines in (0, 5400)
            if from_lines:
                assert _found(project, f"j{attempt}xaa8") == [f"j{attempt}xaa8"]
    assert from_lines == 5400  # the run left alone imported all of it
