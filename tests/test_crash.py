"""Killing an editing process never loses a committed edit nor damages the project file.

The machinery is in ``tests/crashtest.py``; here a few kills run on every test run, and the
checker itself is tested on doctored logs, so a checker that accepts anything cannot pass.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.store import Project
from tests.crashtest import (
    CrashCheckFailed,
    State,
    check_file,
    parse_log,
    prepare_project,
    read_state,
    run_crash_test,
    verify,
)

pytestmark = pytest.mark.slow  # processes SIGKILLed during thousands of edits


def test_sigkill_loses_no_committed_edit(tmp_path: Path) -> None:
    report = run_crash_test(tmp_path / "crash.db", kills=6, seed=7, max_delay=0.3, final_edits=150)
    assert report.kills == 6
    assert report.integrity == "ok"
    assert report.edits_verified == report.edits_committed >= 150


@pytest.fixture
def finished_round(tmp_path: Path) -> tuple[Path, State, str]:
    """A project, the state before one worker ran 80 edits to the end, and that worker's log."""
    path = tmp_path / "checked.db"
    prepare_project(path)
    with Project.open(path) as project:
        before = read_state(project)
    report = run_crash_test(path, kills=0, seed=3, final_edits=80)
    return path, before, report.logs[-1].read_text(encoding="utf-8")


def _check(path: Path, before: State, log: str) -> None:
    with Project.open(path) as project:
        actual = read_state(project)
        groups = {spec.name: spec.group for spec in project.schema.document_labels}
    verify(before, actual, parse_log(log), groups)


def test_checker_accepts_the_true_log(finished_round: tuple[Path, State, str]) -> None:
    path, before, log = finished_round
    _check(path, before, log)


def test_checker_catches_an_edit_reported_but_missing(finished_round: tuple[Path, State, str]) -> None:
    path, before, log = finished_round
    lost = {"done": {"op": "add_span", "id": 999_999, "doc": 1, "start": 0, "end": 5, "label": "ACTOR"}}
    with pytest.raises(CrashCheckFailed, match="999999"):
        _check(path, before, log + json.dumps(lost) + "\n")


def test_checker_catches_an_edit_present_but_not_reported(finished_round: tuple[Path, State, str]) -> None:
    """A span the project holds although its commit was never reported (and it is not the one
    in flight) must be caught: drop the report of an added span nothing later refers to."""
    path, before, log = finished_round
    lines = log.splitlines(keepends=True)
    done = [(i, json.loads(line)["done"]) for i, line in enumerate(lines) if line.startswith('{"done"')]
    dropped = next(i for n, (i, event) in enumerate(done[:-1]) if event["op"] == "add_span"
                   and all(event["id"] not in (later.get("id"), later.get("head"), later.get("tail"))
                           for _j, later in done[n + 1:]))
    with pytest.raises(CrashCheckFailed, match="found but not expected"):
        _check(path, before, "".join(lines[:dropped] + lines[dropped + 1:]))


def test_checker_catches_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    prepare_project(path)
    assert check_file(path) == "ok"
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 2)
        handle.write(b"\xff" * 4096)
    assert check_file(path) != "ok"


def test_sigkill_with_a_reader_and_backups_loses_no_committed_edit(tmp_path: Path) -> None:
    """The editing process also takes backups (as the window's timer does) while another
    process keeps opening, reading and closing the project (as CLI commands and teammates do).
    Before the backup code read the project's header through SQLite, its plain open() and
    close() dropped the worker's locks, the reader's close then checkpointed and deleted the
    WAL under the worker, and every edit after that was lost at the kill."""
    report = run_crash_test(tmp_path / "crash.db", kills=4, seed=11, max_delay=1.5, final_edits=120,
                            readers=True, backup_every=25)
    assert report.kills == 4
    assert report.reads >= 4, "the reader process must really have read during the rounds"
    assert report.backups_checked >= 4
    assert report.edits_verified == report.edits_committed >= 120
