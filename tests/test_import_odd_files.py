"""Files a careless user or an attacker hands to 'annotator import': names that are not UTF-8,
pipes and devices, impossible dates, and reruns that skip everything. Each is refused by name
with a catalogue message (the rest imported), never hangs and never shows a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from annotator.corpus.dates import is_published_date
from annotator.corpus.readers import read_file
from annotator.errors import UserError
from annotator.store import Project
from tests.cli_runs import Outcome
from tests.cli_runs import run_here as cli

LATIN1_NAME = os.fsdecode(b"caf\xe9.txt")  # a Latin-1 file name, as Python sees it on a UTF-8 system
GOOD_TEXT = "A good article about Minsk and Moscow.\n"


def run_cli(*args: str) -> Outcome:
    """The command, in this process (``tests/cli_runs.py``: a hang fails the run by its alarm)."""
    result = cli(*args)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def names_in(project: Path) -> list[str]:
    if not project.exists():
        return []
    with Project.open(project, create=False) as opened:
        return sorted(row["name"] for row in opened.documents.overview())


def test_a_file_name_that_is_not_utf8_is_refused_by_name_and_the_folder_imported(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / LATIN1_NAME).write_text("Un article sur Minsk et Moscou.\n", encoding="utf-8")
    (folder / os.fsdecode(b"x\xe9.jsonl")).write_text('{"text": "A record about Kyiv.", "spans": []}\n')
    (folder / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    project = tmp_path / "p.db"
    result = run_cli("import", str(project), str(folder))
    assert result.returncode == 1
    assert result.stderr.count("[E340]") == 2
    assert "caf\\xe9.txt" in result.stderr and "x\\xe9.jsonl" in result.stderr  # the odd byte shown, not mangled
    assert "Imported 1 document into" in result.stdout
    assert names_in(project) == ["good"]


def test_dataset_folders_leave_out_files_with_undecodable_names(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    record = {"id": "kept", "text": "A record about Kyiv.", "spans": []}
    (folder / "kept.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    (folder / os.fsdecode(b"x\xe9.jsonl")).write_text(json.dumps(record | {"id": "odd", "text": "Other."}) + "\n")
    project = tmp_path / "p.db"
    result = run_cli("import", str(project), str(folder), "--format", "jsonl")
    assert result.returncode == 1
    assert "[E340]" in result.stderr and "x\\xe9.jsonl" in result.stderr
    assert names_in(project) == ["kept"]
    brat = tmp_path / "brat"
    brat.mkdir()
    (brat / "doc.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (brat / "doc.ann").write_text("", encoding="utf-8")
    (brat / os.fsdecode(b"\xe9t\xe9.txt")).write_text(GOOD_TEXT + "more", encoding="utf-8")
    refused = run_cli("import", str(project), str(brat), "--format", "brat")
    assert refused.returncode == 1 and "[E882]" in refused.stderr and "\\xe9t\\xe9.txt" in refused.stderr
    assert names_in(project) == ["kept"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_pipes_and_devices_are_called_what_they_are_and_never_opened(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.jsonl").symlink_to("/dev/zero")
    (folder / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    project = tmp_path / "p.db"
    result = run_cli("import", str(project), str(folder))
    assert result.returncode == 1
    assert "pipe.txt: it is a named pipe (FIFO), not a regular file" in result.stderr
    assert "zero.jsonl: it is a character device, not a regular file (it is a link to /dev/zero)" in result.stderr
    assert names_in(project) == ["good"]

    os.mkfifo(tmp_path / "pipe")  # named directly, without a corpus suffix: not "unsupported", but a pipe
    direct = run_cli("import", str(project), str(tmp_path / "pipe"))
    assert direct.returncode == 1 and "[E341]" in direct.stderr and "named pipe" in direct.stderr
    assert "[E302]" not in direct.stderr
    for args in (["--format", "jsonl", str(folder / "pipe.txt")], ["--format", "jsonl", str(folder)]):
        dataset = run_cli("import", str(project), *args)
        assert dataset.returncode == 1 and "[E341]" in dataset.stderr, args
    brat = tmp_path / "brat"
    brat.mkdir()
    (brat / "doc.txt").write_text(GOOD_TEXT, encoding="utf-8")
    os.mkfifo(brat / "doc.ann")
    folder_format = run_cli("import", str(project), str(brat), "--format", "brat")
    assert folder_format.returncode == 1 and "[E882]" in folder_format.stderr and "doc.ann" in folder_format.stderr
    assert names_in(project) == ["good"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_the_reader_refuses_a_pipe_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")  # nobody writes to it: opening it for reading would wait forever
    with pytest.raises(UserError, match=r"E341.*named pipe"):
        read_file(tmp_path / "pipe.txt")


@pytest.mark.parametrize("value", ["2024", "2024-03", "2024-03-31", "2024-03-31T14:05:00Z", "2024-03-31 14:05",
                                   "2024-02-29T23:59:59.123456+01:00"])
def test_iso_dates_and_times_are_published_dates(value: str) -> None:
    assert is_published_date(value)


@pytest.mark.parametrize("value", ["2024-13-45", "2023-02-29", "10.03.2014", "March 2024", "2024-3-1", "0000",
                                   "2024-03-31T25:00", "2024-03-31T", "20240331"])
def test_impossible_or_ambiguous_dates_are_not(value: str) -> None:
    assert not is_published_date(value)


def test_a_bad_published_date_refuses_its_file_naming_line_and_row(tmp_path: Path) -> None:
    lines = [{"id": "fine", "text": "A fine article about Minsk.", "published": " 2024-03-01 "},
             {"id": "bad", "text": "An article from no real day.", "published": "2024-13-45"}]
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    (tmp_path / "b.csv").write_text("text,date\nAn article from Kyiv.,2023-02-29\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text("text,published\nAn article from Vilnius.,2024-03-31T09:30:00Z\n",
                                    encoding="utf-8")
    project = tmp_path / "p.db"
    result = run_cli("import", str(project), str(tmp_path / "a.jsonl"), str(tmp_path / "b.csv"), str(tmp_path / "c.csv"))
    assert result.returncode == 1
    assert "[E342] " + str(tmp_path / "a.jsonl") + ", line 2: \"published\" is '2024-13-45'" in result.stderr
    assert str(tmp_path / "b.csv") + ", row 1 (line 2): \"date\" is '2023-02-29'" in result.stderr
    assert names_in(project) == ["c-1"]  # nothing of a refused file, not even its good line
    found = run_cli("search", str(project), "Vilnius", "--from", "2024-03", "--to", "2024-03", "--json")
    assert [json.loads(line)["published"] for line in found.stdout.splitlines()] == ["2024-03-31T09:30:00Z"]
    (tmp_path / "a.jsonl").write_text(json.dumps(lines[0]) + "\n", encoding="utf-8")
    assert run_cli("import", str(project), str(tmp_path / "a.jsonl")).returncode == 0
    with Project.open(project, create=False) as opened:
        stored = {opened.documents.get(doc_id).name: opened.documents.get(doc_id).published
                  for doc_id in opened.documents.ids()}
    assert stored["fine"] == "2024-03-01"  # stored without the spaces, so it compares as a date


def test_a_rerun_import_summarises_the_skipped_duplicates(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(12):
        (folder / f"a{number:02d}.txt").write_text(f"Article number {number} about Minsk.\n", encoding="utf-8")
    project = tmp_path / "p.db"
    assert run_cli("import", str(project), str(folder)).returncode == 0
    rerun = run_cli("import", str(project), str(folder))
    assert rerun.returncode == 0
    assert rerun.stderr.count("skipped duplicate:") == 5
    assert "… and 7 more duplicates skipped; add --verbose to list them all." in rerun.stderr
    assert "Imported 0 documents into" in rerun.stdout and "(12 duplicates skipped)" in rerun.stdout
    verbose = run_cli("import", str(project), str(folder), "--verbose")
    assert verbose.stderr.count("skipped duplicate:") == 12 and "more duplicates" not in verbose.stderr


def test_a_dataset_import_checks_published_dates_as_the_corpus_import_does(tmp_path: Path) -> None:
    bad = {"id": "bad", "text": "A canonical document from no real day.", "meta": {"published": "2024-13-45"}}
    good = {"id": "good", "text": "A canonical document about Minsk.", "meta": {"published": " 2024-03-01 "}}
    (tmp_path / "bad.jsonl").write_text(json.dumps(bad) + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    (tmp_path / "good.jsonl").write_text(json.dumps(good) + "\n", encoding="utf-8")
    project = tmp_path / "p.db"
    refused = run_cli("import", str(project), str(tmp_path / "bad.jsonl"), "--format", "jsonl")
    assert refused.returncode == 1 and "[E812]" in refused.stderr and "'2024-13-45'" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert names_in(project) == []
    assert run_cli("import", str(project), str(tmp_path / "good.jsonl"), "--format", "jsonl").returncode == 0
    with Project.open(project, create=False) as opened:
        assert [opened.documents.get(doc_id).published for doc_id in opened.documents.ids()] == ["2024-03-01"]
