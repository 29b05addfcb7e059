"""Every file annotator writes as output, written one safe way: never onto the project, never
half, never over an existing file unasked.

Dataset exports (and their side files: ``X.actors.jsonl``, spaCy's ``config.cfg``, brat's
``annotation.conf``, XMI's ``TypeSystem.xml``), the search CSV and the dashboard's reports and
charts all go through here, because each way a write can go wrong was met in practice: an output
path naming the project file (or its WAL) destroyed the project, an export that failed on a full
disk left a partial file that looked like an export, and an export silently replaced a user's
``config.cfg``. The guarantees:

1. **Protected paths.** ``ProtectedPaths.of(project.location)`` names what no output may land
   on: the project's SQLite file, its ``-wal``, ``-shm`` and ``-journal`` files, and its backups
   folder ``PROJECT.backups/`` with everything in it. A target is compared by path, as given and
   resolved (symlinks followed, also for a target that does not exist yet), and, when it exists,
   by file identity (``st_dev``, ``st_ino``), so a hard link is refused too. The check only
   resolves and stats: opening and closing the project file would drop the process's SQLite
   locks on it. A project on a database server protects no file.
2. **Temporary, then rename.** Content goes to a hidden temporary file in the target's folder
   (``.NAME.PID-N.partial``, unique per process), is flushed and fsynced (the files of a set
   several at once: a file system commits concurrent syncs together, ten times faster for a
   folder of 2,000 brat files than one after the other), and is renamed into
   place only when complete; any failure removes the temporary. No partial file is left, and an
   existing file is never damaged.
3. **No replacing unasked.** Without ``force`` an existing file is refused. Publishing is
   ``os.link(temporary, target)``, which fails if the target appeared since the check, so the
   check-then-write race is closed; where the file system has no hard links, the check and
   ``os.replace`` are used. With ``force``, ``os.replace``. What is not a regular file (a folder,
   a device, a FIFO) is never replaced.
4. **Several files as one.** An ``OutputSet`` stages every file of one output (a brat or XMI
   folder, train/dev/test parts, a JSONL file with its actor registry, a DocBin with its
   ``config.cfg``) and publishes them together at the end: every existing file it would replace
   is listed in one message (``ReplaceRefused``), and a failure publishes nothing.
5. **Messages.** Operating-system errors become catalogue messages naming the file (E170–E179):
   full disk, read-only folder, missing folder, name too long, a folder in the way.

Use::

    protected = ProtectedPaths.of(project.location)
    with output_file(path, protected, force=force) as handle:   # one text file
        handle.write(text)

    with OutputSet(protected, force=force, create_folders=True) as outputs:
        outputs.check([folder / "a.txt"])          # optional: refuse known names before the work
        outputs.write_text(folder / "a.txt", text)
        with outputs.open_binary(folder / "b.png") as handle:
            figure.savefig(handle, format="png")
    # all published here; an exception inside the block publishes nothing

Libraries that write files themselves (spaCy's ``DocBin.to_disk``, Matplotlib's ``savefig`` on a
path) are given bytes or handles instead. ``publish_file`` is the bare atomic step, without the
protected-path check, for code that stages its own temporary file (the backups do).
"""

from __future__ import annotations

import errno
import itertools
import os
import stat
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, TextIO

from annotator.errors import Errors, UserError

TEMPORARY_SUFFIX = ".partial"
LISTED_FILES = 10  # existing files named in one refusal; the rest are counted
SYNC_THREADS = 8  # files of one output synced at once
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS})
_SIDE_FILES = {"": "the database file", "-wal": "SQLite's write-ahead log (-wal)",
               "-shm": "SQLite's shared-memory file (-shm)", "-journal": "SQLite's rollback journal (-journal)"}
_numbers = itertools.count(1)  # next() on it is atomic in CPython: temporaries are unique per thread too


class ReplaceRefused(UserError):
    """Files an output would replace without ``force``; ``paths`` lists them all (the GUI asks)."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        if len(paths) == 1:
            message = Errors.E172.format(path=paths[0])
        else:
            message = Errors.E173.format(count=len(paths), paths=self.listed())
        super().__init__(message)

    def listed(self) -> str:
        """The files, comma-separated, the first ``LISTED_FILES`` by name and the rest counted."""
        shown = ", ".join(str(path) for path in self.paths[:LISTED_FILES])
        more = len(self.paths) - LISTED_FILES
        return shown + (f" and {more} more" if more > 0 else "")

    def question(self) -> str:
        """The window's question: replace them all?"""
        several = len(self.paths) > 1
        return Errors.E177.format(what=f"{len(self.paths)} files" if several else "A file", paths=self.listed(),
                                  exist="exist" if several else "exists", them="them" if several else "it")


