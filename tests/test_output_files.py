"""The one writer of output files: protected paths, temporary-then-rename, no replacing unasked,
several files published together, and real full and read-only disks (issue 12, items 1, 2, 7).

The disks are real (``tests/disks.py``): a 256 KB tmpfs mounted for the test, filled up, or
remounted read-only (root ignores file permissions, not a read-only mount).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.errors import UserError
from annotator.formats import LossReport, brat
from annotator.output_files import (
    OutputSet,
    ProtectedPaths,
    ReplaceRefused,
    check_outputs,
    output_binary,
    output_file,
    publish_file,
)
from annotator.store import Project
from annotator.store.backups import backup_folder
from tests.cli_runs import run_here as run_cli
from tests.disks import fill, remount_read_only, tmpfs
from tests.format_fixtures import sample_docs
from tests.test_output_commands import sample_project_file


def partials(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.name.endswith(".partial")]


@pytest.fixture
def sqlite_project(tmp_path: Path) -> Iterator[Path]:
    """A project file held open by this process (its -wal and -shm exist), with a backup."""
    with Project.open(sample_project_file(tmp_path / "P.db")) as project:
        project.documents.ids()
        yield Path(project.location)


# --- protected paths -------------------------------------------------------------------------


def test_the_project_its_side_files_links_and_backups_are_refused(sqlite_project: Path, tmp_path: Path) -> None:
    protected = ProtectedPaths.of(sqlite_project)
    (tmp_path / "symlink.db").symlink_to(sqlite_project)
    os.link(sqlite_project, tmp_path / "hard.db")
    backup = next(backup_folder(sqlite_project).glob("*.db"))
    os.link(backup, tmp_path / "hard-backup.db")
    (tmp_path / "folder-link").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "dangling.csv").symlink_to(tmp_path / "P.db-journal")  # SQLite's journal, not there now
    refused = {
        "E170": [sqlite_project, Path(f"{sqlite_project}-wal"), Path(f"{sqlite_project}-shm"),
                 Path(f"{sqlite_project}-journal"), tmp_path / "symlink.db", tmp_path / "hard.db",
                 tmp_path / "folder-link" / "P.db", tmp_path / "dangling.csv",
                 tmp_path / "sub" / ".." / "P.db"],
        "E171": [backup_folder(sqlite_project), backup, backup_folder(sqlite_project) / "new.csv",
                 backup_folder(sqlite_project) / "deeper" / "x.csv", tmp_path / "hard-backup.db",
                 tmp_path / "folder-link" / "P.db.backups" / "x.csv"],
    }
    for code, targets in refused.items():
        for target in targets:
            with pytest.raises(UserError, match=code):
                protected.check(target)
            with pytest.raises(UserError, match=code), output_file(target, protected, force=True) as handle:
                handle.write("never")
    protected.check(tmp_path / "P.db.csv")  # a neighbour is fine
    protected.check(tmp_path / "P.db.backups.csv")
    ProtectedPaths.of("postgresql://user@localhost/db").check(sqlite_project)  # a server project protects no file
    assert database_ok(sqlite_project)
    assert not partials(tmp_path) and not (tmp_path / "sub").exists()


def test_a_project_named_through_a_symlink_protects_both_names(sqlite_project: Path, tmp_path: Path) -> None:
    alias = tmp_path / "alias.db"
    alias.symlink_to(sqlite_project)
    protected = ProtectedPaths.of(str(alias))
    for target in (sqlite_project, alias, Path(f"{alias}-wal"), Path(f"{sqlite_project}-shm"),
                   backup_folder(alias) / "x", backup_folder(sqlite_project) / "x"):
        with pytest.raises(UserError, match="E17[01]"):
            protected.check(target)


def database_ok(path: Path) -> bool:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()


# --- replacing -------------------------------------------------------------------------------


def test_an_existing_file_is_kept_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"keep me\r\n")
    with pytest.raises(ReplaceRefused, match="E172") as refused:
        with output_file(target) as handle:
            handle.write("new")
    assert refused.value.paths == [target] and "--force" in str(refused.value)
    assert target.read_bytes() == b"keep me\r\n"
    with output_file(target, force=True) as handle:
        handle.write("new")
    assert target.read_text() == "new" and not partials(tmp_path)


def test_a_file_appearing_while_the_output_is_written_is_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with pytest.raises(ReplaceRefused), output_file(target) as handle:
        handle.write("mine")
        target.write_text("someone else's")  # after the check, before the publish
    assert target.read_text() == "someone else's" and not partials(tmp_path)


def test_folders_devices_and_fifos_are_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "pipe")
    for target, what in ((tmp_path / "folder", "a folder"), (tmp_path / "pipe", "a device, pipe or socket"),
                         (Path("/dev/null"), "a device, pipe or socket")):
        with pytest.raises(UserError, match=f"E178.*{what}"), output_binary(target, force=True) as handle:
            handle.write(b"x")
    assert Path("/dev/null").is_char_device() and (tmp_path / "folder").is_dir() and not partials(tmp_path)


def test_a_failure_inside_the_block_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), output_file(target, force=True) as handle:
        handle.write("half")
        raise RuntimeError("the exporter broke")
    assert target.read_text() == "old" and not partials(tmp_path)


def test_new_files_get_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    with output_file(tmp_path / "out.txt") as handle:
        handle.write("x")
    assert (tmp_path / "out.txt").stat().st_mode & 0o777 == 0o666 & ~umask


# --- several files ---------------------------------------------------------------------------


def test_several_files_are_published_together_or_not_at_all(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "deeper"
    existing = [tmp_path / "a.txt", tmp_path / "c.txt"]
    for path in existing:
        path.write_text("old")
    with pytest.raises(ReplaceRefused, match="E173") as refused:
        with OutputSet(create_folders=True) as outputs:
            for name in ("a.txt", "b.txt", "c.txt"):
                outputs.write_text(tmp_path / name, name)
            outputs.write_text(folder / "d.txt", "d")
    assert refused.value.paths == existing  # one message naming every file it would replace
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "c.txt"]  # no b.txt, no folders made
    assert [path.read_text() for path in existing] == ["old", "old"]
    with OutputSet(force=True, create_folders=True) as outputs:
        for name in ("a.txt", "b.txt"):
            outputs.write_text(tmp_path / name, name)
        outputs.write_text(folder / "d.txt", "d")
        outputs.write_text(folder / "d.txt", "d again")  # staged twice: the later content counts
    assert (tmp_path / "a.txt").read_text() == "a.txt" and (folder / "d.txt").read_text() == "d again"
    assert not partials(tmp_path)


def test_a_brat_export_over_an_earlier_one_names_every_file(tmp_path: Path) -> None:
    brat.export_brat(sample_docs(), tmp_path / "out", LossReport())
    written = sorted(path for path in (tmp_path / "out").rglob("*") if path.is_file())
    stamps = {path: path.stat().st_mtime_ns for path in written}
    with pytest.raises(ReplaceRefused) as refused:
        brat.export_brat(sample_docs(), tmp_path / "out", LossReport())
    assert sorted(refused.value.paths) == written
    assert {path: path.stat().st_mtime_ns for path in written} == stamps and not partials(tmp_path)


def test_check_outputs_names_every_existing_file_at_once(tmp_path: Path) -> None:
    paths = [tmp_path / f"{number}.svg" for number in range(12)]
    for path in paths:
        path.write_text("x")
    with pytest.raises(ReplaceRefused, match=r"12 files .* and 2 more") as refused:
        check_outputs([*paths, tmp_path / "new.svg"])
    assert refused.value.paths == paths
    check_outputs(paths, force=True)


def test_publish_file_is_the_bare_atomic_step(tmp_path: Path) -> None:
    """For code that stages its own temporary (the backups): no protected-path check, the
    temporary is gone afterwards whatever happens."""
    target = tmp_path / "copy.db"
    temporary = tmp_path / ".copy.db.partial"
    temporary.write_text("first")
    publish_file(temporary, target, replace=False)
    assert target.read_text() == "first" and not temporary.exists()
    temporary.write_text("second")
    with pytest.raises(FileExistsError):
        publish_file(temporary, target, replace=False)
    assert target.read_text() == "first" and not temporary.exists()
    temporary.write_text("third")
    publish_file(temporary, target, replace=True)
    assert target.read_text() == "third" and not temporary.exists()


# --- real disks ------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KB tmpfs of the test's own, unmounted afterwards."""
    with tmpfs(tmp_path / "disk") as disk:
        yield disk


