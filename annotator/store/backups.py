"""Rotating backups of SQLite project files, and restoring one.

A project file is the analysts' whole work, so copies of it are kept in a folder beside it,
``<project>.backups/<stem>-YYYYmmdd-HHMMSS.db``, newest ``keep`` (default 10) only. Copies are made
with SQLite's online backup API, which reads one consistent snapshot even while another process
is writing (the project runs in WAL mode, where readers never block the writer), unlike a file
copy that can catch a half-written page. A copy counts only after ``PRAGMA integrity_check``
passes on it: it is written under a temporary name and renamed into place, so a crash or a full
disk never leaves a half copy that looks like a backup, and a bad copy never pushes a good one
out of the rotation. Copies are single files (journal mode DELETE), with no WAL side files to lose.

Backups are taken when a project is opened and the newest one is older than ``BACKUP_INTERVAL``
(``Project.open`` calls ``backup_if_due``), periodically and on close by the GUI, and on demand by
``annotator backup``. A project on a database server (PostgreSQL) is backed up by the server's
own tools; only files are handled here. Nothing here imports Qt.
"""

from __future__ import annotations

import filecmp
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from annotator.errors import Errors, UserError
from annotator.output_files import publish_file
from annotator.store import sqlite_files
from annotator.store.database import is_url, location_to_url, sqlite_path
from annotator.store.sqlite_files import database_open_here, header_problem

BACKUP_KEEP = 10
BACKUP_INTERVAL = timedelta(hours=1)
STAMP_FORMAT = "%Y%m%d-%H%M%S"
_PARTIAL_SUFFIX = ".partial"
_CLAIM_NAME = ".backup-in-progress"


class DamagedProjectError(UserError):
    """The project file itself is damaged (not merely its backup): opening it must stop here."""


@dataclass(frozen=True, slots=True)
class BackupFile:
    """One backup copy: where it is, when it was taken (local time, from its name), its size.

    ``unchanged`` marks the answer of a backup request when the project had not changed since
    this (older) copy, so no new one was made.
    """

    path: Path
    taken: datetime
    size: int
    unchanged: bool = False


@dataclass(frozen=True, slots=True)
class Restored:
    """What ``restore_backup`` did: which backup it copied back, and where the old file went."""

    backup: BackupFile
    moved_aside: Path | None


def project_file(location: str | Path) -> Path | None:
    """The SQLite file behind a project location, or None for a database server URL."""
    if is_url(location):
        return sqlite_path(location_to_url(location))
    return Path(location).expanduser().resolve()


def backup_folder(path: Path) -> Path:
    """``project.db`` keeps its backups in ``project.db.backups`` beside it."""
    return path.with_name(f"{path.name}.backups")


def _name_pattern(path: Path) -> re.Pattern[str]:
    """Backup names of this project: ``<stem>-<stamp>[-n].db`` (``-n`` when two share a second)."""
    return re.compile(rf"{re.escape(path.stem)}-(\d{{8}}-\d{{6}})(?:-(\d+))?\.db")


def list_backups(path: Path) -> list[BackupFile]:
    """This project's backups, newest first; files in the folder that are not ours are ignored."""
    folder = backup_folder(path)
    if not folder.is_dir():
        return []
    pattern = _name_pattern(path)
    found: list[tuple[datetime, int, BackupFile]] = []
    for entry in folder.iterdir():
        match = pattern.fullmatch(entry.name)
        if match is None or not entry.is_file():
            continue
        taken = datetime.strptime(match.group(1), STAMP_FORMAT)
        found.append((taken, int(match.group(2) or 0), BackupFile(entry, taken, entry.stat().st_size)))
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [backup for _taken, _n, backup in found]


