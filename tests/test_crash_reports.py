"""Unexpected errors (bugs): the crash report's content and pruning, and what the command line says.

A bug is forced by fault injection: the command's ``run`` is replaced by one that raises, in a
real ``annotator`` process (a wrapper that patches, then calls the same ``main`` the executable
calls), since whether a traceback reaches the terminal is the point. The user log folder is the
test's own (``XDG_STATE_HOME`` from the autouse ``isolated_user_dirs`` fixture).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy

from annotator import __version__
from annotator.cli import cmd_stats
from annotator.crash_reports import KEEP_REPORTS, crash_report_dir, write_crash_report
from tests.cli_runs import run_here

# ``annotator ARGS`` whose command raises from two frames deep; everything else is the real CLI.
_FAULTY_CLI = textwrap.dedent("""
    import sys
    import annotator.cli.cmd_stats as command

    def count_the_spans(args):
        return {}["no such label"]

    def run(args):
        return count_the_spans(args)

    command.run = run
    from annotator.cli.main import main
    raise SystemExit(main(sys.argv[1:]))
""")


def faulty_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _FAULTY_CLI, *args], capture_output=True, text=True,
                          timeout=120)


def reports() -> list[Path]:
    folder = crash_report_dir()
    return sorted(folder.glob("crash-*.txt")) if folder.is_dir() else []


def _raise_chained() -> None:
    try:
        {}["inner key"]
    except KeyError as error:
        raise RuntimeError("outer failure") from error


def test_report_holds_traceback_versions_and_platform(isolated_user_dirs: Path) -> None:
    try:
        _raise_chained()
    except RuntimeError as error:
        report = write_crash_report(error, "a test of the report")
    assert report.path is not None and report.path.is_relative_to(isolated_user_dirs / "state")
    text = report.path.read_text(encoding="utf-8")
    assert text == report.details
    lines = text.splitlines()
    assert lines[0] == f"annotator {__version__}"
    assert "What was running: a test of the report" in lines
    assert any(line.startswith(f"Python: {sys.version_info.major}.{sys.version_info.minor}.") for line in lines)
    assert any(line.startswith("Platform: ") and len(line) > len("Platform: ") for line in lines)
    assert f"SQLAlchemy: {sqlalchemy.__version__}" in lines
    assert any(line.startswith("spaCy: ") for line in lines)
    # the whole chain, innermost first, with the function that raised
    assert "KeyError: 'inner key'" in text and "RuntimeError: outer failure" in text
    assert text.index("KeyError: 'inner key'") < text.index("RuntimeError: outer failure")
    assert "in _raise_chained" in text


@pytest.mark.slow
def test_core_reads_qt_version_only_when_the_window_loaded_qt(tmp_path: Path) -> None:
    """The report names PySide6 and Qt when they are loaded, and never imports them itself."""
    script = textwrap.dedent("""
        import sys
        from annotator.crash_reports import crash_details
        before = crash_details(ValueError("x"), "core only")
        assert "PySide6" in before and "PySide6.QtCore" not in sys.modules, "the core imported Qt"
        import PySide6.QtCore
        after = crash_details(ValueError("x"), "with Qt")
        print(before)
        print("=====")
        print(after)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    before, after = result.stdout.split("=====")
    import PySide6
    from PySide6.QtCore import qVersion

    assert f"PySide6: {PySide6.__version__} (installed, not loaded)" in before and "\nQt: " not in before
    assert f"PySide6: {PySide6.__version__}\n" in after and f"Qt: {qVersion()}, platform plugin not started" in after