@dataclass(frozen=True)
class ProtectedPaths:
    """What no output may land on: one project's SQLite file, its side files and its backups.

    ``project`` is the SQLite file as given (absolute, not resolved) or None (no project, or a
    project on a database server). Build it with ``ProtectedPaths.of(location)``.
    """

    project: Path | None = None
    shown: str = ""  # the project as messages name it

    @classmethod
    def of(cls, location: str | Path | None) -> ProtectedPaths:
        """The protected paths of the project at ``location`` (a file path or a database URL)."""
        from annotator.store.backups import project_file  # the store loads SQLAlchemy: only when asked
        from annotator.store.database import is_url

        path = None if location is None else project_file(location)
        if location is None or path is None:
            return cls()
        given = path if is_url(location) else Path(location)  # project_file resolves: keep a symlink's own name
        return cls(Path(os.path.abspath(given.expanduser())), str(location))

    def _bases(self) -> list[Path]:
        """The project file as given and as resolved (SQLite opens the resolved file, and names
        its side files after it; a user may name either)."""
        if self.project is None:
            return []
        resolved = self.project.resolve()
        return [self.project] if resolved == self.project else [self.project, resolved]

    def _files(self) -> dict[Path, str]:
        return {base.with_name(base.name + suffix): what for base in self._bases() for suffix, what in _SIDE_FILES.items()}

    def _folders(self) -> list[Path]:
        from annotator.store.backups import backup_folder

        return [backup_folder(base) for base in self._bases()]

    def check(self, target: Path) -> None:
        """Refuse ``target`` (a file or folder to write) if it is the project, one of its side
        files, its backups folder or inside it, by name, symlink or hard link. Never opens a file."""
        if self.project is None:
            return
        names = {Path(os.path.abspath(target.expanduser())), _resolved(target)}
        files = self._files()
        for name in names:
            if name in files:
                raise UserError(Errors.E170.format(path=target, what=files[name], project=self.shown))
            for folder in self._folders():
                if name == folder or folder in name.parents:
                    raise UserError(Errors.E171.format(path=target, folder=folder, project=self.shown))
        identity = _identity(target)
        if identity is None:
            return
        for file, what in files.items():
            if _identity(file) == identity:
                raise UserError(Errors.E170.format(path=target, what=f"a link to {what}", project=self.shown))
        for folder in self._folders():
            if any(_identity(backup) == identity for backup in _entries(folder)):
                raise UserError(Errors.E171.format(path=target, folder=folder, project=self.shown))


def _resolved(path: Path) -> Path:
    """``path`` with every symlink followed, as far as it exists (its folder, for a new file)."""
    try:
        return path.expanduser().resolve()
    except (OSError, RuntimeError):  # a symlink loop: the path as given is all there is to compare
        return Path(os.path.abspath(path.expanduser()))


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def _entries(folder: Path) -> list[Path]:
    try:
        return [Path(entry.path) for entry in os.scandir(folder)]
    except OSError:
        return []


NO_PROJECT = ProtectedPaths()


# --- messages --------------------------------------------------------------------------------


def os_error_message(error: OSError, path: Path) -> str:
    """The catalogue message for an operating-system error met while writing ``path``."""
    reason = error.strerror or str(error)
    code = error.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return Errors.E174.format(path=path)
    if code in (errno.EROFS, errno.EACCES, errno.EPERM):
        return Errors.E175.format(path=path, reason=reason)
    if code == errno.ENOENT:
        return Errors.E176.format(path=path, reason=f"the folder {path.parent} does not exist")
    if code == errno.ENOTDIR:
        return Errors.E176.format(path=path, reason=f"a part of {path.parent} is a file, not a folder")
    if code == errno.ENAMETOOLONG:
        return Errors.E179.format(path=path, reason="the name is too long for the file system; choose a shorter "
                                                    "name or folder path")
    if code == errno.EISDIR:
        return _not_a_file(path, "a folder")
    if code == errno.EEXIST:
        return Errors.E172.format(path=path)
    return Errors.E179.format(path=path, reason=reason)


def _not_a_file(path: Path, what: str) -> str:
    example = f" inside it, e.g. {path / ('data' + (path.suffix or '.txt'))}" if what == "a folder" else ""
    return Errors.E178.format(path=path, what=what, example=example)


@contextmanager
def os_errors_named(path: Path) -> Iterator[None]:
    """Turn an OSError raised inside the block into the catalogue message naming ``path``."""
    try:
        yield
    except OSError as error:
        raise UserError(os_error_message(error, path)) from error


# --- publishing ------------------------------------------------------------------------------