def integrity_problem(path: Path) -> str | None:
    """None if SQLite's ``PRAGMA integrity_check`` passes on the file, else what it (or opening it) said.

    The file is read through SQLite only, never opened directly: it may be a database this
    process has open (see ``annotator.store.sqlite_files``)."""
    try:
        if path.stat().st_size == 0:
            return "the file is empty"
        problem = header_problem(path)
        if problem is not None:
            return problem
        connection = sqlite_files.connect(path, query="?mode=ro")
        try:
            rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        finally:
            connection.close()
    except (OSError, ValueError, sqlite3.Error) as exc:
        return str(exc)
    return None if rows == ["ok"] else "; ".join(str(row) for row in rows[:3])


def take_backup(path: Path, *, keep: int = BACKUP_KEEP, location: str | None = None) -> BackupFile:
    """Copy the project into its backup folder now, verify the copy, keep the newest ``keep``.

    A copy byte for byte equal to the newest backup is dropped (the answer says ``unchanged``), so
    opening and closing an unchanged project never rotates older, different backups out. A copy
    that fails the integrity check means the project file itself is damaged (the copy is
    page for page what SQLite read): the copy is deleted, older backups are left alone, and the
    error says which backup to restore.
    """
    if keep < 1:
        raise UserError(Errors.E126.format(keep=keep))
    shown = location or str(path)
    _check_is_project_file(path, shown)
    folder = backup_folder(path)
    now = datetime.now()
    target = _free_name(folder, path, now)
    # one temporary name per process and thread: two windows backing up at once never share it
    partial = target.with_name(f"{target.name}.{os.getpid()}-{threading.get_ident()}{_PARTIAL_SUFFIX}")
    try:
        folder.mkdir(exist_ok=True)
        copy_database(path, partial)
    except (OSError, sqlite3.Error) as exc:
        with suppress(OSError):  # the folder may be what failed
            partial.unlink(missing_ok=True)
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
            raise damaged_project_error(path, shown, str(exc)) from exc
        raise UserError(Errors.E121.format(location=shown, folder=folder, reason=exc)) from exc
    previous = list_backups(path)
    if previous and _same_bytes(partial, previous[0].path):
        partial.unlink()
        return replace(previous[0], unchanged=True)
    problem = integrity_problem(partial)
    if problem is not None:
        partial.unlink(missing_ok=True)
        raise damaged_project_error(path, shown, f"SQLite's integrity check found: {problem}")
    try:
        publish_file(partial, target, replace=False)  # never over a backup another process just made
    except OSError as exc:
        raise UserError(Errors.E121.format(location=shown, folder=folder, reason=exc)) from exc
    for old in list_backups(path)[keep:]:
        old.path.unlink(missing_ok=True)
    _remove_stale_partials(folder, now)
    return BackupFile(target, now.replace(microsecond=0), target.stat().st_size)


def backup_due(path: Path, interval: timedelta = BACKUP_INTERVAL) -> bool:
    """True when the newest backup is older than ``interval``, or there is none."""
    backups = list_backups(path)
    return not backups or datetime.now() - backups[0].taken >= interval


def backup_if_due(path: Path, *, interval: timedelta = BACKUP_INTERVAL, keep: int = BACKUP_KEEP,
                  location: str | None = None) -> BackupFile | None:
    """Take a backup when ``backup_due`` says so; return it, or None when none was needed.

    A file inside a backup folder is itself a backup (an analyst looking into an old copy):
    it gets no backups of its own."""
    if path.parent.name.endswith(".backups") or not backup_due(path, interval):
        return None
    with _backup_claim(backup_folder(path)) as claimed:
        if not claimed:  # a teammate's window on this file is taking the due backup right now
            return None
        return take_backup(path, keep=keep, location=location)


@contextmanager
def _backup_claim(folder: Path) -> Iterator[bool]:
    """Claim the due backup for this process (an exclusively created marker file), so several
    windows opening one project at once take one backup between them, not one each. A marker
    older than ten minutes was left by a killed process and is taken over."""
    marker = folder / _CLAIM_NAME
    try:
        folder.mkdir(exist_ok=True)
        with suppress(FileNotFoundError):
            if datetime.now() - datetime.fromtimestamp(marker.stat().st_mtime) > timedelta(minutes=10):
                marker.unlink()
    except OSError:
        yield True  # no marker possible (the folder is blocked): take_backup reports the problem
        return
    try:
        descriptor = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        yield False
        return
    except OSError:
        yield True
        return
    os.close(descriptor)
    try:
        yield True
    finally:
        with suppress(OSError):
            marker.unlink()


