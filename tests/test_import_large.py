"""Real-sized material: a 10 MB article imports whole and reads back unchanged."""

from __future__ import annotations

from pathlib import Path

from annotator.corpus.importer import import_paths
from annotator.store import Project


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