def publish_file(temporary: Path, target: Path, *, replace: bool) -> None:
    """Put the finished ``temporary`` (in ``target``'s folder) in place of ``target`` in one step.

    Without ``replace`` an existing ``target`` (even a dangling symlink) is left alone and
    ``FileExistsError`` is raised. The temporary is gone afterwards, published or removed, and
    the folder is synced so the new name survives a power cut. This is the bare step: it checks
    no protected path (the backups write into their own folder through it).
    """
    try:
        _move(temporary, target, replace)
    except BaseException:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)


def _move(temporary: Path, target: Path, replace: bool) -> None:
    if replace:
        os.replace(temporary, target)
    else:
        _link(temporary, target)


def _link(temporary: Path, target: Path) -> None:
    """Give ``temporary`` the name ``target`` only if that name is free, then drop the temporary name."""
    try:
        os.link(temporary, target)
    except OSError as error:
        if error.errno not in _NO_HARD_LINKS:
            raise
        if os.path.lexists(target):  # no hard links here (FAT, some network shares): check, then rename
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
        os.replace(temporary, target)
        return
    with suppress(OSError):
        temporary.unlink()


def _sync_folder(folder: Path) -> None:
    """fsync a folder so a rename in it is on disk; some file systems cannot, which is no error."""
    with suppress(OSError):
        _sync(folder)


def _sync(path: Path) -> None:
    """Write ``path``'s content (a file's or a folder's entries) through to the disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# --- staging ---------------------------------------------------------------------------------


def check_outputs(targets: Iterable[Path], protected: ProtectedPaths = NO_PROJECT, *, force: bool = False) -> None:
    """Refuse now what publishing would refuse, so a long computation is not wasted: protected
    paths, what is not a regular file, and (without ``force``) every existing file, all named in
    one ``ReplaceRefused``."""
    existing = [target for target in targets if _exists(target, protected)]
    if existing and not force:
        raise ReplaceRefused(existing)


def _exists(target: Path, protected: ProtectedPaths) -> bool:
    """Whether ``target`` exists as a file an output may replace (with ``force``); raises for a
    protected path and for a folder, device or FIFO in the way."""
    protected.check(target)
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return False
    except OSError as error:
        raise UserError(os_error_message(error, target)) from error
    if stat.S_ISLNK(info.st_mode):
        with suppress(OSError):
            info = os.stat(target)  # a dangling link counts as an existing file
    if not stat.S_ISREG(info.st_mode) and not stat.S_ISLNK(info.st_mode):
        raise UserError(_not_a_file(target, "a folder" if stat.S_ISDIR(info.st_mode) else "a device, pipe or socket"))
    return True


class OutputSet:
    """The files of one output, staged as temporaries and published together by ``commit``.

    Used as a context manager it commits when the block ends normally and discards everything
    when it raises. ``create_folders`` makes missing folders (removed again if nothing is
    published); without it a missing folder is an error. Staging a target twice keeps the
    later content. Every ``OSError`` comes out as a catalogue ``UserError`` naming the file.
    """

    def __init__(self, protected: ProtectedPaths = NO_PROJECT, *, force: bool = False,
                 create_folders: bool = False) -> None:
        self.protected = protected
        self.force = force
        self.create_folders = create_folders
        self._staged: dict[Path, Path] = {}  # target -> its temporary
        self._made_folders: list[Path] = []

    def __enter__(self) -> OutputSet:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_rest: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    def check(self, targets: Iterable[Path]) -> None:
        """``check_outputs`` with this set's protected paths and ``force``."""
        check_outputs(targets, self.protected, force=self.force)

    @contextmanager
    def open_binary(self, target: Path) -> Iterator[BinaryIO]:
        """A handle on the temporary file that will become ``target``."""
        with self._open(target, "wb") as handle:
            yield handle  # type: ignore[misc]

    @contextmanager
    def open_text(self, target: Path, *, encoding: str = "utf-8", newline: str | None = "\n") -> Iterator[TextIO]:
        """A text handle (UTF-8, LF line ends unless told otherwise) on ``target``'s temporary file."""
        with self._open(target, "w", encoding=encoding, newline=newline) as handle:
            yield handle  # type: ignore[misc]

    def write_text(self, target: Path, text: str, *, encoding: str = "utf-8", newline: str | None = "\n") -> None:
        with self.open_text(target, encoding=encoding, newline=newline) as handle:
            handle.write(text)

    def write_bytes(self, target: Path, data: bytes) -> None:
        with self.open_binary(target) as handle:
            handle.write(data)

    @contextmanager
    def _open(self, target: Path, mode: str, **text: str | None) -> Iterator[IO[bytes] | IO[str]]:
        _exists(target, self.protected)  # protected paths and folders in the way are refused before any byte is written
        with os_errors_named(target):
            self._make_folder(target.parent)
            temporary, descriptor = _new_temporary(target)
        try:
            with os_errors_named(target), os.fdopen(descriptor, mode, encoding=text.get("encoding"),
                                                    newline=text.get("newline")) as handle:
                yield handle  # closing flushes; the sync comes before publishing (``commit``)
        except BaseException:
            with suppress(OSError):
                temporary.unlink(missing_ok=True)
            raise
        previous = self._staged.pop(target, None)
        if previous is not None:
            with suppress(OSError):
                previous.unlink(missing_ok=True)
        self._staged[target] = temporary

    def _make_folder(self, folder: Path) -> None:
        if folder.is_dir():
            return
        if not self.create_folders:
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(folder))
        missing = [folder, *(parent for parent in folder.parents if not parent.exists())]
        folder.mkdir(parents=True, exist_ok=True)
        self._made_folders.extend(reversed([path for path in missing if path.is_dir()]))

    def commit(self) -> list[Path]:
        """Publish every staged file (checked again now), or none; returns the targets."""
        try:
            self.check(self._staged)
            _sync_files(self._staged)
            published: list[Path] = []
            try:
                for target, temporary in self._staged.items():
                    _publish_staged(temporary, target, self.force)
                    published.append(target)
            except BaseException:
                if not self.force:  # they were new files: taking them away restores the folders
                    for target in published:
                        with suppress(OSError):
                            target.unlink()
                raise
        except BaseException:
            self.discard()
            raise
        for folder in {target.parent for target in self._staged}:
            _sync_folder(folder)
        targets = list(self._staged)
        self._staged.clear()
        self._made_folders.clear()
        return targets

    def discard(self) -> None:
        """Remove every staged temporary and the folders made for them; nothing is published."""
        for temporary in self._staged.values():
            with suppress(OSError):
                temporary.unlink(missing_ok=True)
        self._staged.clear()
        for folder in reversed(self._made_folders):
            with suppress(OSError):
                folder.rmdir()  # only if still empty: someone else may have put files there
        self._made_folders.clear()


