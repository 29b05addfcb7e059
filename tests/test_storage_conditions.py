"""What the disk and the server can do to a project, met as an analyst meets it: real read-only
and full disks (a tmpfs of the test's own), damaged and empty files, a lock held too long, a
lost server connection. Each ends in a catalogue message, never a traceback, and the project
keeps everything it had (issue 12, items 6-9). The commands run in this process
(``tests/cli_runs.py``); a real process is killed where a crashed window is the point."""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from annotator.corpus.importer import import_paths
from annotator.errors import UserError
from annotator.store import Project, database, failures
from tests.cli_runs import refused
from tests.cli_runs import run_here as cli
from tests.conftest import REPO_ROOT, SAMPLE_CORPUS, fresh_postgres_database, integrity_check
from tests.disks import remount_read_only, tmpfs


def digest(*paths: Path) -> str:
    """The bytes of files no connection of this process has open (safe to read directly)."""
    hashed = hashlib.sha256()
    for path in paths:
        hashed.update(path.read_bytes() if path.exists() else b"<absent>")
    return hashed.hexdigest()


def sample_project(path: Path) -> Path:
    """The sample articles with one span, written and closed by a separate process."""
    assert cli("import", path, SAMPLE_CORPUS).returncode == 0
    with Project.open(path, create=False) as project:
        project.annotations.add_span(1, 0, 5, "ACTOR", "anna")
    return path


# --- read-only disks ---------------------------------------------------------------------------


@pytest.fixture
def read_only_project(tmp_path: Path) -> Iterator[Path]:
    with tmpfs(tmp_path / "disk", "20m") as disk:
        path = sample_project(disk / "P.db")
        remount_read_only(disk)
        yield path