def newest_good_backup(path: Path) -> BackupFile | None:
    """The newest backup that passes the integrity check now (a disk can damage a copy too)."""
    for backup in list_backups(path):
        if integrity_problem(backup.path) is None:
            return backup
    return None


def damaged_project_error(path: Path, location: str, reason: str) -> DamagedProjectError:
    """The message for a damaged project file: the backup to restore and the exact command, or
    that there is none."""
    good = newest_good_backup(path)
    if good is None:
        return DamagedProjectError(Errors.E123.format(location=location, reason=reason,
                                                      folder=backup_folder(path)))
    return DamagedProjectError(Errors.E122.format(location=location, reason=reason, backup=good.path,
                                        taken=f"{good.taken:%Y-%m-%d %H:%M:%S}"))


def restore_backup(path: Path, backup: Path | None = None, *, location: str | None = None) -> Restored:
    """Put a backup back in place of the project file.

    ``backup`` defaults to the newest one that passes the integrity check; a path that is not
    found as given is looked up in the backup folder by name. The current file, if any, is moved
    aside to ``<project>.damaged-<stamp>`` (with its WAL and shared-memory files, which may hold
    its last commits) and never deleted. The backup is copied to a temporary file first and
    renamed over the project, so a failure half-way leaves the project as it was.
    """
    shown = location or str(path)
    chosen = _chosen_backup(path, backup, shown)
    if path.exists() and not path.is_file():
        raise UserError(Errors.E125.format(location=shown, backup=chosen.path, reason=(
            f"{path} is not a regular file (a folder, device or pipe), so it is no project to put a backup in place of")))
    if path.exists() and _in_use(path):
        raise UserError(Errors.E128.format(location=shown))
    partial = path.with_name(f"{path.name}.restoring{_PARTIAL_SUFFIX}")
    try:
        copy_database(chosen.path, partial)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise UserError(Errors.E125.format(location=shown, backup=chosen.path, reason=exc)) from exc
    moved_aside = None
    if path.exists():
        moved_aside = _free_aside_name(path)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                os.replace(side, moved_aside.with_name(moved_aside.name + suffix))
        os.replace(path, moved_aside)
    publish_file(partial, path, replace=False)
    return Restored(chosen, moved_aside)


def _in_use(path: Path) -> bool:
    """Whether another connection has the project open (an annotator window keeps one).

    An exclusive lock cannot be had on a WAL database while any other connection holds it open,
    even idle, so asking for one without waiting answers the question; nothing is written.
    A file SQLite cannot read at all (the usual reason to restore) is in nobody's use.
    """
    crashed_wal = path.with_name(path.name + "-wal").exists()
    probe = sqlite_files.connect(path, timeout=0)
    if crashed_wal:  # closing would fold that WAL into the file that is about to be kept aside as it was
        probe.setconfig(sqlite3.SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, True)
    try:
        probe.execute("PRAGMA locking_mode=EXCLUSIVE")
        probe.execute("BEGIN EXCLUSIVE")
        probe.rollback()
        return False
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc) or "busy" in str(exc)
    except sqlite3.DatabaseError:
        return False
    finally:
        probe.close()


