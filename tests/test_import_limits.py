"""Import size limits: a file or document over the limit is refused with a message that says how
to raise it, nothing of it is written, and raising the limit (per run or per project) lets it in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.corpus.importer import import_paths
from annotator.errors import UserError
from annotator.formats.detect import detect_format
from annotator.limits import (
    DEFAULT_LIMITS,
    MB,
    ImportLimits,
    project_limits,
    save_limits,
    with_overrides,
)
from annotator.store import Project
from tests.cli_runs import run_here
from tests.fuzz_support import table_counts
from tests.import_runs import import_strictly

ARTICLE = "The Kremlin said Minsk would stay sovereign, and NATO disagreed at length. "


def _canonical_line(text: str) -> str:
    return json.dumps({"id": "d1", "text": text, "spans": [
        {"id": 1, "start": 4, "end": 11, "label": "ACTOR", "annotator": "alice"}], "relations": []})


def test_defaults_are_generous_and_stored_values_win(project: Project) -> None:
    assert project_limits(project) == DEFAULT_LIMITS
    assert DEFAULT_LIMITS.max_document_chars >= 64 * MB and DEFAULT_LIMITS.max_file_bytes >= 512 * MB
    save_limits(project, ImportLimits(max_document_chars=1000, max_file_bytes=2000))
    assert project_limits(project) == ImportLimits(1000, 2000)
    assert with_overrides(project_limits(project), max_file_mb=3) == ImportLimits(1000, 3 * MB)
    with pytest.raises(UserError, match=r"\[E332\] --max-document-mb"):
        with_overrides(DEFAULT_LIMITS, max_document_mb=0)


def test_corpus_file_over_the_limit_is_refused_unread_and_nothing_written(project: Project, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(ARTICLE * 40, encoding="utf-8")
    small = tmp_path / "small.txt"
    small.write_text(ARTICLE, encoding="utf-8")
    report = import_paths(project, [big, small], limits=ImportLimits(max_file_bytes=1000))
    [(path, message)] = report.failures
    assert path == str(big)
    assert "[E330]" in message and str(big) in message and f"{big.stat().st_size:,} bytes" in message
    assert "--max-file-mb" in message and "annotator limits PROJECT" in message
    assert [doc.name for doc in report.imported] == ["small"]
    assert project.documents.count() == 1

    raised = import_paths(project, [big], limits=ImportLimits(max_file_bytes=10_000))
    assert not raised.failures and len(raised.imported) == 1


def test_corpus_document_over_the_limit_names_line_and_writes_nothing_of_the_file(
        project: Project, tmp_path: Path) -> None:
    source = tmp_path / "articles.jsonl"
    source.write_text("\n".join(json.dumps({"text": text}) for text in (ARTICLE, ARTICLE * 10)) + "\n",
                      encoding="utf-8")
    save_limits(project, ImportLimits(max_document_chars=200))  # the project's own limit applies
    report = import_paths(project, [source])
    [(_path, message)] = report.failures
    assert "[E331]" in message and f"{source}, line 2" in message and "--max-document-mb" in message
    assert project.documents.count() == 0

    save_limits(project, ImportLimits(max_document_chars=10_000))
    assert len(import_paths(project, [source]).imported) == 2


def test_csv_row_over_the_limit_names_the_row(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "articles.csv"
    source.write_text(f"id,text\na,\"{ARTICLE}\"\nb,\"{ARTICLE * 5}\"\n", encoding="utf-8")
    report = import_paths(project, [source], limits=ImportLimits(max_document_chars=100))
    assert "row 2 (line 3)" in report.failures[0][1]
    assert project.documents.count() == 0


def test_dataset_import_over_the_limits_changes_nothing_until_raised(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "data.jsonl"
    source.write_text(_canonical_line(ARTICLE * 3) + "\n", encoding="utf-8")
    before = table_counts(project)
    with pytest.raises(UserError, match=r"\[E330\]") as refused:
        import_strictly(project, [source], "jsonl", limits=ImportLimits(max_file_bytes=100))
    assert str(source) in str(refused.value)
    with pytest.raises(UserError, match=r"\[E331\].*document 'd1'.*--max-document-mb"):
        import_strictly(project, [source], "jsonl", limits=ImportLimits(max_document_chars=100))
    assert table_counts(project) == before

    result = import_strictly(project, [source], "jsonl", limits=ImportLimits(max_document_chars=1000))
    assert (len(result.imported), result.count("spans")) == (1, 1)


def test_canonical_jsonl_over_the_limit_is_not_peeked_into(project: Project, tmp_path: Path) -> None:
    """Without --format, a .jsonl is sniffed for "spans" by reading its first line; a file over the
    limit goes straight to the corpus reader, which refuses it unread."""
    source = tmp_path / "data.jsonl"
    source.write_text(_canonical_line(ARTICLE) + "\n", encoding="utf-8")
    assert detect_format(source, DEFAULT_LIMITS) == "jsonl"
    small = ImportLimits(max_file_bytes=100)
    assert detect_format(source, small) is None
    assert "[E330]" in import_paths(project, [source], limits=small).failures[0][1]


def test_zip_whose_unpacked_size_is_over_the_limit_is_refused(project: Project, tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("doc.xmi", b"<a/>" + b" " * 5_000_000)
    assert archive.stat().st_size < 100_000
    with pytest.raises(UserError, match=r"\[E330\].*bomb.zip \(unpacked\)"):
        import_strictly(project, [archive], "xmi", limits=ImportLimits(max_file_bytes=1_000_000))


def test_docbin_that_unpacks_over_the_limit_is_refused_unpacked(project: Project, tmp_path: Path) -> None:
    import zlib

    source = tmp_path / "bomb.spacy"
    source.write_bytes(zlib.compress(b"\x00" * 5_000_000, 9))
    assert source.stat().st_size < 100_000
    with pytest.raises(UserError, match=r"\[E330\].*bomb.spacy, unpacked,"):
        import_strictly(project, [source], "spacy", limits=ImportLimits(max_file_bytes=1_000_000))


def test_cli_limits_command_and_per_run_override(tmp_path: Path) -> None:
    location = str(tmp_path / "p.db")
    source = tmp_path / "a.txt"
    source.write_text(ARTICLE * 20, encoding="utf-8")

    cli = run_here

    assert cli("init", location).returncode == 0
    shown = cli("limits", location)
    assert "512 MB" in shown.stdout and "64 million characters" in shown.stdout
    assert cli("limits", location, "--max-document-mb", "0.001").returncode == 0
    refused = cli("import", location, str(source))
    assert refused.returncode == 1 and "[E331]" in refused.stderr and "Traceback" not in refused.stderr
    assert cli("import", location, str(source), "--max-document-mb", "1").returncode == 0
    with Project.open(location) as project:
        assert project.documents.count() == 1
        assert project_limits(project).max_document_chars == 1000  # the run's override was not stored
