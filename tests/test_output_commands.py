"""Every command that writes an output refuses the project, its SQLite files and its backups, and
never replaces an existing file without --force (issue 12, items 1 and 2).

Real project files, real ``annotator`` subprocesses where the point is "exit 1, a message, no
traceback"; the many protected-target combinations run through the same ``main`` in-process,
which prints the same message and returns the same exit code. The project is checked after each
refusal with SQLite's own integrity check and row counts (never by reading its bytes: this
process has it open, as a window would), and at the end by a new process opening it.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.cli.main import main
from annotator.store import Project
from annotator.store.backups import backup_folder
from tests.cli_runs import run_here
from tests.conftest import SAMPLE_CORPUS
from tests.test_cli import run_cli

FILE_FORMATS = ("jsonl", "csv", "conll", "doccano", "prodigy", "spacy")
#: name -> arguments, with {project} and {out} filled in per run
FILE_COMMANDS = {
    "search --csv": ["search", "{project}", "Belarus", "--csv", "{out}"],
    **{f"export {fmt}": ["export", "{project}", "{out}", "--format", fmt] for fmt in FILE_FORMATS},
    "dashboard --html": ["dashboard", "{project}", "--html", "{out}"],
    "dashboard --pdf": ["dashboard", "{project}", "--pdf", "{out}"],
}
FOLDER_COMMANDS = {
    "export brat": ["export", "{project}", "{out}", "--format", "brat"],
    "export xmi": ["export", "{project}", "{out}", "--format", "xmi"],
    "export jsonl --split": ["export", "{project}", "{out}", "--format", "jsonl", "--split", "0.5,0.5"],
    "dashboard --png-dir": ["dashboard", "{project}", "--png-dir", "{out}"],
}


def command(template: list[str], project: str | Path, out: Path, *extra: str) -> list[str]:
    return [part.format(project=project, out=out) for part in template] + list(extra)


def add_spans(project: Project) -> None:
    """Spans (and so labels, annotators and a relation) for the exports to carry."""
    doc_id = project.documents.ids()[0]
    text = project.documents.get(doc_id).text
    first = project.annotations.add_span(doc_id, 0, 5, "ACTOR", "alice")
    second = project.annotations.add_span(doc_id, len(text) - 5, len(text), "ACTOR", "bob")
    assert first.id != second.id


def sample_project_file(path: Path) -> Path:
    """A closed SQLite project with the sample articles, two spans and one backup."""
    from annotator.corpus.importer import import_paths

    with Project.open(path) as project:
        import_paths(project, [SAMPLE_CORPUS])
        add_spans(project)
    backup = run_cli("backup", str(path))
    assert backup.returncode == 0, backup.stderr
    return path


@pytest.fixture
def open_project(tmp_path: Path) -> Iterator[Project]:
    """The sample project held open by this process, as a window holds it (its -wal and -shm exist)."""
    with Project.open(sample_project_file(tmp_path / "P.db")) as project:
        project.documents.ids()
        yield project


def database_state(path: Path) -> tuple[list[str], int, int]:
    """SQLite's integrity check and the document and span counts, read through SQLite."""
    connection = sqlite3.connect(path)
    try:
        check = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        documents = connection.execute("SELECT count(*) FROM document").fetchone()[0]
        spans = connection.execute("SELECT count(*) FROM span").fetchone()[0]
    finally:
        connection.close()
    return check, documents, spans


def protected_targets(path: Path) -> dict[str, Path]:
    """Every name of the project's files an output could be pointed at (made without opening any)."""
    symlink = path.with_name("link-to-project.db")
    symlink.symlink_to(path)
    hard_link = path.with_name("second-name.db")
    os.link(path, hard_link)
    backups = sorted(backup_folder(path).glob("*.db"))
    assert backups, "opening the project takes a backup"
    targets = {"project": path, "wal": Path(f"{path}-wal"), "shm": Path(f"{path}-shm"), "symlink": symlink,
               "hard link": hard_link, "backup": backups[0], "new file in backups": backup_folder(path) / "out.csv"}
    assert all(target.exists() for name, target in targets.items() if name != "new file in backups")
    return targets


def leftovers(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.name.endswith(".partial")]


def assert_refused(code: int, stderr: str, *messages: str) -> None:
    assert code == 1, stderr
    assert "Traceback" not in stderr and any(message in stderr for message in messages), stderr


