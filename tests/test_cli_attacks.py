"""Every command against every attack input: no traceback, no internal error, no hang.

The promise of issue 12: whatever a careless user or an attacker hands the command line (a
project that is empty, damaged, a folder, a pipe or /dev/zero; a URL naming another driver;
schema and pattern files built to explode; outputs aimed at the project; odd queries and
document references; file names that are not UTF-8 or carry terminal escapes; the importers'
fuzz corpus), each command ends with an exit code and at most a catalogue message. A run fails
on "Traceback", on the internal-error message E155 (a bug that the last-resort handler
caught), and on taking longer than ``PER_RUN_SECONDS`` (a hang). The exact message of each case
is asserted by the tests of its own module; this one is the wide net over all commands.

Most runs call ``annotator.cli.main.main`` in this process (a subprocess each would cost half a
second of start-up, hundreds of times); a few go through the real executable to cover what only
a process shows (a closed pipe, the interpreter's own exit).
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from annotator.cli.main import COMMANDS
from annotator.corpus.importer import import_paths
from annotator.store import Project
from tests.cli_runs import Outcome, run_here
from tests.conftest import REPO_ROOT, SAMPLE_CORPUS
from tests.fuzz_support import IMPORTERS, hostile_cases, write_input

pytestmark = pytest.mark.slow  # every command against hostile projects and arguments, many in real processes

# The dataset formats of the fuzz corpus's importers; None for the corpus (plain) importer.
_FORMAT_OF = {"jsonl": "jsonl", "doccano": "doccano", "prodigy": "prodigy", "conll": "conll", "spacy": "spacy",
              "brat": "brat", "brat-text": "brat", "xmi": "xmi", "xmi-typesystem": "xmi"}
_FOLDER_FORMATS = {"brat", "xmi"}


def assert_clean(outcome: Outcome, args: tuple[object, ...]) -> None:
    text = outcome.stdout + outcome.stderr
    assert "Traceback" not in text and "[E155]" not in text, (args, outcome.stderr[-3000:])
    assert not outcome.warnings, (args, outcome.warnings)
    assert outcome.returncode in (0, 1, 2), (args, outcome.returncode, outcome.stderr[-3000:])


def attack(*args: str | Path) -> Outcome:
    outcome = run_here(*args)
    assert_clean(outcome, args)
    return outcome


# --- the attack inputs ---------------------------------------------------------------------------


@dataclass
class Inputs:
    folder: Path
    project: Path
    projects: list[str]  # every hostile project location, the good one first
    files: dict[str, Path]


def _sample(path: Path) -> Path:
    with Project.open(path) as project:
        import_paths(project, [SAMPLE_CORPUS])
        project.annotations.add_span(1, 0, 5, "ACTOR", "anna")
        project.annotations.add_span(1, 0, 5, "ACTOR", "boris")
        project.annotations.set_status(1, "anna", "done")
        project.annotations.set_status(1, "boris", "done")
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return path


def _damaged(source: Path, target: Path, seed: int) -> Path:
    rng = random.Random(seed)
    data = bytearray(source.read_bytes())
    for _ in range(40):
        data[rng.randrange(100, len(data))] = rng.randrange(256)
    target.write_bytes(bytes(data))
    return target


def _written(folder: Path, texts: dict[str, str]) -> dict[str, Path]:
    """Each text written to a file of its name in ``folder``; the files by name."""
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return {name: folder / name for name in texts}


def _schemas(folder: Path) -> dict[str, Path]:
    laughs = ["a: &a [x, x, x, x, x, x, x, x, x, x]"] + [
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 10)}]" for n in range(8)]
    texts = {
        "schema-alias-bomb.yaml": "\n".join(laughs) + "\nspan_labels: *i\n",
        "schema-recursive.yaml": "span_labels: &r [*r]\n",
        "schema-deep.yaml": "span_labels: " + "[" * 5000 + "]" * 5000 + "\n",
        "schema-python.yaml": "span_labels: !!python/object/apply:os.system ['echo attacked']\n",
        "schema-binary.yaml": "\x00\x01\x02 not yaml",
    }
    files = _written(folder, texts)
    files["schema-latin1.yaml"] = folder / "schema-latin1.yaml"
    files["schema-latin1.yaml"].write_bytes("name: caf\xe9\n".encode("latin-1"))
    return files


def _patterns(folder: Path) -> dict[str, Path]:
    lines = {
        "patterns-catastrophic.jsonl": '{"label": "THREAT", "pattern": [{"TEXT": {"REGEX": "^(a+)+$"}}]}\n',
        "patterns-stars.jsonl": ('{"label": "THREAT", "pattern": [{"OP": "*"}, {"OP": "*"}, {"OP": "*"}, '
                                 '{"OP": "*"}, {"LOWER": "threat"}]}\n'),
        "patterns-bad-regex.jsonl": '{"label": "THREAT", "pattern": [{"TEXT": {"REGEX": "(unclosed"}}]}\n',
        "patterns-not-json.jsonl": "{label: THREAT\n",
    }
    return _written(folder, lines)


@pytest.fixture
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Inputs]:
    """Fresh for every test: the runs of one test may legitimately turn an empty file into a
    project ('init') or merge into the good one."""
    folder = tmp_path_factory.mktemp("attacks")
    project = _sample(folder / "P.db")
    assert run_here("backup", project).returncode == 0
    files: dict[str, Path] = {"project": project}
    files["empty"] = folder / "empty.db"
    files["empty"].touch()
    files["text"] = folder / "notes.db"
    files["text"].write_text("these are my notes, not a database\n")
    files["damaged"] = _damaged(project, folder / "damaged.db", 1)
    files["cut"] = folder / "cut.db"
    files["cut"].write_bytes(project.read_bytes()[:-1])
    files["half"] = folder / "half.db"
    files["half"].write_bytes(project.read_bytes()[: len(project.read_bytes()) // 2])
    files["folder"] = folder / "a-folder"
    files["folder"].mkdir()
    files["fifo"] = folder / "pipe.db"
    os.mkfifo(files["fifo"])
    files["zero"] = folder / "zero.db"
    files["zero"].symlink_to("/dev/zero")
    files["escape"] = folder / "\x1b[31mred\x1b]0;title\x07.db"
    files["escape"].write_bytes(project.read_bytes())
    files["undecodable"] = Path(os.fsdecode(os.fsencode(folder) + b"/caf\xe9.db"))
    files["undecodable"].write_bytes(project.read_bytes())
    files["missing"] = folder / "missing" / "nothing.db"
    corpus = folder / "corpus"
    corpus.mkdir()
    (corpus / "ok.txt").write_text("Minsk and Moscow spoke of sovereignty.\n", encoding="utf-8")
    (corpus / "escapes.txt").write_text("Title \x1b[2J\x1b]0;pwned\x07 and \u202etext\n", encoding="utf-8")
    Path(os.fsdecode(os.fsencode(corpus) + b"/caf\xe9.txt")).write_text("Une caf\u00e9 in Minsk.\n", encoding="utf-8")
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "zero.txt").symlink_to("/dev/zero")
    files["corpus"] = corpus
    (folder / "bad-date.jsonl").write_text('{"text": "An article.", "published": "2024-13-45"}\n', encoding="utf-8")
    files["bad-date"] = folder / "bad-date.jsonl"
    files.update(_schemas(folder))
    files.update(_patterns(folder))
    urls = ["postgresql+asyncpg://user@localhost/db", "sqlite:///P.db?foo=bar", "mysql://user@localhost/db",
            "postgresql://user@127.0.0.1:1/db", "postgresql://%zz@/", "sqlite://", "::::", "postgresql://"]
    projects = [str(project)] + [str(files[name]) for name in (
        "empty", "text", "damaged", "cut", "half", "folder", "fifo", "zero", "escape", "undecodable", "missing")] + urls
    yield Inputs(folder, project, projects, files)


# --- the runs -------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def in_scratch_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative locations ('::::', 'sqlite:///P.db?…') land in the test's folder, not the checkout."""
    monkeypatch.chdir(tmp_path)


