"""A discontinuous span made as the editor makes it (a span, then Shift with its label key on
more text: ``AddSpan`` and ``AddFragment`` through the history) leaves the project as brat
writes it ("T1 ACTOR 0 10;39 46") and as canonical JSONL with its fragments, and each file
imports back to the same span, on both backends."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.corpus.importer import import_paths
from annotator.formats.base import ExportOptions
from annotator.formats.pipeline import export_project
from annotator.importing import ImportOptions
from annotator.ops import History
from annotator.ops.spans import AddFragment, AddSpan
from annotator.store import Project
from tests.import_runs import import_strictly

TEXT = "Lukashenko said that Moscow threatened Belarus with new sanctions.\n"
ME = "alice"


def carried(project: Project) -> list[tuple[int, int, str, tuple[tuple[int, int], ...] | None, str]]:
    [doc_id] = project.documents.ids()
    text = project.documents.get(doc_id).text
    return [(s.start, s.end, s.label, s.fragments, " ".join(text[a:b] for a, b in s.fragments or [(s.start, s.end)]))
            for s in project.annotations.spans(doc_id)]


def test_a_span_given_a_fragment_in_the_editor_exports_and_imports_back_equal(project: Project,
                                                                              tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text(TEXT, encoding="utf-8")
    doc_id = import_paths(project, [tmp_path / "article.txt"]).imported[0].id
    history = History.of(project, ME)
    span = history.perform(AddSpan(doc_id, 0, 10, "ACTOR", ME)).result
    history.perform(AddFragment(span, 39, 46, "ACTOR"))
    made = carried(project)
    assert made == [(0, 46, "ACTOR", ((0, 10), (39, 46)), "Lukashenko Belarus")]

    mine = ExportOptions(annotators=(ME,))
    export_project(project, tmp_path / "brat", "brat", mine)
    [ann] = (tmp_path / "brat").glob("*.ann")
    assert ann.read_text(encoding="utf-8").splitlines() == ["T1\tACTOR 0 10;39 46\tLukashenko Belarus"]
    export_project(project, tmp_path / "out.jsonl", "jsonl", mine)
    [doc] = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    [exported] = doc["spans"]
    assert (exported["start"], exported["end"], exported["fragments"]) == (0, 46, [[0, 10], [39, 46]])

    for name, source, fmt in (("from-brat", tmp_path / "brat", "brat"), ("from-jsonl", tmp_path / "out.jsonl", "jsonl")):
        with Project.open(tmp_path / f"{name}.db") as back:
            report = import_strictly(back, [source], fmt)
            assert len(report.imported) == 1, name
            assert carried(back) == made, name
            [span_back] = back.annotations.spans(back.documents.ids()[0])
            assert span_back.annotator == (ME if fmt == "jsonl" else ImportOptions().annotator)
