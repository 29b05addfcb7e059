"""Every importer against hostile input: it imports or refuses with a coded UserError, and a refusal
leaves every table of the project as it was (SQLite and PostgreSQL).

Hypothesis draws random bytes and mutations of valid files (see ``fuzz_support``); the explicit
cases cover what random search rarely reaches: 100,000-deep JSON, entity bombs, external
entities, wrong encodings, NUL characters, offsets out of range, negative, reversed or not
integers, relations to missing spans, duplicate ids, empty files and 20 MB lines. One project
serves every example of a test (hypothesis cannot re-create function fixtures per example);
the property compares row counts before and after each import, so earlier examples' data does
not matter. ``tests/benchmarks/fuzz_importers.py`` runs the same property at length.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.errors import UserError
from annotator.store import Project
from tests.fuzz_support import (
    BILLION_LAUGHS,
    IMPORTERS,
    check_import,
    hostile_cases,
    hostile_input,
    huge_line_cases,
    write_input,
)

pytestmark = pytest.mark.slow  # hostile and generated files through every importer and the real command

EXAMPLES = 40  # per importer and backend: about 15 s on SQLite for all importers, 30 s on PostgreSQL


@pytest.mark.parametrize("name", sorted(IMPORTERS))
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_importer_imports_or_refuses_cleanly(project: Project, name: str, data: st.DataObject) -> None:
    importer = IMPORTERS[name]
    check_import(project, importer, data.draw(hostile_input(importer), label="file content"))


@pytest.mark.parametrize("name", sorted(IMPORTERS))
def test_hostile_cases_import_or_refuse_cleanly(project: Project, name: str) -> None:
    """One test per importer (not per case), so PostgreSQL creates one database per importer."""
    for importer, case, content in hostile_cases():
        if importer == name:
            try:
                check_import(project, IMPORTERS[name], content)
            except Exception as error:
                raise AssertionError(f"{name}, {case}: {type(error).__name__}: {error}") from error


@pytest.mark.parametrize(("name", "case", "content"), [pytest.param(*case, id=f"{case[0]}: {case[1]}")
                                                       for case in huge_line_cases()])
def test_twenty_megabyte_line_imports(project_path: Path, name: str, case: str, content: bytes) -> None:
    """SQLite only: the point is the readers' handling of one enormous line, not the backend."""
    with Project.open(project_path) as project:
        assert check_import(project, IMPORTERS[name], content) == "ok"


@pytest.mark.parametrize(("name", "case", "expected"), [
    ("corpus.jsonl", "100,000 nested brackets", "[E309]"),
    ("jsonl", "NUL in text", "[E812]"),
    ("doccano", "encoded as utf-16 without BOM", "[E816]"),
    ("brat", "superscript digit offset", "[E840]"),
    ("xmi", "billion laughs", "[E875]"),
    ("xmi", "external entity", "[E875]"),
    ("spacy", "user data not JSON", "[E874]"),
])
def test_refusals_name_the_problem(project: Project, tmp_path: Path, name: str, case: str, expected: str) -> None:
    [content] = [content for importer, label, content in hostile_cases() if (importer, label) == (name, case)]
    write_input(IMPORTERS[name], content, tmp_path)
    with pytest.raises(UserError) as refused:
        IMPORTERS[name].run(project, tmp_path)
    assert str(refused.value).startswith(expected)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "annotator", *args], check=False, capture_output=True, text=True, timeout=120)


def test_cli_refuses_hostile_corpus_files_without_traceback(tmp_path: Path) -> None:
    hostile = {"nested.jsonl": b"[" * 100_000 + b"\n", "nul.jsonl": b'{"text": "a\\u0000b"}\n',
               "utf16.csv": "text\nМинск\n".encode("utf-16-le"), "empty.txt": b""}
    for name, content in hostile.items():
        (tmp_path / name).write_bytes(content)
    done = _cli("import", str(tmp_path / "p.db"), *(str(tmp_path / name) for name in hostile))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.count("refused: [E") == len(hostile)
    assert "Imported 0 documents" in done.stdout


@pytest.mark.parametrize(("file_name", "content", "format_args"), [
    ("bomb.jsonl", b'{"text": "x", "entities": ' + b"[" * 100_000 + b"\n", ("--format", "doccano")),
    ("bad.spacy", b"\x78\x9c" + b"\xff" * 40, ("--format", "spacy")),
    ("bad.conll", "Minsk B-\nx ²\n".encode(), ("--format", "conll")),
])
def test_cli_refuses_hostile_files_without_traceback(tmp_path: Path, file_name: str, content: bytes,
                                                     format_args: tuple[str, ...]) -> None:
    source = tmp_path / file_name
    source.write_bytes(content)
    done = _cli("import", str(tmp_path / "p.db"), str(source), *format_args)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "[E" in done.stderr


def test_cli_refuses_an_xmi_entity_bomb_without_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "xmi"
    folder.mkdir()
    (folder / "TypeSystem.xml").write_bytes(BILLION_LAUGHS)
    (folder / "doc.xmi").write_bytes(BILLION_LAUGHS)
    done = _cli("import", str(tmp_path / "p.db"), str(folder), "--format", "xmi")
    assert done.returncode == 1 and "[E875]" in done.stderr and "Traceback" not in done.stderr
