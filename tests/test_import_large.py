"""Real-sized material: a 10 MB article imports whole (under the default size limits), reads back
unchanged, takes annotations, and agreement computes on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.corpus.importer import import_paths
from annotator.review.agreement import agreement
from annotator.review.corpus import AgreementOptions
from annotator.store import Project


@pytest.mark.slow
def test_ten_megabyte_document_imports_and_opens(project: Project, tmp_path: Path) -> None:
    paragraph = ("Лукашэнка 😀 said the Kremlin would use all available forces and means to defend "
                 "the Union State, while Minsk insisted on its sovereignty. ") * 20 + "\r\n"
    text = paragraph * (10_000_000 // len(paragraph) + 1)
    source = tmp_path / "huge.txt"
    source.write_text(text, encoding="utf-8", newline="")
    assert source.stat().st_size > 10_000_000
    report = import_paths(project, [source])
    assert not report.failures
    document = project.documents.get(report.imported[0].id)
    assert document.text == text.replace("\r\n", "\n")
    start = document.text.rindex("Minsk")
    span = project.annotations.add_span(document.id, start, start + 5, "ACTOR", "alice")
    assert document.text[span.start:span.end] == "Minsk"

    for offset, annotator in ((0, "alice"), (0, "bob"), (len(paragraph), "bob")):
        begin = document.text.index("Kremlin", offset)
        project.annotations.add_span(document.id, begin, begin + 7, "ACTOR", annotator)
    report = agreement(project, AgreementOptions(observed="with-spans"))  # not marked done by both
    assert report.documents == 1 and report.annotators == ("alice", "bob")
    assert report.alpha_u.value is not None and 0 < report.alpha_u.value < 1  # one span agreed, the others in one layer only
