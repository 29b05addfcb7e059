"""The one way in (annotator.importing): each file routed by what it is, one report for all of them.

Run on both backends: the routing is the same, the writes go through each backend's transaction.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from annotator.corpus.importer import import_paths
from annotator.errors import UserError
from annotator.formats.base import ExportOptions
from annotator.formats.pipeline import export_project
from annotator.importing import ImportOptions, annotations_sentence, import_files, summary
from annotator.store import Project
from annotator.store.tables import REL, SPAN
from tests.conftest import SAMPLE_CORPUS
from tests.import_inputs import EXPECTED, KINDS, write_input


def counts(project: Project) -> tuple[int, int, int]:
    """Documents, spans and relations in the project."""
    with project.engine.connect() as connection:
        spans = connection.execute(sa.select(sa.func.count()).select_from(SPAN)).scalar_one()
        relations = connection.execute(sa.select(sa.func.count()).select_from(REL)).scalar_one()
    return project.documents.count(), spans, relations


def test_the_canonical_export_comes_back_with_its_spans(sample_project: Project, tmp_path: Path) -> None:
    """What 'annotator export --format jsonl' writes, imported without naming a format: it is
    annotations, not plain documents (the window's Import documents… took it as plain before)."""
    doc_id = sample_project.documents.ids()[0]
    text = sample_project.documents.get(doc_id).text
    start = text.index("Minsk")
    sample_project.annotations.add_span(doc_id, start, start + 5, "ACTOR", "alice")
    export_project(sample_project, tmp_path / "out.jsonl", "jsonl", ExportOptions())
    with Project.open(tmp_path / "copy.db") as copy:
        report = import_files(copy, [tmp_path / "out.jsonl"])
        assert [entry.format for entry in report.files] == ["jsonl"]
        assert counts(copy) == (5, 1, 0)
        assert report.count("spans") == 1 and len(report.imported) == 5
        assert annotations_sentence(report) is not None and "1 span," in annotations_sentence(report)


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_routed_and_counted(project: Project, tmp_path: Path, kind: str) -> None:
    path = write_input(kind, tmp_path / "in")
    report = import_files(project, [path])
    documents, spans, relations = EXPECTED[kind]
    assert counts(project) == EXPECTED[kind]
    [entry] = report.files
    assert entry.format == {"txt": None, "csv": None}.get(kind, kind)
    assert (len(entry.added), entry.spans, entry.relations, entry.refused) == (documents, spans, relations, None)
    again = import_files(project, [path])  # nothing twice: plain texts skipped, annotations already there
    assert counts(project) == EXPECTED[kind]
    assert not again.imported and len(again.duplicates) + again.count("matched") == documents


@pytest.mark.parametrize("kind", ["brat", "conll", "jsonl"])
def test_a_named_format_gives_what_auto_gives(tmp_path: Path, kind: str) -> None:
    path = write_input(kind, tmp_path / "in")
    with Project.open(tmp_path / "auto.db") as auto, Project.open(tmp_path / "named.db") as named:
        by_auto = import_files(auto, [path])
        by_name = import_files(named, [path], ImportOptions(format=kind))
        assert by_auto == by_name
        assert counts(auto) == counts(named) == EXPECTED[kind]


def test_a_folder_of_every_kind_is_one_report(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    for kind in KINDS:
        write_input(kind, folder)
    (folder / "broken.conll").write_text("Minsk B-\n", encoding="utf-8")
    report = import_files(project, [folder])
    assert sorted((Path(entry.path).name, entry.format) for entry in report.files) == [
        ("article.txt", None), ("articles.csv", None), ("brat", "brat"), ("broken.conll", "conll"),
        ("export.jsonl", "jsonl"), ("news.conll", "conll")]
    [(refused, message)] = report.refused
    assert refused.endswith("broken.conll") and message.startswith("[E850]")
    assert counts(project) == tuple(sum(EXPECTED[kind][i] for kind in KINDS) for i in range(3))
    assert summary(report).startswith("Imported 8 documents, skipped 0 duplicates, refused 1 file. Annotations: "
                                      "7 spans, 2 relations")


def test_brat_pairs_are_read_once_and_never_as_plain_text(project: Project, tmp_path: Path) -> None:
    brat = write_input("brat", tmp_path)
    report = import_files(project, [brat / "statement.txt", brat / "statement.ann"])
    assert [(entry.format, entry.spans) for entry in report.files] == [("brat", 2)]
    assert project.documents.count() == 1


def test_a_refused_file_changes_nothing_and_the_others_go_in(project: Project, tmp_path: Path) -> None:
    good = write_input("jsonl", tmp_path / "in")
    bad = tmp_path / "in" / "bad.jsonl"
    bad.write_text(json.dumps({"id": "x", "text": "Short.", "spans": [
        {"id": 1, "start": 0, "end": 99, "label": "ACTOR"}]}) + "\n", encoding="utf-8")
    report = import_files(project, [bad, good])
    [(path, message)] = report.refused
    assert path == str(bad) and message.startswith("[E810]")
    assert counts(project) == EXPECTED["jsonl"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_pipe_is_refused_by_kind_whatever_it_is_called(project: Project, tmp_path: Path) -> None:
    for name in ("pipe.conll", "pipe.jsonl", "pipe.ann"):
        os.mkfifo(tmp_path / name)
    report = import_files(project, [tmp_path])
    assert len(report.refused) == 3
    assert all("[E341]" in message for _path, message in report.refused)


def test_what_plain_import_paths_did_is_what_the_entry_point_does(project: Project, tmp_path: Path) -> None:
    """The corpus writer under the entry point: the sample corpus, then again (all duplicates)."""
    report = import_files(project, [SAMPLE_CORPUS])
    assert [document.name for document in report.imported] == sorted(path.stem for path in SAMPLE_CORPUS.glob("*.txt"))
    assert all(entry.format is None and len(entry.added) == 1 for entry in report.files)
    rerun = import_paths(project, [SAMPLE_CORPUS])
    assert not rerun.imported and len(rerun.duplicates) == 5


def test_unknown_or_export_only_formats_and_missing_paths_refuse_the_import(project: Project,
                                                                            tmp_path: Path) -> None:
    for options, code in ((ImportOptions(format="yaml"), "E801"), (ImportOptions(format="csv"), "E802")):
        with pytest.raises(UserError, match=code):
            import_files(project, [tmp_path], options)
    with pytest.raises(UserError, match="E301"):
        import_files(project, [tmp_path / "nowhere"])
    with pytest.raises(UserError, match="E815"):
        import_files(project, [tmp_path / "nowhere"], ImportOptions(format="conll"))
    assert project.documents.count() == 0
