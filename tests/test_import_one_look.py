"""Plain import judges each file by one stat: the checks that look saves must still hold.

The open-project check compares that stat's device and inode with the files this process has
open (a name ending in -wal, -shm or -journal still has its database looked up by name), the
bytes come in one read of the stat's size, and a ``.txt`` is routed as plain by its folder's
listing. Each test is a case the shortcut could get wrong.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator.corpus.file_checks import read_regular_bytes
from annotator.corpus.readers import collect_files
from annotator.errors import UserError
from annotator.importing import import_files
from annotator.limits import DEFAULT_LIMITS, ImportLimits
from annotator.store import Project


def _locks_held(path: Path) -> list[str]:
    """This process's POSIX locks on ``path`` (Linux /proc/locks), without the lines' ordinals."""
    info = os.stat(path)
    device = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    return [line.split(":", 1)[1].strip() for line in Path("/proc/locks").read_text().splitlines()
            if f" {os.getpid()} " in line and device in line]


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux's /proc/locks")
def test_the_open_project_under_a_corpus_name_is_refused_unopened(tmp_path: Path) -> None:
    database = tmp_path / "P.db"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("An article about the border crossing.\n", encoding="utf-8")
    with Project.open(database) as project:
        project.documents.count()
        (corpus / "copy.txt").hardlink_to(database)  # the project itself, by another name
        (corpus / "link.txt").symlink_to(database)
        held = _locks_held(database)
        assert held
        report = import_files(project, [corpus])
        # closing any descriptor of the file would have dropped every lock this process had on it
        assert set(held) <= set(_locks_held(database)), "nothing may have opened and closed the project file"
        refused = dict(report.refused)
        assert set(refused) == {str(corpus / "copy.txt"), str(corpus / "link.txt")}
        assert all("[E146]" in message for message in refused.values())
        assert [document.name for document in report.imported] == ["a"]


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux's /proc/locks")
def test_the_open_projects_side_files_under_corpus_names_are_refused_unopened(tmp_path: Path) -> None:
    database = tmp_path / "P.db"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with Project.open(database) as project:
        project.documents.count()
        (corpus / "wal.txt").hardlink_to(f"{database}-wal")
        (corpus / "shm.txt").symlink_to(f"{database}-shm")
        (corpus / "a.txt").write_text("An article about the border crossing.\n", encoding="utf-8")
        shm_locks = _locks_held(Path(f"{database}-shm"))
        report = import_files(project, [corpus])
        assert set(shm_locks) <= set(_locks_held(Path(f"{database}-shm")))
        refused = dict(report.refused)
        assert set(refused) == {str(corpus / "wal.txt"), str(corpus / "shm.txt")}
        assert all("[E146]" in message for message in refused.values())
        assert [document.name for document in report.imported] == ["a"]


def test_a_journal_name_of_the_open_project_is_refused_though_the_file_is_gone(tmp_path: Path) -> None:
    database = tmp_path / "P.db"
    with Project.open(database) as project:
        project.documents.count()
        journal = Path(f"{database}-journal")
        assert not journal.exists()  # WAL mode: there is none
        with pytest.raises(UserError, match=r"\[E146\]"):
            read_regular_bytes(journal, DEFAULT_LIMITS)


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs Linux's /proc")
def test_a_file_longer_than_its_stat_says_is_read_to_its_end_within_the_limit() -> None:
    cmdline = Path("/proc/self/cmdline")  # a regular file whose size on disk is 0
    assert os.stat(cmdline).st_size == 0
    with open(cmdline, "rb") as handle:
        expected = handle.read()
    assert expected and read_regular_bytes(cmdline, DEFAULT_LIMITS) == expected
    with pytest.raises(UserError, match=r"\[E330\]"):
        read_regular_bytes(cmdline, ImportLimits(max_file_bytes=1))


def test_a_txt_with_an_ann_beside_it_is_brat_and_without_one_plain(tmp_path: Path) -> None:
    (tmp_path / "pair.txt").write_text("Minsk is a city.\n", encoding="utf-8")
    (tmp_path / "pair.ann").write_text("T1\tPLACE 0 5\tMinsk\n", encoding="utf-8")
    (tmp_path / "alone.txt").write_text("Vilnius is a city.\n", encoding="utf-8")
    (tmp_path / "odd.txt").write_text("Riga is a city.\n", encoding="utf-8")
    (tmp_path / "odd.ann").mkdir()  # not a file: odd.txt stays plain, as detect_format says
    with Project.open(tmp_path / "P.db") as project:
        report = import_files(project, [tmp_path / "pair.txt", tmp_path / "pair.ann", tmp_path / "alone.txt",
                                        tmp_path / "odd.txt"])
    kinds = {Path(entry.path).name: entry.format for entry in report.files}
    assert kinds == {tmp_path.name: "brat", "alone.txt": None, "odd.txt": None}


def test_walked_files_sort_by_component_and_skip_hidden_names_with_dots(tmp_path: Path) -> None:
    for name in ["a/x.txt", "a-b/y.txt", "a.txt", ".notes.v2.txt", "a/.old.draft.txt", "b/c/d.md"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("text", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "b", target_is_directory=True)  # listed; the reader refuses it
    found = collect_files([tmp_path])
    assert [file.relative_to(tmp_path).as_posix() for file in found] == [
        "a/x.txt", "a-b/y.txt", "a.txt", "b/c/d.md", "link.txt"]
    assert [str(file) for file in found] == [os.path.join(tmp_path, *file.relative_to(tmp_path).parts)
                                            for file in found]