def test_a_project_on_a_read_only_disk_opens_for_reading(read_only_project: Path, tmp_path: Path) -> None:
    before = digest(read_only_project)
    for args in (["stats"], ["docs", "--json"], ["show", "1"], ["search", "Belarus"], ["actors"],
                 ["export", tmp_path / "out.jsonl", "--format", "jsonl"]):
        result = cli(args[0], read_only_project, *args[1:])
        assert result.returncode == 0 and "Traceback" not in result.stderr, (args, result.stderr)
    assert '"label": "ACTOR"' in (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    (tmp_path / "new.txt").write_text("A new article about Minsk and Moscow.\n", encoding="utf-8")
    assert refused(cli("import", read_only_project, tmp_path / "new.txt"), "E147")
    assert refused(cli("limits", read_only_project, "--max-file-mb", "3"), "E147")
    assert refused(cli("actors", read_only_project, "add", "Alexander Lukashenko"), "E147")
    assert refused(cli("backup", read_only_project), "E121")
    assert digest(read_only_project) == before
    assert sorted(path.name for path in read_only_project.parent.iterdir()) == ["P.db", "P.db.backups"]


def test_a_read_only_project_says_so_and_refuses_changes_in_the_api(read_only_project: Path) -> None:
    with Project.open(read_only_project) as project:
        assert project.read_only == "the file is on a read-only disk"
        assert [span.label for span in project.annotations.spans(1)] == ["ACTOR"]
        with pytest.raises(UserError, match=r"\[E147\].*read-only disk"):
            project.annotations.add_span(1, 10, 15, "ACTOR", "anna")
        with pytest.raises(UserError, match=r"\[E147\]"):
            project.annotations.set_status(1, "anna", "done")


def test_a_new_project_cannot_be_made_on_a_read_only_disk(read_only_project: Path) -> None:
    assert refused(cli("init", read_only_project.with_name("new.db")), "E180")
    assert not read_only_project.with_name("new.db").exists()


def test_a_wal_without_its_shared_memory_file_on_a_read_only_disk_is_refused(tmp_path: Path) -> None:
    """A crashed window's WAL holds commits; without the -shm file, SQLite can read them only
    where it may create that file, so the project is refused by name rather than shown stale."""
    source = sample_project(tmp_path / "source.db")
    crashed = subprocess.run([sys.executable, "-c", (
        "import os, shutil, sys\n"
        "from annotator.store import Project\n"
        "project = Project.open(sys.argv[1])\n"
        "project.annotations.add_span(1, 10, 15, 'ACTOR', 'anna')\n"
        "for suffix in ('', '-wal'):\n"
        "    shutil.copy(sys.argv[1] + suffix, sys.argv[2] + suffix)\n"
        "os.kill(os.getpid(), 9)\n"), str(source), str(tmp_path / "copy.db")],
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, check=False)
    assert crashed.returncode == -9
    with tmpfs(tmp_path / "disk", "20m") as disk:
        for suffix in ("", "-wal"):
            (disk / f"P.db{suffix}").write_bytes((tmp_path / f"copy.db{suffix}").read_bytes())
        remount_read_only(disk)
        assert refused(cli("stats", disk / "P.db"), "E154")


# --- full disks -------------------------------------------------------------------------------


def _big_articles(folder: Path, count: int) -> Path:
    folder.mkdir()
    rng = random.Random(0)
    words = ["Belarus", "Russia", "threat", "sovereignty", "Minsk", "Moscow", "statement", "minister"]
    for number in range(count):
        (folder / f"a{number:03d}.txt").write_text(" ".join(rng.choice(words) for _ in range(3000)), encoding="utf-8")
    return folder


def _filled_by(tmp_path: Path, command: str, source: Path) -> int:
    """Run ``annotator COMMAND P SOURCE`` into the sample project on a disk too small for it:
    refused with the disk-full message, the file sound, the span made before kept. The number
    of documents the project holds afterwards."""
    with tmpfs(tmp_path / "disk", "1200k") as disk:
        path = sample_project(disk / "P.db")
        result = cli(command, path, source)
        assert refused(result, "E148"), result.stderr
        assert integrity_check(path) == "ok"
        with Project.open(path, create=False) as project:
            assert [(span.start, span.end) for span in project.annotations.spans(1)] == [(0, 5)]
            return project.documents.count()


def test_a_full_disk_during_import_is_a_message_and_loses_nothing(tmp_path: Path) -> None:
    assert _filled_by(tmp_path, "import", _big_articles(tmp_path / "big", 60)) >= 5  # whole batches may be in


def test_a_full_disk_during_merge_is_a_message_and_loses_nothing(tmp_path: Path) -> None:
    teammate = tmp_path / "teammate.db"
    assert cli("import", teammate, _big_articles(tmp_path / "big", 60)).returncode == 0
    assert _filled_by(tmp_path, "merge", teammate) == 5  # a merge is one transaction: nothing of it


# --- files that are not (whole) projects --------------------------------------------------------


def test_a_read_command_never_turns_an_empty_file_into_a_project(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    for args in (["stats"], ["docs"], ["search", "Belarus"], ["export", tmp_path / "x.jsonl", "--format", "jsonl"],
                 ["agreement"], ["show", "1"]):
        assert refused(cli(args[0], empty, *args[1:]), "E152"), args
    assert empty.stat().st_size == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["empty.db"]
    assert cli("init", empty).returncode == 0  # asked for in so many words, a project is made there
    assert cli("stats", empty).returncode == 0


def _damaged_copies(source: Path, folder: Path) -> list[Path]:
    """The project cut by one byte, and copies with bytes overwritten at random (seeded)."""
    data = source.read_bytes()
    copies = [folder / "cut.db"]
    copies[0].write_bytes(data[:-1])
    for seed in (10, 17, 23, 31, 42):
        rng = random.Random(seed)
        damaged = bytearray(data)
        for _ in range(rng.choice([5, 20, 200])):
            damaged[rng.randrange(100, len(damaged))] = rng.randrange(256)
        copies.append(folder / f"damaged-{seed}.db")
        copies[-1].write_bytes(bytes(damaged))
    return copies


def test_damaged_project_files_give_the_damage_message_in_every_command(tmp_path: Path) -> None:
    source = sample_project(tmp_path / "source.db")
    connection = sqlite3.connect(source)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    messages = set()
    for damaged in _damaged_copies(source, tmp_path):
        for args in (["stats"], ["docs"], ["show", "1"], ["search", "Belarus"],
                     ["export", tmp_path / "x.jsonl", "--format", "jsonl", "--force"]):
            result = cli(args[0], damaged, *args[1:])
            assert result.returncode in (0, 1) and "Traceback" not in result.stderr and "[E155]" not in result.stderr, \
                (damaged.name, args, result.stderr)
            messages.update(code for code in ("E122", "E123", "E104") if f"[{code}]" in result.stderr)
    assert messages, "some of the damage must have been found and reported as damage"


def test_restore_refuses_the_project_itself_and_a_damaged_backup(tmp_path: Path) -> None:
    path = sample_project(tmp_path / "P.db")
    assert cli("backup", path).returncode == 0
    assert refused(cli("restore", path, path), "E157")
    damaged = tmp_path / "damaged-backup.db"
    data = bytearray((path.with_name("P.db.backups") / next(iter(os.listdir(path.with_name("P.db.backups"))))).read_bytes())
    data[4096:8192] = b"\xff" * 4096
    damaged.write_bytes(bytes(data))
    assert refused(cli("restore", path, damaged), "E125")
    assert integrity_check(path) == "ok"


@pytest.mark.parametrize(("url", "code"), [
    ("postgresql+asyncpg://user@localhost/db", "E181"),
    ("sqlite+pysqlcipher:///P.db", "E181"),
    ("sqlite:///P.db?foo=bar", "E114"),
    ("postgresql://user@localhost/db?foo=bar", "E114"),
])
def test_urls_naming_another_driver_or_unknown_options_are_refused(url: str, code: str, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert refused(cli("stats", url), code)
    assert list(tmp_path.iterdir()) == []


# --- other programs: locks and servers ------------------------------------------------------------


def test_a_lock_held_too_long_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "P.db"
    with Project.open(path) as project:
        import_paths(project, [SAMPLE_CORPUS])
    monkeypatch.setattr(database, "BUSY_TIMEOUT_SECONDS", 1)
    monkeypatch.setattr(failures, "BUSY_TIMEOUT_SECONDS", 1)
    holder = sqlite3.connect(path)  # another program writing for a long time
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Project.open(path, create=False) as project, \
                pytest.raises(UserError, match=r"\[E149\].*longer than 1 seconds"):
            project.annotations.add_span(1, 0, 5, "ACTOR", "anna")
    finally:
        holder.rollback()
        holder.close()
    with Project.open(path, create=False) as project:
        assert project.annotations.spans(1) == []


@pytest.mark.slow
def test_a_lost_server_connection_is_a_message_and_the_next_action_works() -> None:
    with fresh_postgres_database() as url:
        with Project.open(url) as project:
            import_paths(project, [SAMPLE_CORPUS])
            admin = sa.create_engine(sa.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
            try:
                with pytest.raises(UserError, match=r"\[E151\]"), project.transaction() as connection:
                    pid = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
                    with admin.connect() as other:
                        other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                    connection.execute(sa.text("SELECT 1"))
            finally:
                admin.dispose()
            span = project.annotations.add_span(1, 0, 5, "ACTOR", "anna")
            assert [item.id for item in project.annotations.spans(1)] == [span.id]