def _sync_files(staged: dict[Path, Path]) -> None:
    """fsync every staged temporary (target -> temporary), several at once (see the module docstring)."""
    def sync(item: tuple[Path, Path]) -> None:
        target, temporary = item
        with os_errors_named(target):
            _sync(temporary)

    with ThreadPoolExecutor(max_workers=min(SYNC_THREADS, len(staged) or 1)) as pool:
        for _done in pool.map(sync, staged.items()):  # the first failure is raised here
            pass


def _publish_staged(temporary: Path, target: Path, force: bool) -> None:
    try:
        _move(temporary, target, force)
    except FileExistsError:
        raise ReplaceRefused([target]) from None  # it appeared after the check
    except OSError as error:
        raise UserError(os_error_message(error, target)) from error


def _new_temporary(target: Path) -> tuple[Path, int]:
    """A new hidden file beside ``target``, created exclusively, with the usual permissions (the
    umask applies, unlike ``mkstemp``'s 0600)."""
    stem = target.name[:100]  # room for the suffix within the file system's name limit
    while True:
        temporary = target.with_name(f".{stem}.{os.getpid()}-{next(_numbers)}{TEMPORARY_SUFFIX}")
        try:
            return temporary, os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue  # left by a killed process that had the same id


@contextmanager
def staging(outputs: OutputSet | None) -> Iterator[OutputSet]:
    """``outputs`` itself (whoever made it publishes it) or, for a dataset format's export called
    on its own, a new set that makes missing folders and publishes when the block ends."""
    if outputs is not None:
        yield outputs
        return
    with OutputSet(create_folders=True) as own:
        yield own


@contextmanager
def output_file(target: Path, protected: ProtectedPaths = NO_PROJECT, *, force: bool = False,
                encoding: str = "utf-8", newline: str | None = "\n") -> Iterator[TextIO]:
    """One text file written safely (see the module docstring); published when the block ends."""
    with OutputSet(protected, force=force) as outputs:
        outputs.check([target])  # refuse an existing file before the work, not after it
        with outputs.open_text(target, encoding=encoding, newline=newline) as handle:
            yield handle


@contextmanager
def output_binary(target: Path, protected: ProtectedPaths = NO_PROJECT, *, force: bool = False) -> Iterator[BinaryIO]:
    """One binary file written safely (a PDF, PNG or SVG from Matplotlib); published at the end."""
    with OutputSet(protected, force=force) as outputs:
        outputs.check([target])
        with outputs.open_binary(target) as handle:
            yield handle


__all__ = ["NO_PROJECT", "OutputSet", "check_outputs", "ProtectedPaths", "ReplaceRefused", "os_error_message", "os_errors_named",
           "output_binary", "output_file", "publish_file", "staging"]
