"""The same files imported by several processes at once: every text once, no process fails.

Before the import lock (``annotator.store.database.hold_import_lock``), two of three processes
importing the same file ended in IntegrityError / UniqueViolation tracebacks on both backends:
each had found the texts missing before the first one inserted them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.store import Project
from tests.conftest import REPO_ROOT, SAMPLE_CORPUS

PROCESSES = 3


def _start(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen([sys.executable, "-m", "annotator", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def _run_together(*args: str) -> list[tuple[int, str, str]]:
    """Start PROCESSES copies of one command at once; their exit codes and outputs."""
    started = [_start(*args) for _ in range(PROCESSES)]
    results = []
    for process in started:
        out, err = process.communicate(timeout=300)
        results.append((process.returncode, out, err))
    return results


def _document_count(location: str) -> int:
    with Project.open(location, create=False) as project:
        return project.documents.count()


@pytest.fixture
def ready_location(project_location: str) -> str:
    """An empty project that exists, so the racing processes do not also race to create it."""
    Project.open(project_location).close()
    return project_location


@pytest.mark.slow
def test_plain_texts_imported_by_three_processes_at_once(ready_location: str) -> None:
    results = _run_together("import", ready_location, str(SAMPLE_CORPUS))
    for code, _out, err in results:
        assert code == 0, err
        assert "Traceback" not in err
    imported = sum(int(out.split("Imported ")[1].split()[0]) for _code, out, _err in results)
    assert imported == 5, [out for _code, out, _err in results]
    assert _document_count(ready_location) == 5


@pytest.mark.slow
def test_canonical_jsonl_imported_by_three_processes_at_once(ready_location: str, tmp_path: Path) -> None:
    source = tmp_path / "source.db"
    with Project.open(source) as project:
        from annotator.corpus.importer import import_paths

        import_paths(project, [SAMPLE_CORPUS])
        project.annotations.add_span(1, 0, 5, "ACTOR", "anna")
    export = tmp_path / "data.jsonl"
    done = subprocess.run([sys.executable, "-m", "annotator", "export", str(source), str(export), "--format", "jsonl"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    results = _run_together("import", ready_location, str(export), "--format", "jsonl")
    for code, _out, err in results:
        assert code == 0, err
        assert "Traceback" not in err
    added = sum(int(out.split("Imported ")[1].split()[0]) for _code, out, _err in results)
    assert added == 5
    assert _document_count(ready_location) == 5
    with Project.open(ready_location, create=False) as project:
        assert [(span.start, span.end, span.label) for span in project.annotations.spans(1)] == [(0, 5, "ACTOR")]
