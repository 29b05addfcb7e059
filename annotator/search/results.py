"""Search results as a concordance (keyword in context), and their CSV export.

One row per hit: the words before it, the hit, the words after, and where it is. The CLI prints
these rows, the GUI's table shows them, and both export the same CSV through ``write_csv``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from annotator.output_files import NO_PROJECT, ProtectedPaths, output_file
from annotator.spreadsheet_cells import neutralise

CSV_COLUMNS = ("document_id", "document", "title", "published", "start", "end", "left", "hit", "right",
               "span_id", "label", "annotator", "layer", "actor")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One concordance row. ``start``/``end`` are code-point offsets into the document's text
    (end exclusive), so ``text[start:end]`` is the hit; ``left``/``hit``/``right`` are for
    reading, with line breaks shown as spaces. The span fields are set for span hits only."""

    doc_id: int
    doc_name: str
    title: str
    published: str | None
    start: int
    end: int
    left: str
    hit: str
    right: str
    span_id: int | None = None
    label: str | None = None
    annotator: str | None = None
    layer: str | None = None
    actor: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SearchResult:
    """The hits found (at most the limit asked for) and what they came from."""

    hits: list[SearchHit] = field(default_factory=list)
    documents: int = 0  # documents with at least one of these hits
    truncated: bool = False  # the limit was reached; there are more hits

    def summary(self) -> str:
        """"12 hits in 3 documents", or the first-N wording when the limit cut the list."""
        hits = len(self.hits)
        noun = "hit" if hits == 1 else "hits"
        docs = "document" if self.documents == 1 else "documents"
        if self.truncated:
            return f"first {hits} {noun} (in {self.documents} {docs}); there are more: narrow the search or raise the limit"
        return f"{hits} {noun} in {self.documents} {docs}"


def concordance_hit(text: str, start: int, end: int, width: int) -> tuple[str, str, str]:
    """(left context, hit, right context) for text[start:end], ``width`` characters each side."""
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    return _SPACE.sub(" ", left), _SPACE.sub(" ", text[start:end]), _SPACE.sub(" ", right)


def write_csv(hits: list[SearchHit], path: Path, *, protected: ProtectedPaths = NO_PROJECT,
              force: bool = False) -> None:
    """The hits as CSV (UTF-8 with a byte-order mark, so spreadsheets read Cyrillic right);
    cells that a spreadsheet would evaluate as formulas are neutralised. Written through
    ``output_files``: never onto the project (``protected``), an existing file only with ``force``."""
    with output_file(path, protected, force=force, encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for hit in hits:
            writer.writerow([
                hit.doc_id, neutralise(hit.doc_name), neutralise(hit.title), hit.published or "",
                hit.start, hit.end, neutralise(hit.left), neutralise(hit.hit), neutralise(hit.right),
                "" if hit.span_id is None else hit.span_id, neutralise(hit.label or ""),
                neutralise(hit.annotator or ""), hit.layer or "", neutralise(hit.actor or ""),
            ])
