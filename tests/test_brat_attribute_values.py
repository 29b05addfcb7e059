"""brat attribute values with spaces, read and written as brat's own parser takes them (issue 15).

brat splits an ``A`` line's second field at the first two spaces: name, target id, and the rest
(spaces and all) as the value. These files used to be refused whole with [E840].
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.errors import UserError
from annotator.formats.base import ExportOptions, LossReport, ReadOptions
from annotator.formats.brat import export_brat, read_brat
from annotator.formats.select import select_documents
from annotator.importing import import_files
from annotator.store import Project

TDT = Path("/work/shared/interop/brat/TDT")
if not TDT.is_dir():
    TDT = Path(__file__).resolve().parents[2] / "shared" / "interop" / "brat" / "TDT"

#: Values brat reads whole: inner runs of spaces, a leading and a trailing space, one space only.
SPACED = ["New York", "two  spaces", " leading", "trailing ", " "]


def _tdt_with_spaced_values(folder: Path) -> Path:
    """brat's TDT document wn071 as shipped, plus ``A`` lines whose values hold spaces."""
    folder.mkdir()
    for name in ("wn071.txt", "wn071.ann", "annotation.conf"):
        shutil.copy(TDT / name, folder / name)
    with (folder / "wn071.ann").open("a", encoding="utf-8", newline="") as ann:
        ann.write("".join(f"A{900 + n}\tGLOSS{n} T{n + 1} {value}\n" for n, value in enumerate(SPACED)))
    return folder


def _attrs(docs: list[dict]) -> list[tuple[int, int, str, dict]]:
    return sorted((s["start"], s["end"], s["label"], s["attrs"]) for doc in docs for s in doc["spans"])


def test_values_with_spaces_are_read_whole(tmp_path: Path) -> None:
    report = LossReport()
    (doc,) = read_brat([_tdt_with_spaced_values(tmp_path / "in")], ReadOptions(), report)
    by_id = {span["id"]: span for span in doc["spans"]}
    for n, value in enumerate(SPACED):
        assert by_id[n + 1]["attrs"][f"GLOSS{n}"] == value
    assert len(doc["spans"]) == 74 and len(doc["relations"]) == 72
    assert not report.counts


def test_round_trip_of_brat_files_with_spaced_values_is_exact(tmp_path: Path) -> None:
    source = _tdt_with_spaced_values(tmp_path / "in")
    first = list(read_brat([source], ReadOptions(), LossReport()))
    export_report = LossReport()
    export_brat(first, tmp_path / "out", export_report)
    assert not export_report.counts
    written = (tmp_path / "out" / "wn071.ann").read_text(encoding="utf-8")
    for n, value in enumerate(SPACED):
        assert f"\tGLOSS{n} T{n + 1} {value}\n" in written
    second = list(read_brat([tmp_path / "out"], ReadOptions(), LossReport()))
    assert _attrs(second) == _attrs(first) and second[0]["text"] == first[0]["text"]
    # Every A line of brat's file comes back: the original 227 and the five added here.
    assert sum(len(v) if isinstance(v, list) else 1 for s in second[0]["spans"] for v in s["attrs"].values()) \
        == 227 + len(SPACED)
    export_brat(second, tmp_path / "again", LossReport())
    assert (tmp_path / "again" / "wn071.ann").read_bytes() == (tmp_path / "out" / "wn071.ann").read_bytes()


def test_values_brat_cannot_hold_are_counted_and_the_rest_written(tmp_path: Path) -> None:
    text = "Putin spoke in New York."
    span = {"id": 1, "start": 15, "end": 23, "text": "New York", "label": "PLACE", "annotator": "ana",
            "layer": "annotation", "note": None, "actor": None,
            "attrs": {"name": "New York City", "cut": "two\nlines", "tabbed": "a\tb", "empty": "",
                      "roles": ["host city", "venue"]}}
    doc = {"id": "d", "title": "d", "text": text, "meta": {}, "spans": [span], "relations": [],
           "doc_labels": [], "notes": [], "status": {}}
    report = LossReport()
    export_brat([doc], tmp_path / "out", report)
    assert report.lines() == ["left out 3 attribute values that are empty or hold a tab or line break "
                              "(a brat value is the rest of one line)"]
    (back,) = read_brat([tmp_path / "out"], ReadOptions(), LossReport())
    assert back["spans"][0]["attrs"] == {"name": "New York City", "roles": ["host city", "venue"]}


def test_binary_flags_tails_and_broken_attribute_lines(tmp_path: Path) -> None:
    (tmp_path / "d.txt").write_text("Putin spoke.", encoding="utf-8")
    ann = tmp_path / "d.ann"
    ann.write_text("T1\tACTOR 0 5\tPutin\nA1\tNegated T1\nA2\tManner T1 very  calm\tbrat ignores this\n"
                   "M3\tOld T1\n", encoding="utf-8")
    report = LossReport()
    (doc,) = read_brat([tmp_path], ReadOptions(), report)
    assert doc["spans"][0]["attrs"] == {"Negated": True, "Manner": "very  calm", "Old": True}
    assert report.lines() == ["left out 1 texts after a second tab of brat attribute lines (brat ignores them)"]
    ann.write_text("T1\tACTOR 0 5\tPutin\nA1\tNegated\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"E840.*line 2: an attribute needs a name and the id it describes"):
        list(read_brat([tmp_path], ReadOptions(), LossReport()))
    ann.write_text("T1\tACTOR 0 5\tPutin\nA1\tManner T9 very calm\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"E843.*'T9'"):
        list(read_brat([tmp_path], ReadOptions(), LossReport()))


def test_spaced_values_are_stored_in_the_project(project: Project, tmp_path: Path) -> None:
    report = import_files(project, [_tdt_with_spaced_values(tmp_path / "in")])
    assert not report.refused and report.files[0].spans == 74
    stored = {s["start"]: s["attrs"] for doc in select_documents(project, ExportOptions()) for s in doc["spans"]}
    (doc,) = read_brat([tmp_path / "in"], ReadOptions(), LossReport())
    assert all(stored[s["start"]] == s["attrs"] for s in doc["spans"])
    assert sorted(v for attrs in stored.values() for k, v in attrs.items() if k.startswith("GLOSS")) \
        == sorted(SPACED)


@pytest.mark.slow
def test_cli_imports_and_exports_spaced_values_without_a_traceback(tmp_path: Path) -> None:
    source = _tdt_with_spaced_values(tmp_path / "in")
    db, out = tmp_path / "p.db", tmp_path / "out"

    def annotator(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], capture_output=True,
                              text=True, timeout=120)

    imported = annotator("import", db, source, "--format", "brat")
    assert imported.returncode == 0, imported.stderr
    exported = annotator("export", db, out, "--format", "brat")
    assert exported.returncode == 0, exported.stderr
    for run in (imported, exported):
        assert "Traceback" not in run.stderr and "E840" not in run.stderr
    written = (out / "wn071.ann").read_text(encoding="utf-8")
    assert all(f" {value}\n" in written for value in SPACED)