@pytest.mark.slow
def test_every_output_command_refuses_the_project_and_its_files(
        open_project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = Path(open_project.location)
    before = database_state(path)
    stats_before = run_cli("stats", str(path), "--json").stdout
    targets = protected_targets(path)
    for number, (name, template) in enumerate(FILE_COMMANDS.items()):
        # one command in a process of its own (the project is open in this one), the rest in-process
        result = run_cli(*command(template, path, path)) if number == 0 else run_here(*command(template, path, path))
        assert_refused(result.returncode, result.stderr, "[E170]")
        for what, target in targets.items():
            code = main(command(template, path, target))
            assert_refused(code, capsys.readouterr().err, "[E170]", "[E171]")
            assert database_state(path) == before, (name, what)
    for number, (name, template) in enumerate(FOLDER_COMMANDS.items()):
        result = run_cli(*command(template, path, path)) if number == 0 else run_here(*command(template, path, path))
        assert_refused(result.returncode, result.stderr, "[E170]")
        linked_backups = tmp_path / "link-to-backups"
        linked_backups.symlink_to(backup_folder(path), target_is_directory=True)
        for target in (backup_folder(path), backup_folder(path) / "export", linked_backups, targets["wal"]):
            code = main(command(template, path, target))
            assert_refused(code, capsys.readouterr().err, "[E170]", "[E171]")
        linked_backups.unlink()
        assert database_state(path) == before, name
    assert not leftovers(tmp_path)
    assert sorted(p.name for p in backup_folder(path).iterdir()) == [targets["backup"].name]
    assert run_cli("stats", str(path), "--json").stdout == stats_before  # SQLite opens it in a new process
    assert json.loads(stats_before)["span_total"] == 2


SENTINEL = "a file the analyst wants to keep\n"


def _existing_files(name: str, out: Path) -> list[Path]:
    """The file(s) already there before the command: the target, or the file written beside it."""
    if name == "export spacy":
        return [out.parent / "config.cfg"]  # a user's own training config
    if name == "export jsonl":
        return [out.with_name(f"{out.stem}.actors.jsonl")]
    if name == "dashboard --png-dir":
        return [out / "network.svg"]
    if name.startswith("export brat") or name.startswith("export xmi"):
        return []  # filled by a first export
    return [out]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["search --csv", "export spacy", "export brat", "dashboard --png-dir"])
def test_existing_files_are_replaced_only_with_force(name: str, project_location: str, tmp_path: Path) -> None:
    with Project.open(project_location) as project:
        from annotator.corpus.importer import import_paths

        import_paths(project, [SAMPLE_CORPUS])
        add_spans(project)
    template = {**FILE_COMMANDS, **FOLDER_COMMANDS}[name]
    out = tmp_path / "out" / ("result" if name in FOLDER_COMMANDS else {"search --csv": "hits.csv"}.get(name, "data.spacy"))
    existing = _existing_files(name, out)
    if not existing:
        assert run_here(*command(template, project_location, out)).returncode == 0
        existing = sorted(path for path in out.rglob("*") if path.is_file())
    for path in existing:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SENTINEL, encoding="utf-8")
    before = sorted(path for path in (tmp_path / "out").rglob("*") if path.is_file())

    refused = run_here(*command(template, project_location, out))
    assert_refused(refused.returncode, refused.stderr, "[E172]", "[E173]")
    assert "--force" in refused.stderr and all(str(path) in refused.stderr for path in existing[:10])
    assert all(path.read_text(encoding="utf-8") == SENTINEL for path in existing)
    assert sorted(path for path in (tmp_path / "out").rglob("*") if path.is_file()) == before  # nothing new either

    assert main(command(template, project_location, out, "--force")) == 0
    assert all(path.read_bytes() != SENTINEL.encode() for path in existing)
    assert not leftovers(tmp_path)


@pytest.mark.parametrize("name", [  # the dashboard draws every chart (seconds): not on the daily lane
    pytest.param(name, marks=[pytest.mark.slow] if name.startswith("dashboard") else [])
    for name in FILE_COMMANDS if name not in ("search --csv", "export spacy")])
def test_other_file_outputs_keep_existing_files_without_force(
        name: str, project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from annotator.corpus.importer import import_paths

    import_paths(project, [SAMPLE_CORPUS])
    add_spans(project)
    out = tmp_path / "out" / "out.file"
    out.parent.mkdir()
    existing = _existing_files(name, out)
    for path in existing:
        path.write_text(SENTINEL, encoding="utf-8")
    code = main(command(FILE_COMMANDS[name], project.location, out))
    assert_refused(code, capsys.readouterr().err, "[E172]")
    assert all(path.read_text(encoding="utf-8") == SENTINEL for path in existing)
    assert sorted(out.parent.iterdir()) == sorted(existing)  # and nothing beside them
    assert main(command(FILE_COMMANDS[name], project.location, out, "--force")) == 0
    assert out.stat().st_size > 0 and all(path.read_bytes() != SENTINEL.encode() for path in existing)
    assert not leftovers(tmp_path)


def test_force_is_documented_in_each_command_help(capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("export", "search", "dashboard"):
        with pytest.raises(SystemExit):
            main([name, "--help"])
        assert "--force" in capsys.readouterr().out