def _chosen_backup(path: Path, backup: Path | None, location: str) -> BackupFile:
    if backup is None:
        good = newest_good_backup(path)
        if good is None:
            raise UserError(Errors.E124.format(location=location, folder=backup_folder(path)))
        return good
    candidate = backup.expanduser()
    if not candidate.exists() and not candidate.is_absolute():
        candidate = backup_folder(path) / backup
    if not candidate.is_file():
        reason = "it is not a regular file (a folder, device or pipe)" if candidate.exists() else "there is no such file"
        raise UserError(Errors.E125.format(location=location, backup=backup, reason=reason))
    if path.exists() and candidate.samefile(path):
        raise UserError(Errors.E157.format(location=location, backup=backup))
    problem = integrity_problem(candidate)
    if problem is not None:
        raise UserError(Errors.E125.format(location=location, backup=candidate,
                                           reason=f"it fails SQLite's integrity check ({problem})"))
    listed = {item.path.resolve(): item for item in list_backups(path)}
    resolved = candidate.resolve()
    taken = datetime.fromtimestamp(resolved.stat().st_mtime).replace(microsecond=0)
    return listed.get(resolved, BackupFile(resolved, taken, resolved.stat().st_size))


def _check_is_project_file(path: Path, location: str) -> None:
    """Refuse what is not a project file; the header is read through SQLite, since the caller
    usually has the project open (``annotator.store.sqlite_files``)."""
    if not path.is_file():
        raise UserError(Errors.E127.format(location=location, reason="there is no such file"))
    if path.stat().st_size == 0:
        raise UserError(Errors.E127.format(location=location, reason="the file is empty"))
    problem = header_problem(path)
    if problem is not None:
        raise damaged_project_error(path, location, problem)


def _same_bytes(copy: Path, backup: Path) -> bool:
    """Whether a fresh copy equals a backup byte for byte. Backups are plain files nobody edits,
    but an analyst may have one open as a project in this process: then it is not read directly
    (that would drop the process's locks on it) and the copy is simply kept."""
    if database_open_here(backup) is not None:
        return False
    return filecmp.cmp(copy, backup, shallow=False)


def copy_database(source: Path, destination: Path) -> None:
    """One consistent snapshot of ``source`` into a new single file ``destination``.

    The whole database is copied in one step: a stepwise copy restarts whenever another process
    commits between steps, and could starve behind a busy analyst. The caller has checked that
    ``source`` exists (connecting would otherwise create an empty one).
    """
    destination.unlink(missing_ok=True)
    # Read-write although it only reads: a read-only connection cannot remove the WAL files it
    # creates, and would leave them beside a project that was closed cleanly.
    reader = sqlite_files.connect(source, timeout=30)
    try:
        writer = sqlite3.connect(destination)
        try:
            reader.backup(writer)
            writer.execute("PRAGMA journal_mode=DELETE")
        finally:
            writer.close()
    finally:
        reader.close()


def _remove_stale_partials(folder: Path, now: datetime) -> None:
    """Remove copies left half-made by a process killed mid-backup; a day-old one is surely
    abandoned (a copy in progress in another process is seconds old)."""
    for leftover in folder.glob(f"*{_PARTIAL_SUFFIX}"):
        with suppress(OSError):
            if now - datetime.fromtimestamp(leftover.stat().st_mtime) > timedelta(days=1):
                leftover.unlink()


def _free_name(folder: Path, path: Path, now: datetime) -> Path:
    """A new backup name that sorts after every backup taken in the same second (the rotation
    removes the lowest-sorting ones first, so reusing a freed lower number would remove it)."""
    base = f"{path.stem}-{now:{STAMP_FORMAT}}"
    same_second = [backup for backup in list_backups(path) if backup.path.name.startswith(base)]
    if not same_second:
        return folder / f"{base}.db"
    last = _name_pattern(path).fullmatch(same_second[0].path.name)
    assert last is not None, "list_backups returns matching names only"
    return folder / f"{base}-{int(last.group(2) or 0) + 1}.db"


def _free_aside_name(path: Path) -> Path:
    base = f"{path.name}.damaged-{datetime.now():{STAMP_FORMAT}}"
    target = path.with_name(base)
    n = 1
    while target.exists():
        target = path.with_name(f"{base}-{n}")
        n += 1
    return target