def _every_command_once(location: str, files: dict[str, Path], out: Path) -> list[tuple[str | Path, ...]]:
    """One ordinary use of every command on ``location`` (outputs go to ``out``, a scratch folder)."""
    return [
        ("init", location), ("import", location, files["corpus"] / "ok.txt"),
        ("export", location, out / "x.jsonl", "--format", "jsonl", "--force"), ("docs", location),
        ("docs", location, "--json"), ("show", location, "1"), ("show", location, "1", "--json"), ("stats", location),
        ("stats", location, "--json"), ("schema", location, files["schema-recursive.yaml"]), ("actors", location),
        ("merge", location, files["project"]), ("agreement", location), ("search", location, "Belarus"),
        ("dashboard", location, "--html", out / "d.html", "--force"), ("copy", location, out / "copy.db"),
        ("backup", location, "--list"), ("restore", location, files["damaged"]), ("limits", location),
        ("suggest", location, "--docs", "1", "--model", "blank:en"),
        ("train", location, "--max-steps", "1", "--base", "blank:en"), ("models", location), ("check", location),
    ]


def test_the_attack_table_covers_every_command(tmp_path: Path) -> None:
    files = {name: tmp_path / name for name in ("corpus", "schema-recursive.yaml", "project", "damaged")}
    covered = {args[0] for args in _every_command_once("P", files, tmp_path)}
    assert covered == set(COMMANDS), "a new command must be added to the attack table"


def test_every_command_on_every_hostile_project(inputs: Inputs, tmp_path: Path) -> None:
    for location in inputs.projects[1:]:
        for args in _every_command_once(location, inputs.files, tmp_path):
            if args[0] == "copy":
                (tmp_path / "copy.db").unlink(missing_ok=True)
            attack(*args)
    assert not inputs.files["missing"].parent.exists()


