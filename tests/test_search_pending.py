"""Documents whose search index entry and language wait for the catch-up (``store.pending``).

An import only commits documents; the insert trigger records them in ``document_pending`` and
the catch-up fills the FTS5 index in bulk and detects languages afterwards. These tests hold
the promises that replace "the trigger indexes every row at once": a document is found by
search the moment it is committed, a pending document deleted or changed leaves the index
agreeing with the table, several processes may catch up at once, a kill loses nothing, and a
project from before (schema 0010) gets its documents' languages.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from annotator.importing import import_files
from annotator.search import SearchFilters, search
from annotator.store import Project
from annotator.store.database import create_project_engine, location_to_url
from annotator.store.languages import set_document_language
from annotator.store.migrate import upgrade
from annotator.store.pending import catch_up, pending_counts
from annotator.store.search_index import PENDING
from annotator.store.tables import DOC
from tests.conftest import integrity_check, new_location
from tests.disks import remount_read_only, tmpfs

ENGLISH = "The ministry said on Monday that the joint exercises near the western border would begin soon."
RUSSIAN = "Министерство заявило в понедельник, что совместные учения у западной границы скоро начнутся."


def _write(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def _names(project: Project, query: str, filters: SearchFilters | None = None) -> list[str]:
    return sorted({hit.doc_name for hit in search(project, query, filters).hits})


def _index_agrees(project: Project) -> None:
    """SQLite: FTS5's own check of its index against the document table (rank 1 reads the
    content); meaningful once nothing is pending for the index, as a pending row is not in it."""
    if project.engine.dialect.name == "sqlite":
        with project.engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO document_fts(document_fts, rank) VALUES ('integrity-check', 1)")


def _languages(project: Project) -> dict[str, str | None]:
    with project.engine.connect() as connection:
        return dict(connection.execute(sa.select(DOC.c.name, DOC.c.language)).all())


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], capture_output=True, text=True,
                          timeout=180)


def test_an_imported_document_is_found_at_once_and_the_search_catches_up(project: Project, tmp_path: Path) -> None:
    import_files(project, [_write(tmp_path / "in", {"east": f"Vitebsk. {ENGLISH}", "west": f"Brest. {ENGLISH}"})])
    pending = pending_counts(project)
    sqlite = project.engine.dialect.name == "sqlite"
    assert pending.index == (2 if sqlite else 0) and pending.language == 2  # PostgreSQL's index is current
    assert _names(project, "vitebsk") == ["east"]
    assert pending_counts(project).index == 0 and pending_counts(project).language == 2  # no language asked for
    _index_agrees(project)
    assert _names(project, "brest", SearchFilters(languages=("en",))) == ["west"]  # a language filter judges first
    assert not pending_counts(project)
    assert _languages(project) == {"east": "en", "west": "en"}


def test_languages_are_detected_after_the_import_and_an_analysts_choice_wins(project: Project,
                                                                              tmp_path: Path) -> None:
    import_files(project, [_write(tmp_path / "in", {"en": ENGLISH, "ru": RUSSIAN, "short": "OK 12", "set": RUSSIAN + " 2"})])
    assert set(_languages(project).values()) == {None}
    set_document_language(project, _id(project, "set"), "be", expected=None)
    report = catch_up(project)
    assert (report.judged, report.detected) == (4, 2)  # "short" cannot be told; "set" was the analyst's
    assert _languages(project) == {"en": "en", "ru": "ru", "short": None, "set": "be"}
    assert not pending_counts(project)  # the undetectable one is not judged again
    assert catch_up(project).judged == 0
    assert _names(project, "lang:ru учения") == ["ru"]


def _id(project: Project, name: str) -> int:
    with project.engine.connect() as connection:
        return int(connection.execute(sa.select(DOC.c.id).where(DOC.c.name == name)).scalar_one())


def test_a_pending_document_deleted_or_changed_leaves_the_index_whole(project: Project, tmp_path: Path) -> None:
    """The delete and update triggers send FTS5 a 'delete' only for what it indexed: one for a
    row it never saw would corrupt an external-content index."""
    import_files(project, [_write(tmp_path / "old", {"kept": "Orsha one.", "changed": "Orsha two.",
                                                      "gone": "Orsha three."})])
    catch_up(project)  # indexed
    import_files(project, [_write(tmp_path / "new", {"fresh_changed": "Mogilev one.", "fresh_gone": "Mogilev two.",
                                                      "fresh": "Mogilev three."})])
    with project.transaction() as connection:  # two indexed rows and two pending ones, changed and deleted
        for name, text in (("changed", "Polotsk now."), ("fresh_changed", "Pinsk now.")):
            connection.execute(DOC.update().where(DOC.c.name == name).values(text=text))
        connection.execute(DOC.delete().where(DOC.c.name.in_(["gone", "fresh_gone"])))
        remaining = connection.execute(sa.select(sa.func.count()).select_from(PENDING)).scalar_one()
    assert remaining == 2  # the deleted pending row took its pending mark with it
    assert _names(project, "orsha") == ["kept"]
    assert _names(project, "mogilev") == ["fresh"]
    assert _names(project, "polotsk") == ["changed"] and _names(project, "pinsk") == ["fresh_changed"]
    _index_agrees(project)
    with project.transaction() as connection:  # and once indexed, as before
        connection.execute(DOC.update().where(DOC.c.name == "fresh_changed").values(text="Lida later."))
        connection.execute(DOC.delete().where(DOC.c.name == "fresh"))
    assert _names(project, "pinsk") == [] and _names(project, "lida") == ["fresh_changed"] and _names(project, "mogilev") == []
    _index_agrees(project)


@pytest.mark.slow
def test_a_read_only_project_still_finds_its_pending_documents(tmp_path: Path) -> None:
    """Nothing can be caught up on a read-only disk; the pending documents are searched anyway."""
    with tmpfs(tmp_path / "disk", "20m") as disk:
        path = disk / "p.db"
        assert _cli("import", "--no-index", path, _write(tmp_path / "in", {"a": "Slutsk said so."})).returncode == 0
        remount_read_only(disk)
        with Project.open(path, create=False) as project:
            assert project.read_only is not None
            assert _names(project, "slutsk") == ["a"] and pending_counts(project).index == 1


@pytest.mark.slow
def test_the_command_line_import_catches_up_and_search_finds_what_no_index_left(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    done = _cli("import", path, _write(tmp_path / "a", {"a": f"Baranovichi. {ENGLISH}"}))
    assert done.returncode == 0 and "Traceback" not in done.stderr
    with Project.open(path) as project:
        assert not pending_counts(project) and _languages(project) == {"a": "en"}
    assert _cli("import", "--no-index", path, _write(tmp_path / "b", {"b": f"Baranovichi. {RUSSIAN}"})).returncode == 0
    with Project.open(path) as project:
        assert pending_counts(project).index == 1
    found = _cli("search", path, "baranovichi", "--json")
    assert found.returncode == 0, found.stderr
    assert sorted(json.loads(line)["doc_name"] for line in found.stdout.splitlines()) == ["a", "b"]
    russian = _cli("search", path, "lang:ru baranovichi", "--json")
    assert [json.loads(line)["doc_name"] for line in russian.stdout.splitlines()] == ["b"]
    assert integrity_check(path) == "ok"


def _pending_project(path: Path, folder: Path, count: int, prefix: str = "w") -> list[str]:
    """``count`` documents imported into ``path`` with --no-index: every one pending."""
    words = [f"{prefix}{index:05d}q" for index in range(count)]
    folder.mkdir()
    lines = [json.dumps({"id": word, "text": f"Zhodino reported {word}. {ENGLISH} {ENGLISH}"}) for word in words]
    (folder / "many.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _cli("import", "--no-index", path, folder).returncode == 0
    return words


@pytest.mark.slow
def test_two_processes_catch_up_at_once(tmp_path: Path) -> None:
    """Two searches with a language filter on a project of pending documents: both judge the
    languages, one fills the index and stores them, the other finds it done."""
    path = tmp_path / "p.db"
    words = _pending_project(path, tmp_path / "in", 3000)
    searches = [subprocess.Popen([sys.executable, "-m", "annotator", "search", str(path), "lang:en zhodino", "--limit",
                                  "5000", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
    for process in searches:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0 and "Traceback" not in err, err
        assert {json.loads(line)["doc_name"] for line in out.splitlines()} == set(words)
    assert integrity_check(path) == "ok"
    with Project.open(path) as project:
        assert not pending_counts(project)
        _index_agrees(project)
        assert set(_languages(project).values()) == {"en"}


@pytest.mark.slow
def test_a_catch_up_killed_at_any_moment_loses_nothing(tmp_path: Path) -> None:
    """A catch-up SIGKILLed at random moments (as the window or a terminal may be): the file is
    whole, the index was filled whole or not at all, and afterwards a search finds everything."""
    path = tmp_path / "p.db"
    rng = random.Random(11)
    words: list[str] = []
    for attempt in range(3):
        words += _pending_project(path, tmp_path / f"in{attempt}", 2000, prefix=f"k{attempt}x")
        with Project.open(path) as project:
            waiting = pending_counts(project).index  # this import's, and what a kill before left
        worker = subprocess.Popen([sys.executable, "-c", "import sys; from annotator.store import Project; "
                                   "from annotator.store.pending import catch_up; "
                                   "catch_up(Project.open(sys.argv[1], create=False))", str(path)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.5))  # start-up takes about half a second, the catch-up about one
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=60)
        assert integrity_check(path) == "ok"
        with Project.open(path) as project:
            assert pending_counts(project).index in (0, waiting)  # a whole statement or nothing
            with project.engine.begin() as connection:  # what is indexed is whole
                connection.exec_driver_sql("INSERT INTO document_fts(document_fts) VALUES ('integrity-check')")
    with Project.open(path) as project:
        assert {hit.doc_name for hit in search(project, "zhodino", limit=10_000).hits} == set(words)
        assert pending_counts(project).index == 0
        _index_agrees(project)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def test_a_project_of_schema_0010_gets_its_documents_languages(backend: str, tmp_path: Path) -> None:
    """Issue 19's backfill: documents imported before languages were detected are pending for
    one after the upgrade, and the catch-up gives them theirs (unknown stays unknown once)."""
    with new_location(backend, tmp_path) as location:
        engine = create_project_engine(location_to_url(location))
        upgrade(engine, "0010")
        with engine.begin() as connection:
            for name, text, language in (("en", ENGLISH, None), ("ru", RUSSIAN, None), ("odd", "12 34", None),
                                         ("set", ENGLISH, "be")):
                connection.execute(DOC.insert().values(name=name, title=name, source="", content_hash=name,
                                                       n_chars=len(text), meta={}, text=text, language=language))
        engine.dispose()
        with Project.open(location) as project:
            assert pending_counts(project).language == 3 and pending_counts(project).index == 0
            assert _names(project, "ministry") == ["en", "set"]  # indexed before, still indexed
            report = catch_up(project)
            assert (report.judged, report.detected) == (3, 2)
            assert _languages(project) == {"en": "en", "ru": "ru", "odd": None, "set": "be"}
            assert not pending_counts(project)
            _index_agrees(project)
