"""Choosing a CoNLL file's tag column: by number or by the name in a header line, the last by default.

An evaluation file often holds ``token POS gold pred``: by default the last column (the
prediction) is read, as before; ``--tag-column gold`` (or 3, or -2) reads the gold tags. A
header is a first line whose columns are names, not tags, or CoNLL-U Plus's
``# global.columns = …``; it is counted in the report, never taken as a token. A wrong choice
is refused with a catalogue message naming the file, in the real command without a traceback.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotator.errors import UserError
from annotator.formats.base import LossReport, ReadOptions
from annotator.formats.conll import read_conll
from annotator.store import Project

EVALUATION = ("token POS gold pred\n"
              "Angela NNP B-PER B-PER\nMerkel NNP I-PER O\nvisited VBD O O\nParis NNP B-LOC B-ORG\n")
GOLD = [("Angela Merkel", "PER"), ("Paris", "LOC")]
PREDICTED = [("Angela", "PER"), ("Paris", "ORG")]


def _read(tmp_path: Path, content: str, column: str | None) -> tuple[list[tuple[str, str]], list[str]]:
    path = tmp_path / "eval.conll"
    path.write_text(content, encoding="utf-8")
    report = LossReport()
    [doc] = read_conll([path], ReadOptions(tag_column=column), report)
    return [(span["text"], span["label"]) for span in doc["spans"]], report.lines()


@pytest.mark.parametrize(("column", "expected"), [
    (None, PREDICTED), ("pred", PREDICTED), ("gold", GOLD), ("GOLD", GOLD), ("3", GOLD), ("-2", GOLD), ("-1", PREDICTED),
])
def test_the_tag_column_by_number_or_name(tmp_path: Path, column: str | None, expected: list[tuple[str, str]]) -> None:
    spans, lines = _read(tmp_path, EVALUATION, column)
    assert spans == expected
    assert lines == ["left out 1 header lines (column names, not tokens)"]


def test_conll_u_plus_global_columns(tmp_path: Path) -> None:
    content = "# global.columns = FORM UPOS GOLD PRED\n" + EVALUATION.split("\n", 1)[1]
    assert _read(tmp_path, content, "gold")[0] == GOLD


def test_without_a_header_numbers_still_work(tmp_path: Path) -> None:
    content = EVALUATION.split("\n", 1)[1]
    spans, lines = _read(tmp_path, content, "3")
    assert spans == GOLD and lines == []
    with pytest.raises(UserError, match=r"^\[E1141\] .*eval\.conll: there is no column named 'gold' \(the file has "
                                        r"no header line\)"):
        _read(tmp_path, content, "gold")


@pytest.mark.parametrize(("column", "code", "words"), [
    ("nerd", "E1141", "its columns are token, POS, gold, pred"),
    ("5", "E1140", "line 2: there is no tag column 5 (this line has 4 columns"),
    ("-5", "E1140", "line 2: there is no tag column -5"),
    ("1", "E1142", "the first column is the token"),
    ("token", "E1142", "the first column is the token"),
    ("-4", "E1142", "the first column is the token"),
    ("0", "E1142", "columns count from 1"),
    ("POS", "E850", "'NNP' is not a BIO tag"),
])
def test_a_wrong_choice_is_refused(tmp_path: Path, column: str, code: str, words: str) -> None:
    with pytest.raises(UserError) as refused:
        _read(tmp_path, EVALUATION, column)
    assert str(refused.value).startswith(f"[{code}]") and words in str(refused.value)


@pytest.mark.slow  # two runs of the real executable
def test_the_command_takes_tag_column(tmp_path: Path) -> None:
    source = tmp_path / "eval.conll"
    source.write_text(EVALUATION, encoding="utf-8")
    location = tmp_path / "p.db"

    def annotator(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "annotator", "import", str(location), str(source), *args],
                              capture_output=True, text=True, timeout=120)

    wrong = annotator("--format", "conll", "--tag-column", "nerd")
    assert wrong.returncode == 1 and "[E1141]" in wrong.stderr and "Traceback" not in wrong.stderr
    done = annotator("--format", "conll", "--tag-column", "gold")
    assert done.returncode == 0, done.stderr
    assert "left out 1 header lines (column names, not tokens)" in done.stderr
    assert "2 spans" in done.stdout
    with Project.open(location, create=False) as project:
        [doc_id] = project.documents.ids()
        text = project.documents.get(doc_id).text
        spans = sorted((span.start, span.end, span.label) for span in project.annotations.spans(doc_id))
    assert [(text[start:end], label) for start, end, label in spans] == GOLD