def test_a_full_disk_leaves_no_partial_file_and_keeps_the_old_one(sqlite_project: Path, small_disk: Path) -> None:
    (small_disk / "old.jsonl").write_text("the previous export\n")
    fill(small_disk, leave=8192)  # the sample export is about 25 KB
    before = sorted(small_disk.iterdir())
    for out, extra in ((small_disk / "new.jsonl", []), (small_disk / "old.jsonl", ["--force"]),
                       (small_disk / "folder", ["--format", "brat"]), (small_disk / "split", ["--split", "0.5,0.5"])):
        args = ["export", str(sqlite_project), str(out), *extra]
        result = run_cli(*(args if "--format" in extra else [*args, "--format", "jsonl"]))
        assert result.returncode == 1 and "[E174]" in result.stderr and "Traceback" not in result.stderr, result.stderr
        assert sorted(small_disk.iterdir()) == before  # no partial file, no temporary, no folder
        assert (small_disk / "old.jsonl").read_text() == "the previous export\n"
    with pytest.raises(UserError, match="E174"), output_file(small_disk / "big.txt") as handle:
        handle.write("x" * 100_000)
    assert sorted(small_disk.iterdir()) == before
    assert database_ok(sqlite_project)


def test_a_read_only_folder_is_named_and_nothing_changes(sqlite_project: Path, small_disk: Path) -> None:
    (small_disk / "old.csv").write_text("kept\n")
    remount_read_only(small_disk)
    for out, extra in ((small_disk / "new.csv", []), (small_disk / "old.csv", ["--force"])):
        result = run_cli("search", str(sqlite_project), "Belarus", "--csv", str(out), *extra)
        assert result.returncode == 1 and "[E175]" in result.stderr and "Traceback" not in result.stderr, result.stderr
    result = run_cli("dashboard", str(sqlite_project), "--png-dir", str(small_disk / "charts"))
    assert result.returncode == 1 and "[E175]" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert sorted(path.name for path in small_disk.iterdir()) == ["old.csv"]
    assert (small_disk / "old.csv").read_text() == "kept\n"
