"""Plain-text and Markdown files: one document per file, the whole file is the text."""

from __future__ import annotations

from pathlib import Path

from annotator.corpus.decode import read_text
from annotator.corpus.drafts import DocumentDraft, ReadOptions
from annotator.corpus.titles import title_from_text


def read_plain(path: Path, options: ReadOptions) -> list[DocumentDraft]:
    """Read a .txt or .md file. Markdown is stored as written (marks included): analysts
    annotate the source as published, and rendering would move every offset."""
    source = str(path)
    text = read_text(source, options.limits)
    options.limits.check_document(text, source)
    stem = path.stem
    return [DocumentDraft(text=text, title=title_from_text(text) or stem, name=stem, source=source, meta={})]
