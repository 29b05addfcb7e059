"""The import report's counts are the rows the import wrote: spans, relations, document labels,
document notes, span notes and statuses, counted in the project after the import.

The report once said "0 notes" for brat files whose every entity carried an AnnotatorNote: a
brat note is stored on its span, and only document notes were counted. These tests read the
rows back, on both backends, for brat (a folder in brat's own shapes, and brat's TDT example
corpus where it is at hand), Label Studio (region notes and textarea document notes) and
canonical JSONL (every kind at once), and import each file a second time, which must add
nothing and say so.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from annotator.importing import ImportOptions, annotations_sentence, import_files
from annotator.importing.report import FileReport
from annotator.store import Project
from annotator.store.tables import DOC_LABEL, NOTE, REL, SPAN, STATUS

KINDS = ("spans", "relations", "doc_labels", "notes", "span_notes", "statuses")
TDT = Path("/work/shared/interop/brat/TDT")
LABEL_STUDIO = Path(__file__).parent / "fixtures" / "label_studio" / "ner_export.json"


def stored(project: Project) -> dict[str, int]:
    """Rows of each kind in the project."""
    queries = {
        "spans": sa.select(sa.func.count()).select_from(SPAN),
        "relations": sa.select(sa.func.count()).select_from(REL),
        "doc_labels": sa.select(sa.func.count()).select_from(DOC_LABEL),
        "notes": sa.select(sa.func.count()).select_from(NOTE).where(NOTE.c.span_id.is_(None)),
        "span_notes": sa.select(sa.func.count()).select_from(SPAN).where(SPAN.c.note != ""),
        "statuses": sa.select(sa.func.count()).select_from(STATUS),
    }
    with project.engine.connect() as connection:
        return {kind: connection.execute(query).scalar_one() for kind, query in queries.items()}


def reported(entry: FileReport) -> dict[str, int]:
    return {kind: getattr(entry, kind) for kind in KINDS}


def import_twice(project: Project, path: Path, format_name: str) -> tuple[dict[str, int], int]:
    """Import ``path`` into an empty project, check the report against the rows, import it again
    (nothing new) and return the rows and what the second import found already present."""
    assert stored(project) == dict.fromkeys(KINDS, 0)
    report = import_files(project, [path], ImportOptions(format=format_name))
    [entry] = report.files
    assert entry.refused is None
    rows = stored(project)
    assert reported(entry) == rows
    again = import_files(project, [path], ImportOptions(format=format_name))
    [second] = again.files
    assert reported(second) == dict.fromkeys(KINDS, 0) and stored(project) == rows
    return rows, second.already_present


def write_brat(folder: Path) -> Path:
    """Two documents in the shapes brat writes (its TDT example corpus): entities with a note each
    (AnnotatorNotes and brat's own note types), multi-valued attributes, relations, one note on a
    relation (brat allows it; counted as left out) and one entity written twice (stored once)."""
    folder.mkdir()
    (folder / "a.txt").write_text("Halonen *null* Irlantiin\n", encoding="utf-8")
    (folder / "a.ann").write_text(
        "T1\tN 0 7\tHalonen\n#1\tLemma T1\t Halonen\nA1\tCASE T1 Nom\nA2\tNUM T1 Sg\n"
        "T2\tNull 8 14\t*null*\n#2\tLemma T2\t *null*\n"
        "T3\tN 15 24\tIrlantiin\n#3\tAnnotatorNotes T3\tIrlanti, illative\n"
        "R1\tnsubj Arg1:T2 Arg2:T1\nR2\tnommod Arg1:T2 Arg2:T3\n#4\tAnnotatorNotes R1\tunsure\n",
        encoding="utf-8")
    (folder / "b.txt").write_text("Tarja Halonen matkustaa .\n", encoding="utf-8")
    (folder / "b.ann").write_text(
        "T1\tN 0 5\tTarja\nT2\tN 6 13\tHalonen\n#1\tAnnotatorNotes T2\tthe president\n"
        "T3\tV 14 23\tmatkustaa\nT4\tV 14 23\tmatkustaa\nR1\tname Arg1:T2 Arg2:T1\n", encoding="utf-8")
    (folder / "annotation.conf").write_text(
        "[entities]\nN\nNull\nV\n[relations]\nnsubj\tArg1:<ENTITY>, Arg2:<ENTITY>\n"
        "nommod\tArg1:<ENTITY>, Arg2:<ENTITY>\nname\tArg1:<ENTITY>, Arg2:<ENTITY>\n[events]\n[attributes]\n"
        "CASE\tArg:<ENTITY>, Value:Nom|Gen\nNUM\tArg:<ENTITY>, Value:Sg|Pl\n", encoding="utf-8")
    return folder


def test_brat_notes_are_counted_as_stored(project: Project, tmp_path: Path) -> None:
    rows, again = import_twice(project, write_brat(tmp_path / "brat"), "brat")
    assert again == 7 + 3  # the repeated entity is now found in the project, not in the file
    assert rows == {"spans": 6, "relations": 3, "doc_labels": 0, "notes": 0, "span_notes": 4, "statuses": 0}


def test_the_report_says_what_was_stored(project: Project, tmp_path: Path) -> None:
    report = import_files(project, [write_brat(tmp_path / "brat")], ImportOptions(format="brat"))
    [entry] = report.files
    assert "6 spans, 3 relations, 4 span notes" in entry.describe()
    assert "left out 1 brat notes on relations or events" in entry.loss.lines()
    assert "left out 1 duplicate spans (same annotator, layer, label and offsets: stored once)" in entry.loss.lines()
    assert annotations_sentence(report) == (
        "Annotations: 6 spans, 3 relations, 0 document labels, 0 document notes, 4 span notes and 0 statuses, "
        "on 2 new documents and 0 documents already in the project.")


def test_brat_example_corpus(project: Project, tmp_path: Path) -> None:
    """brat's own TDT sample: every entity has a Lemma note."""
    if not TDT.is_dir():
        pytest.skip(f"brat's TDT sample is not at {TDT}")
    folder = tmp_path / "TDT"
    shutil.copytree(TDT, folder)
    notes = sum(1 for ann in folder.glob("*.ann") for line in ann.read_text(encoding="utf-8").splitlines()
                if line.startswith("#"))
    rows, _again = import_twice(project, folder, "brat")
    assert rows["span_notes"] == notes == rows["spans"] and rows["relations"] > 0


def test_label_studio_notes(project: Project) -> None:
    """Region notes go onto spans, textarea results on the document become document notes."""
    rows, _again = import_twice(project, LABEL_STUDIO, "label-studio")
    assert rows["notes"] >= 1 and rows["span_notes"] >= 1 and rows["doc_labels"] >= 1 and rows["statuses"] >= 1


def test_canonical_jsonl_every_kind(project: Project, tmp_path: Path) -> None:
    """Canonical JSONL holds every kind; repeats inside the file are stored (and counted) once."""
    text = "Minsk accused Moscow of pressure."

    def span(sid: int, start: int, end: int, note: str = "") -> dict[str, object]:
        return {"id": sid, "start": start, "end": end, "text": text[start:end], "label": "ACTOR",
                "annotator": "alice", "layer": "annotation", "attrs": {}, "note": note, "actor": None}

    record = {"id": "d1", "title": "D1", "text": text, "meta": {},
              "spans": [span(1, 0, 5, "capital"), span(2, 14, 20), span(3, 14, 20, "again")],
              "relations": [{"id": 1, "head": 1, "tail": 2, "label": "accuses", "annotator": "alice",
                             "layer": "annotation", "attrs": {}}],
              "doc_labels": [{"label": "conflict", "annotator": "alice"}, {"label": "conflict", "annotator": "bob"}],
              "notes": [{"text": "check", "annotator": "alice"}, {"text": "fine", "annotator": "bob"}],
              "status": {"alice": "done", "bob": "in_progress"}}
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    rows, again = import_twice(project, path, "jsonl")
    assert again == 3 + 1 + 2 + 2 + 2  # the repeated span is found in the project, and the same statuses
    assert rows == {"spans": 2, "relations": 1, "doc_labels": 2, "notes": 2, "span_notes": 1, "statuses": 2}
