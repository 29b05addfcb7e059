"""doccano files into a project and out again (issue 15): every shape stored on both backends,
document labels exported in the label column the command names, read back without naming it;
the command line refuses a wrong label column with a message, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from annotator.errors import UserError
from annotator.formats.base import ExportOptions
from annotator.formats.pipeline import export_project
from annotator.formats.select import select_documents
from annotator.importing import import_files
from annotator.store import Project

#: One line of each shape doccano exports (text classification, sequence labelling, intent
#: detection, relation extraction) with comments and metadata, as doccano writes them.
DOCCANO_LINES: list[dict[str, Any]] = [
    {"id": 1, "text": "Talks resumed in Minsk.", "label": ["diplomacy", "europe"], "Comments": ["recheck"],
     "source": "wire"},
    {"id": 2, "text": "EU rejects German call.", "label": [[0, 2, "ORG"], [11, 17, "MISC"]], "Comments": []},
    {"id": 3, "text": "book a flight to Kyiv", "cats": ["BOOK"], "entities": [[17, 21, "CITY"]]},
    {"id": 4, "text": "Google was founded by Larry Page.",
     "entities": [{"id": 10, "start_offset": 0, "end_offset": 6, "label": "ORG"},
                  {"id": 11, "start_offset": 22, "end_offset": 32, "label": "PERSON"}],
     "relations": [{"id": 3, "from_id": 10, "to_id": 11, "type": "foundedBy"}], "Comments": [],
     "meta": {"page": 7}},
]


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def _contents(project: Project) -> dict[str, Any]:
    """What each document holds, by text: labels, spans, relations by offsets, notes, metadata."""
    result = {}
    for doc in select_documents(project, ExportOptions(layer="all")):
        where = {span["id"]: (span["start"], span["end"], span["label"]) for span in doc["spans"]}
        result[doc["text"]] = {
            "labels": sorted(label["label"] for label in doc["doc_labels"]),
            "spans": sorted(where.values()),
            "relations": sorted((where[r["head"]], where[r["tail"]], r["label"]) for r in doc["relations"]),
            "notes": sorted(note["text"] for note in doc["notes"]),
            "meta": {key: value for key, value in doc["meta"].items() if key != "source_file"},
        }
    return result


def test_every_doccano_shape_is_stored(project: Project, tmp_path: Path) -> None:
    report = import_files(project, [_write(tmp_path / "doccano.jsonl", DOCCANO_LINES)])
    assert not report.refused and report.files[0].format == "doccano"
    assert report.files[0].doc_labels == 3 and report.files[0].spans == 5 and report.files[0].relations == 1
    got = _contents(project)
    assert got["Talks resumed in Minsk."]["labels"] == ["diplomacy", "europe"]
    assert got["Talks resumed in Minsk."]["notes"] == ["recheck"]
    assert got["Talks resumed in Minsk."]["meta"].get("source") == "wire"
    assert got["EU rejects German call."]["spans"] == [(0, 2, "ORG"), (11, 17, "MISC")]
    assert got["book a flight to Kyiv"] | {"meta": {}} == {
        "labels": ["BOOK"], "spans": [(17, 21, "CITY")], "relations": [], "notes": [], "meta": {}}
    google = got["Google was founded by Larry Page."]
    assert google["relations"] == [((0, 6, "ORG"), (22, 32, "PERSON"), "foundedBy")] and google["meta"]["page"] == 7


@pytest.mark.parametrize("column", ["label", "cats", "sentiment"])
def test_project_export_reads_back_into_a_project_unchanged(project: Project, tmp_path: Path, column: str) -> None:
    import_files(project, [_write(tmp_path / "doccano.jsonl", DOCCANO_LINES)])
    out = tmp_path / "out.jsonl"
    result = export_project(project, out, "doccano", ExportOptions(format_options=(("label_column", column),)))
    assert not any("document labels" in line for line in result.loss.lines())
    assert all(column in json.loads(line) for line in out.read_text(encoding="utf-8").splitlines())
    with Project.open(tmp_path / "back.db") as back:
        report = import_files(back, [out])
        assert not report.refused and report.files[0].format == "doccano"
        assert _contents(back) == _contents(project)


def test_export_options_a_format_does_not_take_are_refused(project: Project, tmp_path: Path) -> None:
    import_files(project, [_write(tmp_path / "doccano.jsonl", DOCCANO_LINES)])
    with pytest.raises(UserError, match="E1121.*label_column only applies to the doccano format.*writes brat"):
        export_project(project, tmp_path / "brat", "brat", ExportOptions(format_options=(("label_column", "x"),)))
    assert not (tmp_path / "brat").exists()


def _annotator(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.slow
def test_cli_label_column_option_round_trip_and_refusals(tmp_path: Path) -> None:
    db, out, back = tmp_path / "p.db", tmp_path / "out.jsonl", tmp_path / "back.db"
    assert _annotator("import", db, _write(tmp_path / "doccano.jsonl", DOCCANO_LINES)).returncode == 0
    exported = _annotator("export", db, out, "--format", "doccano", "--doccano-label-column", "cats")
    assert exported.returncode == 0, exported.stderr
    assert "document labels" not in exported.stderr and "Traceback" not in exported.stderr
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert first["cats"] == ["diplomacy", "europe"] and "label" not in first
    imported = _annotator("import", back, out)  # auto: no column named
    assert imported.returncode == 0, imported.stderr
    with Project.open(db, create=False) as source, Project.open(back, create=False) as copy:
        assert _contents(copy) == _contents(source)
    for args, code in ((("--format", "doccano", "--doccano-label-column", "text"), "E1120"),
                       (("--format", "brat", "--doccano-label-column", "cats"), "E1121")):
        refused = _annotator("export", db, tmp_path / "refused", *args)
        assert refused.returncode != 0 and code in refused.stderr and "Traceback" not in refused.stderr
        assert not (tmp_path / "refused").exists()
