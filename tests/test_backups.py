"""Rotating backups of project files: consistent under concurrent writes, rotated, verified,
restorable, and named in the message a damaged project gives. Real SQLite files throughout."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from annotator.cli.main import main
from annotator.errors import UserError
from annotator.store import Project
from annotator.store.backups import (
    STAMP_FORMAT,
    backup_folder,
    list_backups,
    restore_backup,
    take_backup,
)
from tests.conftest import SAMPLE_CORPUS


@pytest.fixture
def sample_file(tmp_path: Path) -> Path:
    """A closed project file holding the sample articles and one span."""
    from annotator.corpus.importer import import_paths

    path = tmp_path / "sample.db"
    with Project.open(path) as project:
        import_paths(project, [SAMPLE_CORPUS])
        project.annotations.add_span(1, 0, 10, "ACTOR", "alice")
    return path


def _span_ids(path: Path) -> list[int]:
    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute("SELECT id FROM span ORDER BY id")]
    finally:
        connection.close()


def _age(backup: Path, hours: float) -> Path:
    """Rename a backup as if it had been taken ``hours`` ago (its time is in its name)."""
    stem, stamp = backup.stem.split("-", 1)
    older = datetime.strptime(stamp[:15], STAMP_FORMAT) - timedelta(hours=hours)
    return backup.rename(backup.with_name(f"{stem}-{older:{STAMP_FORMAT}}.db"))


def test_backup_while_another_connection_writes_is_a_consistent_snapshot(sample_file: Path) -> None:
    stop = threading.Event()
    written: list[int] = []

    def write() -> None:
        with Project.open(sample_file) as writer:
            while not stop.is_set():
                written.append(writer.annotations.add_span(2, 0, 5, "CLAIM", "bob").id)

    thread = threading.Thread(target=write)
    thread.start()
    try:
        backups = []
        for _ in range(5):  # each backup after a few more committed edits, so none is "unchanged"
            wanted = len(written) + 5
            while len(written) < max(wanted, 20):
                threading.Event().wait(0.01)
            backups.append(take_backup(sample_file, keep=50))
    finally:
        stop.set()
        thread.join()
    counts = []
    for backup in backups:
        assert not backup.unchanged
        ids = _span_ids(backup.path)
        # Spans are committed one by one in id order: a consistent snapshot holds a prefix of them.
        assert ids == list(range(1, len(ids) + 1))
        counts.append(len(ids))
    assert counts == sorted(counts) and counts[-1] <= 1 + len(written)
    assert counts[0] > 20


def test_rotation_keeps_the_newest_and_skips_unchanged_copies(sample_file: Path) -> None:
    made = []
    for number in range(5):
        with Project.open(sample_file) as project:
            project.annotations.add_span(3, number, number + 4, "ACTOR", "alice")
        made.append(take_backup(sample_file, keep=3).path)
    kept = list_backups(sample_file)
    assert [backup.path for backup in kept] == made[:1:-1]
    assert not made[0].exists() and not made[1].exists()
    again = take_backup(sample_file, keep=3)
    assert again.unchanged and again.path == made[-1]
    assert len(list_backups(sample_file)) == 3
    assert not any(name.name.endswith(".partial") for name in backup_folder(sample_file).iterdir())


def test_restore_brings_the_data_back_and_keeps_the_current_file(sample_file: Path) -> None:
    backup = take_backup(sample_file)
    wal = Path(f"{sample_file}-wal")
    with Project.open(sample_file) as project:
        project.annotations.delete_span(1)
        project.annotations.add_span(4, 0, 3, "DATE", "alice")
        current, last_commits = sample_file.read_bytes(), wal.read_bytes()
    # as a crashed window leaves it: the last commits still in the WAL (a clean close folds them in)
    sample_file.write_bytes(current)
    wal.write_bytes(last_commits)
    restored = restore_backup(sample_file)
    assert restored.backup.path == backup.path
    assert restored.moved_aside is not None and restored.moved_aside.name.startswith("sample.db.damaged-")
    assert restored.moved_aside.read_bytes() == current
    assert Path(f"{restored.moved_aside}-wal").exists()  # the last commits live there until a checkpoint
    with Project.open(sample_file) as project:
        assert [span.id for span in project.annotations.spans(1)] == [1]
        assert project.annotations.spans(4) == []
    with Project.open(restored.moved_aside) as aside:  # the moved file is whole, WAL and all
        assert [span.label for span in aside.annotations.spans(4)] == ["DATE"]


def test_restore_refuses_a_damaged_backup_and_finds_the_newest_good_one(sample_file: Path) -> None:
    good = _age(take_backup(sample_file).path, hours=2)
    with Project.open(sample_file) as project:
        project.annotations.add_span(2, 0, 4, "ACTOR", "alice")
    newest = take_backup(sample_file).path
    _damage_middle(newest)
    with pytest.raises(UserError, match=r"\[E125\].*integrity check"):
        restore_backup(sample_file, newest)
    assert restore_backup(sample_file).backup.path == good


def _damage_middle(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 2)
        handle.write(b"\xa5" * 8192)


def _damage_header(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.write(b"\x00garbage" * 16)


def _truncate(path: Path) -> None:
    os.truncate(path, 8192)


@pytest.mark.parametrize("damage", [_damage_header, _truncate, _damage_middle])
def test_a_damaged_project_names_the_backup_and_the_restore_command(sample_file: Path, damage) -> None:  # type: ignore[no-untyped-def]
    backup = _age(take_backup(sample_file).path, hours=2)  # due again: opening copies and checks the file
    damage(sample_file)
    with pytest.raises(UserError) as raised:
        Project.open(sample_file).close()
    message = str(raised.value)
    assert message.startswith("[E122]") and str(sample_file) in message
    assert str(backup) in message and f"annotator restore {sample_file}" in message
    assert list_backups(sample_file)[0].path == backup  # the bad copy did not join the rotation
    restored = restore_backup(sample_file)
    assert restored.moved_aside is not None and restored.moved_aside.exists()
    with Project.open(sample_file) as project:
        assert project.documents.count() == 5


def test_a_damaged_project_without_backups_says_so(sample_file: Path) -> None:
    _damage_header(sample_file)
    with pytest.raises(UserError, match=r"\[E123\].*no good backup") as raised:
        Project.open(sample_file)
    assert str(backup_folder(sample_file)) in str(raised.value)


def test_opening_takes_a_backup_when_due_and_never_fails_because_of_one(
        sample_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    with Project.open(sample_file):
        pass
    first = list_backups(sample_file)
    assert len(first) == 1  # the project existed and had no backup
    with Project.open(sample_file):
        pass
    assert list_backups(sample_file) == first  # not due again within the hour
    blocked = tmp = sample_file.with_name("blocked.db")
    tmp.write_bytes(sample_file.read_bytes())
    backup_folder(blocked).write_text("a file where the backup folder should be")
    with caplog.at_level(logging.WARNING), Project.open(blocked) as project:
        assert project.documents.count() == 5
    assert "[E121]" in caplog.text and str(backup_folder(blocked)) in caplog.text


def test_new_projects_are_not_backed_up_on_creation(tmp_path: Path) -> None:
    with Project.open(tmp_path / "new.db"):
        pass
    assert not backup_folder(tmp_path / "new.db").exists()


def test_cli_backup_list_and_restore(sample_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backup", str(sample_file)]) == 0
    out = capsys.readouterr().out
    made = list_backups(sample_file)[0]
    assert str(made.path) in out and "integrity check ok" in out
    assert main(["backup", str(sample_file)]) == 0
    assert "has not changed" in capsys.readouterr().out
    assert main(["backup", str(sample_file), "--list"]) == 0
    listing = capsys.readouterr().out
    assert str(made.path) in listing and f"{made.taken:%Y-%m-%d %H:%M:%S}" in listing and "kB" in listing
    _damage_header(sample_file)
    assert main(["restore", str(sample_file)]) == 0
    out = capsys.readouterr().out
    assert f"from {made.path}" in out and "sample.db.damaged-" in out
    assert main(["docs", str(sample_file)]) == 0
    assert main(["restore", str(sample_file), made.path.name]) == 0  # a name from --list is enough
    assert len(list(sample_file.parent.glob("sample.db.damaged-*"))) == 2


def test_cli_refuses_server_urls_and_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql://annotator@db.example.org/project"
    assert main(["backup", url]) == 1
    err = capsys.readouterr().err
    assert "[E120]" in err and "pg_dump" in err and f"annotator copy {url} FILE.db" in err
    assert main(["restore", url]) == 1
    assert "[E120]" in capsys.readouterr().err
    assert main(["backup", str(tmp_path / "missing.db")]) == 1
    assert "[E127]" in capsys.readouterr().err
    with Project.open(tmp_path / "p.db"):
        pass
    assert main(["backup", str(tmp_path / "p.db"), "--keep", "0"]) == 1
    assert "[E126]" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "p.db")]) == 1
    assert "[E124]" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "p.db"), "nope.db"]) == 1
    assert "[E125]" in capsys.readouterr().err


def test_copies_left_by_a_killed_backup_are_cleaned_up_later(sample_file: Path) -> None:
    folder = backup_folder(sample_file)
    folder.mkdir()
    abandoned = folder / "sample-20200101-000000.db.partial"
    recent = folder / "sample-20991231-000000.db.partial"  # another process may be writing this one
    for leftover in (abandoned, recent):
        leftover.write_bytes(b"half a copy")
    day_old = datetime.now().timestamp() - 2 * 86400
    os.utime(abandoned, (day_old, day_old))
    take_backup(sample_file)
    assert not abandoned.exists() and recent.exists()
    assert len(list_backups(sample_file)) == 1


def test_windows_opening_one_project_at_once_take_one_due_backup(sample_file: Path) -> None:
    """Eight handles opening a project whose backup is due, at the same moment: every open
    succeeds and no half-made copy is left behind."""
    path = sample_file
    assert not list_backups(path)
    barrier = threading.Barrier(8)
    failures: list[BaseException] = []

    def open_once() -> None:
        barrier.wait()
        try:
            Project.open(path).close()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=open_once) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    folder = backup_folder(path)
    assert list_backups(path)
    assert not list(folder.glob("*.partial")) and not (folder / ".backup-in-progress").exists()


def test_restore_is_refused_while_the_project_is_open(sample_file: Path) -> None:
    """A window still holding the project would go on writing into the file moved aside."""
    take_backup(sample_file)
    before = sample_file.read_bytes()
    with Project.open(sample_file) as open_elsewhere:
        open_elsewhere.documents.count()  # the window's connection, idle in the pool
        with pytest.raises(UserError, match=r"\[E128\]"):
            restore_backup(sample_file)
    assert sample_file.read_bytes() == before and not list(sample_file.parent.glob("*.damaged-*"))
    assert restore_backup(sample_file).moved_aside is not None  # closed: the restore goes ahead
