"""An open project keeps its SQLite locks whatever else the process and other processes do.

POSIX drops every lock a process holds on a file when any descriptor of that file is closed in
the process; SQLite's WAL is then unprotected, and the next process to close its connection
checkpoints and deletes the WAL the first one keeps writing into (issue 12, item 0: an edit
made in the window after 'annotator docs' ran in a terminal was gone after kill -9). These
tests run the issue's own scenario with real processes and check the locks in /proc/locks.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from annotator.corpus.importer import import_paths
from annotator.errors import UserError
from annotator.store import Project
from annotator.store.backups import list_backups, take_backup
from annotator.store.sqlite_files import database_open_here, refuse_open_database
from tests.conftest import REPO_ROOT, SAMPLE_CORPUS, integrity_check

# A process that edits like the window: open (a backup is due, so Project.open takes one), add a
# span, wait for the test to let another process read, add a second span, wait to be killed.
HOLDER = textwrap.dedent("""
    import sys
    from annotator.store import Project
    project = Project.open(sys.argv[1])
    project.annotations.add_span(1, 0, 5, "ACTOR", "x")
    print("first", flush=True)
    sys.stdin.readline()
    project.annotations.add_span(1, 10, 15, "ACTOR", "x")
    print("second", flush=True)
    sys.stdin.readline()
""")


@pytest.fixture
def sample_project(tmp_path: Path) -> Path:
    path = tmp_path / "P.db"
    with Project.open(path) as project:
        import_paths(project, [SAMPLE_CORPUS])
    return path


def _locks_on(path: Path, pid: int) -> list[str]:
    """The POSIX locks process ``pid`` holds on the file ``path`` (Linux /proc/locks), without
    the line's ordinal ("4: "), which moves when other processes take or drop locks."""
    info = os.stat(path)
    device = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    return [line.split(":", 1)[1].strip() for line in Path("/proc/locks").read_text().splitlines()
            if f" {pid} " in line and device in line]


def _spans(path: Path) -> list[tuple[int, int]]:
    with Project.open(path, create=False) as project:
        return sorted((span.start, span.end) for span in project.annotations.spans(1))


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux's /proc/locks")
def test_edit_after_another_process_read_survives_sigkill(sample_project: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(sample_project)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "first", holder.stderr.read() if holder.stderr else ""
        assert list_backups(sample_project), "opening took the due backup (the step that used to drop the locks)"
        assert _locks_on(sample_project, holder.pid), "the editing process must hold its lock on the project file"
        reader = subprocess.run([sys.executable, "-m", "annotator", "docs", str(sample_project), "--json"],
                                capture_output=True, text=True, timeout=120, env=env)
        assert reader.returncode == 0, reader.stderr
        assert not any("(deleted)" in os.readlink(link) for link in Path(f"/proc/{holder.pid}/fd").iterdir()
                       if link.is_symlink()), "the reader must not have deleted the WAL under the editor"
        holder.stdin.write("go on\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "second"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.communicate(timeout=60)
    assert _spans(sample_project) == [(0, 5), (10, 15)]
    assert integrity_check(sample_project) == "ok"
    assert all(integrity_check(backup.path) == "ok" for backup in list_backups(sample_project))


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux's /proc/locks")
def test_backup_and_header_checks_keep_this_process_locks(sample_project: Path) -> None:
    with Project.open(sample_project, create=False) as project:
        project.annotations.add_span(1, 0, 5, "ACTOR", "x")
        held = _locks_on(sample_project, os.getpid())
        assert held
        take_backup(sample_project)
        with Project.open(sample_project, create=False) as second:  # a second handle, as a dialog opens one
            second.documents.count()
        assert _locks_on(sample_project, os.getpid()) == held


def test_an_open_project_is_known_with_its_side_files_and_links(sample_project: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.db"
    link.hardlink_to(sample_project)
    symlink = tmp_path / "symlink.db"
    symlink.symlink_to(sample_project)
    assert database_open_here(sample_project) is None
    with Project.open(sample_project, create=False) as project:
        project.documents.count()
        for name in (sample_project, link, symlink, Path(f"{sample_project}-wal"), Path(f"{sample_project}-shm")):
            assert database_open_here(name) is not None, name
            with pytest.raises(UserError, match=r"\[E146\]"):
                refuse_open_database(name, "an import file")
        assert database_open_here(tmp_path / "other.txt") is None
    assert database_open_here(sample_project) is None, "closing the project forgets it"


@pytest.mark.slow  # a real process per case, importing
@pytest.mark.parametrize("name", ["P.db", "P.db-wal", "link.jsonl"])
def test_importing_the_open_project_itself_is_refused(sample_project: Path, name: str) -> None:
    """'annotator import P.db P.db --format jsonl' would read the database it has open byte by
    byte: refused by name (E146) before anything is read, the project unchanged."""
    link = sample_project.with_name("link.jsonl")
    link.symlink_to(sample_project)
    before = _spans(sample_project)
    done = subprocess.run([sys.executable, "-m", "annotator", "import", str(sample_project),
                           str(sample_project.with_name(name)), "--format", "jsonl"],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert done.returncode == 1
    assert "[E146]" in done.stderr and "Traceback" not in done.stderr
    assert _spans(sample_project) == before
    assert integrity_check(sample_project) == "ok"