def test_only_the_newest_reports_are_kept() -> None:
    folder = crash_report_dir()
    folder.mkdir(parents=True)
    unrelated = folder / "notes.txt"
    unrelated.write_text("mine", encoding="utf-8")
    written = []
    for number in range(KEEP_REPORTS + 5):
        report = write_crash_report(ValueError(f"bug number {number}"), "pruning test")
        assert report.path is not None
        written.append(report.path)
    kept = reports()
    assert len(kept) == KEEP_REPORTS and len(set(written)) == KEEP_REPORTS + 5  # every report its own file
    assert kept == sorted(written[5:])  # the five oldest went
    assert "bug number 54" in kept[-1].read_text(encoding="utf-8")
    assert unrelated.read_text(encoding="utf-8") == "mine"


def test_a_report_that_cannot_be_written_keeps_its_details(isolated_user_dirs: Path) -> None:
    (isolated_user_dirs / "state").mkdir()
    (isolated_user_dirs / "state" / "annotator").write_text("a file where the folder should be")
    report = write_crash_report(ValueError("unsaved"), "unwritable log folder")
    assert report.path is None and report.problem
    assert "ValueError: unsaved" in report.details


@pytest.mark.slow
def test_cli_names_the_report_in_one_line_without_traceback() -> None:
    result = faulty_cli("stats", "postgresql://bob:s3cret@localhost/team")
    assert result.returncode == 70
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("annotator: [E155]"), result.stderr
    assert "KeyError" in lines[0] and "Traceback" not in result.stderr
    [report] = reports()
    assert str(report) in lines[0]
    text = report.read_text(encoding="utf-8")
    assert "in count_the_spans" in text and "KeyError: 'no such label'" in text
    assert "annotator stats 'postgresql://bob:***@localhost/team'" in text and "s3cret" not in text


@pytest.mark.slow
@pytest.mark.parametrize("where", ["before", "after"])
def test_cli_debug_prints_the_traceback_too(where: str) -> None:
    args = ["--debug", "stats", "p.db"] if where == "before" else ["stats", "p.db", "--debug"]
    result = faulty_cli(*args)
    assert result.returncode == 70
    assert "Traceback (most recent call last)" in result.stderr and "in count_the_spans" in result.stderr
    assert f"annotator {__version__}" in result.stderr and "SQLAlchemy: " in result.stderr
    [report] = reports()
    last = result.stderr.splitlines()[-1]
    assert last.startswith("annotator: [E155]") and str(report) in last  # the one line still comes last
    assert "command line: annotator stats p.db\n" in report.read_text(encoding="utf-8")  # --debug not passed on


def test_debug_changes_nothing_else(tmp_path: Path) -> None:
    project = tmp_path / "p.db"
    assert run_here("init", project).returncode == 0
    plain, debug = run_here("stats", project, "--json"), run_here("--debug", "stats", project, "--json")
    assert (debug.returncode, debug.stdout, debug.stderr) == (plain.returncode, plain.stdout, plain.stderr)
    refused = run_here("--debug", "show", project, "99")  # a user error stays one message, no traceback
    assert refused.returncode == 1 and "[E105]" in refused.stderr and "Traceback" not in refused.stderr
    assert not reports()
    # after "--" it is an argument like any other
    assert "--debug" in run_here("show", project, "--", "--debug").stderr


def test_debug_is_in_the_help() -> None:
    assert "--debug" in run_here("--help").stdout
    assert "--debug" in run_here("stats", "--help").stdout


def test_cli_says_when_the_report_could_not_be_saved(isolated_user_dirs: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (isolated_user_dirs / "state").mkdir()
    (isolated_user_dirs / "state" / "annotator").write_text("a file where the folder should be")

    def run(_args: object) -> int:
        raise ValueError("a bug")

    monkeypatch.setattr(cmd_stats, "run", run)
    outcome = run_here("stats", "p.db")
    assert outcome.returncode == 70
    assert outcome.stderr.startswith("annotator: [E186]") and "--debug" in outcome.stderr
    assert "Traceback" not in outcome.stderr
    with_debug = run_here("stats", "p.db", "--debug")
    assert "Traceback (most recent call last)" in with_debug.stderr and "ValueError: a bug" in with_debug.stderr
