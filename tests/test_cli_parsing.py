"""The command line's parsing and start-up: options anywhere among the positionals, plain help,
an unknown command named as such, and each command importing only what it needs.

Where the point is what a user's shell gets, the real ``annotator`` executable runs in a
subprocess; the parse of every command is checked in this process (``parse_command`` is what
``main`` calls), since running all of them (spaCy, the dashboard) would take minutes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli.main import COMMANDS, main, parse_command
from annotator.corpus.importer import import_paths
from annotator.store import Project
from tests.conftest import SAMPLE_CORPUS

ANNOTATOR = Path(sys.executable).with_name("annotator")


def run_annotator(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a user's shell runs it."""
    return subprocess.run([str(ANNOTATOR), *map(str, args)], capture_output=True, text=True, timeout=120,
                          cwd=cwd, check=False)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus in a project file, made once: the commands run here only read it."""
    path = tmp_path_factory.mktemp("cli") / "sample.db"
    with Project.open(path) as project:
        import_paths(project, [SAMPLE_CORPUS])
    return path


# Each command with options before, between or after its positionals, and what the parse must give.
PARSES: list[tuple[list[str], dict[str, object]]] = [
    (["init", "--schema", "s.yaml", "P"], {"project": "P", "schema": "s.yaml"}),
    (["import", "P", "a.txt", "--annotator", "bob", "b.txt", "--verbose"],
     {"project": "P", "paths": ["a.txt", "b.txt"], "annotator": "bob", "verbose": True}),
    (["export", "P", "--format", "jsonl", "out.jsonl", "--force"],
     {"project": "P", "out": Path("out.jsonl"), "format_name": "jsonl", "force": True}),
    (["docs", "--json", "P", "--order", "uncertain"], {"project": "P", "json": True, "order": "uncertain"}),
    (["show", "P", "--json", "7"], {"project": "P", "document": "7", "json": True}),
    (["stats", "--json", "P"], {"project": "P", "json": True}),
    (["schema", "P", "--debug", "schema.yaml"], {"project": "P", "file": "schema.yaml"}),
    (["suggest", "--batch-size", "8", "P", "--docs", "1", "2"], {"project": "P", "batch_size": 8, "docs": ["1", "2"]}),
    (["actors", "--json", "P"], {"project": "P", "json": True, "action": None}),
    (["merge", "P", "--debug", "a.db", "b.jsonl"], {"project": "P", "other": ["a.db", "b.jsonl"]}),
    (["agreement", "--json", "P", "--ci", "--seed", "3"], {"project": "P", "json": True, "ci": True, "seed": 3}),
    (["search", "P", "--json", "minsk"], {"project": "P", "query": "minsk", "json": True}),
    (["search", "P", "--label", "ACTOR", "nato", "--limit", "5"],
     {"project": "P", "query": "nato", "label": ["ACTOR"], "limit": 5}),
    (["search", "--json", "P", "--label", "ACTOR"], {"project": "P", "query": "", "label": ["ACTOR"]}),
    (["dashboard", "--html", "d.html", "P", "--from", "2020-01-01"],
     {"project": "P", "html": Path("d.html"), "date_from": "2020-01-01"}),
    (["copy", "--debug", "a.db", "b.db"], {"source": "a.db", "target": "b.db"}),
    (["backup", "--list", "P", "--keep", "3"], {"project": "P", "list": True, "keep": 3}),
    (["restore", "P", "--debug", "P.backups/x.bak"], {"project": "P", "backup": Path("P.backups/x.bak")}),
    (["limits", "--max-file-mb", "5", "P"], {"project": "P", "max_file_mb": 5.0}),
    (["train", "--max-steps", "5", "P", "--curve"], {"project": "P", "max_steps": 5, "curve": True}),
    (["models", "P", "--threshold", "CLAIM=0.4", "--json"], {"project": "P", "threshold": ["CLAIM=0.4"], "json": True}),
    (["check", "--ignore-case", "P", "--json"], {"project": "P", "ignore_case": True, "json": True}),
]


def test_every_command_has_a_parse_with_options_among_its_positionals() -> None:
    assert {argv[0] for argv, _expected in PARSES} == set(COMMANDS), "add the new command to PARSES"


@pytest.mark.parametrize(("argv", "expected"), PARSES, ids=[" ".join(argv) for argv, _ in PARSES])
def test_options_may_come_before_between_and_after_positionals(argv: list[str], expected: dict[str, object]) -> None:
    args = parse_command(argv[0], argv[1:])
    assert {key: getattr(args, key) for key in expected} == expected


def test_an_action_of_actors_takes_its_own_options_after_its_positionals() -> None:
    args = parse_command("actors", ["P", "add", "Maria Zakharova", "--type", "person", "--alias", "Zakharova"])
    assert (args.action, args.name, args.type, args.alias) == ("add", "Maria Zakharova", "person", ["Zakharova"])


@pytest.mark.slow
def test_search_takes_its_query_after_an_option(sample: Path) -> None:
    result = run_annotator("search", sample, "--json", "minsk")
    assert result.returncode == 0, result.stderr
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert hits and all(hit["hit"].lower() == "minsk" for hit in hits)


@pytest.mark.slow
def test_show_docs_and_stats_take_options_before_their_positionals(sample: Path) -> None:
    shown = run_annotator("show", sample, "--json", "1")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["text"]
    listed = run_annotator("docs", "--json", sample)
    assert listed.returncode == 0, listed.stderr
    assert [json.loads(line)["id"] for line in listed.stdout.splitlines()][0] == 1
    stats = run_annotator("stats", "--json", sample)
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["documents"] == len(listed.stdout.splitlines())


@pytest.mark.slow
def test_export_takes_its_format_between_the_project_and_the_output(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run_annotator("export", sample, "--format", "jsonl", out)
    assert result.returncode == 0, result.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(list(SAMPLE_CORPUS.glob("*.txt")))


@pytest.mark.slow
def test_import_takes_an_option_between_its_files(tmp_path: Path) -> None:
    for name, text in (("a.txt", "Minsk said one thing.\n"), ("b.txt", "Moscow said another.\n")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_annotator("import", tmp_path / "new.db", tmp_path / "a.txt", "--annotator", "bob", tmp_path / "b.txt")
    assert result.returncode == 0, result.stderr
    assert "Imported 2 documents" in result.stdout


@pytest.mark.slow
def test_help_lists_every_command_in_plain_text() -> None:
    result = run_annotator("--help")
    assert result.returncode == 0, result.stderr
    rows = result.stdout.split("commands:\n")[1].splitlines()
    listed = {row.split()[0] for row in rows if row.startswith("  ") and not row[2].isspace()}  # not a wrapped help
    assert listed == set(COMMANDS)
    assert "``" not in result.stdout


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_commands_help_is_plain_text(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([name, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: annotator {name} ")
    assert "``" not in out
    description = out.split("\n\n")[1]
    assert description.strip() and "usage:" not in description  # the docstring is shown


@pytest.mark.slow
def test_an_unknown_command_is_named_with_the_commands(tmp_path: Path) -> None:
    mistyped = run_annotator("shwo", "project.db", "1", cwd=tmp_path)
    assert mistyped.returncode == 2
    assert "[E1370] 'shwo' is not a command. Did you mean 'show'?" in mistyped.stderr
    assert "search" in mistyped.stderr and "Traceback" not in mistyped.stderr
    alone = run_annotator("imprt", cwd=tmp_path)  # close to a command and no such file: not a new project
    assert alone.returncode == 2 and "Did you mean 'import'?" in alone.stderr
    assert list(tmp_path.iterdir()) == []  # nothing was created


@pytest.mark.slow
def test_an_unknown_word_without_a_close_command_is_still_refused_with_the_list(tmp_path: Path) -> None:
    result = run_annotator("frobnicate", "project.db", cwd=tmp_path)
    assert result.returncode == 2
    assert "[E1370] 'frobnicate' is not a command. The commands are: init, import" in result.stderr


def loaded_modules(*args: str) -> set[str]:
    """The modules a fresh process holds after ``annotator ARGS`` (output thrown away)."""
    code = ("import contextlib, io, json, sys\nfrom annotator.cli.main import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n        main(sys.argv[1:])\n    except SystemExit:\n        pass\n"
            "print(json.dumps(sorted(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
                            check=True)
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_version_and_help_import_no_command() -> None:
    for args in (["--version"], ["--help"]):
        modules = loaded_modules(*args)
        assert {name for name in modules if name.startswith("annotator.cli.cmd_")} == {"annotator.cli.cmd_gui"}
        assert "sqlalchemy" not in modules and "annotator.store" not in modules


def test_show_imports_neither_the_orm_nor_numpy_nor_qt(sample: Path) -> None:
    modules = loaded_modules("show", str(sample), "1", "--json")
    assert "annotator.cli.cmd_show" in modules
    for heavy in ("sqlalchemy.orm", "sqlmodel", "pydantic", "numpy", "PySide6", "spacy", "annotator.cli.cmd_agreement"):
        assert heavy not in modules, f"'annotator show' imported {heavy}"