def test_hostile_arguments_on_a_good_project(inputs: Inputs, tmp_path: Path) -> None:
    project, files = inputs.project, inputs.files
    for query in ["Belarus Belarus", "😀", "🇧🇾 Minsk", '"', "*", "***", '"unclosed', "NEAR(", "a AND OR", "-", "'",
                  "x" * 100_000, "Min\x00sk", "\x1b[31m", "lukash* Lukashenko", ""]:
        attack("search", project, query)
    for limit in ("0", "-5", "99999999999999999999", "x"):
        attack("search", project, "Belarus", "--limit", limit)
    for date in ("2024-13-45", "", "-1", "9" * 50):
        attack("search", project, "Belarus", "--from", date)
        attack("dashboard", project, "--html", tmp_path / "d.html", "--force", "--from", date)
    for reference in ("0", "-1", "99999999999999999999", "²", "٣", "\x00", "", "000_674545b150a673a3", "x" * 10_000):
        attack("show", project, reference)
        attack("export", project, tmp_path / "r.jsonl", "--format", "jsonl", "--docs", reference, "--force")
    for name, path in files.items():
        if name.startswith("schema-"):
            attack("schema", project, path)
            attack("init", tmp_path / f"{name}.db", "--schema", path)
        if name.startswith("patterns-"):
            attack("suggest", project, "--docs", "1", "--model", "blank:en", "--patterns", path)
    for special in ("fifo", "zero", "folder", "damaged", "text", "escape", "undecodable"):
        attack("schema", project, files[special])
        attack("suggest", project, "--docs", "1", "--model", "blank:en", "--patterns", files[special])
        attack("merge", project, files[special])
        attack("import", project, files[special], "--format", "jsonl")
        attack("restore", project, files[special])
    attack("import", project, files["corpus"])
    attack("import", project, files["bad-date"])
    attack("import", project, project, "--format", "jsonl")
    for target in (project, Path(f"{project}-wal"), project.with_name("P.db.backups") / "x.jsonl", files["folder"],
                   Path("/dev/full"), tmp_path / "missing" / "x.jsonl", files["fifo"], files["zero"]):
        for extra in ((), ("--force",)):
            attack("export", project, target, "--format", "jsonl", *extra)
            attack("search", project, "Belarus", "--csv", target, *extra)
            attack("dashboard", project, "--html", target, *extra)
    for split in ("0.8", "1,1", "-1,2", "a,b", "0.5,0.5,0.5,0.5"):
        attack("export", project, tmp_path / "split", "--format", "jsonl", "--split", split, "--force")
    for value in ("0", "-1", "nan", "inf", "1e400"):
        attack("limits", project, "--max-file-mb", value)
        attack("import", project, files["corpus"] / "ok.txt", "--max-document-mb", value)
    attack("restore", project, project)
    attack("copy", project, project)
    attack("merge", project, project)
    attack("backup", project, "--keep", "0")
    connection = sqlite3.connect(project)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()


def test_the_importers_fuzz_corpus_through_the_command_line(inputs: Inputs, tmp_path: Path) -> None:
    cases = hostile_cases()
    assert len(cases) > 80
    for number, (importer_name, case, content) in enumerate(cases):
        importer = IMPORTERS[importer_name]
        folder = tmp_path / f"case-{number}"
        folder.mkdir()
        write_input(importer, content, folder)
        format_name = _FORMAT_OF.get(importer_name)
        if format_name is None:
            outcome = run_here("import", inputs.project, folder)
        elif format_name in _FOLDER_FORMATS:
            outcome = run_here("import", inputs.project, folder, "--format", format_name)
        else:
            outcome = run_here("import", inputs.project, folder / importer.target, "--format", format_name)
        assert_clean(outcome, (importer_name, case))
        if importer_name == "jsonl":
            assert_clean(run_here("merge", inputs.project, folder / importer.target), (importer_name, case, "merge"))


# --- through the real executable ------------------------------------------------------------------


def _process(*args: str | Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], capture_output=True, text=True,
                          timeout=300, env=env, input=stdin)


def test_a_reader_that_stops_early_ends_the_command_quietly(inputs: Inputs) -> None:
    """'annotator show P 1 | head -3': the pipe closes while output is still coming."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    producer = subprocess.Popen([sys.executable, "-m", "annotator", "search", str(inputs.project), "the",
                                 "--limit", "100000", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert producer.stdout is not None and producer.stderr is not None
    producer.stdout.readline()
    producer.stdout.close()  # what head does after its lines
    stderr = producer.stderr.read().decode()
    producer.wait(timeout=120)
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr and "Exception ignored" not in stderr, stderr
    assert producer.returncode in (0, 141)


def test_the_executable_prints_no_traceback_for_hostile_projects(inputs: Inputs) -> None:
    """A few of the hostile projects through the real executable (all of them run in-process
    above): the interpreter's own exit and warnings add nothing on top."""
    for location in (str(inputs.files[name]) for name in ("damaged", "fifo", "undecodable", "escape")):
        result = _process("stats", location)
        assert result.returncode in (0, 1, 2), (location, result.stderr)
        assert "Traceback" not in result.stderr and "Warning:" not in result.stderr, (location, result.stderr)
